/**
 * Resolving a partition mapping to keys: "what does this partition read" (upstream) and "what
 * does this partition feed" (downstream). `undefined` stands for an unpartitioned side, whose key
 * list must be empty.
 *
 * Missing partitions, as Dagster's `UpstreamPartitionsResult`: upstream partitions a downstream
 * partition requires but that do not exist (identity to a key the upstream lacks, a time window
 * before the upstream's start or not yet ended, a specific key that is gone) are returned beside
 * the keys that exist (`nonexistentKeys`, Dagster's `required_but_nonexistent_subset`); mapping
 * never fails on them. A time-window mapping with `allowNonexistentUpstream` drops them.
 * `upstreamPartitionKeys` is the strict form (NONEXISTENT_UPSTREAM_PARTITION). Downstream
 * partitions that do not exist are always dropped. Results are in definition order without repeats.
 *
 * The given keys need only name a partition of their definition: a time window that has not closed
 * at now is mapped too (Dagster maps it), while a key that names no partition at all is
 * UNKNOWN_PARTITION.
 */
import { arcoError, InvariantError, type ArcoError, type ErrorDetails } from '../errors/index.js';
import type {
  DimensionPartitionsDefinition,
  MultiPartitionsDefinition,
  PartitionsContext,
  PartitionsDefinition,
  TimeWindowPartitionsDefinition,
} from './definition.js';
import { inferDimensionLink, validatePartitionMapping, type DimensionLink, type DimensionMapping, type PartitionMapping } from './mapping.js';
import { OVERLAP_ONLY, timeWindowDownstream, timeWindowUpstream } from './mapping-time-window.js';
import { keyedOf, namesPartition, partitionKeys } from './operations.js';
import { joinMultiKey, splitMultiKey } from './multi.js';

/**
 * Upstream keys that exist, and required upstream keys that do not: Dagster's
 * `UpstreamPartitionsResult` (`partitions_subset`, `required_but_nonexistent_subset`).
 */
export interface UpstreamPartitions {
  readonly keys: string[];
  readonly nonexistentKeys: string[];
}

/** How many missing keys an error lists in its details (the count is always given). */
const NONEXISTENT_KEYS_IN_DETAILS_MAX = 20;

/**
 * The error for required upstream partitions that do not exist. `subject` starts the message
 * (what reads them); `context` adds details such as the assets and partition involved.
 */
export function nonexistentUpstreamError(missing: readonly string[], context: ErrorDetails = {}, subject = 'depends on upstream partitions'): ArcoError {
  return arcoError('NONEXISTENT_UPSTREAM_PARTITION', `${subject} that do not exist: ${missing.slice(0, 3).join(', ')}`, {
    ...context,
    keys: missing.slice(0, NONEXISTENT_KEYS_IN_DETAILS_MAX),
    count: missing.length,
  });
}

/** Given keys must name partitions of their definition; windows not yet closed count. */
function requireKeys(definition: PartitionsDefinition | undefined, keys: readonly string[], ctx: PartitionsContext): void {
  for (const key of keys) {
    if (!definition || !namesPartition(definition, key, ctx)) {
      throw arcoError('UNKNOWN_PARTITION', `"${key}" names no partition`, { key });
    }
  }
}

/** Splits keys into existing ones (definition order, unique) and missing ones (input order, unique). */
function existingAndMissing(definition: PartitionsDefinition, keys: Iterable<string>, ctx: PartitionsContext): UpstreamPartitions {
  const keyed = keyedOf(definition);
  const found = new Map<number, string>();
  const missing = new Set<string>();
  for (const key of keys) {
    const index = keyed.indexOf(key, ctx);
    if (index >= 0) found.set(index, key);
    else missing.add(key);
  }
  return { keys: [...found.entries()].sort(([a], [b]) => a - b).map(([, key]) => key), nonexistentKeys: [...missing] };
}

/** Both sides as time windows; validatePartitionMapping has already guaranteed it. */
function timeWindows(
  upstream: PartitionsDefinition | undefined,
  downstream: PartitionsDefinition | undefined,
): [TimeWindowPartitionsDefinition, TimeWindowPartitionsDefinition] {
  if (upstream?.kind !== 'timeWindow' || downstream?.kind !== 'timeWindow') {
    throw new InvariantError('two time-window definitions after validation', `${upstream?.kind} and ${downstream?.kind}`);
  }
  return [upstream, downstream];
}

function allKeys(definition: PartitionsDefinition, ctx: PartitionsContext): string[] {
  return [...partitionKeys(definition, ctx)];
}

function lastKey(definition: PartitionsDefinition, ctx: PartitionsContext): string | undefined {
  const keyed = keyedOf(definition);
  const count = keyed.count(ctx);
  return count > 0 ? keyed.keyAt(count - 1, ctx) : undefined;
}

/** Maps keys of one single-dimension definition to another, for the inner step of multi mappings. */
function mapDimension(
  inner: DimensionLink['inner'],
  direction: 'upstream' | 'downstream',
  from: PartitionsDefinition,
  to: PartitionsDefinition,
  keys: readonly string[],
  ctx: PartitionsContext,
): UpstreamPartitions {
  if (inner === 'identity' || from.kind !== 'timeWindow' || to.kind !== 'timeWindow') return existingAndMissing(to, keys, ctx);
  const keyed = keyedOf(to);
  if (direction === 'upstream') {
    const result = timeWindowUpstream(OVERLAP_ONLY, to, from, keys, ctx);
    return { keys: result.indexes.map((i) => keyed.keyAt(i, ctx)), nonexistentKeys: result.nonexistentKeys };
  }
  return { keys: timeWindowDownstream(OVERLAP_ONLY, from, to, keys, ctx).map((i) => keyed.keyAt(i, ctx)), nonexistentKeys: [] };
}

/** Multi keys with `values` at the link's position, crossed with every key of the other dimension. */
function multiKeysWith(multi: MultiPartitionsDefinition, position: number, values: readonly string[], ctx: PartitionsContext): string[] {
  const other = multi.dimensions[1 - position]?.definition as DimensionPartitionsDefinition;
  const otherKeys = allKeys(other, ctx);
  return values.flatMap((value) => otherKeys.map((o) => (position === 0 ? joinMultiKey(value, o) : joinMultiKey(o, value))));
}

/** The linked dimension's value of each multi key. */
function dimensionValues(keys: readonly string[], position: number): string[] {
  return keys.map((key) => (splitMultiKey(key) as [string, string])[position] as string);
}

function multiToSingle(
  direction: 'upstream' | 'downstream',
  link: DimensionLink,
  upstream: PartitionsDefinition,
  downstream: PartitionsDefinition,
  keys: readonly string[],
  ctx: PartitionsContext,
): UpstreamPartitions {
  const [from, to] = direction === 'upstream' ? [downstream, upstream] : [upstream, downstream];
  const dimension = link.dimension.definition;
  if (from.kind === 'multi') {
    // Multi side first: take the linked values, then map them to the single side.
    return mapDimension(link.inner, direction, dimension, to, [...new Set(dimensionValues(keys, link.position))], ctx);
  }
  const values = mapDimension(link.inner, direction, from, dimension, keys, ctx);
  const multi = to as MultiPartitionsDefinition;
  const existing = existingAndMissing(to, multiKeysWith(multi, link.position, values.keys, ctx), ctx);
  return {
    keys: existing.keys,
    nonexistentKeys: [...existing.nonexistentKeys, ...multiKeysWith(multi, link.position, values.nonexistentKeys, ctx)],
  };
}

/**
 * Multi keys mapped dimension by dimension (a multi mapping): for each key, each dimension of the
 * other side takes the values its entry maps the key's value to (every value when no entry names
 * it), and the key maps to their product. Products of the keys' own, so a key's date never pairs
 * with another key's letter.
 */
function multiThroughDimensions(
  direction: 'upstream' | 'downstream',
  dimensions: readonly DimensionMapping[],
  upstream: MultiPartitionsDefinition,
  downstream: MultiPartitionsDefinition,
  keys: readonly string[],
  ctx: PartitionsContext,
): UpstreamPartitions {
  const [from, to] = direction === 'upstream' ? [downstream, upstream] : [upstream, downstream];
  const products = new Set<string>();
  const missing = new Set<string>();
  for (const key of keys) {
    const values = splitMultiKey(key) as [string, string];
    const [first, second] = to.dimensions.map((target) => {
      const entry = dimensions.find((e) => (direction === 'upstream' ? e.upstreamDimension : e.downstreamDimension) === target.name);
      if (!entry) return { keys: allKeys(target.definition, ctx), nonexistentKeys: [] };
      const position = from.dimensions.findIndex((d) => d.name === (direction === 'upstream' ? entry.downstreamDimension : entry.upstreamDimension));
      const source = from.dimensions[position]?.definition as DimensionPartitionsDefinition;
      const value = [values[position] as string];
      return direction === 'upstream'
        ? upstreamPartitions(entry.mapping, target.definition, source, value, ctx)
        : { keys: downstreamPartitionKeys(entry.mapping, source, target.definition, value, ctx), nonexistentKeys: [] };
    }) as [UpstreamPartitions, UpstreamPartitions];
    for (const a of first.keys) for (const b of second.keys) products.add(joinMultiKey(a, b));
    for (const a of [...first.keys, ...first.nonexistentKeys]) {
      for (const b of [...second.keys, ...second.nonexistentKeys]) {
        if (first.nonexistentKeys.includes(a) || second.nonexistentKeys.includes(b)) missing.add(joinMultiKey(a, b));
      }
    }
  }
  const existing = existingAndMissing(to, products, ctx);
  return { keys: existing.keys, nonexistentKeys: [...new Set([...existing.nonexistentKeys, ...missing])] };
}

/**
 * The upstream partitions that downstream partitions read, with required ones that do not exist.
 * Never fails on those; a downstream key only has to name a partition (open windows count).
 * @throws INVALID_PARTITION_MAPPING when the mapping does not fit the definitions;
 *   UNKNOWN_PARTITION with details `{ key }` for a downstream key that names no partition.
 */
export function upstreamPartitions(
  mapping: PartitionMapping,
  upstream: PartitionsDefinition | undefined,
  downstream: PartitionsDefinition | undefined,
  downstreamKeys: readonly string[],
  ctx: PartitionsContext,
): UpstreamPartitions {
  validatePartitionMapping(mapping, upstream, downstream);
  requireKeys(downstream, downstreamKeys, ctx);
  const none: UpstreamPartitions = { keys: [], nonexistentKeys: [] };
  if (upstream === undefined) return none;
  const anyDownstream = downstream === undefined || downstreamKeys.length > 0;
  switch (mapping.kind) {
    case 'identity':
      return existingAndMissing(upstream, downstreamKeys, ctx);
    case 'allPartitions':
      return anyDownstream ? { keys: allKeys(upstream, ctx), nonexistentKeys: [] } : none;
    case 'lastPartition': {
      const last = lastKey(upstream, ctx);
      return anyDownstream && last !== undefined ? { keys: [last], nonexistentKeys: [] } : none;
    }
    case 'specificPartitions':
      return anyDownstream ? existingAndMissing(upstream, mapping.keys, ctx) : none;
    case 'static': {
      const wanted = new Set(downstreamKeys);
      const keys = Object.entries(mapping.downstreamKeysByUpstreamKey)
        .filter(([, downs]) => downs.some((d) => wanted.has(d)))
        .map(([up]) => up);
      return existingAndMissing(upstream, keys, ctx);
    }
    case 'timeWindow': {
      const result = timeWindowUpstream(mapping, ...timeWindows(upstream, downstream), downstreamKeys, ctx);
      const keyed = keyedOf(upstream);
      return { keys: result.indexes.map((i) => keyed.keyAt(i, ctx)), nonexistentKeys: result.nonexistentKeys };
    }
    case 'multiToSingleDimension': {
      const link = inferDimensionLink(upstream, downstream, mapping.dimension) as DimensionLink;
      return multiToSingle('upstream', link, upstream, downstream as PartitionsDefinition, downstreamKeys, ctx);
    }
    case 'multi':
      return multiThroughDimensions('upstream', mapping.dimensions, upstream as MultiPartitionsDefinition, downstream as MultiPartitionsDefinition, downstreamKeys, ctx);
  }
}

/**
 * The upstream keys that downstream partitions read ("what does this partition read").
 * @throws NONEXISTENT_UPSTREAM_PARTITION with details `{ keys, count }` when some required upstream
 *   partition does not exist; INVALID_PARTITION_MAPPING; UNKNOWN_PARTITION.
 */
export function upstreamPartitionKeys(
  mapping: PartitionMapping,
  upstream: PartitionsDefinition | undefined,
  downstream: PartitionsDefinition | undefined,
  downstreamKeys: readonly string[],
  ctx: PartitionsContext,
): string[] {
  const result = upstreamPartitions(mapping, upstream, downstream, downstreamKeys, ctx);
  if (result.nonexistentKeys.length > 0) throw nonexistentUpstreamError(result.nonexistentKeys);
  return result.keys;
}

/**
 * The existing downstream keys that upstream partitions feed ("what does this partition feed").
 * An upstream key only has to name a partition (open windows count).
 * @throws INVALID_PARTITION_MAPPING; UNKNOWN_PARTITION for an upstream key that names no partition.
 */
export function downstreamPartitionKeys(
  mapping: PartitionMapping,
  upstream: PartitionsDefinition | undefined,
  downstream: PartitionsDefinition | undefined,
  upstreamKeys: readonly string[],
  ctx: PartitionsContext,
): string[] {
  validatePartitionMapping(mapping, upstream, downstream);
  requireKeys(upstream, upstreamKeys, ctx);
  if (downstream === undefined) return [];
  const anyUpstream = upstream === undefined || upstreamKeys.length > 0;
  switch (mapping.kind) {
    case 'identity':
      return existingAndMissing(downstream, upstreamKeys, ctx).keys;
    case 'allPartitions':
      return anyUpstream ? allKeys(downstream, ctx) : [];
    case 'lastPartition': {
      const last = upstream && lastKey(upstream, ctx);
      return last !== undefined && upstreamKeys.includes(last) ? allKeys(downstream, ctx) : [];
    }
    case 'specificPartitions':
      return mapping.keys.some((key) => upstreamKeys.includes(key)) ? allKeys(downstream, ctx) : [];
    case 'static':
      return existingAndMissing(downstream, upstreamKeys.flatMap((key) => mapping.downstreamKeysByUpstreamKey[key] ?? []), ctx).keys;
    case 'timeWindow': {
      const keyed = keyedOf(downstream);
      return timeWindowDownstream(mapping, ...timeWindows(upstream, downstream), upstreamKeys, ctx).map((i) => keyed.keyAt(i, ctx));
    }
    case 'multiToSingleDimension': {
      const link = inferDimensionLink(upstream, downstream, mapping.dimension) as DimensionLink;
      return multiToSingle('downstream', link, upstream as PartitionsDefinition, downstream, upstreamKeys, ctx).keys;
    }
    case 'multi':
      return multiThroughDimensions('downstream', mapping.dimensions, upstream as MultiPartitionsDefinition, downstream as MultiPartitionsDefinition, upstreamKeys, ctx).keys;
  }
}
