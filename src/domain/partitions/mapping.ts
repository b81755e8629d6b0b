/**
 * Partition mappings: which upstream partitions a downstream partition reads. Plain data (stored
 * with asset definitions); resolution lives in mapping-keys.ts. The kinds and their rules follow
 * Dagster's IdentityPartitionMapping, TimeWindowPartitionMapping, AllPartitionMapping,
 * LastPartitionMapping, StaticPartitionMapping, SpecificPartitionsPartitionMapping,
 * MultiToSingleDimensionPartitionMapping and MultiPartitionMapping.
 */
import { arcoError, isArcoError } from '../errors/index.js';
import { sameDefinition, type PartitionDimension, type PartitionsDefinition } from './definition.js';

export type PartitionMapping =
  | { readonly kind: 'identity' }
  | {
      readonly kind: 'timeWindow';
      /** Shift of the window start, in downstream windows; `-1` also reads the previous window. */
      readonly startOffset: number;
      /** Shift of the window end, in downstream windows; `(-1, -1)` reads only the previous window. */
      readonly endOffset: number;
      /** Drop upstream windows outside the upstream definition instead of reporting them. */
      readonly allowNonexistentUpstream: boolean;
    }
  | { readonly kind: 'allPartitions' }
  | { readonly kind: 'lastPartition' }
  | { readonly kind: 'static'; readonly downstreamKeysByUpstreamKey: Readonly<Record<string, readonly string[]>> }
  | { readonly kind: 'specificPartitions'; readonly keys: readonly string[] }
  | { readonly kind: 'multiToSingleDimension'; readonly dimension?: string }
  | { readonly kind: 'multi'; readonly dimensions: readonly DimensionMapping[] };

/**
 * One dimension of a multi-partitioned upstream read through a dimension of a multi-partitioned
 * downstream (Dagster's DimensionPartitionMapping). An upstream dimension no entry names is read
 * whole; a downstream dimension no entry names is fed whole.
 */
export interface DimensionMapping {
  readonly upstreamDimension: string;
  readonly downstreamDimension: string;
  /** A single-dimension mapping between the two dimensions' definitions. */
  readonly mapping: PartitionMapping;
}

/** Kinds that map one single-dimension definition to another: what a DimensionMapping may use. */
const SINGLE_DIMENSION_KINDS: ReadonlySet<PartitionMapping['kind']> = new Set(['identity', 'timeWindow', 'allPartitions', 'lastPartition', 'static', 'specificPartitions']);

/** How a multi definition's dimension lines up with the single-dimension definition on the other side. */
export interface DimensionLink {
  readonly multiSide: 'upstream' | 'downstream';
  /** Position of the linked dimension in the multi key (0 or 1). */
  readonly position: number;
  readonly dimension: PartitionDimension;
  /** Identity when the dimension equals the single definition; time-window when both are time windows. */
  readonly inner: 'identity' | 'timeWindow';
}

function mappingError(kind: PartitionMapping['kind'], reason: string, message: string, extra: Record<string, unknown> = {}): never {
  throw arcoError('INVALID_PARTITION_MAPPING', `${kind} partition mapping: ${message}`, { mapping: kind, reason, ...extra });
}

/**
 * Finds the dimension of the one multi side that corresponds to the other side: the dimension
 * equal to it, else (both time windows) the only time dimension. Returns the reason on failure.
 */
export function inferDimensionLink(
  upstream: PartitionsDefinition | undefined,
  downstream: PartitionsDefinition | undefined,
  dimensionName?: string,
): DimensionLink | { readonly reason: string; readonly message: string } {
  const upstreamIsMulti = upstream?.kind === 'multi';
  if (upstreamIsMulti === (downstream?.kind === 'multi')) {
    return { reason: 'NOT_ONE_MULTI', message: 'exactly one side must be multi-partitioned' };
  }
  const multi = upstreamIsMulti ? upstream : downstream;
  const single = upstreamIsMulti ? downstream : upstream;
  if (multi?.kind !== 'multi' || single === undefined) {
    return { reason: 'SINGLE_UNPARTITIONED', message: 'the single-dimension side must be partitioned' };
  }
  const candidates = multi.dimensions
    .map((dimension, position) => ({ dimension, position }))
    .filter(({ dimension }) => dimensionName === undefined || dimension.name === dimensionName);
  if (candidates.length === 0) {
    return { reason: 'UNKNOWN_DIMENSION', message: `the multi definition has no dimension "${dimensionName}"` };
  }
  const multiSide = upstreamIsMulti ? 'upstream' : 'downstream';
  const equal = candidates.filter(({ dimension }) => sameDefinition(dimension.definition, single));
  if (equal.length > 1) return { reason: 'AMBIGUOUS_DIMENSION', message: 'several dimensions match; name one' };
  if (equal[0]) return { multiSide, ...equal[0], inner: 'identity' };
  const timeDimensions = candidates.filter(({ dimension }) => dimension.definition.kind === 'timeWindow');
  const onlyTime = timeDimensions.length === 1 ? timeDimensions[0] : undefined;
  if (onlyTime && single.kind === 'timeWindow' && onlyTime.dimension.definition.kind === 'timeWindow') {
    if (onlyTime.dimension.definition.timezone !== single.timezone) {
      return { reason: 'TIMEZONE_MISMATCH', message: 'the time dimension and the other side use different timezones' };
    }
    return { multiSide, ...onlyTime, inner: 'timeWindow' };
  }
  return { reason: 'NO_MATCHING_DIMENSION', message: 'no dimension equals the other side, nor is there one time dimension to align' };
}

/**
 * The mapping used when an asset dependency names none (SEMANTICS §6): one side unpartitioned →
 * all partitions; a multi definition and one of its dimensions → multi-to-single; two time
 * windows → time-window overlap; otherwise identity.
 */
export function defaultPartitionMapping(
  upstream: PartitionsDefinition | undefined,
  downstream: PartitionsDefinition | undefined,
): PartitionMapping {
  if (upstream === undefined || downstream === undefined) return { kind: 'allPartitions' };
  if ('multiSide' in inferDimensionLink(upstream, downstream)) return { kind: 'multiToSingleDimension' };
  if (upstream.kind === 'timeWindow' && downstream.kind === 'timeWindow') {
    return { kind: 'timeWindow', startOffset: 0, endOffset: 0, allowNonexistentUpstream: false };
  }
  return { kind: 'identity' };
}

function checkStaticKeys(
  kind: PartitionMapping['kind'],
  keys: Iterable<string>,
  definition: PartitionsDefinition,
  reason: string,
): void {
  if (definition.kind !== 'static') return;
  const known = new Set(definition.keys);
  for (const key of keys) if (!known.has(key)) mappingError(kind, reason, `"${key}" is not a key of that definition`, { key });
}

/**
 * Checks that a mapping can connect two definitions (`undefined` = unpartitioned); used when
 * definitions load.
 * @throws INVALID_PARTITION_MAPPING with details `{ mapping, reason, ... }`.
 */
export function validatePartitionMapping(
  mapping: PartitionMapping,
  upstream: PartitionsDefinition | undefined,
  downstream: PartitionsDefinition | undefined,
): void {
  switch (mapping.kind) {
    case 'allPartitions':
      return;
    case 'identity':
      if (!upstream || !downstream) mappingError('identity', 'UNPARTITIONED', 'both sides must be partitioned');
      if (upstream.kind !== downstream.kind) {
        mappingError('identity', 'KIND_MISMATCH', `cannot map ${downstream.kind} partitions to ${upstream.kind} partitions`, {
          upstreamKind: upstream.kind,
          downstreamKind: downstream.kind,
        });
      }
      return;
    case 'timeWindow':
      if (upstream?.kind !== 'timeWindow' || downstream?.kind !== 'timeWindow') {
        mappingError('timeWindow', 'NOT_TIME_WINDOW', 'both sides must be time-window partitioned');
      }
      if (upstream.timezone !== downstream.timezone) {
        mappingError('timeWindow', 'TIMEZONE_MISMATCH', `timezones ${upstream.timezone} and ${downstream.timezone} differ`);
      }
      if (!Number.isInteger(mapping.startOffset) || !Number.isInteger(mapping.endOffset)) {
        mappingError('timeWindow', 'OFFSET_NOT_INTEGER', 'offsets must be integers');
      }
      return;
    case 'lastPartition':
      if (!upstream) mappingError('lastPartition', 'UPSTREAM_UNPARTITIONED', 'the upstream side must be partitioned');
      return;
    case 'specificPartitions':
      if (!upstream) mappingError('specificPartitions', 'UPSTREAM_UNPARTITIONED', 'the upstream side must be partitioned');
      checkStaticKeys('specificPartitions', mapping.keys, upstream, 'UNKNOWN_UPSTREAM_KEY');
      return;
    case 'static':
      if (upstream?.kind !== 'static' || downstream?.kind !== 'static') {
        mappingError('static', 'NOT_STATIC', 'both sides must be static partitions');
      }
      checkStaticKeys('static', Object.keys(mapping.downstreamKeysByUpstreamKey), upstream, 'UNKNOWN_UPSTREAM_KEY');
      checkStaticKeys('static', Object.values(mapping.downstreamKeysByUpstreamKey).flat(), downstream, 'UNKNOWN_DOWNSTREAM_KEY');
      return;
    case 'multiToSingleDimension': {
      const link = inferDimensionLink(upstream, downstream, mapping.dimension);
      if (!('multiSide' in link)) mappingError('multiToSingleDimension', link.reason, link.message, { dimension: mapping.dimension });
      return;
    }
    case 'multi':
      validateMultiMapping(mapping.dimensions, upstream, downstream);
      return;
  }
}

function validateMultiMapping(dimensions: readonly DimensionMapping[], upstream: PartitionsDefinition | undefined, downstream: PartitionsDefinition | undefined): void {
  if (upstream?.kind !== 'multi' || downstream?.kind !== 'multi') mappingError('multi', 'NOT_MULTI', 'both sides must be multi-partitioned');
  const seenUpstream = new Set<string>();
  const seenDownstream = new Set<string>();
  for (const entry of dimensions) {
    const up = upstream.dimensions.find((d) => d.name === entry.upstreamDimension);
    const down = downstream.dimensions.find((d) => d.name === entry.downstreamDimension);
    if (!up) mappingError('multi', 'UNKNOWN_DIMENSION', `the upstream has no dimension "${entry.upstreamDimension}"`, { dimension: entry.upstreamDimension });
    if (!down) mappingError('multi', 'UNKNOWN_DIMENSION', `the downstream has no dimension "${entry.downstreamDimension}"`, { dimension: entry.downstreamDimension });
    if (seenUpstream.has(up.name) || seenDownstream.has(down.name)) {
      mappingError('multi', 'DIMENSION_MAPPED_TWICE', `a dimension is mapped twice ("${up.name}" to "${down.name}"); map each dimension once`, { dimension: seenUpstream.has(up.name) ? up.name : down.name });
    }
    seenUpstream.add(up.name);
    seenDownstream.add(down.name);
    if (!SINGLE_DIMENSION_KINDS.has(entry.mapping.kind)) {
      mappingError('multi', 'NOT_A_DIMENSION_MAPPING', `dimension "${up.name}" uses a ${entry.mapping.kind} mapping, which does not map one dimension to another`, { dimension: up.name });
    }
    try {
      validatePartitionMapping(entry.mapping, up.definition, down.definition);
    } catch (error) {
      if (!isArcoError(error)) throw error;
      mappingError('multi', 'INVALID_DIMENSION_MAPPING', `dimension "${up.name}" to "${down.name}": ${error.message}`, { dimension: up.name, inner: error.details });
    }
  }
}
