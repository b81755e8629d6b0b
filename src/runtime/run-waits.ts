/**
 * What a queued run or a waiting task waits for, worked out when a run is read (OPX-14): the run
 * limit (`maxConcurrentRuns: 6/6 runs in progress`), a tag limit (`tag team=data: 2/2 runs`), a
 * full pool (`pool warehouse: 2/2 in use`) or the run's own task limit (`arco/max_concurrent_tasks`). Counted from the runs in progress now, as the daemon
 * counts them, with the limits of the loaded instance settings (a daemon started with
 * `--max-concurrent-runs` may hold a different run limit).
 */
import { describeRunLimitWait, describeRunTaskLimitWait, executingTasks, runMaxConcurrentTasks, TagLimitCounter, type PoolGranularity } from '../domain/runs/index.js';
import { PoolSlots } from '../controllers/index.js';
import type { RunProjection } from '../fold/index.js';
import type { RuntimeContext } from './context.js';
import { readPoolLimits } from './run-monitor.js';

export interface RunWait {
  /** The task that waits; null: the run waits in the queue. */
  readonly taskKey: string | null;
  readonly reason: string;
}

/**
 * Whether the run may be waiting for something: queued, or a ready task held by its pool or its
 * run's task limit. Without `granularity` (before the instance settings are loaded), as if it were
 * 'run': any ready task of a run with a pool may then wait for the run's slots.
 */
export function mayWait(run: RunProjection, granularity: PoolGranularity = 'run'): boolean {
  if (run.status === 'QUEUED') return true;
  if (run.status !== 'STARTED') return false;
  const limited = runMaxConcurrentTasks(run.tags) !== null;
  const runPooled = granularity === 'run' && run.tasks.some((t) => t.pool !== undefined);
  return run.tasks.some((t) => t.status === 'READY' && (limited || runPooled || t.pool !== undefined));
}

/** The waits of each run of `runs` that waits for something (runs that do not are left out). */
export async function explainWaits(ctx: RuntimeContext, runs: readonly RunProjection[]): Promise<Map<string, RunWait[]>> {
  const waits = new Map<string, RunWait[]>();
  const { maxConcurrentRuns, tagConcurrencyLimits } = ctx.definitions.definitions.instance.runQueue;
  // Without a run limit or a tag limit a queued run waits for nothing but the daemon's next pass:
  // the runs in progress, which a large queue makes costly to read, need not be counted then.
  const queueLimited = maxConcurrentRuns !== null || tagConcurrencyLimits.length > 0;
  const queued = queueLimited ? runs.filter((r) => r.status === 'QUEUED') : [];
  const started = runs.filter((r) => r.status === 'STARTED' && mayWait(r, ctx.definitions.definitions.instance.pools.granularity));
  if (queued.length === 0 && started.length === 0) return waits;
  const heads = await ctx.store.runs.listActiveRunHeads();
  const inProgress = heads.filter((h) => h.status === 'STARTED' || h.status === 'CANCELING');
  if (queued.length > 0) {
    const tags = new TagLimitCounter(tagConcurrencyLimits, inProgress.map((h) => h.tags));
    for (const run of queued) {
      const reason =
        maxConcurrentRuns !== null && inProgress.length >= maxConcurrentRuns ? describeRunLimitWait(inProgress.length, maxConcurrentRuns) : tags.blockingLimit(run.tags);
      if (reason !== undefined) waits.set(run.runId, [{ taskKey: null, reason }]);
    }
  }
  if (started.length > 0) {
    const holders = await ctx.store.runs.getRuns(inProgress.map((h) => h.runId));
    const { defaultLimit, granularity } = ctx.definitions.definitions.instance.pools;
    const pools = new PoolSlots(await readPoolLimits(ctx), holders, defaultLimit, granularity);
    for (const run of started) {
      const limit = runMaxConcurrentTasks(run.tags);
      const executing = executingTasks(run);
      const runFull = limit !== null && executing >= limit ? describeRunTaskLimitWait(executing, limit) : undefined;
      const taskWaits = run.tasks.flatMap((t) => {
        const reason = t.status === 'READY' ? (runFull ?? pools.taskWait(run, t.pool)) : undefined;
        return reason === undefined ? [] : [{ taskKey: t.taskKey, reason }];
      });
      if (taskWaits.length > 0) waits.set(run.runId, taskWaits);
    }
  }
  return waits;
}
