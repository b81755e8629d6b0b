/**
 * Run planning: a run's tasks are exactly the selected assets (plus closures the caller asked for),
 * in dependency order, one task per asset partition. A task depends on the tasks of its upstream
 * asset partitions that are in the same run (through the dependency's partition mapping); upstream
 * partitions outside the run are read as they are, never pulled in silently. External assets are
 * never tasks: a run reads them as they are, like any upstream outside the run.
 */
import type { ConfigSchema } from './run-config.js';
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
import { expandMultiAssets, groupMultiAssetTasks, type MultiAssetOf, type TaskOutput } from './multi-asset-tasks.js';
import { taskKeyOf } from './task-key.js';

export interface TaskSpec {
  readonly retry: RetryPolicy;
  /** Wall time an attempt may take before it fails with TIMEOUT; null means no limit. */
  readonly timeoutMs: number | null;
  readonly codeVersion: string | null;
  /** The pool whose slots the task takes while it runs; null: none. */
  readonly pool?: string | null;
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
  /** Set when the task takes a pool slot while it runs (absent otherwise, so older plans read the same). */
  readonly pool?: string;
  /** The window of a time-window partition (epoch ms), so status can be kept as ranges; else null. */
  readonly partitionWindow: { readonly startMs: number; readonly endMs: number } | null;
  /** Set on a multi-asset's task: every asset it materializes (multi-asset-tasks.ts). */
  readonly outputs?: TaskOutput[];
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
  /** Whether an asset is external (another system produces it): it is never planned. */
  readonly isExternal: (assetKey: string) => boolean;
  /** The multi-asset an asset is an output of (null for a plain asset); absent: no multi-assets. */
  readonly multiAssetOf?: MultiAssetOf;
  /** The checks defined on an asset, in definition order (none when absent). */
  readonly checksOf?: (assetKey: string) => readonly CheckSpec[];
  /** The schema a run's config must fit for a run to materialize the asset (none when absent or null). */
  readonly configSchemaOf?: (assetKey: string) => ConfigSchema | null;
}

/** What planning needs to know about an asset check. */
export interface CheckSpec {
  readonly name: string;
  /** A failed ERROR result skips the asset's downstream tasks in the run. */
  readonly blocking: boolean;
}

/** An input listing more upstream partitions than this records null ("the whole asset") instead. */
export const INPUT_PARTITIONS_LISTED_MAX = 100;

export { taskKeyOf };

/**
 * The one rule for external assets in runs: the assets of `keys` a run can materialize, which is
 * every one but the external ones. A run of nothing but external assets is an error, not an
 * empty run: nothing could ever materialize them.
 * @throws EXTERNAL_ASSET_NOT_MATERIALIZABLE naming them, when `keys` holds only external assets.
 */
export function materializableAssets(keys: readonly string[], isExternal: (assetKey: string) => boolean): string[] {
  const kept = keys.filter((key) => !isExternal(key));
  if (kept.length === 0 && keys.length > 0) {
    const assets = [...keys].sort();
    throw arcoError(
      'EXTERNAL_ASSET_NOT_MATERIALIZABLE',
      `${assets.map((k) => `"${k}"`).join(', ')} ${assets.length === 1 ? 'is an external asset' : 'are external assets'}: no run materializes ${assets.length === 1 ? 'it' : 'them'}; record ${assets.length === 1 ? 'its' : 'their'} data with \`arco asset report-materialization\` or \`arco asset observe\``,
      { assets },
    );
  }
  return kept;
}

/**
 * Resolves selected keys plus closure flags to the set of assets the run materializes (external
 * assets left out, as `materializableAssets`).
 * @throws UNKNOWN_ASSET naming the first unknown key; EXTERNAL_ASSET_NOT_MATERIALIZABLE.
 */
export function resolveRunAssets(
  graph: AssetGraph,
  selected: readonly string[],
  closure: Closure,
  isExternal: (assetKey: string) => boolean,
): string[] {
  for (const key of selected) {
    if (!graph.has(key)) throw unknownAssetError(key, graph.keys);
  }
  const keys = new Set(selected);
  if (closure.includeUpstream) for (const k of graph.closure(selected, 'upstream')) keys.add(k);
  if (closure.includeDownstream) for (const k of graph.closure(selected, 'downstream')) keys.add(k);
  return graph.inDependencyOrder(materializableAssets([...keys], isExternal));
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
 * The most tasks one run may have. A run is one document read and rewritten as it progresses; tens
 * of thousands of tasks make every read of it megabytes and stall the daemon. Backfills exist for
 * that: they plan chunk by chunk.
 */
export const RUN_TASKS_MAX = 10_000;

/** @throws RUN_TOO_LARGE when the run would have more than RUN_TASKS_MAX tasks, pointing to backfills. */
function checkRunSize(keysByAsset: ReadonlyMap<string, readonly string[] | null>): void {
  let tasks = 0;
  for (const keys of keysByAsset.values()) tasks += keys === null ? 1 : keys.length;
  if (tasks <= RUN_TASKS_MAX) return;
  throw arcoError(
    'RUN_TOO_LARGE',
    `the run would have ${tasks} tasks, more than the ${RUN_TASKS_MAX} one run may have: materialize that many partitions with a backfill (arco backfill create --select ... --partition ...), which runs them in chunks`,
    { tasks, max: RUN_TASKS_MAX },
  );
}

/**
 * Plans one task per asset partition, in dependency order, except that the outputs of one
 * multi-asset and partition share one task; a multi-asset that cannot be subset is planned whole.
 * External assets get none.
 * @throws as `runPartitionKeys`; EXTERNAL_ASSET_NOT_MATERIALIZABLE; NONEXISTENT_UPSTREAM_PARTITION with details `{ asset, partition,
 *   upstream, keys, count }` when a task needs upstream partitions that do not exist.
 */
export function planRun(selected: readonly string[], selector: PartitionSelector | null, ctx: PlanningContext): TaskPlan[] {
  const assetKeys = expandMultiAssets(materializableAssets(selected, ctx.isExternal), ctx.multiAssetOf).assetKeys;
  const keysByAsset = runPartitionKeys(assetKeys, selector, ctx);
  checkRunSize(keysByAsset);
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
        partitionWindow: partitionWindowOf(ctx.partitionsOf(assetKey), partitionKey),
        ...(spec.pool ? { pool: spec.pool } : {}),
      });
    }
  }
  return groupMultiAssetTasks(tasks, ctx.multiAssetOf);
}

/** The window of a time-window partition (epoch ms), else null. */
export function partitionWindowOf(definition: PartitionsDefinition | null, partitionKey: string | null): TaskPlan['partitionWindow'] {
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
