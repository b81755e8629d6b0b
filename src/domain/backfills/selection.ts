/**
 * What a backfill selects of one unit's partitions definition, and how it is walked chunk by chunk.
 *
 * A selection is stored compactly (the caller's selector, or key ranges for a retry) and resolved
 * by position in definition order only when asked: how many partitions it holds and between which
 * positions is computed once at creation (the extent), and each chunk then reads the next `size`
 * selected positions from a cursor. Nothing here builds the list of every selected key: a range or
 * `all` over a million hourly partitions costs the same as over ten.
 */
import { arcoError } from '../errors/index.js';
import {
  MULTI_KEY_SEPARATOR,
  partitionCount,
  partitionIndex,
  partitionKeyAt,
  type CanonicalPartitionSelector,
  type PartitionsContext,
  type PartitionsDefinition,
} from '../partitions/index.js';

/** Inclusive key ranges in definition order (what a retry selects). */
export interface KeyRange {
  readonly start: string;
  readonly end: string;
}

export type UnitSelection =
  | { readonly kind: 'unpartitioned' }
  | { readonly kind: 'selector'; readonly selector: CanonicalPartitionSelector }
  | { readonly kind: 'ranges'; readonly ranges: readonly KeyRange[] };

/** Where a selection lies: positions `[from, to)` hold every selected partition, `partitionCount` of them. */
export interface SelectionExtent {
  readonly from: number;
  readonly to: number;
  readonly partitionCount: number;
}

/** How many unknown keys an error names (the count is always given). */
export const UNKNOWN_KEYS_NAMED_MAX = 10;

function unknownKeys(assetKey: string, keys: readonly string[]): never {
  const named = keys.slice(0, UNKNOWN_KEYS_NAMED_MAX);
  const more = keys.length > named.length ? ` and ${keys.length - named.length} more` : '';
  throw arcoError(
    'BACKFILL_UNKNOWN_PARTITIONS',
    `asset "${assetKey}" has no partition ${named.map((k) => `"${k}"`).join(', ')}${more}`,
    { asset: assetKey, keys: named, count: keys.length },
  );
}

/** Positions of explicit keys, sorted and unique, cached per selector object. */
const explicitPositions = new WeakMap<object, number[]>();

function positionsOf(definition: PartitionsDefinition, keys: readonly string[], ctx: PartitionsContext, assetKey: string, cacheKey: object): number[] {
  const cached = explicitPositions.get(cacheKey);
  if (cached) return cached;
  const missing: string[] = [];
  const found = new Set<number>();
  for (const key of keys) {
    const index = partitionIndex(definition, key, ctx);
    if (index < 0) missing.push(key);
    else found.add(index);
  }
  if (missing.length > 0) unknownKeys(assetKey, missing);
  const positions = [...found].sort((a, b) => a - b);
  explicitPositions.set(cacheKey, positions);
  return positions;
}

function rangePositions(definition: PartitionsDefinition, range: KeyRange, ctx: PartitionsContext, assetKey: string): [number, number] {
  const from = partitionIndex(definition, range.start, ctx);
  const to = partitionIndex(definition, range.end, ctx);
  const missing = [...(from < 0 ? [range.start] : []), ...(to < 0 && range.end !== range.start ? [range.end] : [])];
  if (missing.length > 0) unknownKeys(assetKey, missing);
  if (from > to) {
    throw arcoError('INVALID_PARTITION_RANGE', `invalid partition range ${range.start}...${range.end}: the end comes before the start`, {
      start: range.start,
      end: range.end,
      reason: 'start is after end',
      asset: assetKey,
    });
  }
  return [from, to + 1];
}

/** Ranges as position intervals, cached per selection object. */
const rangeIntervals = new WeakMap<object, [number, number][]>();

function intervalsOf(definition: PartitionsDefinition, selection: UnitSelection & { kind: 'ranges' }, ctx: PartitionsContext, assetKey: string): [number, number][] {
  const cached = rangeIntervals.get(selection);
  if (cached) return cached;
  const intervals = selection.ranges.map((r) => rangePositions(definition, r, ctx, assetKey)).sort((a, b) => a[0] - b[0]);
  rangeIntervals.set(selection, intervals);
  return intervals;
}

function globRegex(pattern: string): RegExp {
  return new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 's');
}

type Filter = Extract<CanonicalPartitionSelector, { kind: 'filter' }>;
const filterTests = new WeakMap<object, (key: string) => boolean>();

/** The filter as a test of one key. @throws INVALID_PARTITION_SELECTOR for a dimension the definition lacks. */
function filterTest(definition: PartitionsDefinition, filter: Filter): (key: string) => boolean {
  const cached = filterTests.get(filter);
  if (cached) return cached;
  const pattern = filter.pattern === undefined ? undefined : globRegex(filter.pattern);
  const wanted = Object.entries(filter.dimensions ?? {});
  if (wanted.length > 0 && definition.kind !== 'multi') {
    throw arcoError('INVALID_PARTITION_SELECTOR', 'dimension filters need a multi-partitions definition', { dimension: wanted[0]?.[0], kind: definition.kind });
  }
  const names = definition.kind === 'multi' ? definition.dimensions.map((d) => d.name) : [];
  const checks = wanted.map(([name, values]) => {
    const at = names.indexOf(name);
    if (at < 0) throw arcoError('INVALID_PARTITION_SELECTOR', `unknown partition dimension "${name}"`, { dimension: name, known: names });
    const allowed = new Set(values);
    return (parts: readonly string[]) => allowed.has(parts[at] ?? '');
  });
  const test = (key: string): boolean => {
    if (pattern && !pattern.test(key)) return false;
    if (checks.length === 0) return true;
    const parts = key.split(MULTI_KEY_SEPARATOR);
    return checks.every((check) => check(parts));
  };
  filterTests.set(filter, test);
  return test;
}

/**
 * Where the selection lies in the definition now, validated.
 * @throws BACKFILL_UNKNOWN_PARTITIONS (naming up to 10 keys and the count), INVALID_PARTITION_RANGE
 *   (end before start), INVALID_PARTITION_SELECTOR (unknown dimension).
 */
export function selectionExtent(definition: PartitionsDefinition | null, selection: UnitSelection, ctx: PartitionsContext, assetKey: string): SelectionExtent {
  if (selection.kind === 'unpartitioned' || definition === null) return { from: 0, to: 1, partitionCount: 1 };
  if (selection.kind === 'ranges') {
    const intervals = intervalsOf(definition, selection, ctx, assetKey);
    let size = 0;
    let covered = -1;
    for (const [a, b] of intervals) {
      size += Math.max(0, b - Math.max(a, covered));
      covered = Math.max(covered, b);
    }
    return { from: intervals[0]?.[0] ?? 0, to: covered < 0 ? 0 : covered, partitionCount: size };
  }
  const selector = selection.selector;
  switch (selector.kind) {
    case 'all': {
      const to = partitionCount(definition, ctx);
      return { from: 0, to, partitionCount: to };
    }
    case 'range': {
      const [from, to] = rangePositions(definition, selector, ctx, assetKey);
      return { from, to, partitionCount: to - from };
    }
    case 'explicit': {
      const positions = positionsOf(definition, selector.keys, ctx, assetKey, selector);
      return { from: positions[0] ?? 0, to: (positions[positions.length - 1] ?? -1) + 1, partitionCount: positions.length };
    }
    case 'filter': {
      const test = filterTest(definition, selector);
      const end = partitionCount(definition, ctx);
      let from = -1;
      let to = 0;
      let count = 0;
      for (let p = 0; p < end; p += 1) {
        if (!test(partitionKeyAt(definition, p, ctx))) continue;
        if (from < 0) from = p;
        to = p + 1;
        count += 1;
      }
      return { from: Math.max(0, from), to, partitionCount: count };
    }
  }
}

/** First index in sorted `values` holding a value >= `target`. */
function lowerBound(values: readonly number[], target: number): number {
  let low = 0;
  let high = values.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if ((values[mid] as number) < target) low = mid + 1;
    else high = mid;
  }
  return low;
}

/**
 * The next at most `size` selected positions at or after `cursor` (and before `extent.to`), in
 * definition order. Jumps over unselected stretches for explicit keys and ranges; a filter tests
 * each position it passes.
 */
export function nextSelectedPositions(
  definition: PartitionsDefinition | null,
  selection: UnitSelection,
  extent: SelectionExtent,
  ctx: PartitionsContext,
  cursor: number,
  size: number,
  assetKey: string,
): number[] {
  const start = Math.max(cursor, extent.from);
  const out: number[] = [];
  if (selection.kind === 'unpartitioned' || definition === null) return start < extent.to ? [0] : [];
  if (selection.kind === 'ranges') {
    for (const [a, b] of intervalsOf(definition, selection, ctx, assetKey)) {
      for (let p = Math.max(a, start, (out[out.length - 1] ?? -1) + 1); p < b && out.length < size; p += 1) out.push(p);
      if (out.length >= size) break;
    }
    return out;
  }
  const selector = selection.selector;
  if (selector.kind === 'explicit') {
    const positions = positionsOf(definition, selector.keys, ctx, assetKey, selector);
    for (let i = lowerBound(positions, start); i < positions.length && out.length < size; i += 1) out.push(positions[i] as number);
    return out;
  }
  if (selector.kind === 'filter') {
    const test = filterTest(definition, selector);
    for (let p = start; p < extent.to && out.length < size; p += 1) if (test(partitionKeyAt(definition, p, ctx))) out.push(p);
    return out;
  }
  for (let p = start; p < extent.to && out.length < size; p += 1) out.push(p);
  return out;
}

/** Whether the selection holds the partition at `position`. */
export function isSelectedPosition(definition: PartitionsDefinition | null, selection: UnitSelection, extent: SelectionExtent, ctx: PartitionsContext, position: number, assetKey: string): boolean {
  if (position < extent.from || position >= extent.to) return false;
  if (selection.kind === 'unpartitioned' || definition === null) return true;
  if (selection.kind === 'ranges') return intervalsOf(definition, selection, ctx, assetKey).some(([a, b]) => position >= a && position < b);
  const selector = selection.selector;
  if (selector.kind === 'explicit') {
    const positions = positionsOf(definition, selector.keys, ctx, assetKey, selector);
    return positions[lowerBound(positions, position)] === position;
  }
  if (selector.kind === 'filter') return filterTest(definition, selector)(partitionKeyAt(definition, position, ctx));
  return true;
}

/** Positions walked per step when listing a selection's stretches. */
const WALK_STEP = 10_000;

/**
 * The selected positions at or after `cursor` as contiguous stretches `[from, to)`, in order. A
 * range or `all` is one stretch without walking; other selections are walked a batch at a time, so
 * memory follows the number of stretches, not of partitions.
 */
export function selectedStretches(
  definition: PartitionsDefinition | null,
  selection: UnitSelection,
  extent: SelectionExtent,
  ctx: PartitionsContext,
  cursor: number,
  assetKey: string,
): [from: number, to: number][] {
  const start = Math.max(cursor, extent.from);
  if (extent.partitionCount === 0 || start >= extent.to) return [];
  if (selection.kind === 'selector' && (selection.selector.kind === 'all' || selection.selector.kind === 'range')) return [[start, extent.to]];
  const stretches: [number, number][] = [];
  let next = start;
  for (;;) {
    const batch = nextSelectedPositions(definition, selection, extent, ctx, next, WALK_STEP, assetKey);
    const last = batch[batch.length - 1];
    if (last === undefined) return stretches;
    for (const p of batch) {
      const tail = stretches[stretches.length - 1];
      if (tail && tail[1] === p) tail[1] = p + 1;
      else stretches.push([p, p + 1]);
    }
    next = last + 1;
  }
}
