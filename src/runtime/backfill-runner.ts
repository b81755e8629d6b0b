/**
 * The daemon's backfill step: for each backfill not yet finished, read its chunk runs in flight,
 * ask the backfill controller for the next step and append it conditioned on the backfill's state
 * version (a pause or cancel that landed meanwhile makes the append fail, and the next iteration
 * decides again). Runs of a CANCELING backfill are canceled one by one through the run commands.
 *
 * The daemon runs this step every iteration, right after the run coordinator has recorded the runs
 * that ended, so a chunk run ending plans the next chunk in the same iteration: a backfill advances
 * as fast as its runs end, not on a timer.
 *
 * A chunk whose run failed and is due an automatic run retry (run-retries.ts) is not finished by
 * that run: this step reserves the retry itself (the same `retry:{runId}` key as the retry step, so
 * whichever comes first requests it and the other finds it) and the chunk ends with its last retry,
 * as a Dagster backfill counts a partition that a retry materialized.
 */
import { backfillRunKey, CHUNKS_PER_STEP_MAX, decideBackfillProgress, decideRunRetry, retryRunKey } from '../controllers/index.js';
import { isArcoError } from '../domain/errors/index.js';
import type { RunProjection } from '../fold/index.js';
import { commit, type RuntimeContext } from './context.js';
import { partitionsContextAt } from './partitions-context.js';
import { cancelRun, reserveRun } from './run-commands.js';

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
      if (!run) continue;
      const last = await lastRetryOf(ctx, run, backfill.status !== 'CANCELING');
      if (last.reserved) requestedRuns += 1;
      runs.set(chunk.runId, last.run);
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

/**
 * The run whose end decides a chunk: its own run, or the last automatic retry of it. With
 * `reserve`, a retry that is due but not yet requested is reserved here; a retry refused for good
 * (its assets are gone, …) leaves the failed run as the chunk's end.
 */
async function lastRetryOf(ctx: RuntimeContext, run: RunProjection, reserve: boolean): Promise<{ run: RunProjection; reserved: boolean }> {
  let current = run;
  let reserved = false;
  // Each retry raises the retry number, and decideRunRetry stops at the policy's maximum.
  for (;;) {
    const decision = decideRunRetry(current, ctx.definitions.definitions.instance.runRetries);
    if (decision.kind === 'none') return { run: current, reserved };
    let next = await ctx.store.runs.getRunByKey(retryRunKey(current.runId));
    if (!next && reserve) {
      try {
        const outcome = await reserveRun(ctx, decision.request);
        next = outcome.run;
        reserved ||= !outcome.existing;
      } catch (error) {
        if (!isArcoError(error) || error.retryable) throw error;
      }
    }
    if (!next) return { run: current, reserved };
    current = next;
  }
}
