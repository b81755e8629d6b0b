/**
 * Events of automation: schedules (SEMANTICS §4), sensors (§5) and dynamic partitions (§6).
 * Field names are storage names, frozen once released.
 */
import { z } from 'zod';
import { errorInfoSchema, jsonValue, tagsSchema } from './common.js';

export const scheduleStatusSchema = z.enum(['RUNNING', 'STOPPED']);
export const tickStatusSchema = z.enum(['SUCCESS', 'SKIPPED', 'FAILURE']);
export const evaluationStatusSchema = z.enum(['SUCCESS', 'SKIPPED', 'FAILURE', 'STALE']);
/** `automation_condition`: the one sensor that evaluates assets' automation conditions (its own evaluator, not user code). */
export const sensorKindSchema = z.enum(['poll', 'push', 'asset', 'run_status', 'automation_condition']);

/** What a schedule definition is, as synced from code (the parts that decide ticks and runs). */
export const scheduleDefinitionSchema = z.object({
  cron: z.union([z.string(), z.array(z.string())]),
  timezone: z.string(),
  assetKeys: z.array(z.string()),
  /** `none`, `function` (user code picks the key) or `previous window` (of a time-window definition). */
  partition: z.enum(['none', 'function', 'previous window']),
  defaultStatus: scheduleStatusSchema,
  maxCatchupTicks: z.number().int().positive(),
  skipIfRunning: z.boolean(),
  tags: tagsSchema,
  config: jsonValue,
});

/** What a sensor definition is, as synced from code. */
export const sensorDefinitionSchema = z.object({
  kind: sensorKindSchema,
  assetKeys: z.array(z.string()),
  minimumIntervalSeconds: z.number().int().positive(),
  defaultStatus: scheduleStatusSchema,
});

/** One run request of a sensor evaluation: the run it named (new) or found (existing). */
export const requestedRunSchema = z.object({
  runKey: z.string().nullable(),
  runId: z.string(),
  existing: z.boolean(),
  partitionKey: z.string().nullable(),
});

/** One node of an asset's condition at one evaluation. */
export const conditionNodeTruthSchema = z.object({
  /** `0` is the root, `0.2.1` the second child of the third child. */
  path: z.string(),
  label: z.string(),
  kind: z.string(),
  candidateCount: z.number().int().min(0),
  trueCount: z.number().int().min(0),
  /** The first true partitions (bounded; `''` stands for an unpartitioned asset). */
  truePartitionKeys: z.array(z.string()),
});

/** One asset's part of an automation condition evaluation. */
export const conditionAssetResultSchema = z.object({
  assetKey: z.string(),
  conditionHash: z.string(),
  /** Partitions requested (`''` for an unpartitioned asset); empty when the asset was not requested. */
  requestedPartitionKeys: z.array(z.string()),
  nodes: z.array(conditionNodeTruthSchema),
  /** What stateful nodes (`since`, `newlyTrue`) remember for the next evaluation, by node path. */
  state: z.record(z.string(), z.array(z.string())),
});

export const automationEventSchemas = {
  /** Code defines a schedule that differs from the ledger's (or is new): its next definition version. */
  ScheduleDefinitionSynced: z.object({
    scheduleName: z.string(),
    definitionVersion: z.number().int().positive(),
    definitionHash: z.string(),
    definition: scheduleDefinitionSchema,
  }),
  /** An operator started or stopped a schedule. `stateVersion` counts these changes from 1. */
  ScheduleStateChanged: z.object({
    scheduleName: z.string(),
    stateVersion: z.number().int().positive(),
    status: scheduleStatusSchema,
  }),
  /**
   * One tick of a schedule was decided. SUCCESS carries the run (appended in the same batch);
   * SKIPPED a reason; FAILURE the error and no run.
   */
  ScheduleTicked: z.object({
    scheduleName: z.string(),
    tickEpochSeconds: z.number().int(),
    /** The tick as local ISO-8601 time with its UTC offset. */
    tickLocal: z.string(),
    definitionVersion: z.number().int().positive(),
    status: tickStatusSchema,
    skipReason: z.string().nullable(),
    error: errorInfoSchema.nullable(),
    runKey: z.string().nullable(),
    runId: z.string().nullable(),
    partitionKey: z.string().nullable(),
  }),
  SensorDefinitionSynced: z.object({
    sensorName: z.string(),
    definitionVersion: z.number().int().positive(),
    definitionHash: z.string(),
    definition: sensorDefinitionSchema,
  }),
  /**
   * An operator started or stopped a sensor, or set its cursor. `stateVersion` is the sensor's
   * state version after the change (evaluations bump it too).
   */
  SensorStateChanged: z.object({
    sensorName: z.string(),
    stateVersion: z.number().int().positive(),
    change: z.enum(['START', 'STOP', 'RESET_CURSOR']),
    status: scheduleStatusSchema,
    /** The cursor after the change, and before it (so history shows what a reset replaced). */
    cursor: z.string().nullable(),
    previousCursor: z.string().nullable(),
  }),
  /**
   * One evaluation of a sensor. Poll evaluations carry the state version they read
   * (`expectedStateVersion`); a STALE one lost the compare-and-swap and changed nothing.
   */
  SensorEvaluated: z.object({
    sensorName: z.string(),
    mode: z.enum(['poll', 'push']),
    /** Poll: the evaluation's start in epoch seconds. */
    pollEpochSeconds: z.number().int().nullable(),
    /** Push: the message id. */
    messageId: z.string().nullable(),
    definitionVersion: z.number().int().positive(),
    expectedStateVersion: z.number().int().min(0).nullable(),
    status: evaluationStatusSchema,
    cursorBefore: z.string().nullable(),
    cursorAfter: z.string().nullable(),
    skipReason: z.string().nullable(),
    error: errorInfoSchema.nullable(),
    runs: z.array(requestedRunSchema),
    dynamicPartitions: z.array(z.object({ name: z.string(), op: z.enum(['add', 'remove']), keys: z.array(z.string()) })),
    /** What the function logged through `ctx.log` (bounded). */
    logs: z.array(z.object({ level: z.enum(['debug', 'info', 'warn', 'error']), message: z.string() })),
    startedAt: z.string(),
    durationMs: z.number().int().min(0),
  }),
  /**
   * One evaluation of the assets' automation conditions by `default_automation_condition_sensor`.
   * `evaluationId` counts evaluations from 1 (the idempotency key carries it, so an evaluation's
   * requests are appended once); `ledgerSequence` is the cursor: materializations up to it were seen.
   */
  AutomationConditionEvaluated: z.object({
    evaluationId: z.number().int().positive(),
    evaluatedAt: z.string(),
    ledgerSequence: z.number().int().min(0),
    previousEvaluatedAt: z.string().nullable(),
    results: z.array(conditionAssetResultSchema),
    runRequests: z.array(z.object({ runKey: z.string(), runId: z.string(), assetKeys: z.array(z.string()), partitionKey: z.string().nullable() })),
  }),
  /** Keys were added to or removed from a dynamic partitions set (idempotent per key). */
  DynamicPartitionsChanged: z.object({
    name: z.string(),
    op: z.enum(['add', 'remove']),
    keys: z.array(z.string()),
    requestId: z.string(),
  }),
  /**
   * Retention (instance setting `retention`): these rows of a history projection are older than it
   * keeps and are forgotten. The ledger keeps their events, and the fold removes the same rows again
   * on a replay, so projections still equal a replay.
   */
  RecordsPurged: z.object({
    kind: z.enum(['scheduleTicks', 'sensorHistory', 'automationEvaluations']),
    ids: z.array(z.string()).max(1000),
    before: z.string(),
  }),
} as const;
