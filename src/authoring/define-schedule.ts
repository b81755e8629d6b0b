/**
 * `defineSchedule` and `scheduleFromPartitions`: schedules as users write them (Dagster's
 * `ScheduleDefinition` and `build_schedule_from_partitioned_job`). Options are checked when the
 * definitions file is imported; the target is resolved against the assets by `defineDefinitions`.
 *
 *   defineSchedule({ name: 'nightly', cron: '0 2 * * *', timezone: 'Europe/Berlin', target: 'group:sales' })
 *   scheduleFromPartitions([dailySales], { name: 'daily_sales' })  // ticks at midnight, targets yesterday
 */
import { z } from 'zod';
import { didYouMean, suggestionDetails } from '../domain/suggestions/index.js';
import { optionProblem } from './option-problems.js';
import { arcoError, isArcoError } from '../domain/errors/index.js';
import { parseCronSchedule, validateTimezone, type CronSchedule } from '../domain/cron/index.js';
import type { Json } from '../domain/ids/index.js';
import { sameDefinition, type PartitionsDefinition } from '../domain/partitions/index.js';
import { ASSET_BRAND, type AssetDefinition } from './types.js';

export const SCHEDULE_BRAND = Symbol.for('arco-flow.schedule');

/** Names of schedules and sensors: they appear in idempotency keys and run tags. */
export const AUTOMATION_NAME_PATTERN = /^[A-Za-z0-9_]+$/;
/** How long a schedule or sensor function may run by default (Dagster's sensor timeout is 60 s). */
export const USER_FUNCTION_TIMEOUT_MS_DEFAULT = 60_000;
/** Partition-based schedules evaluate at most this many missed ticks after downtime (Dagster: 5). */
export const MAX_CATCHUP_TICKS_DEFAULT = 5;

/** What a schedule or sensor targets: a selection string (Dagster syntax) or a list of assets or keys. */
export type AssetTarget = string | readonly (AssetDefinition | string)[];

/** What `shouldExecute` and a partition function receive for one tick. */
export interface ScheduleEvaluationContext {
  readonly scheduleName: string;
  /** The tick as local ISO-8601 time with its UTC offset, e.g. `2026-03-08T03:00:00-07:00`. */
  readonly scheduledExecutionTime: string;
  readonly scheduledEpochMs: number;
  readonly timezone: string;
}

export type ScheduleStatusOption = 'running' | 'stopped';

export interface ScheduleOptions {
  /** Letters, digits and `_`; unique among schedules and sensors. */
  readonly name: string;
  /** Five-field cron or `@daily`-style alias; a list ticks at the union of its crons. */
  readonly cron: string | readonly string[];
  /** IANA timezone the cron is read in. @default 'UTC' */
  readonly timezone?: string;
  readonly target: AssetTarget;
  /**
   * Which partition each run materializes: a function of the tick, or `'previous window'` (the
   * time window that closed at the tick). A schedule with a partition catches up missed ticks.
   */
  readonly partition?: 'previous window' | ((ctx: ScheduleEvaluationContext) => string | null | Promise<string | null>);
  readonly tags?: Readonly<Record<string, string>>;
  readonly config?: Json;
  /** @default 'stopped' */
  readonly defaultStatus?: ScheduleStatusOption;
  /** Return false to skip a tick (recorded as SKIPPED). */
  readonly shouldExecute?: (ctx: ScheduleEvaluationContext) => boolean | Promise<boolean>;
  /** Partition-based schedules only: missed ticks evaluated after downtime. @default 5 */
  readonly maxCatchupTicks?: number;
  /** Skip a tick while the previous run of this schedule is still in progress. @default false */
  readonly skipIfRunning?: boolean;
  readonly description?: string;
  /** Time limit of `shouldExecute` and the partition function, per tick. @default 60000 */
  readonly timeoutMs?: number;
}

/** A validated schedule. `cron`, `assetKeys` and `partitionsDefinition` are final once `defineDefinitions` resolved it. */
export interface ScheduleDefinition {
  readonly [SCHEDULE_BRAND]: true;
  readonly name: string;
  /** null until resolved, for a schedule built from the partitions of a selection. */
  readonly cron: CronSchedule | null;
  readonly timezone: string | null;
  readonly target: string | readonly string[];
  /** The target's asset keys, sorted; null until `defineDefinitions` resolved the target. */
  readonly assetKeys: readonly string[] | null;
  readonly partition: 'none' | 'previous window' | 'function';
  readonly partitionFn: ((ctx: ScheduleEvaluationContext) => string | null | Promise<string | null>) | null;
  /** The time-window partitions the target uses ('previous window'); set on resolution. */
  readonly partitionsDefinition: PartitionsDefinition | null;
  readonly tags: Readonly<Record<string, string>>;
  readonly config: Json;
  readonly defaultStatus: 'RUNNING' | 'STOPPED';
  readonly shouldExecute: ((ctx: ScheduleEvaluationContext) => boolean | Promise<boolean>) | null;
  readonly maxCatchupTicks: number;
  readonly skipIfRunning: boolean;
  readonly description: string | null;
  readonly timeoutMs: number;
}

/** A schedule after `defineDefinitions`: everything known. */
export type ResolvedSchedule = ScheduleDefinition & {
  readonly cron: CronSchedule;
  readonly timezone: string;
  readonly assetKeys: readonly string[];
};

const fn = (what: string) => z.custom<(...args: never[]) => unknown>((v) => typeof v === 'function', `must be ${what}`);
const targetSchema = z.union([z.string().min(1), z.array(z.unknown()).min(1)]);

const commonSchema = {
  name: z.string().regex(AUTOMATION_NAME_PATTERN, 'must be letters, digits and "_"'),
  target: targetSchema,
  tags: z.record(z.string(), z.string()).optional(),
  config: z.json().optional(),
  defaultStatus: z.enum(['running', 'stopped']).optional(),
  shouldExecute: fn('a function').optional(),
  maxCatchupTicks: z.number().int().min(1).optional(),
  skipIfRunning: z.boolean().optional(),
  description: z.string().optional(),
  timeoutMs: z.number().int().positive().optional(),
};

const scheduleSchema = z.strictObject({
  ...commonSchema,
  cron: z.union([z.string(), z.array(z.string())]),
  timezone: z.string().min(1).optional(),
  partition: z.union([z.literal('previous window'), fn('a function or "previous window"')]).optional(),
});

const fromPartitionsSchema = z.strictObject({
  ...commonSchema,
  target: targetSchema.optional(),
  partitions: z.custom<PartitionsDefinition>((v) => typeof v === 'object' && v !== null && (v as { kind?: unknown }).kind === 'timeWindow', 'must be a time-window partitions definition').optional(),
});

function invalid(schedule: string, field: string, reason: string, suggestions: readonly string[] = []): never {
  throw arcoError('INVALID_SCHEDULE', `schedule "${schedule}": ${field} ${reason}${didYouMean(suggestions)}`, { schedule, field, reason, ...suggestionDetails(suggestions) });
}

function parse<T>(schema: z.ZodType<T>, options: unknown): T {
  const name = typeof (options as { name?: unknown })?.name === 'string' ? (options as { name: string }).name : '(no name)';
  const result = schema.safeParse(options);
  if (result.success) return result.data;
  const problem = optionProblem(schema, result.error);
  return invalid(name, problem.field, problem.reason, problem.suggestions);
}

/** A target as stored: a selection string, or asset keys. @throws INVALID_SCHEDULE / INVALID_SENSOR via `fail`. */
export function normalizeTarget(target: unknown, fail: (reason: string) => never): string | string[] {
  if (typeof target === 'string') return target;
  if (!Array.isArray(target) || target.length === 0) return fail('must be a selection string or a non-empty list of assets');
  return target.map((item) => {
    if (typeof item === 'string' && item.length > 0) return item;
    if (item && typeof item === 'object' && (item as Record<symbol, unknown>)[ASSET_BRAND] === true) return (item as AssetDefinition).key;
    return fail('items must be assets or asset keys');
  });
}

/** Cron and timezone errors keep their codes and gain the schedule's name. */
function withSchedule<T>(schedule: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (!isArcoError(error)) throw error;
    throw arcoError(error.code, `schedule "${schedule}": ${error.message}`, { ...error.details, schedule });
  }
}

function build(
  o: Omit<z.infer<typeof fromPartitionsSchema>, 'partitions'> & { readonly target?: unknown },
  cron: CronSchedule | null,
  timezone: string | null,
  partition: ScheduleDefinition['partition'],
  partitionFn: ScheduleDefinition['partitionFn'],
  partitionsDefinition: PartitionsDefinition | null,
): ScheduleDefinition {
  return Object.freeze({
    [SCHEDULE_BRAND]: true as const,
    name: o.name,
    cron,
    timezone,
    target: normalizeTarget(o.target, (reason) => invalid(o.name, 'target', reason)),
    assetKeys: null,
    partition,
    partitionFn,
    partitionsDefinition,
    tags: { ...(o.tags ?? {}) },
    config: (o.config ?? {}) as Json,
    defaultStatus: o.defaultStatus === 'running' ? ('RUNNING' as const) : ('STOPPED' as const),
    shouldExecute: (o.shouldExecute as ScheduleDefinition['shouldExecute']) ?? null,
    maxCatchupTicks: o.maxCatchupTicks ?? MAX_CATCHUP_TICKS_DEFAULT,
    skipIfRunning: o.skipIfRunning ?? false,
    description: o.description ?? null,
    timeoutMs: o.timeoutMs ?? USER_FUNCTION_TIMEOUT_MS_DEFAULT,
  });
}

/**
 * A schedule that ticks on a cron in a timezone and requests a run of its target per tick.
 * @throws INVALID_SCHEDULE (details: schedule, field, reason), INVALID_CRON, INVALID_TIMEZONE.
 */
export function defineSchedule(options: ScheduleOptions): ScheduleDefinition {
  const o = parse(scheduleSchema, options);
  const cron = withSchedule(o.name, () => parseCronSchedule(o.cron));
  const timezone = withSchedule(o.name, () => validateTimezone(o.timezone ?? 'UTC'));
  const partitionFn = typeof o.partition === 'function' ? (o.partition as NonNullable<ScheduleDefinition['partitionFn']>) : null;
  const partition = o.partition === undefined ? 'none' : partitionFn ? 'function' : 'previous window';
  return build(o, cron, timezone, partition, partitionFn, null);
}

export type PartitionScheduleOptions = Omit<ScheduleOptions, 'cron' | 'timezone' | 'target' | 'partition'> & {
  /** The time-window partitions to follow; by default those of the target's partitioned assets. */
  readonly partitions?: PartitionsDefinition;
};

/**
 * A schedule that ticks once per partition window, when the window closes, and requests the window
 * that just closed (tick 2019-02-28 00:00 requests `2019-02-27`). Cron and timezone are the
 * partitions definition's; the target's partitions must be that one time-window definition.
 * @throws INVALID_SCHEDULE.
 */
export function scheduleFromPartitions(target: AssetTarget, options: PartitionScheduleOptions): ScheduleDefinition {
  const o = parse(fromPartitionsSchema, { ...options, target });
  const given = (o.partitions ?? ownPartitions(target)) as PartitionsDefinition | null;
  if (given !== null && given.kind !== 'timeWindow') invalid(o.name, 'partitions', 'must be time-window partitions');
  const cron = given === null ? null : withSchedule(o.name, () => parseCronSchedule(given.cron));
  return build(o, cron, given === null ? null : given.timezone, 'previous window', null, given);
}

/** The one partitions definition of the assets given as definitions, if they agree (else left to resolution). */
function ownPartitions(target: AssetTarget): PartitionsDefinition | null {
  if (typeof target === 'string') return null;
  const found = target.flatMap((t) => (typeof t === 'object' && t.partitions ? [t.partitions] : []));
  const first = found[0];
  return first !== undefined && found.every((d) => sameDefinition(d, first)) ? first : null;
}

export function isScheduleDefinition(value: unknown): value is ScheduleDefinition {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[SCHEDULE_BRAND] === true;
}
