/**
 * Building validated, normalised partitions definitions from user input. The authoring
 * constructors check input shapes with zod and call these; these check the rules a shape cannot
 * express (cron and timezone validity, start before end, keys that round-trip through `fmt`).
 * Every failure is INVALID_PARTITIONS_DEFINITION with details `{ field, reason, value? }`.
 */
import { arcoError, isArcoError } from '../errors/index.js';
import { localIsoAt, parseCronSchedule, validateTimezone } from '../cron/index.js';
import {
  forbiddenKeyPart,
  type DimensionPartitionsDefinition,
  type DynamicPartitionsDefinition,
  type MultiPartitionsDefinition,
  type PartitionDimension,
  type StaticPartitionsDefinition,
  type TimeWindowPartitionsDefinition,
} from './definition.js';
import { formatTokens } from './strftime.js';
import { instantOfTimeInput } from './time-input.js';
import { checkFormatRoundTrip, compileTimeWindow } from './time-window.js';

/** Dagster's default key format for daily, weekly and monthly partitions. */
export const DEFAULT_DATE_FMT = '%Y-%m-%d';
/** Dagster's default key format for hourly partitions. */
export const DEFAULT_HOURLY_FMT = '%Y-%m-%d-%H:%M';

export type PartitionsCadence = 'hourly' | 'daily' | 'weekly' | 'monthly';

export interface CadenceOffsets {
  readonly minuteOffset?: number;
  readonly hourOffset?: number;
  /** Weekly: 0 (Sunday, default) .. 6. Monthly: 1 (default) .. 31. */
  readonly dayOffset?: number;
}

export interface TimeWindowInput {
  readonly cron: string;
  readonly start: Date | string;
  readonly end?: Date | string;
  readonly timezone?: string;
  readonly fmt: string;
  readonly endOffset?: number;
}

function invalid(field: string, reason: string, value?: unknown): never {
  throw arcoError('INVALID_PARTITIONS_DEFINITION', `invalid partitions definition, ${field}: ${reason}`, {
    field,
    reason,
    ...(value === undefined ? {} : { value: value instanceof Date ? value.toISOString() : value }),
  });
}

function checkRange(field: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) invalid(field, `must be an integer from ${min} to ${max}`, value);
  return value;
}

/** The cron of Dagster's Hourly/Daily/Weekly/MonthlyPartitionsDefinition with these offsets. */
export function cadenceCron(cadence: PartitionsCadence, offsets: CadenceOffsets = {}): string {
  const minute = checkRange('minuteOffset', offsets.minuteOffset ?? 0, 0, 59);
  if (cadence === 'hourly') return `${minute} * * * *`;
  const hour = checkRange('hourOffset', offsets.hourOffset ?? 0, 0, 23);
  if (cadence === 'daily') return `${minute} ${hour} * * *`;
  if (cadence === 'weekly') return `${minute} ${hour} * * ${checkRange('dayOffset', offsets.dayOffset ?? 0, 0, 6)}`;
  return `${minute} ${hour} ${checkRange('dayOffset', offsets.dayOffset ?? 1, 1, 31)} * *`;
}

function rethrowAs(field: string, value: unknown, action: () => void): void {
  try {
    action();
  } catch (error) {
    if (isArcoError(error) && error.code !== 'INVALID_PARTITIONS_DEFINITION') invalid(field, error.message, value);
    if (error instanceof Error && !isArcoError(error)) invalid(field, error.message, value);
    throw error;
  }
}

/**
 * A time-window definition. `start`/`end` may be a `Date` (its UTC fields are the wall-clock
 * time), an ISO-8601 string, or a string in `fmt`; they are stored as ISO-8601 instants with the
 * timezone's offset. `timezone` defaults to UTC, `endOffset` to 0.
 */
export function buildTimeWindowDefinition(input: TimeWindowInput): TimeWindowPartitionsDefinition {
  const timezone = input.timezone ?? 'UTC';
  const cron = input.cron.trim().split(/\s+/).join(' ');
  rethrowAs('timezone', timezone, () => validateTimezone(timezone));
  rethrowAs('cron', input.cron, () => {
    if (parseCronSchedule(cron).expressions.length !== 1) invalid('cron', 'must be a single cron', input.cron);
  });
  rethrowAs('fmt', input.fmt, () => formatTokens(input.fmt));
  if (input.fmt === '') invalid('fmt', 'must not be empty', input.fmt);
  const endOffset = input.endOffset ?? 0;
  if (!Number.isSafeInteger(endOffset)) invalid('endOffset', 'must be an integer', endOffset);
  const startMs = instantOfTimeInput(input.start, input.fmt, timezone);
  if (startMs === undefined) invalid('start', `must be a Date, an ISO-8601 time or a time in "${input.fmt}"`, input.start);
  const endMs = input.end === undefined ? undefined : instantOfTimeInput(input.end, input.fmt, timezone);
  if (input.end !== undefined && endMs === undefined) {
    invalid('end', `must be a Date, an ISO-8601 time or a time in "${input.fmt}"`, input.end);
  }
  if (endMs !== undefined && endMs <= startMs) invalid('end', 'must be after start', input.end);
  const definition: TimeWindowPartitionsDefinition = {
    kind: 'timeWindow',
    cron,
    start: localIsoAt(timezone, startMs),
    ...(endMs === undefined ? {} : { end: localIsoAt(timezone, endMs) }),
    timezone,
    fmt: input.fmt,
    endOffset,
  };
  checkFormatRoundTrip(compileTimeWindow(definition));
  return definition;
}

/** Static keys, in order. Keys must be non-empty, unique and free of `|`, `,`, `[`, `]`, `...`. */
export function buildStaticDefinition(keys: readonly string[]): StaticPartitionsDefinition {
  const seen = new Set<string>();
  for (const key of keys) {
    if (typeof key !== 'string' || key === '') invalid('keys', 'keys must be non-empty strings', key);
    const forbidden = forbiddenKeyPart(key);
    if (forbidden !== undefined) invalid('keys', `key "${key}" contains "${forbidden}"`, key);
    if (seen.has(key)) invalid('keys', `key "${key}" is repeated`, key);
    seen.add(key);
  }
  return { kind: 'static', keys: [...keys] };
}

/** A named dynamic partitions set. */
export function buildDynamicDefinition(name: string): DynamicPartitionsDefinition {
  if (typeof name !== 'string' || name.trim() === '') invalid('name', 'must be a non-empty string', name);
  return { kind: 'dynamic', name };
}

/** Two dimensions (static, time-window or dynamic), stored sorted by name. */
export function buildMultiDefinition(dimensions: Readonly<Record<string, DimensionPartitionsDefinition>>): MultiPartitionsDefinition {
  const entries = Object.entries(dimensions);
  if (entries.length !== 2) invalid('dimensions', `must have exactly two dimensions, found ${entries.length}`);
  const sorted: PartitionDimension[] = entries
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, definition]) => {
      if (name === '' || forbiddenKeyPart(name) !== undefined) invalid('dimensions', `dimension name "${name}" is not allowed`, name);
      if (!['static', 'timeWindow', 'dynamic'].includes(definition?.kind)) {
        invalid(`dimensions.${name}`, 'must be a static, time-window or dynamic partitions definition', definition?.kind);
      }
      if (definition.kind === 'timeWindow' && forbiddenKeyPart(definition.fmt) !== undefined) {
        invalid(`dimensions.${name}.fmt`, 'a time dimension format must not contain |, ",", [, ] or ...', definition.fmt);
      }
      return { name, definition };
    });
  return { kind: 'multi', dimensions: sorted as [PartitionDimension, PartitionDimension] };
}
