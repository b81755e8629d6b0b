/** The `run_key_conflicts` projection: every refused reuse of a runKey, once per (runKey, fingerprint). */
import { z } from 'zod';
import { defineFamily, IGNORE } from './family.js';

export const runKeyConflictSchema = z.object({
  conflictId: z.string(),
  runKey: z.string(),
  conflictType: z.literal('FINGERPRINT_MISMATCH'),
  existingRunId: z.string(),
  existingFingerprint: z.string(),
  requestedFingerprint: z.string(),
  differingFields: z.array(z.string()),
  recordedAt: z.string(),
});
export type RunKeyConflict = z.infer<typeof runKeyConflictSchema>;

export const runKeyConflictsFamily = defineFamily<RunKeyConflict>({
  table: 'run_key_conflicts',
  schema: runKeyConflictSchema,
  columns: (c) => ({ run_key: c.runKey, existing_run_id: c.existingRunId, recorded_at: c.recordedAt }),
  handlers: {
    PoolLimitSet: IGNORE,
    RecordsPurged: IGNORE,
    RunRequested: IGNORE,
    RunStarted: IGNORE,
    RunCancelRequested: IGNORE,
    RunFinished: IGNORE,
    RunKeyConflictRecorded: {
      ids: (e) => [e.payload.conflictId],
      apply: (_row, e) => ({
        conflictId: e.payload.conflictId,
        runKey: e.payload.runKey,
        conflictType: e.payload.conflictType,
        existingRunId: e.payload.existingRunId,
        existingFingerprint: e.payload.existingFingerprint,
        requestedFingerprint: e.payload.requestedFingerprint,
        differingFields: [...e.payload.differingFields],
        recordedAt: e.at,
      }),
    },
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
