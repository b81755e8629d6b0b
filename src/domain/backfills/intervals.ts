/**
 * Sets of partition positions as sorted, disjoint, non-touching half-open intervals `[from, to)`.
 * A backfill remembers which positions of a unit are done (or failed) this way, so its state grows
 * with the number of gaps, not with the number of partitions: chunks finish roughly in order, and
 * adjacent chunks merge into one interval.
 */

export type Interval = [from: number, to: number];

/** The set with `[from, to)` added (a new array; the input is not changed). */
export function addInterval(set: readonly Interval[], from: number, to: number): Interval[] {
  if (to <= from) return [...set];
  const out: Interval[] = [];
  let start = from;
  let end = to;
  let placed = false;
  for (const [a, b] of set) {
    if (b < start) out.push([a, b]);
    else if (a > end) {
      if (!placed) {
        out.push([start, end]);
        placed = true;
      }
      out.push([a, b]);
    } else {
      start = Math.min(start, a);
      end = Math.max(end, b);
    }
  }
  if (!placed) out.push([start, end]);
  return out;
}

/** Whether `position` is in the set (binary search). */
export function containsPosition(set: readonly Interval[], position: number): boolean {
  let low = 0;
  let high = set.length - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    const [a, b] = set[mid] as Interval;
    if (position < a) high = mid - 1;
    else if (position >= b) low = mid + 1;
    else return true;
  }
  return false;
}

/** How many positions the set holds. */
export function intervalsSize(set: readonly Interval[]): number {
  let size = 0;
  for (const [a, b] of set) size += b - a;
  return size;
}
