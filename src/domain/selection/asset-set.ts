/**
 * A set of assets as a bitset over the index's asset ids. Ids are ranks in key order, so walking
 * the bits in order yields keys already sorted, and `and`/`or`/`not` cost one pass over
 * `size / 32` words whatever the selection's size.
 */
export class AssetSet {
  private constructor(
    /** Number of assets in the graph (ids are 0 … size - 1). */
    readonly size: number,
    private readonly words: Uint32Array,
  ) {}

  static empty(size: number): AssetSet {
    return new AssetSet(size, new Uint32Array(Math.ceil(size / 32)));
  }

  static full(size: number): AssetSet {
    return AssetSet.empty(size).invert();
  }

  static of(size: number, ids: Iterable<number>): AssetSet {
    const set = AssetSet.empty(size);
    for (const id of ids) set.add(id);
    return set;
  }

  has(id: number): boolean {
    return ((this.words[id >>> 5] as number) & (1 << (id & 31))) !== 0;
  }

  add(id: number): void {
    this.words[id >>> 5] = (this.words[id >>> 5] as number) | (1 << (id & 31));
  }

  /** Keeps only members of `other` (in place); returns this set. */
  and(other: AssetSet): AssetSet {
    for (let i = 0; i < this.words.length; i += 1) this.words[i] = (this.words[i] as number) & (other.words[i] as number);
    return this;
  }

  /** Adds the members of `other` (in place); returns this set. */
  or(other: AssetSet): AssetSet {
    for (let i = 0; i < this.words.length; i += 1) this.words[i] = (this.words[i] as number) | (other.words[i] as number);
    return this;
  }

  /** Removes the members of `other` (in place); returns this set. */
  subtract(other: AssetSet): AssetSet {
    for (let i = 0; i < this.words.length; i += 1) this.words[i] = (this.words[i] as number) & ~(other.words[i] as number);
    return this;
  }

  /** Complements the set within the graph (in place); returns this set. */
  invert(): AssetSet {
    for (let i = 0; i < this.words.length; i += 1) this.words[i] = ~(this.words[i] as number) >>> 0;
    const spare = this.words.length * 32 - this.size;
    // Bits past the last id must stay clear, or they would read as assets that do not exist.
    if (spare > 0) this.words[this.words.length - 1] = (this.words[this.words.length - 1] as number) & (0xffffffff >>> spare);
    return this;
  }

  copy(): AssetSet {
    return new AssetSet(this.size, this.words.slice());
  }

  /** Member ids in ascending order. */
  ids(): number[] {
    const out: number[] = [];
    for (let w = 0; w < this.words.length; w += 1) {
      let word = this.words[w] as number;
      while (word !== 0) {
        const low = word & -word;
        out.push(w * 32 + (31 - Math.clz32(low)));
        word ^= low;
      }
    }
    return out;
  }
}
