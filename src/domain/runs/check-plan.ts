/**
 * Planning asset checks into a run. Selecting an asset selects its checks: each asset partition
 * task of the run is followed by one task per check of the asset, depending on it. A check may
 * also be selected alone (`ASSET#NAME` without its asset): it then evaluates the asset partition as
 * it is, with no dependency in the run. A task that reads an asset partition also waits for that
 * partition's blocking checks in the run, so a failed blocking ERROR check can skip it (settle.ts).
 */
import { arcoError } from '../errors/index.js';
import { nearestNames, didYouMean, suggestionDetails } from '../suggestions/index.js';
import type { PartitionSelector } from '../partitions/index.js';
import { checkKeyOf, checkTaskKeyOf, parseCheckKey } from './check-keys.js';
import { planRun, runPartitionKeys, taskKeyOf, type CheckSpec, type PlanningContext, type TaskPlan } from './plan.js';
import type { RetryPolicy } from './retry-policy.js';

/** A check is evaluated once per request: a failed result is an answer, not something to retry. */
const CHECK_RETRY: RetryPolicy = { maxRetries: 0, delayMs: 0, backoff: 'fixed', jitter: 'none' };

/**
 * The `ASSET#NAME` keys validated against the definitions, de-duplicated and sorted.
 * @throws UNKNOWN_ASSET_CHECK naming the first unknown check, with the nearest defined checks.
 */
export function resolveCheckKeys(checkKeys: readonly string[], ctx: Pick<PlanningContext, 'graph' | 'checksOf'>): string[] {
  const defined = ctx.graph.keys.flatMap((asset) => (ctx.checksOf?.(asset) ?? []).map((c) => checkKeyOf(asset, c.name)));
  const known = new Set(defined);
  for (const key of checkKeys) {
    if (known.has(key)) continue;
    const suggestions = nearestNames(key, defined);
    const parsed = parseCheckKey(key);
    throw arcoError('UNKNOWN_ASSET_CHECK', `unknown asset check "${key}" (name a check as ASSET#NAME)${didYouMean(suggestions)}`, {
      check: key,
      ...(parsed ? { asset: parsed.assetKey, checkName: parsed.checkName } : {}),
      ...suggestionDetails(suggestions),
    });
  }
  return [...new Set(checkKeys)].sort();
}

function checkTask(assetKey: string, partitionKey: string | null, check: CheckSpec, of: TaskPlan | undefined): TaskPlan {
  return {
    taskKey: checkTaskKeyOf(assetKey, partitionKey, check.name),
    assetKey,
    partitionKey,
    checkName: check.name,
    checkBlocking: check.blocking,
    deps: of ? [of.taskKey] : [],
    inputs: [],
    retry: CHECK_RETRY,
    timeoutMs: null,
    codeVersion: null,
    partitionWindow: of?.partitionWindow ?? null,
  };
}

/**
 * The run's plan with its checks: `assetKeys` materialized with all their checks, plus the checks
 * of `checkKeys` (validated `ASSET#NAME`) whose asset is not materialized, evaluated alone.
 * Dependency order holds: a check task comes right after its asset task, before any reader.
 * @throws as `planRun`.
 */
export function planRunWithChecks(
  assetKeys: readonly string[],
  checkKeys: readonly string[],
  selector: PartitionSelector | null,
  ctx: PlanningContext,
): TaskPlan[] {
  const inRun = new Set(assetKeys);
  const alone = checkKeys.map((key) => parseCheckKey(key)).filter((c): c is NonNullable<typeof c> => c !== null && !inRun.has(c.assetKey));
  const specOf = (assetKey: string, name: string): CheckSpec => ctx.checksOf?.(assetKey).find((c) => c.name === name) ?? { name, blocking: false };
  const tasks: TaskPlan[] = [];
  if (alone.length > 0) {
    const keysByAsset = runPartitionKeys([...new Set([...assetKeys, ...alone.map((c) => c.assetKey)])], selector, ctx);
    for (const c of alone) {
      for (const partitionKey of keysByAsset.get(c.assetKey) ?? [null]) tasks.push(checkTask(c.assetKey, partitionKey, specOf(c.assetKey, c.checkName), undefined));
    }
  }
  const planned = assetKeys.length > 0 ? planRun(assetKeys, selector, ctx) : [];
  /** Blocking check task keys by the task key of the asset partition they check. */
  const blockingOf = new Map<string, string[]>();
  for (const task of planned) {
    const checks = (ctx.checksOf?.(task.assetKey) ?? []).map((check) => checkTask(task.assetKey, task.partitionKey, check, task));
    const blocking = checks.filter((t) => t.checkBlocking === true).map((t) => t.taskKey);
    if (blocking.length > 0) blockingOf.set(taskKeyOf(task.assetKey, task.partitionKey), blocking);
    const deps = task.deps.flatMap((d) => [d, ...(blockingOf.get(d) ?? [])]);
    tasks.push({ ...task, deps }, ...checks);
  }
  return tasks;
}
