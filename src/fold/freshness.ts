/**
 * Recorded freshness (SEMANTICS §8): one row per asset whose freshness policy was ever evaluated,
 * holding the state last recorded by an `AssetFreshnessChanged` and its `stateVersion` (the number
 * of recorded changes). The controller proposes `stateVersion + 1` for the next change; the
 * idempotency key carries that version, so two daemons that see the same change record it once.
 *
 * The row keeps the state the daemon last recorded, not the state at this instant: freshness also
 * changes with time alone, and what holds now is `evaluateFreshness` at now (asset views use that).
 * A row stays when its asset's policy is removed; views show no freshness for an asset without one.
 */
import { z } from 'zod';
import { freshnessStateSchema } from '../events/index.js';
import { defineFamily, IGNORE } from './family.js';

export const assetFreshnessSchema = z.object({
  assetKey: z.string(),
  state: freshnessStateSchema,
  stateVersion: z.number().int().positive(),
  previousState: freshnessStateSchema.nullable(),
  lagMinutes: z.number().nullable(),
  materializationSequence: z.number().int().nullable(),
  /** When the change was evaluated (the evaluating daemon's clock). */
  changedAt: z.string(),
});
export type AssetFreshnessRecord = z.infer<typeof assetFreshnessSchema>;

export const assetFreshnessFamily = defineFamily<AssetFreshnessRecord>({
  table: 'asset_freshness',
  schema: assetFreshnessSchema,
  columns: (r) => ({ state: r.state, state_version: r.stateVersion }),
  handlers: {
    PoolLimitSet: IGNORE,
    RecordsPurged: IGNORE,
    RunRequested: IGNORE,
    RunStarted: IGNORE,
    RunCancelRequested: IGNORE,
    RunFinished: IGNORE,
    RunKeyConflictRecorded: IGNORE,
    TaskDispatched: IGNORE,
    TaskAttemptStarted: IGNORE,
    TaskAttemptFinished: IGNORE,
    TaskSkipped: IGNORE,
    TaskCanceled: IGNORE,
    TaskLogged: IGNORE,
    AssetMaterialized: IGNORE,
    ScheduleDefinitionSynced: IGNORE,
    ScheduleStateChanged: IGNORE,
    ScheduleTicked: IGNORE,
    SensorDefinitionSynced: IGNORE,
    SensorStateChanged: IGNORE,
    SensorEvaluated: IGNORE,
    AutomationConditionEvaluated: IGNORE,
    DynamicPartitionsChanged: IGNORE,
    BackfillCreated: IGNORE,
    BackfillStateChanged: IGNORE,
    BackfillChunkPlanned: IGNORE,
    BackfillChunkFinished: IGNORE,
    AssetObserved: IGNORE,
    AssetMaterializationReported: IGNORE,
    RunDeleted: IGNORE,
    AssetWiped: IGNORE,
    AssetCheckEvaluated: IGNORE,
    AssetFreshnessChanged: {
      ids: (e) => [e.payload.assetKey],
      // The latest change wins. Versions only grow: each is proposed from the row it follows, and
      // a second proposal of the same version is dropped by the idempotency gate before the fold.
      apply: (_row, e) => ({
        assetKey: e.payload.assetKey,
        state: e.payload.state,
        stateVersion: e.payload.stateVersion,
        previousState: e.payload.previousState,
        lagMinutes: e.payload.lagMinutes,
        materializationSequence: e.payload.materializationSequence,
        changedAt: e.payload.evaluatedAt,
      }),
    },
  },
});
