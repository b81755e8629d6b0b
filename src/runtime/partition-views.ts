/**
 * Partition questions operators ask: which keys an asset has, and which partitions of one asset
 * correspond to given partitions of a directly connected asset ("what does this read", "what does
 * this feed").
 */
import { arcoError } from '../domain/errors/index.js';
import { downstreamPartitionKeys, partitionKeys, upstreamPartitionKeys, type PartitionsDefinition } from '../domain/partitions/index.js';
import type { RuntimeContext } from './context.js';
import { partitionsContextAt } from './partitions-context.js';

function partitionedOrThrow(ctx: RuntimeContext, assetKey: string): PartitionsDefinition {
  const definition = ctx.definitions.partitionsOf(assetKey);
  if (definition === null) throw arcoError('PARTITION_NOT_APPLICABLE', `asset "${assetKey}" is not partitioned`, { asset: assetKey });
  return definition;
}

/** @throws UNKNOWN_ASSET, PARTITION_NOT_APPLICABLE. */
export async function assetPartitionKeys(ctx: RuntimeContext, assetKey: string, nowEpochMs: number): Promise<string[]> {
  const definition = partitionedOrThrow(ctx, assetKey);
  return [...partitionKeys(definition, await partitionsContextAt(ctx, nowEpochMs))];
}

/**
 * The keys of `to` that correspond to `keys` of `from`, across the dependency between them in
 * either direction. An unpartitioned side has no keys.
 * @throws UNKNOWN_ASSET, NOT_A_DEPENDENCY, UNKNOWN_PARTITION.
 */
export async function mapPartitionKeys(ctx: RuntimeContext, from: string, to: string, keys: readonly string[], nowEpochMs: number): Promise<string[]> {
  const { graph, partitionsOf, mappingOf } = ctx.definitions;
  for (const key of [from, to]) if (!graph.has(key)) throw arcoError('UNKNOWN_ASSET', `unknown asset "${key}"`, { key });
  const partitions = await partitionsContextAt(ctx, nowEpochMs);
  const fromDef = partitionsOf(from) ?? undefined;
  const toDef = partitionsOf(to) ?? undefined;
  if (graph.parents(to).includes(from)) return downstreamPartitionKeys(mappingOf(to, from), fromDef, toDef, keys, partitions);
  if (graph.parents(from).includes(to)) return upstreamPartitionKeys(mappingOf(from, to), toDef, fromDef, keys, partitions);
  throw arcoError('NOT_A_DEPENDENCY', `"${from}" and "${to}" do not depend on each other directly`, { from, to });
}
