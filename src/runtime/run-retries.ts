/**
 * The daemon's run-retry step: it follows the ledger's RunFinished events from a stored position
 * (the `run_retries` daemon cursor), so each iteration looks only at runs that ended since the last
 * one, never at every run. For each run that ended FAILURE it asks `decideRunRetry` and reserves the
 * retry through the one reservation path.
 *
 * Exactly once, whatever instant the daemon is killed at: the retry's runKey is derived from the
 * failed run (`retry:{runId}`), and the cursor is written only after the retries it covers were
 * appended. A daemon killed in between decides again after restart, and the reservation returns the
 * run already holding the key instead of requesting a second one.
 *
 * A store without a cursor (first start) begins at the ledger's end: runs that failed before the
 * daemon ever ran this step are not retried, as a run-status sensor does not fire for old runs.
 */
import { decideRunRetry } from '../controllers/index.js';
import { isArcoError } from '../domain/errors/index.js';
import type { RuntimeContext } from './context.js';
import { reserveRun } from './run-commands.js';

export const RUN_RETRIES_CURSOR = 'run_retries';
/** Ledger events looked through per iteration: bounds one iteration's work after a long downtime. */
const LEDGER_SCAN_MAX = 10_000;
/** Finished runs decided per iteration; the rest wait for the next one. */
const RUNS_PER_STEP_MAX = 100;

export interface RunRetryReport {
  /** Retry runs newly requested. */
  readonly requested: readonly string[];
}

/** Events scanned past the cursor before it is written even when no run ended among them. */
const CURSOR_WRITE_AFTER_EVENTS = 500;

/** @param onProblem hears about a failed run whose retry could not be planned (e.g. its assets were removed). */
export async function retryFailedRuns(ctx: RuntimeContext, onProblem: (message: string) => void = () => undefined): Promise<RunRetryReport> {
  const after = await ctx.store.leases.readCursor(RUN_RETRIES_CURSOR);
  if (after === undefined) {
    await ctx.store.leases.writeCursor(RUN_RETRIES_CURSOR, await ctx.store.ledger.lastSequence());
    return { requested: [] };
  }
  const { records, scannedTo } = await ctx.store.automation.listRunsFinished(after, LEDGER_SCAN_MAX, RUNS_PER_STEP_MAX);
  const requested: string[] = [];
  const settings = ctx.definitions.definitions.instance.runRetries;
  for (const record of records) {
    if (record.status !== 'FAILURE') continue;
    const run = await ctx.store.runs.getRun(record.runId);
    if (!run) continue;
    const decision = decideRunRetry(run, settings);
    if (decision.kind === 'none') continue;
    try {
      const outcome = await reserveRun(ctx, decision.request);
      if (!outcome.existing) requested.push(outcome.run.runId);
    } catch (error) {
      // A final refusal (the run's assets are no longer defined, …) would not change by asking
      // again. Anything that may pass later leaves the cursor for the next iteration.
      if (!isArcoError(error) || error.retryable) throw error;
      onProblem(`run ${run.runId} failed and could not be retried: ${error.code}: ${error.message}`);
    }
  }
  // A write per iteration would cost a transaction for every few events; rescanning is cheap and
  // decides nothing twice (retry run keys), so the cursor moves when runs ended or the scan grew long.
  if (scannedTo > after && (records.length > 0 || scannedTo - after >= CURSOR_WRITE_AFTER_EVENTS)) await ctx.store.leases.writeCursor(RUN_RETRIES_CURSOR, scannedTo);
  return { requested };
}
