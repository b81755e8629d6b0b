export {
  decideRunProgress,
  admitQueuedRuns,
  compareDispatchOrder,
  runPriority,
  PoolSlots,
  systemError,
  type AdmissionLimits,
  type CoordinatorInput,
  type QueuedRun,
  type RunStep,
} from './run-coordinator.js';
export { decideCancel, decideAttemptReport, derivedDataVersion, type AttemptReport, type CheckOutcome, type OutputReport, type ReportContext } from './run-control.js';
export {
  decideRunRequest,
  checkCallerTags,
  fingerprintOf,
  type ResolvedRunRequest,
  type RunRequestDecision,
} from './run-requests.js';
export { WORKER_LOSS_RETRIES_MAX, resolveAttempt } from './attempt-resolution.js';
export { advanceRun } from './run-state.js';
export { resolveRerun, type RerunMode, type RerunRequest } from './reruns.js';
export {
  dueScheduleTicks,
  decideScheduleTicks,
  nextTickAtOrAfter,
  tickFromMs,
  scheduleRunKey,
  catchUpSkipReason,
  errorInfoOf,
  type ScheduleSpec,
  type DueTicks,
  type TickUserOutcome,
  type ScheduleTickInput,
  type TickDecision,
  type RunInProgress,
} from './schedules.js';
export {
  definitionHash,
  decideScheduleSync,
  decideSensorSync,
  decideScheduleStatus,
  decideSensorStatus,
  decideSensorCursorReset,
  type AutomationStatus,
} from './automation-state.js';
export { sensorStateExpectation, type VersionExpectationDraft } from './automation-state.js';
export {
  decideSensorEvaluation,
  sensorDueAtMs,
  sensorDelaySeconds,
  sensorRunKey,
  sensorRunKeys,
  sensorEvaluationKey,
  SENSOR_BACKOFF_SECONDS_MAX,
  type SensorEvaluationInput,
  type SensorEvaluationDecision,
  type SensorResultSpec,
  type SensorRunRequestSpec,
  type SensorOutcomeSpec,
} from './sensors.js';
export {
  decideDynamicPartitionsChange,
  checkDynamicPartitionKeys,
  keysAfterChanges,
  type DynamicPartitionsChange,
} from './dynamic-partitions.js';
export {
  decideBackfillProgress,
  backfillRunKey,
  CHUNKS_PER_STEP_MAX,
  type BackfillProgressInput,
  type BackfillProgress,
} from './backfills.js';
export {
  decideBackfillCreate,
  decideBackfillCommand,
  retrySelections,
  BACKFILL_ID_PREFIX,
  type BackfillCreateRequest,
  type BackfillCreateDecision,
  type BackfillCommand,
} from './backfill-commands.js';
export { decideFreshnessChanges, type FreshnessInput, type FreshnessSubject } from './freshness.js';
export {
  decideAutomationEvaluation,
  groupAutomationRuns,
  AUTOMATION_SENSOR_NAME,
  AUTOMATION_SENSOR_INTERVAL_SECONDS,
  type AutomationDecisionInput,
  type AutomationDecision,
  type AutomationRunRequest,
} from './automation-conditions.js';
export { decideAssetWipes, decideRunDelete, type AssetWipeTarget } from './forgetting.js';
export { decideRunRetry, failedInUserCode, retryRunKey, type RunRetryDecision } from './run-retries.js';
export { decideRunMonitoring, type RunMonitoringInput } from './run-monitoring.js';
