/** The shell: daemon, worker pool, definitions loading and the commands the API and CLI issue. */
export { systemClock, FakeClock, type Clock } from './clock.js';
export { createContext, commit, actingAs, fencedContext, newOwnerId, isOwnerDead, type RuntimeContext } from './context.js';
export { Daemon, LEADER_LEASE, type DaemonOptions } from './daemon.js';
export { arcoVersion } from './version.js';
export { startWorkersEarly, stopEarlyWorkers } from './worker/worker-pool.js';
export { watchDefinitions, diffDefinitions, isEmptyChange, type DefinitionsChange, type NamesChange, type DefinitionsWatcher } from './definitions-watcher.js';
export { loadDefinitions, locateDefinitions, indexDefinitions, DEFINITIONS_FILE_NAMES, type LoadedDefinitions } from './definitions-loader.js';
export { requestRun, resolveRunRequest, requestRerun, cancelRun, getRunOrThrow, applyAttemptReport, type RunRequestInput, type RunRequestOutcome, type RerunInput } from './run-commands.js';
export { selectAssets, selectAssetsToLaunch } from './selection.js';
export { describeAssets, assetViewSchema, type AssetView } from './asset-views.js';
export { describeAssetChecks, latestAssetCheckResults, assetCheckViewSchema, type AssetCheckView } from './asset-checks.js';
export {
  describePartitionStatus,
  partitionHealth,
  partitionStatusViewSchema,
  partitionDetailSchema,
  STATUS_RANGES_DEFAULT,
  type PartitionStatusView,
  type PartitionStatusQuery,
} from './partition-status-view.js';
export { partitionStatusCountsSchema, statusPositions, countsOf, type PartitionStatusCounts, type StatusPositions } from './partition-status.js';
export {
  computeStaleness,
  MaterializationIndex,
  stalenessResultSchema,
  assetStalenessSchema,
  type AssetStalenessView,
  type StaleCauseView,
  type StalenessStats,
} from './staleness.js';
export {
  describeFreshness,
  freshnessOf,
  freshnessPolicies,
  recordFreshnessChanges,
  FreshnessRunner,
  freshnessViewSchema,
  FRESHNESS_EVALUATION_INTERVAL_MS,
  type FreshnessView,
} from './freshness.js';
export { assetPartitionKeys, assetPartitionKeysAt, mapPartitionKeys, selectPartitionKeys, type GivenPartitions, type MappedPartitions } from './partition-views.js';
export { partitionsContextAt } from './partitions-context.js';
export {
  Automation,
  syncAutomation,
  listSchedules,
  getSchedule,
  listScheduleTicks,
  setScheduleStatus,
  previewCron,
  previewSchedule,
  parsePreviewFrom,
  scheduleViewSchema,
  scheduleTickViewSchema,
  PREVIEW_TICKS_MAX,
  previewResultSchema,
  type AutomationOptions,
  type CrashPoint,
  type ScheduleView,
  type ScheduleTickView,
  type PreviewResult,
  listSensors,
  getSensor,
  listSensorEvaluations,
  setSensorStatus,
  resetSensorCursor,
  pushToSensor,
  sensorViewSchema,
  sensorEvaluationViewSchema,
  type SensorView,
  type SensorEvaluationView,
  type PushOutcome,
  previewSensor,
  sensorPreviewSchema,
  type SensorPreview,
  evaluateAutomationConditionSensor,
  AutomationConditionRunner,
  listAutomationEvaluations,
  automationEvaluationViewSchema,
  type AutomationConditionReport,
  type CheckFailedLookup,
  type AutomationEvaluationView,
} from './automation/index.js';
export { changeDynamicPartitions, type DynamicPartitionsRequest, type DynamicPartitionsOutcome } from './dynamic-partitions.js';
export {
  createBackfill,
  getBackfill,
  listBackfills,
  pauseBackfill,
  resumeBackfill,
  cancelBackfill,
  retryBackfill,
  backfillChunks,
  backfillView,
  parseBackfillPolicy,
  createBackfillInputSchema,
  backfillIdInputSchema,
  backfillCommandInputSchema,
  listBackfillsInputSchema,
  retryBackfillInputSchema,
  backfillStatusInputSchema,
  backfillViewSchema,
  backfillOutcomeSchema,
  backfillListSchema,
  BACKFILL_CONCURRENT_RUNS_DEFAULT,
  type CreateBackfillInput,
  type BackfillCommandInput,
  type BackfillView,
  type BackfillOutcome,
} from './backfills.js';
export { backfillStatus, backfillStatusViewSchema, type BackfillStatusView } from './backfill-status.js';
export { advanceBackfills, type BackfillStepReport } from './backfill-runner.js';
export {
  reportMaterialization,
  observeAsset,
  reportedMaterializationSchema,
  observationViewSchema,
  OBSERVE_TIMEOUT_MS,
  type MaterializationReport,
  type ReportedMaterialization,
  type ObservationView,
} from './external-assets.js';
export { wipeAssets, deleteRun, WIPE_PARTITIONS_MAX, type AssetWipeInput, type AssetWipeOutcome } from './forgetting.js';
export {
  createLogger,
  LedgerLog,
  InstanceMetrics,
  LOG_LEVELS,
  LOG_FORMATS,
  type Logger,
  type LogLevel,
  type LogFormat,
  type WorkerCounts,
} from './observability/index.js';
export { retryFailedRuns, RUN_RETRIES_CURSOR, type RunRetryReport } from './run-retries.js';
export { monitorRuns, RunMonitor, MONITOR_INTERVAL_MS } from './run-monitor.js';
export { explainWaits, mayWait, type RunWait } from './run-waits.js';
export { purgeExpired, Retention, PURGE_BATCH_MAX, type PurgeReport } from './retention.js';
export {
  registerRemoteWorker,
  heartbeatRemoteWorker,
  claimRemoteAttempts,
  reportRemoteStarted,
  reportRemoteLogs,
  reportRemoteFinished,
  reportRemoteFinishedAndClaim,
  unregisterRemoteWorker,
  HEARTBEATS_PER_TIMEOUT,
} from './worker/remote-reports.js';
export { REMOTE_WORKER_PREFIX, isRemoteWorkerId } from './worker/remote-dispatch.js';
export { dispatchEnvelopeSchema, remoteResultSchema } from './worker/protocol.js';
export { RemoteWorkerAgent, type RemoteAgentOptions, type WorkerProtocolClient } from './worker/remote-agent.js';
