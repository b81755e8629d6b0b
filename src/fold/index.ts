/**
 * The fold: every projection family, in the fixed order the store applies them and hashes them.
 * A new family is added here and gets a table in a migration.
 */
import type { ProjectionFamily } from './family.js';
import { runsFamily } from './runs.js';
import { materializationsFamily, assetPartitionsFamily } from './materializations.js';
import { logsFamily } from './logs.js';
import { runKeyConflictsFamily } from './run-key-conflicts.js';
import { scheduleStatesFamily, scheduleTicksFamily } from './schedules.js';
import { sensorStatesFamily, sensorHistoryFamily } from './sensors.js';
import { dynamicPartitionsFamily } from './dynamic-partitions.js';
import { backfillsFamily, backfillChunksFamily } from './backfills.js';
import { assetFreshnessFamily } from './freshness.js';
import { assetPartitionStatusFamily } from './partition-status.js';
import { automationEvaluationsFamily, automationCursorFamily } from './automation-evaluations.js';
import { assetWipesFamily } from './asset-wipes.js';
import { assetCheckResultsFamily } from './asset-checks.js';
import { poolLimitsFamily } from './pool-limits.js';

export const PROJECTION_FAMILIES: readonly ProjectionFamily<unknown>[] = [
  runsFamily as ProjectionFamily<unknown>,
  materializationsFamily as ProjectionFamily<unknown>,
  assetPartitionsFamily as ProjectionFamily<unknown>,
  logsFamily as ProjectionFamily<unknown>,
  runKeyConflictsFamily as ProjectionFamily<unknown>,
  scheduleStatesFamily as ProjectionFamily<unknown>,
  scheduleTicksFamily as ProjectionFamily<unknown>,
  sensorStatesFamily as ProjectionFamily<unknown>,
  sensorHistoryFamily as ProjectionFamily<unknown>,
  dynamicPartitionsFamily as ProjectionFamily<unknown>,
  backfillsFamily as ProjectionFamily<unknown>,
  backfillChunksFamily as ProjectionFamily<unknown>,
  assetPartitionStatusFamily as ProjectionFamily<unknown>,
  assetFreshnessFamily as ProjectionFamily<unknown>,
  automationEvaluationsFamily as ProjectionFamily<unknown>,
  automationCursorFamily as ProjectionFamily<unknown>,
  assetWipesFamily as ProjectionFamily<unknown>,
  assetCheckResultsFamily as ProjectionFamily<unknown>,
  poolLimitsFamily as ProjectionFamily<unknown>,
];

export { defineFamily, encodeRow, handlerFor, rowToKeep, IGNORE, removeOnly, rowMatches, type ProjectionFamily, type Handler, type FamilyHandlers, type ColumnValue, type RowMatch } from './family.js';
export { runsFamily } from './runs.js';
export {
  materializationsFamily,
  assetPartitionsFamily,
  sequenceId,
  materializationSchema,
  assetPartitionSchema,
  observationSchema,
  type Observation,
  type Materialization,
  type AssetPartitionState,
} from './materializations.js';
export { logsFamily, logLineSchema, type LogLine, type LogIndexEntry } from './logs.js';
export {
  runProjectionSchema,
  taskProjectionSchema,
  attemptProjectionSchema,
  type RunProjection,
  type TaskProjection,
  type AttemptProjection,
} from './run-projection.js';
export { foldInMemory } from './in-memory.js';
export { runKeyConflictsFamily, runKeyConflictSchema, type RunKeyConflict } from './run-key-conflicts.js';
export {
  scheduleStatesFamily,
  scheduleTicksFamily,
  scheduleStateSchema,
  scheduleTickSchema,
  scheduleTickId,
  lastTickSchema,
  type ScheduleState,
  type ScheduleStateRead,
  type LastTick,
  type ScheduleTick,
} from './schedules.js';
export {
  sensorStatesFamily,
  sensorHistoryFamily,
  sensorStateSchema,
  sensorHistoryEntrySchema,
  emptySensorState,
  type SensorState,
  type SensorHistoryEntry,
} from './sensors.js';
export { dynamicPartitionsFamily, dynamicPartitionsSchema, type DynamicPartitionsSet } from './dynamic-partitions.js';
export {
  backfillsFamily,
  backfillChunksFamily,
  backfillProjectionSchema,
  backfillChunkSchema,
  backfillCountsSchema,
  backfillUnitProgressSchema,
  backfillChunkId,
  TERMINAL_BACKFILL_STATUSES,
  type BackfillProjection,
  type BackfillChunk,
  type BackfillCounts,
  type BackfillUnitProgress,
} from './backfills.js';
export {
  assetPartitionStatusFamily,
  assetPartitionStatusSchema,
  partitionSubsetSchema,
  UNPARTITIONED_KEY,
  type AssetPartitionStatusRow,
  type PartitionSubset,
} from './partition-status.js';
export { assetFreshnessFamily, assetFreshnessSchema, type AssetFreshnessRecord } from './freshness.js';
export {
  automationEvaluationsFamily,
  automationCursorFamily,
  automationEvaluationRowSchema,
  automationCursorSchema,
  automationEvaluationRowId,
  AUTOMATION_CURSOR_ID,
  type AutomationEvaluationRow,
  type AutomationCursorRow,
} from './automation-evaluations.js';
export { assetWipesFamily, assetWipeSchema, type AssetWipe } from './asset-wipes.js';
export {
  assetCheckResultsFamily,
  assetCheckResultSchema,
  assetCheckResultId,
  CHECK_EXECUTION_STATUSES,
  type AssetCheckResult,
} from './asset-checks.js';
export { blocksDownstream } from './runs.js';
export { poolLimitsFamily, poolLimitSchema, type PoolLimit } from './pool-limits.js';
