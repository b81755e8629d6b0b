/**
 * Run planning: a run's tasks are exactly the selected assets (plus closures the caller asked for),
 * in dependency order. A task depends on the tasks of its upstream assets that are in the same run;
 * upstream assets outside the run are read as they are, never pulled in silently.
 */
import type { AssetGraph } from '../assets/index.js';
import { arcoError } from '../errors/index.js';
import type { RetryPolicy } from './retry-policy.js';

export interface TaskSpec {
  readonly retry: RetryPolicy;
  /** Wall time an attempt may take before it fails with TIMEOUT; null means no limit. */
  readonly timeoutMs: number | null;
  readonly codeVersion: string | null;
}

export interface TaskPlan {
  readonly taskKey: string;
  readonly assetKey: string;
  readonly partitionKey: string | null;
  /** Task keys in this run that must succeed first. */
  readonly deps: string[];
  /** Every upstream asset key of the asset, in or out of the run (for data versions). */
  readonly upstreamAssets: string[];
  readonly retry: RetryPolicy;
  readonly timeoutMs: number | null;
  readonly codeVersion: string | null;
}

export interface Closure {
  readonly includeUpstream: boolean;
  readonly includeDownstream: boolean;
}

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
    if (!graph.has(key)) throw arcoError('UNKNOWN_ASSET', `unknown asset "${key}"`, { key });
  }
  const keys = new Set(selected);
  if (closure.includeUpstream) for (const k of graph.closure(selected, 'upstream')) keys.add(k);
  if (closure.includeDownstream) for (const k of graph.closure(selected, 'downstream')) keys.add(k);
  return graph.inDependencyOrder(keys);
}

/** Plans one unpartitioned task (or one task per asset for a single partition key) per asset. */
export function planRun(
  graph: AssetGraph,
  assetKeys: readonly string[],
  specOf: (assetKey: string) => TaskSpec,
  partitionKey: string | null = null,
): TaskPlan[] {
  const inRun = new Set(assetKeys);
  return graph.inDependencyOrder(assetKeys).map((assetKey) => {
    const spec = specOf(assetKey);
    const upstream = graph.parents(assetKey);
    return {
      taskKey: taskKeyOf(assetKey, partitionKey),
      assetKey,
      partitionKey,
      deps: upstream.filter((k) => inRun.has(k)).map((k) => taskKeyOf(k, partitionKey)),
      upstreamAssets: [...upstream],
      retry: spec.retry,
      timeoutMs: spec.timeoutMs,
      codeVersion: spec.codeVersion,
    };
  });
}
