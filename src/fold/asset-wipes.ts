/**
 * The wipe history: one row per `AssetWiped`, in ledger order. Asset views show an asset's last
 * wipe from it, and a reader that keeps materializations cached (the freshness daemon) learns from
 * it that what it holds was forgotten.
 */
import { z } from 'zod';
import { defineFamily, IGNORE } from './family.js';
import { sequenceId } from './materializations.js';

export const assetWipeSchema = z.object({
  sequence: z.number().int(),
  assetKey: z.string(),
  /** The wiped partitions; null: every partition (or the unpartitioned asset). */
  partitionKeys: z.array(z.string()).nullable(),
  wipedAt: z.string(),
  requestedBy: z.string().nullable(),
});
export type AssetWipe = z.infer<typeof assetWipeSchema>;

export const assetWipesFamily = defineFamily<AssetWipe>({
  table: 'asset_wipes',
  schema: assetWipeSchema,
  columns: (w) => ({ asset_key: w.assetKey, sequence: w.sequence, wiped_at: w.wipedAt }),
  handlers: {
    PoolLimitSet: IGNORE,
    RecordsPurged: IGNORE,
    RunRequested: IGNORE,
    RunStarted: IGNORE,
    RunCancelRequested: IGNORE,
    RunFinished: IGNORE,
    RunDeleted: IGNORE,
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
    DynamicPartitionsChanged: IGNORE,
    BackfillCreated: IGNORE,
    BackfillStateChanged: IGNORE,
    BackfillChunkPlanned: IGNORE,
    BackfillChunkFinished: IGNORE,
    AssetWiped: {
      ids: (e) => [sequenceId(e.sequence)],
      creates: true,
      apply: (_row, e) => ({
        sequence: e.sequence,
        assetKey: e.payload.assetKey,
        partitionKeys: e.payload.partitionKeys,
        wipedAt: e.payload.wipedAt,
        requestedBy: e.payload.requestedBy,
      }),
    },
    AssetFreshnessChanged: IGNORE,
    AssetCheckEvaluated: IGNORE,
    AssetObserved: IGNORE,
    AssetMaterializationReported: IGNORE,
    AutomationConditionEvaluated: IGNORE,
  },
});
