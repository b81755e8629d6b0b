/**
 * Questions asked of any partitions definition. Answers depend only on the definition and the
 * context (now, dynamic sets), never on a clock. Time windows are answered by tick arithmetic, so
 * counting, membership and positions never build the list of keys.
 */
import { arcoError } from '../errors/index.js';
import type { PartitionsContext, PartitionsDefinition, TimeWindow } from './definition.js';
import type { KeyedPartitions } from './keyed.js';
import { staticKeyed } from './static.js';
import { dynamicKeyed } from './dynamic.js';
import { compileTimeWindow, timeWindowIndexOfKey, timeWindowKeyed, timeWindowOfKey } from './time-window.js';
import { multiKeyed, splitMultiKey } from './multi.js';

const keyedCache = new WeakMap<PartitionsDefinition, KeyedPartitions>();

/** The uniform view of a definition (cached per definition object). */
export function keyedOf(definition: PartitionsDefinition): KeyedPartitions {
  const cached = keyedCache.get(definition);
  if (cached) return cached;
  let keyed: KeyedPartitions;
  switch (definition.kind) {
    case 'static':
      keyed = staticKeyed(definition);
      break;
    case 'dynamic':
      keyed = dynamicKeyed(definition);
      break;
    case 'timeWindow':
      keyed = timeWindowKeyed(definition);
      break;
    case 'multi':
      keyed = multiKeyed(definition);
      break;
  }
  keyedCache.set(definition, keyed);
  return keyed;
}

/** Every existing key, in definition order, lazily. */
export function partitionKeys(definition: PartitionsDefinition, ctx: PartitionsContext): Iterable<string> {
  const keyed = keyedOf(definition);
  return keyed.keys(0, keyed.count(ctx), ctx);
}

/** How many partitions exist now. */
export function partitionCount(definition: PartitionsDefinition, ctx: PartitionsContext): number {
  return keyedOf(definition).count(ctx);
}

/** Whether a key names an existing partition (exactly, e.g. time keys must round-trip `fmt`). */
export function hasPartitionKey(definition: PartitionsDefinition, key: string, ctx: PartitionsContext): boolean {
  return keyedOf(definition).indexOf(key, ctx) >= 0;
}

/**
 * Whether a key names a partition of the definition, whether or not it exists at now: a time
 * window counts from the first window up to `end` even before it has closed; other kinds (static,
 * dynamic) must exist. Mapping takes such keys, as Dagster maps windows that have not closed.
 */
export function namesPartition(definition: PartitionsDefinition, key: string, ctx: PartitionsContext): boolean {
  switch (definition.kind) {
    case 'timeWindow':
      return timeWindowIndexOfKey(compileTimeWindow(definition), key) >= 0;
    case 'multi': {
      const parts = splitMultiKey(key);
      return parts !== undefined && definition.dimensions.every((dimension, position) => namesPartition(dimension.definition, parts[position] as string, ctx));
    }
    case 'static':
    case 'dynamic':
      return hasPartitionKey(definition, key, ctx);
  }
}

/** Position of a key in definition order, or -1 if it does not exist. */
export function partitionIndex(definition: PartitionsDefinition, key: string, ctx: PartitionsContext): number {
  return keyedOf(definition).indexOf(key, ctx);
}

/**
 * The key at a position in definition order.
 * @throws UNKNOWN_PARTITION with details `{ index, count }` when the position is out of range.
 */
export function partitionKeyAt(definition: PartitionsDefinition, index: number, ctx: PartitionsContext): string {
  const keyed = keyedOf(definition);
  const count = keyed.count(ctx);
  if (!Number.isInteger(index) || index < 0 || index >= count) {
    throw arcoError('UNKNOWN_PARTITION', `there is no partition at position ${index} (count ${count})`, { index, count });
  }
  return keyed.keyAt(index, ctx);
}

/**
 * Keys from `startKey` to `endKey`, both inclusive, in definition order. A multi range is the
 * slice of the definition order between its endpoints.
 * @throws INVALID_PARTITION_RANGE with details `{ start, end, reason }` when an endpoint does not
 *   exist or the start comes after the end.
 */
export function partitionKeysBetween(
  definition: PartitionsDefinition,
  startKey: string,
  endKey: string,
  ctx: PartitionsContext,
): string[] {
  const keyed = keyedOf(definition);
  const from = keyed.indexOf(startKey, ctx);
  const to = keyed.indexOf(endKey, ctx);
  const fail = (reason: string): never => {
    throw arcoError('INVALID_PARTITION_RANGE', `invalid partition range ${startKey}...${endKey}: ${reason}`, {
      start: startKey,
      end: endKey,
      reason,
    });
  };
  if (from < 0) fail('start is not a partition');
  if (to < 0) fail('end is not a partition');
  if (from > to) fail('start is after end');
  return [...keyed.keys(from, to + 1, ctx)];
}

/**
 * The time window of a key: of a time-window key, or of the time dimension of a multi key. The
 * key must name a window of the definition; whether it exists yet is not checked.
 * @throws NOT_TIME_PARTITIONED when the definition has no (or two) time dimensions;
 *   UNKNOWN_PARTITION with details `{ key }` when the key names no window.
 */
export function timeWindowForKey(definition: PartitionsDefinition, key: string): TimeWindow {
  if (definition.kind === 'timeWindow') return timeWindowOfKey(compileTimeWindow(definition), key);
  if (definition.kind === 'multi') {
    const timeDimensions = definition.dimensions
      .map((dimension, position) => ({ dimension, position }))
      .filter(({ dimension }) => dimension.definition.kind === 'timeWindow');
    const only = timeDimensions.length === 1 ? timeDimensions[0] : undefined;
    if (only && only.dimension.definition.kind === 'timeWindow') {
      const parts = splitMultiKey(key);
      if (!parts) throw arcoError('UNKNOWN_PARTITION', `"${key}" is not a multi-partition key`, { key });
      return timeWindowOfKey(compileTimeWindow(only.dimension.definition), parts[only.position] as string);
    }
  }
  throw arcoError('NOT_TIME_PARTITIONED', `a ${definition.kind} partitions definition has no single time dimension`, {
    kind: definition.kind,
  });
}

/**
 * If `keys` are exactly one contiguous run of the definition order (in any input order, repeats
 * allowed), its first and last key; otherwise undefined (also when a key does not exist).
 */
export function partitionRangeOf(
  keys: readonly string[],
  definition: PartitionsDefinition,
  ctx: PartitionsContext,
): { start: string; end: string } | undefined {
  const keyed = keyedOf(definition);
  const indexes = [...new Set(keys.map((key) => keyed.indexOf(key, ctx)))].sort((a, b) => a - b);
  const first = indexes[0];
  const last = indexes[indexes.length - 1];
  if (first === undefined || last === undefined || first < 0 || last - first + 1 !== indexes.length) return undefined;
  return { start: keyed.keyAt(first, ctx), end: keyed.keyAt(last, ctx) };
}
