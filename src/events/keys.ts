/** Idempotency-key builders. The formats are contracts (SEMANTICS §1); do not change them. */
import { sha256Hex } from '../domain/ids/index.js';

export const idempotencyKeys = {
  runRequested: (runId: string, runKey: string | null): string => (runKey ? `run:${runKey}` : `run:${runId}`),
  runStarted: (runId: string): string => `run_started:${runId}`,
  runCancelRequested: (runId: string): string => `cancel:${runId}`,
  runFinished: (runId: string): string => `run_finished:${runId}`,
  runKeyConflict: (conflictId: string): string => `run_key_conflict:${conflictId}`,
  taskDispatched: (runId: string, taskKey: string, attempt: number): string => `dispatched:${runId}:${taskKey}:${attempt}`,
  taskAttemptStarted: (runId: string, taskKey: string, attempt: number): string => `started:${runId}:${taskKey}:${attempt}`,
  taskAttemptFinished: (runId: string, taskKey: string, attempt: number): string => `finished:${runId}:${taskKey}:${attempt}`,
  taskSkipped: (runId: string, taskKey: string): string => `skipped:${runId}:${taskKey}`,
  taskCanceled: (runId: string, taskKey: string): string => `task_canceled:${runId}:${taskKey}`,
  taskLogged: (runId: string, taskKey: string, attempt: number, seq: number): string => `log:${runId}:${taskKey}:${attempt}:${seq}`,
  assetMaterialized: (runId: string, taskKey: string, attempt: number): string => `materialized:${runId}:${taskKey}:${attempt}`,
  /** Not in SEMANTICS §1's table: one per output of a multi-asset task's successful attempt. */
  outputMaterialized: (runId: string, taskKey: string, attempt: number, assetKey: string): string => `materialized:${runId}:${taskKey}:${attempt}:${assetKey}`,
  /** Not in SEMANTICS §1's table: shaped like `materialized`, one evaluation per attempt of a check's task. */
  assetCheckEvaluated: (runId: string, taskKey: string, attempt: number): string => `check_evaluated:${runId}:${taskKey}:${attempt}`,
  scheduleTicked: (scheduleName: string, epochSeconds: number): string => `sched_tick:${scheduleName}:${epochSeconds}`,
  scheduleStateChanged: (scheduleName: string, stateVersion: number): string => `sched_state:${scheduleName}:${stateVersion}`,
  /** Not in SEMANTICS §1's table: a definition version is taken once, whoever syncs it first. */
  scheduleDefinitionSynced: (scheduleName: string, definitionVersion: number): string => `sched_def:${scheduleName}:${definitionVersion}`,
  sensorPollEvaluated: (sensorName: string, epochSeconds: number, cursorBefore: string | null): string =>
    `sensor_eval:${sensorName}:poll:${epochSeconds}:${sha256Hex(cursorBefore ?? '')}`,
  sensorPushEvaluated: (sensorName: string, messageId: string): string => `sensor_eval:${sensorName}:msg:${messageId}`,
  /** Not in SEMANTICS §1's table; shaped like `sched_state`. */
  sensorStateChanged: (sensorName: string, stateVersion: number): string => `sensor_state:${sensorName}:${stateVersion}`,
  sensorDefinitionSynced: (sensorName: string, definitionVersion: number): string => `sensor_def:${sensorName}:${definitionVersion}`,
  /** `keys` in any order: the hash is over the JSON array of the sorted, de-duplicated keys. */
  dynamicPartitionsChanged: (name: string, op: 'add' | 'remove', keys: readonly string[], requestId: string): string =>
    `dynparts:${name}:${op}:${sha256Hex(JSON.stringify([...new Set(keys)].sort()))}:${requestId}`,
  backfillCreated: (clientRequestId: string): string => `backfill_create:${clientRequestId}`,
  backfillStateChanged: (backfillId: string, stateVersion: number, toStatus: string): string => `backfill_state:${backfillId}:${stateVersion}:${toStatus}`,
  backfillChunkPlanned: (backfillId: string, chunkIndex: number): string => `backfill_chunk:${backfillId}:${chunkIndex}`,
  /** Not in SEMANTICS §1's table: a chunk ends once, whoever records it first. */
  backfillChunkFinished: (backfillId: string, chunkIndex: number): string => `backfill_chunk_finished:${backfillId}:${chunkIndex}`,
  /** Not in SEMANTICS §1's table: shaped like `sched_state`, one key per change of an asset's freshness. */
  /** Not in SEMANTICS §1's table: a run is deleted once. */
  runDeleted: (runId: string): string => `run_deleted:${runId}`,
  /** Not in SEMANTICS §1's table: one key per purged set of rows, so a repeated retention step appends nothing. */
  recordsPurged: (kind: string, ids: readonly string[]): string => `purge:${kind}:${sha256Hex(JSON.stringify([...ids].sort()))}`,
  /** One key per request (`requestId` is minted per `arco pool set`): setting 4, 5 then 4 again appends three events. */
  poolLimitSet: (pool: string, requestId: string): string => `pool_limit:${pool}:${requestId}`,
  /** Not in SEMANTICS §1's table: one key per asset per wipe request (`wipeId` is minted per request). */
  assetWiped: (assetKey: string, wipeId: string): string => `asset_wipe:${assetKey}:${wipeId}`,
  assetFreshnessChanged: (assetKey: string, stateVersion: number): string => `freshness:${assetKey}:${stateVersion}`,
  /** Not in SEMANTICS §1's table: one observation per id (the daemon's ids name the tick, so two daemons record it once). */
  assetObserved: (assetKey: string, partitionKey: string | null, observationId: string): string => `observed:${assetKey}:${partitionKey ?? ''}:${observationId}`,
  /** Not in SEMANTICS §1's table: one runless materialization per report. */
  assetMaterializationReported: (reportId: string): string => `reported:${reportId}`,
  /** Not in SEMANTICS §1's table: one key per evaluation of the automation conditions, so a restart never repeats one. */
  automationConditionEvaluated: (evaluationId: number): string => `automation:${evaluationId}`,
} as const;
