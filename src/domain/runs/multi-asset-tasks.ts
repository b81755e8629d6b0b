/**
 * Multi-assets in run plans. The outputs of one multi-asset are ordinary assets everywhere but
 * here: one compute call materializes them, so a run plans ONE task per multi-asset and partition.
 *
 * Task key format: `{multiAssetName}` for an unpartitioned multi-asset, `{multiAssetName}[{partition}]`
 * for a partitioned one (the same `taskKeyOf` shape as an asset's). The task's `assetKey` is its
 * first output in output order, so everything that reads one asset per task (partition keys of the
 * run, definitions look-ups) still finds a real asset; `outputs` lists every output the task
 * materializes, each with its own code version and inputs (its provenance). A task without
 * `outputs` is a plain asset's.
 *
 * Selection: a multi-asset that cannot be subset (the default, as Dagster) is planned whole when any
 * of its outputs is selected; `expandMultiAssets` says which outputs that added.
 */
import type { TaskInput, TaskPlan } from './plan.js';
import { taskKeyOf } from './task-key.js';

/** What planning knows of the multi-asset an asset is an output of. */
export interface MultiAssetPlan {
  readonly name: string;
  /** Every output key, in output order. */
  readonly outputKeys: readonly string[];
  readonly canSubset: boolean;
  /** The multi-asset's own code version (outputs may carry their own). */
  readonly codeVersion: string | null;
}

/** One asset a multi-asset task materializes. */
export interface TaskOutput {
  readonly assetKey: string;
  readonly codeVersion: string | null;
  /** What this output reads (a subset of the task's inputs), recorded as its provenance. */
  readonly inputs: TaskInput[];
}

/** Outputs a selection gained because their multi-asset cannot be subset. */
export interface SelectionExpansion {
  readonly multiAsset: string;
  /** The outputs the selection named. */
  readonly selected: string[];
  /** The outputs added to them. */
  readonly added: string[];
}

export type MultiAssetOf = (assetKey: string) => MultiAssetPlan | null;

/** The selection with every output of each selected multi-asset that cannot be subset. */
export function expandMultiAssets(assetKeys: readonly string[], multiAssetOf: MultiAssetOf | undefined): { assetKeys: string[]; expansions: SelectionExpansion[] } {
  if (multiAssetOf === undefined) return { assetKeys: [...assetKeys], expansions: [] };
  const keys = new Set(assetKeys);
  const expansions: SelectionExpansion[] = [];
  const seen = new Set<string>();
  for (const key of assetKeys) {
    const multi = multiAssetOf(key);
    if (multi === null || multi.canSubset || seen.has(multi.name)) continue;
    seen.add(multi.name);
    const added = multi.outputKeys.filter((k) => !keys.has(k));
    if (added.length === 0) continue;
    expansions.push({ multiAsset: multi.name, selected: multi.outputKeys.filter((k) => keys.has(k)), added });
    for (const k of added) keys.add(k);
  }
  return { assetKeys: [...keys], expansions };
}

/** Every asset a task materializes: its outputs, or its one asset. */
export function outputKeysOf(task: Pick<TaskPlan, 'assetKey' | 'outputs'>): string[] {
  return task.outputs ? task.outputs.map((o) => o.assetKey) : [task.assetKey];
}

/**
 * Replaces the per-asset tasks of multi-asset outputs by one task per multi-asset and partition,
 * rewires dependencies to it, and keeps the plan in dependency order.
 */
export function groupMultiAssetTasks(tasks: readonly TaskPlan[], multiAssetOf: MultiAssetOf | undefined): TaskPlan[] {
  if (multiAssetOf === undefined) return [...tasks];
  const groups = new Map<string, { multi: MultiAssetPlan; members: TaskPlan[] }>();
  const renamed = new Map<string, string>();
  for (const task of tasks) {
    const multi = multiAssetOf(task.assetKey);
    if (multi === null) continue;
    const key = taskKeyOf(multi.name, task.partitionKey);
    renamed.set(task.taskKey, key);
    const group = groups.get(key) ?? { multi, members: [] };
    group.members.push(task);
    groups.set(key, group);
  }
  if (groups.size === 0) return [...tasks];
  const rewire = (deps: readonly string[], self: string) => [...new Set(deps.map((d) => renamed.get(d) ?? d))].filter((d) => d !== self);
  const out: TaskPlan[] = [];
  for (const task of tasks) {
    const key = renamed.get(task.taskKey);
    if (key === undefined) {
      out.push({ ...task, deps: rewire(task.deps, task.taskKey) });
      continue;
    }
    const group = groups.get(key);
    if (group === undefined) continue;
    groups.delete(key);
    out.push(mergedTask(key, group.multi, group.members, rewire));
  }
  return inTaskOrder(out);
}

function mergedTask(taskKey: string, multi: MultiAssetPlan, members: TaskPlan[], rewire: (deps: readonly string[], self: string) => string[]): TaskPlan {
  const ordered = [...members].sort((a, b) => multi.outputKeys.indexOf(a.assetKey) - multi.outputKeys.indexOf(b.assetKey));
  const first = ordered[0] as TaskPlan;
  return {
    taskKey,
    assetKey: first.assetKey,
    partitionKey: first.partitionKey,
    checkName: null,
    deps: rewire(ordered.flatMap((t) => t.deps), taskKey),
    inputs: mergedInputs(ordered.flatMap((t) => t.inputs)),
    retry: first.retry,
    timeoutMs: first.timeoutMs,
    codeVersion: multi.codeVersion,
    partitionWindow: first.partitionWindow,
    outputs: ordered.map((t) => ({ assetKey: t.assetKey, codeVersion: t.codeVersion, inputs: t.inputs })),
    ...(first.pool ? { pool: first.pool } : {}),
  };
}

/** One input per upstream asset: the union of the partitions the outputs read (null reads it whole). */
function mergedInputs(inputs: readonly TaskInput[]): TaskInput[] {
  const byAsset = new Map<string, string[] | null>();
  for (const input of inputs) {
    const known = byAsset.get(input.assetKey);
    if (known === undefined) byAsset.set(input.assetKey, input.partitionKeys && [...input.partitionKeys]);
    else if (known !== null) byAsset.set(input.assetKey, input.partitionKeys === null ? null : [...new Set([...known, ...input.partitionKeys])]);
  }
  return [...byAsset].map(([assetKey, partitionKeys]) => ({ assetKey, partitionKeys }));
}

/**
 * Tasks ordered so each comes after its deps, otherwise in the given order. A merged task takes
 * the place of its first output, which may precede a dependency of a later output.
 */
function inTaskOrder(tasks: readonly TaskPlan[]): TaskPlan[] {
  const byKey = new Map(tasks.map((t) => [t.taskKey, t]));
  const placed = new Set<string>();
  const out: TaskPlan[] = [];
  // Depth-first, deps before the task; the task graph is acyclic (checked when definitions load).
  const place = (task: TaskPlan): void => {
    if (placed.has(task.taskKey)) return;
    placed.add(task.taskKey);
    for (const dep of task.deps) {
      const upstream = byKey.get(dep);
      if (upstream) place(upstream);
    }
    out.push(task);
  };
  for (const task of tasks) place(task);
  return out;
}
