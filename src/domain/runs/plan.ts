/**
 * Run planning: a run's tasks are exactly the selected assets (plus closures the caller asked for),
 * in dependency order, one task per asset partition. A task depends on the tasks of its upstream
 * asset partitions that are in the same run (through the dependency's partition mapping); upstream
 * partitions outside the run are read as they are, never pulled in silently.
 */
import type { AssetGraph } from '../assets/index.js';
import { arcoError, isArcoError } from '../errors/index.js';
import { explainPartitionError, unknownAssetError } from '../suggestions/index.js';
import {
  nonexistentUpstreamError,
  resolvePartitionSelector,
  timeWindowForKey,
  upstreamPartitions,
  type PartitionMapping,
  type PartitionSelector,
  type PartitionsContext,
  type PartitionsDefinition,
} from '../partitions/index.js';
import type { RetryPolicy } from './retry-policy.js';

export interface TaskSpec {
  readonly retry: RetryPolicy;
  /** Wall time an attempt may take before it fails with TIMEOUT; null means no limit. */
  readonly timeoutMs: number | null;
  readonly codeVersion: string | null;
}

/** An upstream asset a task reads: the partitions it reads, or null (unpartitioned, or too many to list). */
export interface TaskInput {
  readonly assetKey: string;
  readonly partitionKeys: string[] | null;
}

export interface TaskPlan {
  readonly taskKey: string;
  readonly assetKey: string;
  readonly partitionKey: string | null;
  /** The asset check this task evaluates (check-plan.ts), or null for a task that materializes its asset. */
  readonly checkName: string | null;
  /** Whether that check is blocking (check tasks only). */
  readonly checkBlocking?: boolean;
  /** Task keys in this run that must succeed first. */
  readonly deps: string[];
  /** Every upstream asset (partition) the task reads, in or out of the run (for data versions). */
  readonly inputs: TaskInput[];
  readonly retry: RetryPolicy;
  readonly timeoutMs: number | null;
  readonly codeVersion: string | null;
  /** The window of a time-window partition (epoch ms), so status can be kept as ranges; else null. */
  readonly partitionWindow: { readonly startMs: number; readonly endMs: number } | null;
}

export interface Closure {
  readonly includeUpstream: boolean;
  readonly includeDownstream: boolean;
}

/** What planning needs to know about the definitions, and the partition context (now, dynamic keys). */
export interface PlanningContext {
  readonly graph: AssetGraph;
  readonly specOf: (assetKey: string) => TaskSpec;
  readonly partitionsOf: (assetKey: string) => PartitionsDefinition | null;
  /** The mapping of the dependency of `downstream` on `upstream`. */
  readonly mappingOf: (downstream: string, upstream: string) => PartitionMapping;
  readonly partitions: PartitionsContext;
  /** The checks defined on an asset, in definition order (none when absent). */
  readonly checksOf?: (assetKey: string) => readonly CheckSpec[];
}

/** What planning needs to know about an asset check. */
export interface CheckSpec {
  readonly name: string;
  /** A failed ERROR result skips the asset's downstream tasks in the run. */
  readonly blocking: boolean;
}

/** An input listing more upstream partitions than this records null ("the whole asset") instead. */
export const INPUT_PARTITIONS_LISTED_MAX = 100;

/** The task key of an asset partition: the asset key, with `[partition]` when partitioned. */
export function taskKeyOf(assetKey: string, partitionKey: string | null): string {
  return partitionKey === null ? assetKey : `${assetKey}[${partitionKey}]`;
}

/**
 * Resolves selected keys plus closure flags to the set of assets the run materializes.
 * @throws UNKNOWN_ASSET naming the first unknown key.
 */
export function resolveRunAssets(graph: AssetGraph, selected: readonly string[], closure: Closure): string[] {
  for (const key of selected) {
    if (!graph.has(key)) throw unknownAssetError(key, graph.keys);
  }
  const keys = new Set(selected);
  if (closure.includeUpstream) for (const k of graph.closure(selected, 'upstream')) keys.add(k);
  if (closure.includeDownstream) for (const k of graph.closure(selected, 'downstream')) keys.add(k);
  return graph.inDependencyOrder(keys);
}

/**
 * The partition keys each asset of the run materializes: every key the selector names, for each
 * partitioned asset; null for unpartitioned assets.
 * @throws PARTITION_REQUIRED (a partitioned asset, no selection), PARTITION_NOT_APPLICABLE (a
 *   selection, no partitioned asset), UNKNOWN_PARTITION / INVALID_PARTITION_RANGE naming the asset.
 */
export function runPartitionKeys(
  assetKeys: readonly string[],
  selector: PartitionSelector | null,
  ctx: PlanningContext,
): Map<string, string[] | null> {
  const out = new Map<string, string[] | null>();
  const partitioned = assetKeys.filter((key) => ctx.partitionsOf(key) !== null);
  if (selector === null && partitioned.length > 0) {
    throw arcoError('PARTITION_REQUIRED', `partitioned assets need a partition (--partition KEY or START...END): ${partitioned.join(', ')}`, { assets: partitioned });
  }
  if (selector !== null && partitioned.length === 0) {
    throw arcoError('PARTITION_NOT_APPLICABLE', 'a partition was given but no selected asset is partitioned', { assets: [...assetKeys] });
  }
  for (const key of assetKeys) {
    const definition = ctx.partitionsOf(key);
    if (definition === null || selector === null) {
      out.set(key, null);
      continue;
    }
    try {
      out.set(key, resolvePartitionSelector(definition, selector, ctx.partitions));
    } catch (error) {
      if (!isArcoError(error)) throw error;
      const explained = explainPartitionError(error, definition, ctx.partitions);
      throw arcoError(explained.code, `asset "${key}": ${explained.message}`, { ...explained.details, asset: key });
    }
  }
  return out;
}

/**
 * Plans one task per asset partition, in dependency order.
 * @throws as `runPartitionKeys`; NONEXISTENT_UPSTREAM_PARTITION with details `{ asset, partition,
 *   upstream, keys, count }` when a task needs upstream partitions that do not exist.
 */
export function planRun(assetKeys: readonly string[], selector: PartitionSelector | null, ctx: PlanningContext): TaskPlan[] {
  const keysByAsset = runPartitionKeys(assetKeys, selector, ctx);
  const tasks: TaskPlan[] = [];
  for (const assetKey of ctx.graph.inDependencyOrder(assetKeys)) {
    const spec = ctx.specOf(assetKey);
    for (const partitionKey of keysByAsset.get(assetKey) ?? [null]) {
      const inputs = ctx.graph.parents(assetKey).map((up) => inputOf(assetKey, partitionKey, up, ctx));
      const deps = inputs.flatMap((input) => {
        const inRun = keysByAsset.get(input.assetKey);
        if (inRun === undefined) return [];
        if (inRun === null) return [taskKeyOf(input.assetKey, null)];
        const read = input.partitionKeys === null ? inRun : input.partitionKeys.filter((k) => inRun.includes(k));
        return read.map((k) => taskKeyOf(input.assetKey, k));
      });
      tasks.push({
        taskKey: taskKeyOf(assetKey, partitionKey),
        assetKey,
        partitionKey,
        checkName: null,
        deps,
        inputs,
        retry: spec.retry,
        timeoutMs: spec.timeoutMs,
        codeVersion: spec.codeVersion,
        partitionWindow: windowOf(ctx.partitionsOf(assetKey), partitionKey),
      });
    }
  }
  return tasks;
}

function windowOf(definition: PartitionsDefinition | null, partitionKey: string | null): TaskPlan['partitionWindow'] {
  if (definition?.kind !== 'timeWindow' || partitionKey === null) return null;
  const window = timeWindowForKey(definition, partitionKey);
  return { startMs: window.startEpochMs, endMs: window.endEpochMs };
}

/**
 * The partitions of `upstream` that `downstream`'s partition reads (null: unpartitioned or too many).
 * @throws NONEXISTENT_UPSTREAM_PARTITION when it requires upstream partitions that do not exist
 *   and the mapping does not allow that (SEMANTICS §6; Dagster fails such a run too).
 */
function inputOf(downstream: string, partitionKey: string | null, upstream: string, ctx: PlanningContext): TaskInput {
  const upDef = ctx.partitionsOf(upstream);
  if (upDef === null) return { assetKey: upstream, partitionKeys: null };
  const downDef = ctx.partitionsOf(downstream);
  const given = partitionKey === null ? [] : [partitionKey];
  const read = upstreamPartitions(ctx.mappingOf(downstream, upstream), upDef, downDef ?? undefined, given, ctx.partitions);
  if (read.nonexistentKeys.length > 0) {
    const where = partitionKey === null ? `asset "${downstream}"` : `asset "${downstream}" partition "${partitionKey}"`;
    throw nonexistentUpstreamError(read.nonexistentKeys, { asset: downstream, partition: partitionKey, upstream }, `${where} reads partitions of "${upstream}"`);
  }
  return { assetKey: upstream, partitionKeys: read.keys.length > INPUT_PARTITIONS_LISTED_MAX ? null : read.keys };
}
