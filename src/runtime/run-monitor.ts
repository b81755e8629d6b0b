/**
 * The daemon's run-monitoring step (src/controllers/run-monitoring.ts): at most once per
 * MONITOR_INTERVAL_MS it reads the active runs, asks the controller which are past a timeout or
 * their max runtime, and appends each decision conditioned on the run version it read.
 */
import { decideRunMonitoring } from '../controllers/index.js';
import { isArcoError } from '../domain/errors/index.js';
import type { StoredEvent } from '../events/index.js';
import { commit, type RuntimeContext } from './context.js';

/**
 * Timeouts are given in whole seconds, so looking once a second is precise enough, and spares
 * reading every active run on every daemon iteration.
 */
export const MONITOR_INTERVAL_MS = 1_000;

export class RunMonitor {
  private lastAtMs = Number.NEGATIVE_INFINITY;

  constructor(private readonly ctx: RuntimeContext) {}

  /**
   * Applies what run monitoring decides, when due. Returns the events it appended, so the daemon
   * can stop the workers of attempts it finished.
   */
  async monitorIfDue(nowEpochMs: number, freeWorkerSlots: number): Promise<readonly StoredEvent[]> {
    if (nowEpochMs - this.lastAtMs < MONITOR_INTERVAL_MS) return [];
    this.lastAtMs = nowEpochMs;
    return monitorRuns(this.ctx, nowEpochMs, freeWorkerSlots);
  }
}

/** Pools with a limit set, by name (a removed limit is no limit). */
export async function readPoolLimits(ctx: RuntimeContext): Promise<Map<string, number>> {
  const limits = await ctx.store.runs.listPoolLimits();
  // A pool set unlimited stays unlimited whatever the default for pools without a limit of their own.
  return new Map(limits.map((p) => [p.pool, p.limit ?? Number.POSITIVE_INFINITY] as const));
}

/** One pass of run monitoring over the active runs at `nowEpochMs`. */
export async function monitorRuns(ctx: RuntimeContext, nowEpochMs: number, freeWorkerSlots: number): Promise<StoredEvent[]> {
  // Only started and canceling runs are monitored: a long queue is read as heads, never whole.
  const heads = await ctx.store.runs.listActiveRunHeads();
  const runs = await ctx.store.runs.getRuns(heads.filter((h) => h.status === 'STARTED' || h.status === 'CANCELING').map((h) => h.runId));
  const steps = decideRunMonitoring({
    runs,
    nowEpochMs,
    settings: ctx.definitions.definitions.instance.runMonitoring,
    freeWorkerSlots,
    poolLimits: await readPoolLimits(ctx),
    defaultPoolLimit: ctx.definitions.definitions.instance.pools.defaultLimit,
    poolGranularity: ctx.definitions.definitions.instance.pools.granularity,
  });
  const appended: StoredEvent[] = [];
  for (const step of steps) {
    try {
      const result = await commit(ctx, step.drafts, nowEpochMs, [{ table: 'runs', id: step.runId, version: step.expectVersion }]);
      appended.push(...result.appended);
    } catch (error) {
      // The run changed since it was read (a report landed); the next pass decides again.
      if (!isArcoError(error) || error.code !== 'CONCURRENT_MODIFICATION') throw error;
    }
  }
  return appended;
}
