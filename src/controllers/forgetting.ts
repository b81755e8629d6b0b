/**
 * Deciding what an operator asks to forget: an asset's materialization history (a wipe, Dagster's
 * `asset wipe` / `wipe_asset_partitions`) and a finished run (Dagster's `delete_run`). Both are
 * recorded as events and never delete from the ledger; the projections forget (see the folds).
 *
 * - A wipe is one `AssetWiped` per asset, of every partition or of the listed ones. A run in
 *   progress on the asset is not touched: its later materialization counts as any other.
 * - A run can be deleted only once it is terminal, and (when a backfill launched it) once the
 *   backfill has recorded its chunk finished: a backfill waits on its in-flight runs by id.
 */
import { arcoError } from '../domain/errors/index.js';
import { isTerminalRun } from '../domain/runs/index.js';
import { draft, idempotencyKeys, type EventDraft } from '../events/index.js';
import type { BackfillProjection, RunProjection } from '../fold/index.js';

/** One asset to wipe: every partition (`partitionKeys` null) or the listed ones, with their windows. */
export interface AssetWipeTarget {
  readonly assetKey: string;
  readonly partitionKeys: readonly string[] | null;
  /** Merged `[startMs, endMs)` windows of the listed time-window partitions (empty otherwise). */
  readonly partitionWindows: readonly (readonly [number, number])[];
}

/** One `AssetWiped` per target, keyed by the request's `wipeId` (a retried request is one wipe). */
export function decideAssetWipes(targets: readonly AssetWipeTarget[], wipeId: string, nowEpochMs: number, requestedBy: string | null): EventDraft[] {
  const wipedAt = new Date(nowEpochMs).toISOString();
  return targets.map((t) =>
    draft(
      'AssetWiped',
      {
        assetKey: t.assetKey,
        partitionKeys: t.partitionKeys === null ? null : [...t.partitionKeys],
        partitionWindows: t.partitionWindows.map(([startMs, endMs]) => [startMs, endMs] as [number, number]),
        wipedAt,
        requestedBy,
      },
      idempotencyKeys.assetWiped(t.assetKey, wipeId),
      null,
    ),
  );
}

/**
 * The `RunDeleted` of a finished run.
 * @param backfill the backfill named by the run's `arco/backfill` tag, if any.
 * @throws RUN_NOT_TERMINAL for a run not yet finished, or whose backfill still counts it in flight.
 */
export function decideRunDelete(run: RunProjection, backfill: BackfillProjection | undefined, nowEpochMs: number, requestedBy: string | null): EventDraft[] {
  if (!isTerminalRun(run.status)) {
    throw arcoError('RUN_NOT_TERMINAL', `run ${run.runId} is ${run.status}: only a finished run can be deleted (cancel it first)`, {
      runId: run.runId,
      status: run.status,
    });
  }
  if (backfill?.inFlight.some((chunk) => chunk.runId === run.runId)) {
    throw arcoError('RUN_NOT_TERMINAL', `run ${run.runId} finished, but backfill ${backfill.backfillId} has not recorded it yet; try again in a moment`, {
      runId: run.runId,
      status: run.status,
      backfillId: backfill.backfillId,
    });
  }
  return [draft('RunDeleted', { runId: run.runId, deletedAt: new Date(nowEpochMs).toISOString(), requestedBy }, idempotencyKeys.runDeleted(run.runId), run.runId)];
}
