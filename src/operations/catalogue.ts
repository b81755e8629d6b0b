/**
 * The catalogue: every operation an instance offers, by name. The API registers a route for each,
 * the OpenAPI document lists exactly these, and the CLI reaches each in-process or over HTTP by
 * name. A new capability adds its operations here and nowhere else.
 */
import { listAutomationEvaluationsOp } from './automation.js';
import type { AnyOperation } from './operation.js';
import { getAssetOp, listAssetsOp } from './assets.js';
import { getAssetPartitionStatusOp } from './asset-partition-status.js';
import { listAssetChecksOp } from './asset-checks.js';
import {
  cancelBackfillOp,
  createBackfillOp,
  getBackfillOp,
  getBackfillStatusOp,
  listBackfillsOp,
  pauseBackfillOp,
  resumeBackfillOp,
  retryBackfillOp,
} from './backfills.js';
import { validateDefinitionsOp } from './definitions.js';
import { observeAssetOp, reportMaterializationOp } from './external-assets.js';
import { changeDynamicPartitionsOp, getDynamicPartitionsOp, listPartitionKeysOp, mapPartitionsOp } from './partitions.js';
import { planRunOp } from './run-plans.js';
import { cancelRunOp, getRunOp, listRunKeyConflictsOp, listRunLogsOp, listRunTasksOp, listRunsOp, requestRunOp, rerunOp } from './runs.js';
import { getScheduleOp, listScheduleTicksOp, listSchedulesOp, previewCronOp, previewScheduleOp, startScheduleOp, stopScheduleOp } from './schedules.js';
import { getSensorOp, listSensorEvaluationsOp, listSensorsOp, previewSensorOp, pushToSensorOp, resetSensorCursorOp, startSensorOp, stopSensorOp } from './sensors.js';
import { getStalenessOp } from './staleness.js';
import { deleteRunOp, wipeAssetsOp } from './forgetting.js';
import { listEventsOp, querySqlOp } from './system.js';
import { getInstanceOp } from './instance.js';
import { getParityMatrixOp } from './parity.js';
import { createTokenOp, listTokensOp, revokeTokenOp, whoamiOp } from './tokens.js';
import { listPoolsOp, setPoolLimitOp } from './pools.js';
import { claimAttemptsOp, registerWorkerOp, reportAttemptFinishedOp, reportAttemptLogsOp, reportAttemptStartedOp, unregisterWorkerOp, workerHeartbeatOp } from './workers.js';

export const CATALOGUE = {
  requestRun: requestRunOp,
  planRun: planRunOp,
  listRuns: listRunsOp,
  getRun: getRunOp,
  rerun: rerunOp,
  listRunTasks: listRunTasksOp,
  cancelRun: cancelRunOp,
  listRunLogs: listRunLogsOp,
  listRunKeyConflicts: listRunKeyConflictsOp,
  deleteRun: deleteRunOp,
  createBackfill: createBackfillOp,
  listBackfills: listBackfillsOp,
  getBackfill: getBackfillOp,
  getBackfillStatus: getBackfillStatusOp,
  pauseBackfill: pauseBackfillOp,
  resumeBackfill: resumeBackfillOp,
  cancelBackfill: cancelBackfillOp,
  retryBackfill: retryBackfillOp,
  listAssets: listAssetsOp,
  getAsset: getAssetOp,
  getAssetPartitionStatus: getAssetPartitionStatusOp,
  wipeAssets: wipeAssetsOp,
  listAssetChecks: listAssetChecksOp,
  getStaleness: getStalenessOp,
  reportMaterialization: reportMaterializationOp,
  observeAsset: observeAssetOp,
  listPartitionKeys: listPartitionKeysOp,
  mapPartitions: mapPartitionsOp,
  getDynamicPartitions: getDynamicPartitionsOp,
  changeDynamicPartitions: changeDynamicPartitionsOp,
  listSchedules: listSchedulesOp,
  getSchedule: getScheduleOp,
  listScheduleTicks: listScheduleTicksOp,
  startSchedule: startScheduleOp,
  stopSchedule: stopScheduleOp,
  previewSchedule: previewScheduleOp,
  previewCron: previewCronOp,
  listSensors: listSensorsOp,
  getSensor: getSensorOp,
  listSensorEvaluations: listSensorEvaluationsOp,
  startSensor: startSensorOp,
  stopSensor: stopSensorOp,
  resetSensorCursor: resetSensorCursorOp,
  previewSensor: previewSensorOp,
  pushToSensor: pushToSensorOp,
  listAutomationEvaluations: listAutomationEvaluationsOp,
  validateDefinitions: validateDefinitionsOp,
  listEvents: listEventsOp,
  querySql: querySqlOp,
  getInstance: getInstanceOp,
  getParityMatrix: getParityMatrixOp,
  createToken: createTokenOp,
  listTokens: listTokensOp,
  revokeToken: revokeTokenOp,
  whoami: whoamiOp,
  listPools: listPoolsOp,
  setPoolLimit: setPoolLimitOp,
  registerWorker: registerWorkerOp,
  workerHeartbeat: workerHeartbeatOp,
  claimAttempts: claimAttemptsOp,
  reportAttemptStarted: reportAttemptStartedOp,
  reportAttemptLogs: reportAttemptLogsOp,
  reportAttemptFinished: reportAttemptFinishedOp,
  unregisterWorker: unregisterWorkerOp,
} as const;

/** The catalogue's types by name: callers that import only these types load none of its code. */
export type Catalogue = typeof CATALOGUE;
export type OperationName = keyof Catalogue;

export const OPERATIONS: readonly AnyOperation[] = Object.values(CATALOGUE);

for (const [name, op] of Object.entries(CATALOGUE)) {
  // The key is how the CLI names an operation; the name is its OpenAPI operationId. One word for both.
  if (op.name !== name) throw new Error(`operation ${op.name} is catalogued as ${name}`);
}
