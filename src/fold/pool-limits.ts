/**
 * Pool slot limits (`arco pool set NAME LIMIT`): one row per pool with a limit. Removing a limit
 * keeps the row with a null limit, so `arco pool list` still shows the pool was configured.
 */
import { z } from 'zod';
import { defineFamily, IGNORE } from './family.js';

export const poolLimitSchema = z.object({
  pool: z.string(),
  /** null: unlimited. */
  limit: z.number().int().nonnegative().nullable(),
  updatedAt: z.string(),
});
export type PoolLimit = z.infer<typeof poolLimitSchema>;

export const poolLimitsFamily = defineFamily<PoolLimit>({
  table: 'pool_limits',
  schema: poolLimitSchema,
  columns: (p) => ({ updated_at: p.updatedAt }),
  handlers: {
    PoolLimitSet: {
      ids: (e) => [e.payload.pool],
      apply: (_row, e) => ({ pool: e.payload.pool, limit: e.payload.limit, updatedAt: e.at }),
    },
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
    DynamicPartitionsChanged: IGNORE,
    BackfillCreated: IGNORE,
    BackfillStateChanged: IGNORE,
    BackfillChunkPlanned: IGNORE,
    BackfillChunkFinished: IGNORE,
    RunDeleted: IGNORE,
    AssetWiped: IGNORE,
    AssetFreshnessChanged: IGNORE,
    AssetObserved: IGNORE,
    AssetMaterializationReported: IGNORE,
    AutomationConditionEvaluated: IGNORE,
    AssetCheckEvaluated: IGNORE,
  },
});
