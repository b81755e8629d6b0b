/**
 * The daemon's backfill step: for each backfill not yet finished, read its chunk runs in flight,
 * ask the backfill controller for the next step and append it conditioned on the backfill's state
 * version (a pause or cancel that landed meanwhile makes the append fail, and the next iteration
 * decides again). Runs of a CANCELING backfill are canceled one by one through the run commands.
 *
 * The daemon runs this step every iteration, right after the run coordinator has recorded the runs
 * that ended, so a chunk run ending plans the next chunk in the same iteration: a backfill advances
 * as fast as its runs end, not on a timer.
 */
import { backfillRunKey, CHUNKS_PER_STEP_MAX, decideBackfillProgress } from '../controllers/index.js';
import { isArcoError } from '../domain/errors/index.js';
import type { RunProjection } from '../fold/index.js';
import { commit, type RuntimeContext } from './context.js';
import { partitionsContextAt } from './partitions-context.js';
import { cancelRun } from './run-commands.js';

export interface BackfillStepReport {
  /** Chunk runs requested. */
  readonly requestedRuns: number;
  /** Events appended. */
  readonly appended: number;
}

/** Advances every active backfill by one step at `nowEpochMs`. */
export async function advanceBackfills(ctx: RuntimeContext, nowEpochMs: number): Promise<BackfillStepReport> {
  const active = await ctx.store.backfills.listActiveBackfills();
  if (active.length === 0) return { requestedRuns: 0, appended: 0 };
  const planning = { ...ctx.definitions, partitions: await partitionsContextAt(ctx, nowEpochMs) };
  let requestedRuns = 0;
  let appended = 0;
  for (const backfill of active) {
    const runs = new Map<string, RunProjection>();
    for (const chunk of backfill.inFlight) {
      const run = await ctx.store.runs.getRun(chunk.runId);
      if (run) runs.set(run.runId, run);
    }
    // A run already holding a next chunk's key is rare (a crash between decide and append is
    // covered by the idempotency gate); one query covers every chunk this step may plan.
    const slots = backfill.status === 'REQUESTED' ? Math.min(CHUNKS_PER_STEP_MAX, Math.max(0, backfill.maxConcurrentRuns - backfill.inFlight.length)) : 0;
    const keys = Array.from({ length: slots }, (_, i) => backfillRunKey(backfill.backfillId, backfill.chunksPlanned + i));
    const holders = new Map<string, RunProjection>();
    for (const run of await ctx.store.automation.listRunsByKeys(keys)) if (run.runKey !== null) holders.set(run.runKey, run);
    const step = decideBackfillProgress({ backfill, runs, holders, planning, ids: ctx.ids, nowEpochMs });
    try {
      const result = await commit(ctx, step.drafts, nowEpochMs, [{ table: 'backfills', id: backfill.backfillId, version: step.expectStateVersion }]);
      appended += result.appended.length;
      requestedRuns += result.appended.filter((e) => e.type === 'RunRequested').length;
    } catch (error) {
      // An operator changed the backfill's state since we read it; the next iteration decides again.
      if (!isArcoError(error) || error.code !== 'CONCURRENT_MODIFICATION') throw error;
      continue;
    }
    for (const runId of step.cancelRunIds) {
      try {
        await cancelRun(ctx, runId, `backfill ${backfill.backfillId} canceled`);
      } catch (error) {
        if (!isArcoError(error) || error.code !== 'RUN_NOT_CANCELABLE') throw error;
      }
    }
  }
  return { requestedRuns, appended };
}
