/**
 * The read-only graph a selection resolves against, built once per definitions load and queried
 * many times. Assets get dense ids in key order; edges are stored as compressed adjacency arrays
 * (offsets + targets) in both directions, and tags, groups, owners and kinds as posting lists, so
 * resolving over 100k assets touches typed arrays rather than maps of strings.
 */
import { InvariantError } from '../errors/index.js';
import { AssetSet } from './asset-set.js';

/** What selection needs to know about one asset. */
export interface SelectableAsset {
  /** Printed asset key (`namespace/name` or `name`). */
  readonly key: string;
  /** Upstream asset keys; each must be an asset of the same graph. */
  readonly deps: readonly string[];
  readonly group?: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly owners: readonly string[];
  readonly kinds: readonly string[];
  /** An external (source) asset: selected only when named exactly, or when externals are included. */
  readonly external?: boolean;
}

/** Compressed adjacency: the neighbours of id `i` are `targets[offsets[i] … offsets[i + 1])`. */
export interface Adjacency {
  readonly offsets: Int32Array;
  readonly targets: Int32Array;
}

type Postings = ReadonlyMap<string, readonly number[]>;

export class AssetSelectionIndex {
  /** Every key in ascending code-unit order; an asset's id is its position here. */
  readonly keys: readonly string[];
  readonly parents: Adjacency;
  readonly children: Adjacency;
  private readonly idByKey: ReadonlyMap<string, number>;
  private readonly tagPostings: ReadonlyMap<string, Postings>;
  private readonly groupPostings: Postings;
  private readonly ownerPostings: Postings;
  private readonly kindPostings: Postings;
  private readonly assets: readonly SelectableAsset[];
  /** The external assets, which broad selections leave out. */
  readonly externals: AssetSet;

  private constructor(sorted: readonly SelectableAsset[]) {
    this.assets = sorted;
    this.keys = sorted.map((asset) => asset.key);
    this.idByKey = new Map(this.keys.map((key, id) => [key, id]));
    const parentIds = sorted.map((asset) => [...new Set(asset.deps)].map((dep) => this.requireId(dep, asset.key)));
    this.parents = toAdjacency(parentIds);
    const childIds: number[][] = sorted.map(() => []);
    parentIds.forEach((parents, child) => parents.forEach((parent) => childIds[parent]?.push(child)));
    this.children = toAdjacency(childIds);
    const tags = new Map<string, Map<string, number[]>>();
    const groups = new Map<string, number[]>();
    const owners = new Map<string, number[]>();
    const kinds = new Map<string, number[]>();
    sorted.forEach((asset, id) => {
      for (const [key, value] of Object.entries(asset.tags)) {
        let byValue = tags.get(key);
        if (byValue === undefined) tags.set(key, (byValue = new Map()));
        post(byValue, value, id);
      }
      if (asset.group !== undefined) post(groups, asset.group, id);
      for (const owner of new Set(asset.owners)) post(owners, owner, id);
      for (const kind of new Set(asset.kinds)) post(kinds, kind, id);
    });
    this.tagPostings = tags;
    this.groupPostings = groups;
    this.ownerPostings = owners;
    this.kindPostings = kinds;
    this.externals = AssetSet.empty(sorted.length);
    sorted.forEach((asset, id) => {
      if (asset.external === true) this.externals.add(id);
    });
  }

  /**
   * Indexes `assets`. Keys must be unique and every dependency must be one of the keys (the
   * definitions loader validates both); a broken promise throws `InvariantError`.
   */
  static build(assets: readonly SelectableAsset[]): AssetSelectionIndex {
    const sorted = [...assets].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    for (let i = 1; i < sorted.length; i += 1) {
      const key = (sorted[i] as SelectableAsset).key;
      if (key === (sorted[i - 1] as SelectableAsset).key) throw new InvariantError('unique asset keys', `"${key}" twice`);
    }
    return new AssetSelectionIndex(sorted);
  }

  get size(): number {
    return this.keys.length;
  }

  /** The id of `key`, or undefined when the graph has no such asset. */
  idOf(key: string): number | undefined {
    return this.idByKey.get(key);
  }

  /** Ids `[from, to)` of the keys starting with `prefix` (keys are sorted, so they are adjacent). */
  prefixRange(prefix: string): readonly [number, number] {
    const from = lowerBound(this.keys, prefix);
    let to = from;
    // Callers scan the range anyway, so finding its end by walking costs nothing extra.
    while (to < this.keys.length && (this.keys[to] as string).startsWith(prefix)) to += 1;
    return [from, to];
  }

  /** Assets with tag `key` (any value when `value` is null). */
  withTag(key: string, value: string | null): AssetSet {
    const byValue = this.tagPostings.get(key);
    const set = AssetSet.empty(this.size);
    if (byValue === undefined) return set;
    if (value !== null) return addAll(set, byValue.get(value));
    for (const ids of byValue.values()) addAll(set, ids);
    return set;
  }

  withGroup(group: string): AssetSet {
    return addAll(AssetSet.empty(this.size), this.groupPostings.get(group));
  }

  withOwner(owner: string): AssetSet {
    return addAll(AssetSet.empty(this.size), this.ownerPostings.get(owner));
  }

  withKind(kind: string): AssetSet {
    return addAll(AssetSet.empty(this.size), this.kindPostings.get(kind));
  }

  /** Assets for which `lacks` holds (`<null>` filters: no group, no owners, no kinds, no tags). */
  without(lacks: (asset: SelectableAsset) => boolean): AssetSet {
    const set = AssetSet.empty(this.size);
    this.assets.forEach((asset, id) => {
      if (lacks(asset)) set.add(id);
    });
    return set;
  }

  private requireId(key: string, dependent: string): number {
    const id = this.idByKey.get(key);
    if (id === undefined) throw new InvariantError(`dependencies of "${dependent}" to be assets`, `unknown "${key}"`);
    return id;
  }
}

function post(postings: Map<string, number[]>, value: string, id: number): void {
  const ids = postings.get(value);
  if (ids === undefined) postings.set(value, [id]);
  else ids.push(id);
}

function addAll(set: AssetSet, ids: readonly number[] | undefined): AssetSet {
  for (const id of ids ?? []) set.add(id);
  return set;
}

function toAdjacency(lists: readonly (readonly number[])[]): Adjacency {
  const offsets = new Int32Array(lists.length + 1);
  lists.forEach((list, i) => (offsets[i + 1] = (offsets[i] as number) + list.length));
  const targets = new Int32Array(offsets[lists.length] as number);
  lists.forEach((list, i) => targets.set(list, offsets[i] as number));
  return { offsets, targets };
}

/** First index whose key is >= `value`. */
function lowerBound(keys: readonly string[], value: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((keys[mid] as string) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
