/**
 * Asset check results: one row per (asset, check, partition) holding the latest execution of the
 * check there, as Dagster's check status: SUCCEEDED (evaluated and passed), FAILED (evaluated and
 * did not pass, with its severity) or EXECUTION_FAILED (its compute threw, or its task failed
 * otherwise: no evaluation exists). A later execution replaces the row; the ledger keeps them all.
 *
 * Rows are keyed `ASSET#NAME` plus `[PARTITION]` for a partition, so one asset's rows sort together.
 */
import { z } from 'zod';
import { checkSeveritySchema, jsonValue } from '../events/index.js';
import { defineFamily, IGNORE } from './family.js';

export const CHECK_EXECUTION_STATUSES = ['SUCCEEDED', 'FAILED', 'EXECUTION_FAILED'] as const;

export const assetCheckResultSchema = z.object({
  assetKey: z.string(),
  checkName: z.string(),
  partitionKey: z.string().nullable(),
  status: z.enum(CHECK_EXECUTION_STATUSES),
  /** null for EXECUTION_FAILED: nothing was evaluated. */
  passed: z.boolean().nullable(),
  severity: checkSeveritySchema.nullable(),
  blocking: z.boolean().nullable(),
  metadata: z.record(z.string(), jsonValue),
  runId: z.string(),
  taskKey: z.string(),
  /** The error of an EXECUTION_FAILED attempt: its code and message. */
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  /** When the result (or the failure) was recorded. */
  recordedAt: z.string(),
  /** Ledger sequence of that event, so "latest" means the same on every replay. */
  sequence: z.number().int(),
});
export type AssetCheckResult = z.infer<typeof assetCheckResultSchema>;

/** The row id: `ASSET#NAME`, with `[PARTITION]` for a partition. */
export function assetCheckResultId(assetKey: string, checkName: string, partitionKey: string | null): string {
  return `${assetKey}#${checkName}${partitionKey === null ? '' : `[${partitionKey}]`}`;
}

export const assetCheckResultsFamily = defineFamily<AssetCheckResult>({
  table: 'asset_check_results',
  schema: assetCheckResultSchema,
  columns: (r) => ({ asset_key: r.assetKey, check_name: r.checkName, partition_key: r.partitionKey, status: r.status }),
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
    TaskAttemptFinished: {
      // Only a final failure of a check's task: a retry is still in flight, and a success has
      // already been recorded by its AssetCheckEvaluated.
      ids: (e) => (e.payload.resolution === 'FAILED' && e.payload.checkName ? [assetCheckResultId(e.payload.assetKey, e.payload.checkName, e.payload.partitionKey)] : []),
      apply: (_row, e) => ({
        assetKey: e.payload.assetKey,
        checkName: e.payload.checkName as string,
        partitionKey: e.payload.partitionKey,
        status: 'EXECUTION_FAILED',
        passed: null,
        severity: null,
        blocking: null,
        metadata: {},
        runId: e.payload.runId,
        taskKey: e.payload.taskKey,
        error: { code: e.payload.error?.code ?? 'UNKNOWN', message: e.payload.error?.message ?? '' },
        recordedAt: e.at,
        sequence: e.sequence,
      }),
    },
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
    AssetFreshnessChanged: IGNORE,
    AssetObserved: IGNORE,
    AssetMaterializationReported: IGNORE,
    // A wipe forgets materializations; check results stay (each names the run that produced it).
    AssetWiped: IGNORE,
    RunDeleted: IGNORE,
    AutomationConditionEvaluated: IGNORE,
    AssetCheckEvaluated: {
      ids: (e) => [assetCheckResultId(e.payload.assetKey, e.payload.checkName, e.payload.partitionKey)],
      apply: (_row, e) => ({
        assetKey: e.payload.assetKey,
        checkName: e.payload.checkName,
        partitionKey: e.payload.partitionKey,
        status: e.payload.passed ? 'SUCCEEDED' : 'FAILED',
        passed: e.payload.passed,
        severity: e.payload.severity,
        blocking: e.payload.blocking,
        metadata: e.payload.metadata,
        runId: e.payload.runId,
        taskKey: e.payload.taskKey,
        error: null,
        recordedAt: e.payload.evaluatedAt,
        sequence: e.sequence,
      }),
    },
  },
});
