/**
 * Retention (instance setting `retention: { ticks, evaluations, runs }`, Dagster's `retention`):
 * the daemon forgets history older than it keeps, a bounded batch per kind at most once a minute,
 * so the first purge of a large store never holds up an iteration.
 *
 * Every purge is an event: schedule ticks, sensor evaluations and automation evaluations go with
 * `RecordsPurged` (naming the rows), finished runs with `RunDeleted` (requested by `retention`),
 * whose fold removes the same rows again on a replay, so projections still equal a replay of the
 * ledger. A purge's idempotency key names its rows, so a step repeated after a crash appends nothing
 * twice. Runs still in progress, the latest tick of each schedule and a run a backfill has not yet
 * recorded are never purged.
 */
import { isArcoError } from '../domain/errors/index.js';
import { decideRunDelete } from '../controllers/index.js';
import { draft, idempotencyKeys } from '../events/index.js';
import type { ExpiredRecordKind } from '../store/index.js';
import { commit, type RuntimeContext } from './context.js';

/** Rows purged per kind and step. */
export const PURGE_BATCH_MAX = 500;
/** How often the daemon looks for expired records. */
export const RETENTION_INTERVAL_MS = 60_000;

export interface PurgeReport {
  readonly scheduleTicks: number;
  readonly sensorHistory: number;
  readonly automationEvaluations: number;
  readonly runs: number;
}

/** One retention pass at `nowEpochMs`: purges at most one batch of each kind that has a retention. */
export async function purgeExpired(ctx: RuntimeContext, nowEpochMs: number): Promise<PurgeReport> {
  const { ticksMs, evaluationsMs, runsMs } = ctx.definitions.definitions.instance.retention;
  const cutoff = (ms: number) => new Date(nowEpochMs - ms).toISOString();
  const records = async (kind: ExpiredRecordKind, keepMs: number | null): Promise<number> => {
    if (keepMs === null) return 0;
    const before = cutoff(keepMs);
    const ids = await ctx.store.admin.listExpiredRecords(kind, before, PURGE_BATCH_MAX);
    if (ids.length === 0) return 0;
    const { appended } = await commit(ctx, [draft('RecordsPurged', { kind, ids, before }, idempotencyKeys.recordsPurged(kind, ids), null)], nowEpochMs);
    return appended.length > 0 ? ids.length : 0;
  };
  return {
    scheduleTicks: await records('scheduleTicks', ticksMs),
    sensorHistory: await records('sensorHistory', evaluationsMs),
    automationEvaluations: await records('automationEvaluations', evaluationsMs),
    runs: runsMs === null ? 0 : await purgeRuns(ctx, cutoff(runsMs), nowEpochMs),
  };
}

async function purgeRuns(ctx: RuntimeContext, beforeIso: string, nowEpochMs: number): Promise<number> {
  let purged = 0;
  for (const runId of await ctx.store.admin.listExpiredRuns(beforeIso, PURGE_BATCH_MAX)) {
    const run = await ctx.store.runs.getRun(runId);
    if (!run) continue;
    const backfillId = run.tags['arco/backfill'];
    const backfill = backfillId === undefined ? undefined : await ctx.store.backfills.getBackfill(backfillId);
    try {
      const drafts = decideRunDelete(run, backfill, nowEpochMs, 'retention');
      const { appended } = await commit(ctx, drafts, nowEpochMs, [{ table: 'runs', id: runId, version: run.version }]);
      purged += appended.length > 0 ? 1 : 0;
    } catch (error) {
      // Not yet recorded by its backfill, or changed meanwhile: the next pass decides it again.
      if (!isArcoError(error) || (error.code !== 'RUN_NOT_TERMINAL' && error.code !== 'CONCURRENT_MODIFICATION')) throw error;
    }
  }
  return purged;
}

/** Runs `purgeExpired` at most once per RETENTION_INTERVAL_MS. */
export class Retention {
  private lastAtMs = Number.NEGATIVE_INFINITY;

  constructor(private readonly ctx: RuntimeContext) {}

  async purgeIfDue(nowEpochMs: number): Promise<PurgeReport | undefined> {
    if (nowEpochMs - this.lastAtMs < RETENTION_INTERVAL_MS) return undefined;
    this.lastAtMs = nowEpochMs;
    return purgeExpired(this.ctx, nowEpochMs);
  }
}
