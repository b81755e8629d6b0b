/**
 * What definitions files import: `import { defineAsset, defineDefinitions } from 'arco-flow'`.
 * This is the package's public entry point.
 */
export { defineAsset } from './define-asset.js';
export { defineExternalAsset, type ExternalAssetOptions } from './define-external-asset.js';
export { defineMultiAsset, isMultiAssetDefinition } from './define-multi-asset.js';
export { defineAssetCheck } from './define-asset-check.js';
export { type InstanceSettings, type InstanceSettingsOptions, type TagConcurrencyLimit, DEFAULT_INSTANCE_SETTINGS } from './instance-settings.js';
export { defineDefinitions, isDefinitions, isAssetDefinition, isAssetCheckDefinition, partitionMappingOf, type DefinitionsOptions } from './define-definitions.js';
export type { FreshnessDuration, FreshnessOptions } from './freshness.js';
export type { ConfigSchema } from '../domain/runs/index.js';
export type {
  AssetCheckContext,
  AssetCheckDefinition,
  AssetCheckFn,
  AssetCheckOptions,
  AssetCheckResult,
  AssetCheckSeverity,
  AssetContext,
  AssetDefinition,
  AssetDep,
  AssetLogger,
  AssetOptions,
  AssetRef,
  ComputeFn,
  Definitions,
  LogLevel,
  MaterializeResult,
  ObserveContext,
  ObserveFn,
  ObserveResult,
  RetryOptions,
  AssetSpec,
  MultiAssetContext,
  MultiAssetDefinition,
  MultiAssetMembership,
  MultiAssetOptions,
  MultiAssetResult,
  MultiComputeFn,
  OutputResult,
} from './types.js';
export { ArcoError, isArcoError } from '../domain/errors/index.js';
export {
  eager,
  onCron,
  onMissing,
  missing,
  newlyUpdated,
  newlyMissing,
  inLatestTimeWindow,
  inProgress,
  checkFailed,
  newlyRequested,
  willBeRequested,
  initialEvaluation,
  cronTickPassed,
  anyDepsUpdated,
  anyDepsMissing,
  anyDepsInProgress,
  allDepsUpdatedSinceCron,
  anyDepsMatch,
  allDepsMatch,
  newlyTrue,
  since,
  sinceLastHandled,
  handled,
  withLabel,
  and,
  or,
  not,
  type AutomationCondition,
} from '../domain/automation/index.js';
export {
  defineSchedule,
  scheduleFromPartitions,
  isScheduleDefinition,
  type AssetTarget,
  type ScheduleOptions,
  type PartitionScheduleOptions,
  type ScheduleDefinition,
  type ResolvedSchedule,
  type ScheduleEvaluationContext,
} from './define-schedule.js';
export {
  defineSensor,
  defineAssetSensor,
  defineRunStatusSensor,
  defineRunFailureSensor,
  isSensorDefinition,
  MINIMUM_INTERVAL_SECONDS_DEFAULT,
  type SensorDefinition,
  type SensorContext,
  type PushSensorContext,
  type SensorResult,
  type SensorRunRequest,
  type SensorInstance,
  type SensorLogger,
  type DynamicPartitionsRequest,
  type MaterializationRecord,
  type PartitionStatusRecord,
  type FreshnessRecord,
  type CheckResultRecord,
  type RunStatusRecord,
  type RunFailure,
  type FailedTask,
  type PollSensorOptions,
  type PushSensorOptions,
  type AssetSensorOptions,
  type RunStatusSensorOptions,
  type RunFailureSensorOptions,
} from './define-sensor.js';
export { type ResolvedSensor } from './resolve-automation.js';
/** zod, for push sensors' payload schemas (`payload: z.object({ … })`) without a separate install. */
export { z } from 'zod';
export {
  staticPartitions,
  hourlyPartitions,
  dailyPartitions,
  weeklyPartitions,
  monthlyPartitions,
  timeWindowPartitions,
  multiPartitions,
  dynamicPartitions,
  identityMapping,
  timeWindowMapping,
  allPartitionsMapping,
  lastPartitionMapping,
  staticMapping,
  specificPartitionsMapping,
  multiToSingleDimensionMapping,
  type PartitionsDefinition,
  type PartitionMapping,
} from './partitions.js';
