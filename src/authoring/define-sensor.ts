/**
 * Sensors as users write them: poll sensors (`defineSensor`), push sensors (`type: 'push'`),
 * asset sensors (`defineAssetSensor`) and run-status sensors (`defineRunStatusSensor`), mirroring
 * Dagster's `@sensor`, `@asset_sensor` and `@run_status_sensor`. Options are checked when the
 * definitions file is imported; targets are resolved by `defineDefinitions`.
 *
 *   defineSensor({ name: 'new_files', target: [raw], minimumIntervalSeconds: 60, evaluate: async (ctx) => {
 *     const files = await listFiles(ctx.cursor);
 *     return { runRequests: files.map((f) => ({ runKey: f.name })), cursor: files.at(-1)?.name };
 *   } });
 */
import { z } from 'zod';
import { didYouMean, suggestionDetails } from '../domain/suggestions/index.js';
import { optionProblem } from './option-problems.js';
import { arcoError } from '../domain/errors/index.js';
import type { Json } from '../domain/ids/index.js';
import {
  AUTOMATION_NAME_PATTERN,
  USER_FUNCTION_TIMEOUT_MS_DEFAULT,
  normalizeTarget,
  type AssetTarget,
  type ScheduleStatusOption,
} from './define-schedule.js';
import { ASSET_BRAND, type AssetDefinition } from './types.js';

export const SENSOR_BRAND = Symbol.for('arco-flow.sensor');
/** Dagster's default minimum interval between two evaluations of a sensor. */
export const MINIMUM_INTERVAL_SECONDS_DEFAULT = 30;

export interface SensorLogger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** A materialization as sensors see it. `sequence` is its ledger position (asset sensors' cursor). */
export interface MaterializationRecord {
  readonly sequence: number;
  readonly assetKey: string;
  readonly partitionKey: string | null;
  /** Null for a materialization reported without a run (`arco asset report-materialization`). */
  readonly runId: string | null;
  readonly dataVersion: string;
  readonly codeVersion: string | null;
  readonly metadata: Readonly<Record<string, Json>>;
  readonly materializedAt: string;
}

/** The latest known state of one asset partition (or of an unpartitioned asset: `partitionKey` null). */
export interface PartitionStatusRecord {
  readonly partitionKey: string | null;
  /** FAILED when its last attempt failed after its last materialization (SEMANTICS §8). */
  readonly status: 'MATERIALIZED' | 'FAILED';
  readonly lastMaterializedAt: string | null;
  readonly lastRunId: string | null;
  readonly lastFailedAt: string | null;
}

/** Read-only access to the instance, for sensor functions. */
/** An asset's freshness as the daemon last recorded it (an `AssetFreshnessChanged`, SEMANTICS §8). */
export interface FreshnessRecord {
  readonly assetKey: string;
  readonly state: 'PASS' | 'WARN' | 'FAIL' | 'UNKNOWN';
  /** Counts the asset's recorded changes from 1: a cursor that moves once per change. */
  readonly stateVersion: number;
  readonly previousState: 'PASS' | 'WARN' | 'FAIL' | 'UNKNOWN' | null;
  /** When the daemon recorded the change (ISO-8601). */
  readonly changedAt: string;
}

/** The latest execution of an asset check on one partition (or the unpartitioned asset). */
export interface CheckResultRecord {
  readonly assetKey: string;
  readonly checkName: string;
  readonly partitionKey: string | null;
  /** SUCCEEDED (passed), FAILED (did not pass) or EXECUTION_FAILED (its compute threw). */
  readonly status: 'SUCCEEDED' | 'FAILED' | 'EXECUTION_FAILED';
  /** null for EXECUTION_FAILED. */
  readonly severity: 'WARN' | 'ERROR' | null;
  readonly metadata: Readonly<Record<string, Json>>;
  readonly runId: string;
  /** When the result was recorded (ISO-8601). */
  readonly recordedAt: string;
  /** Ledger sequence of the result: a cursor that moves once per execution. */
  readonly sequence: number;
}

export interface SensorInstance {
  /** Materializations of an asset after a ledger sequence, oldest first. @default limit 100 */
  materializations(assetKey: string, options?: { readonly afterSequence?: number; readonly limit?: number }): Promise<MaterializationRecord[]>;
  /** The latest materialization of an asset (of one partition when `partitionKey` is given). */
  latestMaterialization(assetKey: string, partitionKey?: string | null): Promise<MaterializationRecord | null>;
  /** Every partition of the asset that was materialized or failed (others are missing). */
  partitionStatuses(assetKey: string): Promise<PartitionStatusRecord[]>;
  /** Keys of a dynamic partitions set, in insertion order. */
  dynamicPartitionKeys(name: string): Promise<string[]>;
  /**
   * The asset's freshness as last recorded, or null when its policy was never evaluated (or it
   * has none). Keep `stateVersion` as the cursor to react once to each change.
   */
  freshness(assetKey: string): Promise<FreshnessRecord | null>;
  /** The latest result of each check of an asset, per partition (only `checkName`'s when given). */
  checkResults(assetKey: string, checkName?: string): Promise<CheckResultRecord[]>;
}

export interface SensorContext {
  readonly sensorName: string;
  /** What the last SUCCESS or SKIPPED evaluation returned as `cursor` (or an operator set). */
  readonly cursor: string | null;
  /** Start of the previous evaluation (ISO-8601), or null. */
  readonly lastEvaluationAt: string | null;
  readonly log: SensorLogger;
  readonly instance: SensorInstance;
  /** Aborted when the evaluation runs past its time limit. */
  readonly signal: AbortSignal;
}

export interface PushSensorContext extends SensorContext {
  readonly message: { readonly messageId: string; readonly payload: Json };
}

/** A run to request. Requests with the same `runKey` launch one run per sensor, ever. */
export interface SensorRunRequest {
  readonly runKey?: string;
  readonly partitionKey?: string;
  readonly tags?: Readonly<Record<string, string>>;
  readonly config?: Json;
  /** A subset to run instead of the sensor's target. */
  readonly target?: AssetTarget;
}

/** Keys to add to or remove from a dynamic partitions set; `name` may be omitted when the target uses one set. */
export interface DynamicPartitionsRequest {
  readonly name?: string;
  readonly add?: readonly string[];
  readonly remove?: readonly string[];
}

export interface SensorResult {
  readonly runRequests?: readonly SensorRunRequest[];
  /** The next evaluation's `ctx.cursor`; omitted keeps the current one. */
  readonly cursor?: string | null;
  readonly skipReason?: string;
  /** Applied before this evaluation's run requests. */
  readonly dynamicPartitions?: DynamicPartitionsRequest | readonly DynamicPartitionsRequest[];
}

export type SensorOutcome = SensorResult | void | Promise<SensorResult | void>;

/** A finished run as run-status sensors see it. */
export interface RunStatusRecord {
  /** Ledger position of the run's RunFinished event (run-status sensors' cursor). */
  readonly sequence: number;
  readonly runId: string;
  readonly status: 'SUCCESS' | 'FAILURE' | 'CANCELED';
  readonly assetKeys: readonly string[];
  readonly tags: Readonly<Record<string, string>>;
  readonly partition: Json;
  readonly finishedAt: string | null;
  /** Why a FAILURE run failed (null for any other status): what a run-failure sensor alerts with. */
  readonly failure: RunFailure | null;
}

/** What made a run fail: the run's own reason, or its tasks that failed for good. */
export interface RunFailure {
  /** One line: the run's own reason (max runtime, monitoring), else the first failed task's error. */
  readonly message: string;
  /** Tasks that failed for good, in the run's task order, with their last attempt's error (at most 100). */
  readonly tasks: readonly FailedTask[];
  /** How many tasks failed for good, also those past the 100 listed. */
  readonly failedTaskCount: number;
}

export interface FailedTask {
  readonly taskKey: string;
  readonly assetKey: string;
  readonly partitionKey: string | null;
  /** The asset check the task evaluated (null for a materialization). */
  readonly checkName: string | null;
  /** Attempts made, retries included. */
  readonly attempts: number;
  readonly error: { readonly code: string; readonly message: string; readonly errorClass: string | null; readonly stack: string | null } | null;
}

/** `automation_condition`: the sensor `defineDefinitions` adds to evaluate assets' automation conditions. */
export type SensorKind = 'poll' | 'push' | 'asset' | 'run_status' | 'automation_condition';
export type RunTerminalStatus = RunStatusRecord['status'];

interface SensorBase {
  readonly [SENSOR_BRAND]: true;
  readonly name: string;
  /** What run requests run by default; null: the sensor only observes (run requests need their own `target`). */
  readonly target: string | readonly string[] | null;
  /** The target's asset keys, sorted; null until `defineDefinitions` resolved it. */
  readonly assetKeys: readonly string[] | null;
  readonly minimumIntervalSeconds: number;
  readonly defaultStatus: 'RUNNING' | 'STOPPED';
  readonly timeoutMs: number;
  readonly description: string | null;
}

export type SensorDefinition = SensorBase &
  (
    | { readonly kind: 'poll'; readonly evaluate: (ctx: SensorContext) => SensorOutcome }
    | { readonly kind: 'push'; readonly evaluate: (ctx: PushSensorContext) => SensorOutcome; readonly payloadSchema: z.ZodType | null }
    | {
        readonly kind: 'asset';
        readonly monitoredAsset: string;
        readonly evaluate: ((ctx: SensorContext, materialization: MaterializationRecord) => SensorOutcome) | null;
      }
    | {
        readonly kind: 'run_status';
        readonly runStatuses: readonly RunTerminalStatus[];
        /** Only runs that include one of these assets (all runs when null). */
        readonly monitoredTarget: string | readonly string[] | null;
        readonly monitoredAssetKeys: readonly string[] | null;
        readonly evaluate: (ctx: SensorContext, run: RunStatusRecord) => SensorOutcome;
      }
    | { readonly kind: 'automation_condition' }
  );

interface SensorCommonOptions {
  /** Letters, digits and `_`; unique among schedules and sensors. */
  readonly name: string;
  readonly target?: AssetTarget;
  /** @default 30 */
  readonly minimumIntervalSeconds?: number;
  /** @default 'stopped' */
  readonly defaultStatus?: ScheduleStatusOption;
  /** Time limit of one evaluation. @default 60000 */
  readonly timeoutMs?: number;
  readonly description?: string;
}

export interface PollSensorOptions extends SensorCommonOptions {
  readonly type?: 'poll';
  readonly evaluate: (ctx: SensorContext) => SensorOutcome;
}

export interface PushSensorOptions extends Omit<SensorCommonOptions, 'minimumIntervalSeconds'> {
  readonly type: 'push';
  /** A zod schema pushed payloads must satisfy (checked before the sensor runs). */
  readonly payload?: z.ZodType;
  readonly evaluate: (ctx: PushSensorContext) => SensorOutcome;
}

export interface AssetSensorOptions extends SensorCommonOptions {
  /** The asset whose materializations the sensor follows. */
  readonly asset: AssetDefinition | string;
  /**
   * Called once per new materialization, oldest first. By default each one requests a run of
   * the target keyed by its ledger sequence (and its partition, when it has one).
   */
  readonly evaluate?: (ctx: SensorContext, materialization: MaterializationRecord) => SensorOutcome;
}

export interface RunStatusSensorOptions extends SensorCommonOptions {
  /** The status(es) that fire the sensor. */
  readonly runStatus: RunTerminalStatus | readonly RunTerminalStatus[];
  /** Only runs that include one of these assets. @default every run */
  readonly monitoredTarget?: AssetTarget;
  /** Called once per run that reached a watched status, in the order they finished. */
  readonly evaluate: (ctx: SensorContext, run: RunStatusRecord) => SensorOutcome;
}

const fn = z.custom<(...args: never[]) => unknown>((v) => typeof v === 'function', 'must be a function');
const common = {
  name: z.string().regex(AUTOMATION_NAME_PATTERN, 'must be letters, digits and "_"'),
  target: z.unknown().optional(),
  minimumIntervalSeconds: z.number().int().min(1).optional(),
  defaultStatus: z.enum(['running', 'stopped']).optional(),
  timeoutMs: z.number().int().positive().optional(),
  description: z.string().optional(),
};
const terminal = z.enum(['SUCCESS', 'FAILURE', 'CANCELED']);
const schemas = {
  poll: z.strictObject({ ...common, type: z.literal('poll').optional(), evaluate: fn }),
  push: z.strictObject({
    ...common,
    minimumIntervalSeconds: z.never().optional(),
    type: z.literal('push'),
    payload: z.custom<z.ZodType>((v) => typeof (v as { safeParse?: unknown } | null)?.safeParse === 'function', 'must be a zod schema').optional(),
    evaluate: fn,
  }),
  asset: z.strictObject({ ...common, asset: z.unknown(), evaluate: fn.optional() }),
  runStatus: z.strictObject({ ...common, runStatus: z.union([terminal, z.array(terminal).min(1)]), monitoredTarget: z.unknown().optional(), evaluate: fn }),
};

function invalid(sensor: string, field: string, reason: string, suggestions: readonly string[] = []): never {
  throw arcoError('INVALID_SENSOR', `sensor "${sensor}": ${field} ${reason}${didYouMean(suggestions)}`, { sensor, field, reason, ...suggestionDetails(suggestions) });
}

function parse<T>(schema: z.ZodType<T>, options: unknown): T {
  const name = typeof (options as { name?: unknown })?.name === 'string' ? (options as { name: string }).name : '(no name)';
  const result = schema.safeParse(options);
  if (result.success) return result.data;
  const problem = optionProblem(schema, result.error);
  return invalid(name, problem.field, problem.reason, problem.suggestions);
}

interface BaseInput {
  readonly name: string;
  readonly target?: unknown;
  readonly minimumIntervalSeconds?: number;
  readonly defaultStatus?: 'running' | 'stopped';
  readonly timeoutMs?: number;
  readonly description?: string;
}

function base(o: BaseInput): SensorBase {
  return {
    [SENSOR_BRAND]: true as const,
    name: o.name,
    target: o.target === undefined ? null : normalizeTarget(o.target, (reason) => invalid(o.name, 'target', reason)),
    assetKeys: null,
    minimumIntervalSeconds: o.minimumIntervalSeconds ?? MINIMUM_INTERVAL_SECONDS_DEFAULT,
    defaultStatus: o.defaultStatus === 'running' ? 'RUNNING' : 'STOPPED',
    timeoutMs: o.timeoutMs ?? USER_FUNCTION_TIMEOUT_MS_DEFAULT,
    description: o.description ?? null,
  };
}

/**
 * A poll sensor (evaluated every `minimumIntervalSeconds` while running) or a push sensor
 * (`type: 'push'`, evaluated once per message POSTed to `/api/v1/sensors/{name}/push`).
 * @throws INVALID_SENSOR (details: sensor, field, reason).
 */
export function defineSensor(options: PollSensorOptions | PushSensorOptions): SensorDefinition {
  if ((options as { type?: unknown })?.type === 'push') {
    const o = parse(schemas.push, options);
    // Push sensors are driven by messages; the interval only paces nothing, so it is the default.
    return Object.freeze({ ...base(o), kind: 'push' as const, evaluate: o.evaluate as PushSensorOptions['evaluate'], payloadSchema: o.payload ?? null });
  }
  const o = parse(schemas.poll, options);
  return Object.freeze({ ...base(o), kind: 'poll' as const, evaluate: o.evaluate as PollSensorOptions['evaluate'] });
}

/** A sensor that fires for each new materialization of one asset. @throws INVALID_SENSOR. */
export function defineAssetSensor(options: AssetSensorOptions): SensorDefinition {
  const o = parse(schemas.asset, options);
  const asset = o.asset;
  let monitoredAsset: string;
  if (typeof asset === 'string' && asset.length > 0) monitoredAsset = asset;
  else if (asset && typeof asset === 'object' && (asset as Record<symbol, unknown>)[ASSET_BRAND] === true) monitoredAsset = (asset as AssetDefinition).key;
  else return invalid(o.name, 'asset', 'must be an asset or an asset key');
  return Object.freeze({
    ...base(o),
    kind: 'asset' as const,
    monitoredAsset,
    evaluate: (o.evaluate as AssetSensorOptions['evaluate']) ?? null,
  });
}

export type RunFailureSensorOptions = Omit<RunStatusSensorOptions, 'runStatus'>;

/**
 * A sensor that fires once for each run that fails, with the run's failure (`run.failure`: the
 * failed tasks and their errors), as Dagster's run-failure sensor. @throws INVALID_SENSOR.
 */
export function defineRunFailureSensor(options: RunFailureSensorOptions): SensorDefinition {
  return defineRunStatusSensor({ ...options, runStatus: 'FAILURE' });
}

/** A sensor that fires once for each run reaching one of `runStatus`. @throws INVALID_SENSOR. */
export function defineRunStatusSensor(options: RunStatusSensorOptions): SensorDefinition {
  const o = parse(schemas.runStatus, options);
  const statuses = typeof o.runStatus === 'string' ? [o.runStatus] : [...new Set(o.runStatus)];
  return Object.freeze({
    ...base(o),
    kind: 'run_status' as const,
    runStatuses: statuses,
    monitoredTarget: o.monitoredTarget === undefined ? null : normalizeTarget(o.monitoredTarget, (reason) => invalid(o.name, 'monitoredTarget', reason)),
    monitoredAssetKeys: null,
    evaluate: o.evaluate as RunStatusSensorOptions['evaluate'],
  });
}

export function isSensorDefinition(value: unknown): value is SensorDefinition {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[SENSOR_BRAND] === true;
}
