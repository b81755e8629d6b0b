/**
 * Partition questions operators ask: which keys an asset has, which keys a selector names, and which
 * partitions of one asset correspond to given partitions of a directly connected asset ("what does
 * this read", "what does this feed").
 *
 * Mapping answers as Dagster's `UpstreamPartitionsResult`: the keys that exist plus the required
 * keys that do not (yet), and never fails on the latter. Launching a run that needs them fails
 * instead (`planRun`, NONEXISTENT_UPSTREAM_PARTITION).
 */
import { arcoError, isArcoError } from '../domain/errors/index.js';
import { explainPartitionError, unknownAssetError } from '../domain/suggestions/index.js';
import {
  downstreamPartitionKeys,
  parsePartitionSelector,
  partitionCount,
  partitionKeys,
  partitionKeysAt,
  resolvePartitionSelector,
  resolveSelectorWithOpenWindows,
  upstreamPartitions,
  type PartitionSelector,
  type PartitionsContext,
  type PartitionsDefinition,
} from '../domain/partitions/index.js';
import type { RuntimeContext } from './context.js';
import { partitionsContextAt } from './partitions-context.js';

/** The answer of `mapPartitionKeys` (Dagster's `UpstreamPartitionsResult`). */
export interface MappedPartitions {
  /** Keys of the target asset that exist, in definition order. */
  readonly keys: string[];
  /**
   * Upstream keys the given partitions require that do not exist (yet) and the mapping does not
   * allow to be missing; always empty when mapping downstream.
   */
  readonly requiredButNonexistent: string[];
}

/**
 * Partition keys given as text or as a selector: each string is read by `parsePartitionSelector`
 * (`key`, `a,b`, `START...END`); an array is a list of such strings (CLI arguments).
 */
export type GivenPartitions = string | readonly string[] | PartitionSelector;

/** @throws UNKNOWN_ASSET naming the nearest asset keys. */
function knownOrThrow(ctx: RuntimeContext, assetKey: string): void {
  if (!ctx.definitions.graph.has(assetKey)) throw unknownAssetError(assetKey, ctx.definitions.graph.keys);
}

/** Partition errors explained against the definition: nearest keys, key format, first and last key. */
function explained<T>(definition: PartitionsDefinition, partitions: PartitionsContext, read: () => T): T {
  try {
    return read();
  } catch (error) {
    throw isArcoError(error) ? explainPartitionError(error, definition, partitions) : error;
  }
}

function partitionedOrThrow(ctx: RuntimeContext, assetKey: string): PartitionsDefinition {
  knownOrThrow(ctx, assetKey);
  const definition = ctx.definitions.partitionsOf(assetKey);
  if (definition === null) throw arcoError('PARTITION_NOT_APPLICABLE', `asset "${assetKey}" is not partitioned`, { asset: assetKey });
  return definition;
}

function selectorsOf(given: GivenPartitions): PartitionSelector[] {
  if (typeof given === 'string') return [parsePartitionSelector(given)];
  if (Array.isArray(given)) return (given as readonly string[]).map((text) => parsePartitionSelector(text));
  return [given as PartitionSelector];
}

/** @throws UNKNOWN_ASSET, PARTITION_NOT_APPLICABLE. */
/** A page of an asset's keys in definition order: `limit` from position `offset` (fewer at the end). */
export async function assetPartitionKeysAt(ctx: RuntimeContext, assetKey: string, offset: number, limit: number, nowEpochMs: number): Promise<string[]> {
  const definition = partitionedOrThrow(ctx, assetKey);
  const partitions = await partitionsContextAt(ctx, nowEpochMs);
  const end = Math.min(offset + limit, partitionCount(definition, partitions));
  if (end <= offset) return [];
  return partitionKeysAt(definition, Array.from({ length: end - offset }, (_, i) => offset + i), partitions);
}

export async function assetPartitionKeys(ctx: RuntimeContext, assetKey: string, nowEpochMs: number): Promise<string[]> {
  const definition = partitionedOrThrow(ctx, assetKey);
  return [...partitionKeys(definition, await partitionsContextAt(ctx, nowEpochMs))];
}

/**
 * The existing keys of an asset that a selector names at `nowEpochMs`, in definition order: what a
 * run launched with that selector would materialize (`arco partitions keys ASSET --select SELECTOR`).
 * @throws UNKNOWN_ASSET, PARTITION_NOT_APPLICABLE, INVALID_PARTITION_SELECTOR, UNKNOWN_PARTITION,
 *   INVALID_PARTITION_RANGE.
 */
export async function selectPartitionKeys(
  ctx: RuntimeContext,
  assetKey: string,
  selector: string | PartitionSelector,
  nowEpochMs: number,
): Promise<string[]> {
  const definition = partitionedOrThrow(ctx, assetKey);
  const parsed = typeof selector === 'string' ? parsePartitionSelector(selector) : selector;
  const partitions = await partitionsContextAt(ctx, nowEpochMs);
  return explained(definition, partitions, () => resolvePartitionSelector(definition, parsed, partitions));
}

/**
 * The keys of `to` that correspond to the given partitions of `from`, across the dependency between
 * them in either direction. Given keys may be a selector, and may name time windows that have not
 * closed at `nowEpochMs` (Dagster maps them). Required upstream keys that do not exist are returned,
 * never thrown. An unpartitioned `to` has no keys; an unpartitioned `from` takes no keys.
 * @throws UNKNOWN_ASSET, NOT_A_DEPENDENCY, PARTITION_NOT_APPLICABLE (keys given for an
 *   unpartitioned `from`), INVALID_PARTITION_SELECTOR, INVALID_PARTITION_RANGE, UNKNOWN_PARTITION
 *   (a given key that names no partition of `from`).
 */
export async function mapPartitionKeys(
  ctx: RuntimeContext,
  from: string,
  to: string,
  given: GivenPartitions,
  nowEpochMs: number,
): Promise<MappedPartitions> {
  const { graph, partitionsOf, mappingOf } = ctx.definitions;
  for (const key of [from, to]) knownOrThrow(ctx, key);
  const downstream = graph.parents(to).includes(from);
  if (!downstream && !graph.parents(from).includes(to)) {
    throw arcoError('NOT_A_DEPENDENCY', `"${from}" and "${to}" do not depend on each other directly`, { from, to });
  }
  const partitions = await partitionsContextAt(ctx, nowEpochMs);
  const fromDef = partitionsOf(from) ?? undefined;
  const toDef = partitionsOf(to) ?? undefined;
  const selectors = selectorsOf(given);
  let keys: string[] = [];
  if (selectors.length > 0) {
    const definition = fromDef ?? partitionedOrThrow(ctx, from);
    keys = [...new Set(selectors.flatMap((selector) => explained(definition, partitions, () => resolveSelectorWithOpenWindows(definition, selector, partitions))))];
  }
  if (downstream) return { keys: downstreamPartitionKeys(mappingOf(to, from), fromDef, toDef, keys, partitions), requiredButNonexistent: [] };
  const result = upstreamPartitions(mappingOf(from, to), toDef, fromDef, keys, partitions);
  return { keys: result.keys, requiredButNonexistent: result.nonexistentKeys };
}
