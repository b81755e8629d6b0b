/**
 * Compact sets of partitions, so partition status grows with the number of runs of consecutive
 * partitions rather than with the number of partitions (SEMANTICS §8):
 *
 * - a window set: sorted, disjoint, non-touching time windows `[startMs, endMs)`; adding a window
 *   that ends where the next starts merges them into one;
 * - a key set: sorted unique keys, for partitions without a time window (static, dynamic, multi);
 * - index ranges: sorted, disjoint, non-touching `[from, to)` positions in definition order, the
 *   form a status view counts and compares in without listing keys.
 *
 * Every function is pure and returns a new array; inputs are never changed.
 */
import { countTicks, nthTickFrom } from '../cron/index.js';
import type { PartitionsContext, PartitionsDefinition, TimeWindowPartitionsDefinition } from './definition.js';
import { keyedOf } from './operations.js';
import { compileTimeWindow, keyOfTick, tickAtIndex, windowIndexAtOrAfter } from './time-window.js';

/** A time window `[startMs, endMs)` in epoch milliseconds. */
export type WindowSpan = readonly [number, number];
/** Positions `[from, to)` in definition order. */
export type IndexRange = readonly [number, number];

/** Index of the first span whose end is at or after `at` (binary search; spans are sorted). */
function firstEndingAtOrAfter(spans: readonly (readonly [number, number])[], at: number): number {
  let lo = 0;
  let hi = spans.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((spans[mid] as readonly [number, number])[1] < at) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Adds `[start, end)` to sorted non-touching spans, merging every span it overlaps or touches. */
function addSpan<T extends readonly [number, number]>(spans: readonly T[], start: number, end: number): [number, number][] {
  const out = spans.map((s) => [s[0], s[1]] as [number, number]);
  if (start >= end) return out;
  const from = firstEndingAtOrAfter(spans, start);
  let to = from;
  let lo = start;
  let hi = end;
  while (to < out.length && (out[to] as [number, number])[0] <= end) {
    const [s, e] = out[to] as [number, number];
    lo = Math.min(lo, s);
    hi = Math.max(hi, e);
    to += 1;
  }
  out.splice(from, to - from, [lo, hi]);
  return out;
}

/** Removes `[start, end)` from sorted spans, splitting a span that contains it. */
function removeSpan<T extends readonly [number, number]>(spans: readonly T[], start: number, end: number): [number, number][] {
  const out: [number, number][] = [];
  for (const [s, e] of spans) {
    if (e <= start || s >= end) {
      out.push([s, e]);
      continue;
    }
    if (s < start) out.push([s, start]);
    if (e > end) out.push([end, e]);
  }
  return out;
}

/** The window set with `[startMs, endMs)` added (merged with the windows it overlaps or touches). */
export function addWindow(windows: readonly WindowSpan[], startMs: number, endMs: number): [number, number][] {
  return addSpan(windows, startMs, endMs);
}

/** The window set without `[startMs, endMs)`; a window that contains it is split in two. */
export function removeWindow(windows: readonly WindowSpan[], startMs: number, endMs: number): [number, number][] {
  const from = firstEndingAtOrAfter(windows, startMs + 1);
  const first = windows[from];
  // Nothing overlaps: keep the array (the common case when a partition was not in the set).
  if (first === undefined || first[0] >= endMs) return windows.map((w) => [w[0], w[1]]);
  return removeSpan(windows, startMs, endMs);
}

function keyPosition(keys: readonly string[], key: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((keys[mid] as string) < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The sorted key set with `key` added. */
export function addKey(keys: readonly string[], key: string): string[] {
  const at = keyPosition(keys, key);
  const out = [...keys];
  if (keys[at] !== key) out.splice(at, 0, key);
  return out;
}

/** The sorted key set without `key`. */
export function removeKey(keys: readonly string[], key: string): string[] {
  const at = keyPosition(keys, key);
  const out = [...keys];
  if (keys[at] === key) out.splice(at, 1);
  return out;
}

/** Sorted, merged index ranges from any ranges (empty ones dropped). */
export function normalizeIndexRanges(ranges: readonly IndexRange[]): [number, number][] {
  const sorted = ranges.filter(([from, to]) => from < to).sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const [from, to] of sorted) {
    const last = out[out.length - 1];
    if (last && from <= last[1]) last[1] = Math.max(last[1], to);
    else out.push([from, to]);
  }
  return out;
}

/** Index ranges of a list of positions (any order, repeats allowed). */
export function indexRangesOf(positions: Iterable<number>): [number, number][] {
  return normalizeIndexRanges([...positions].map((p) => [p, p + 1] as const));
}

export function unionIndexRanges(a: readonly IndexRange[], b: readonly IndexRange[]): [number, number][] {
  return normalizeIndexRanges([...a, ...b]);
}

/** Positions in `a` and not in `b`; both normalized. */
export function subtractIndexRanges(a: readonly IndexRange[], b: readonly IndexRange[]): [number, number][] {
  const out: [number, number][] = [];
  let j = 0;
  for (const [from, to] of a) {
    let start = from;
    while (j < b.length && (b[j] as IndexRange)[1] <= start) j += 1;
    let k = j;
    while (k < b.length && (b[k] as IndexRange)[0] < to) {
      const [bs, be] = b[k] as IndexRange;
      if (bs > start) out.push([start, bs]);
      start = Math.max(start, be);
      if (be >= to) break;
      k += 1;
    }
    if (start < to) out.push([start, to]);
  }
  return out;
}

/** Positions in both `a` and `b`; both normalized. */
export function intersectIndexRanges(a: readonly IndexRange[], b: readonly IndexRange[]): [number, number][] {
  const out: [number, number][] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const [as, ae] = a[i] as IndexRange;
    const [bs, be] = b[j] as IndexRange;
    const lo = Math.max(as, bs);
    const hi = Math.min(ae, be);
    if (lo < hi) out.push([lo, hi]);
    if (ae < be) i += 1;
    else j += 1;
  }
  return out;
}

/** Positions `[0, total)` not in `ranges` (normalized). */
export function complementIndexRanges(ranges: readonly IndexRange[], total: number): [number, number][] {
  return subtractIndexRanges(total > 0 ? [[0, total]] : [], ranges);
}

/** How many positions the (normalized) ranges hold. */
export function countIndexRanges(ranges: readonly IndexRange[]): number {
  return ranges.reduce((sum, [from, to]) => sum + (to - from), 0);
}

/**
 * Positions `[from, to)` (clipped to `[0, total)`) of the windows of a time-window definition that
 * lie wholly inside each span, by tick arithmetic: a span of a million windows costs what one does.
 * Spans are sorted, so ticks are counted from the previous span's end rather than from the first
 * window: a thousand spans over a century walk the century once.
 */
export function timeWindowSpanPositions(definition: TimeWindowPartitionsDefinition, spans: readonly WindowSpan[], total: number): [number, number][] {
  const c = compileTimeWindow(definition);
  let anchorMs = c.firstTickMs;
  let anchorIndex = 0;
  // Windows before an instant: ticks in [firstTick, ms), negative before the first window.
  const windowsBefore = (ms: number): number => {
    if (ms < anchorMs) return windowIndexAtOrAfter(c, ms);
    anchorIndex += countTicks(c.sequence, anchorMs, ms);
    anchorMs = ms;
    return anchorIndex;
  };
  const out: [number, number][] = [];
  for (const [startMs, endMs] of spans) {
    // Window i ends at tick i + 1: the windows inside [startMs, endMs) start at or after startMs
    // and end at or before endMs, i.e. come before the window containing endMs.
    const from = Math.max(0, windowsBefore(startMs));
    const to = Math.min(total, windowsBefore(endMs + 1) - 1);
    if (from < to) out.push([from, to]);
  }
  return normalizeIndexRanges(out);
}

/**
 * The keys at positions of a definition (any order; answered in the given order). Time windows
 * step from one position to the next in sorted order, so far-apart positions do not each walk from
 * the first window.
 */
export function partitionKeysAt(definition: PartitionsDefinition, positions: readonly number[], ctx: PartitionsContext): string[] {
  if (definition.kind !== 'timeWindow') {
    const keyed = keyedOf(definition);
    return positions.map((p) => keyed.keyAt(p, ctx));
  }
  const c = compileTimeWindow(definition);
  const sorted = [...new Set(positions)].sort((a, b) => a - b);
  const keys = new Map<number, string>();
  let index = 0;
  let tickMs = c.firstTickMs;
  for (const p of sorted) {
    tickMs = p >= index ? nthTickFrom(c.sequence, tickMs, p - index) : tickAtIndex(c, p);
    index = p;
    keys.set(p, keyOfTick(c, tickMs));
  }
  return positions.map((p) => keys.get(p) as string);
}
