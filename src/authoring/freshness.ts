/**
 * The `freshness` option of `defineAsset`: a time-window freshness policy in either of two shapes,
 * or a cron policy.
 *
 * - Minutes: `{ maxLagMinutes: 60, warnAfterMinutes: 30 }`.
 * - Dagster's windows: `{ failAfter: '24h', warnAfter: '12h' }`, each a duration string of days,
 *   hours and minutes largest first (`90m`, `24h`, `2d`, `1d12h`) or an object
 *   `{ days?, hours?, minutes? }` (Dagster's `timedelta`).
 * - Dagster's cron policy: `{ deadlineCron: '0 9 * * *', lowerBound: '1h', timezone: 'Europe/Paris' }`,
 *   materialized at least once in the hour before each 09:00 (domain/assets/freshness-cron.ts).
 *
 * All resolve to whole minutes. As Dagster, the failure window is at least a minute and the
 * warning window, when given, is at least a minute and shorter than the failure window; a cron
 * policy's lower bound is at least a minute and no longer than the shortest time between two of
 * its deadlines. A policy mixes no shapes: `warnAfterMinutes` goes with `maxLagMinutes`,
 * `warnAfter` with `failAfter`, `lowerBound` and `timezone` with `deadlineCron`.
 */
import { z } from 'zod';
import { formatDurationMinutes, parseDurationMinutes, type FreshnessPolicy } from '../domain/assets/index.js';
import { parseCronSchedule, tickSequence, tickStream, validateTimezone, CRON_TICK_SEARCH_YEARS, MS_PER_DAY, MS_PER_MINUTE, type CronExpression } from '../domain/cron/index.js';
import { arcoError, invariant, isArcoError } from '../domain/errors/index.js';

/** A duration: `'24h'`, `'90m'`, `'2d'`, `'1d12h'`, or `{ days?, hours?, minutes? }`. */
export type FreshnessDuration = string | { readonly days?: number; readonly hours?: number; readonly minutes?: number };

export type FreshnessOptions =
  | {
      /** FAIL once the last materialization is this many minutes old. */
      readonly maxLagMinutes: number;
      /** WARN once it is this many minutes old (less than `maxLagMinutes`). */
      readonly warnAfterMinutes?: number;
    }
  | {
      /** FAIL once the last materialization is this old (Dagster `fail_window`). */
      readonly failAfter: FreshnessDuration;
      /** WARN once it is this old, shorter than `failAfter` (Dagster `warn_window`). */
      readonly warnAfter?: FreshnessDuration;
    }
  | {
      /**
       * The deadlines (Dagster `deadline_cron`): one five-field cron or alias. The asset must
       * materialize at least once in the `lowerBound` before each of its ticks.
       */
      readonly deadlineCron: string;
      /**
       * How long before each deadline its window opens (Dagster `lower_bound_delta`): at least a
       * minute, at most the shortest time between two deadlines.
       */
      readonly lowerBound: FreshnessDuration;
      /** The IANA timezone `deadlineCron` is read in. @default 'UTC' */
      readonly timezone?: string;
    };

const DURATION_HINT = `a duration like '90m', '24h', '2d' or '1d12h', or { days, hours, minutes }`;
const wholeMinutes = z.number().int('must be a whole number of minutes').min(1, 'must be at least 1 minute');
const count = z.number().int('must be a whole number').min(0, 'must not be negative');

const durationSchema = z.union(
  [
    z.string().refine((text) => parseDurationMinutes(text) !== null, `must be ${DURATION_HINT}`),
    z.strictObject({ days: count.optional(), hours: count.optional(), minutes: count.optional() }),
  ],
  { error: `must be ${DURATION_HINT}` },
);

function durationMinutes(duration: z.infer<typeof durationSchema>): number {
  if (typeof duration === 'string') return parseDurationMinutes(duration) ?? 0;
  return (duration.days ?? 0) * 24 * 60 + (duration.hours ?? 0) * 60 + (duration.minutes ?? 0);
}

/** The time-window policy's windows in minutes, whichever shape was used (undefined where a field is missing). */
function windowsOf(value: Shape): { fail: number | undefined; warn: number | undefined } {
  if (value.failAfter !== undefined) {
    return { fail: durationMinutes(value.failAfter), warn: value.warnAfter === undefined ? undefined : durationMinutes(value.warnAfter) };
  }
  return { fail: value.maxLagMinutes, warn: value.warnAfterMinutes };
}

const shapeSchema = z.strictObject({
  maxLagMinutes: wholeMinutes.optional(),
  warnAfterMinutes: wholeMinutes.optional(),
  failAfter: durationSchema.optional(),
  warnAfter: durationSchema.optional(),
  deadlineCron: z.string({ error: `must be a cron like '0 9 * * *'` }).optional(),
  lowerBound: durationSchema.optional(),
  timezone: z.string({ error: `must be an IANA timezone name like 'Europe/Paris'` }).optional(),
});

type Shape = z.infer<typeof shapeSchema>;

const WINDOW_FIELDS = ['maxLagMinutes', 'warnAfterMinutes', 'failAfter', 'warnAfter'] as const;
const CRON_FIELDS = ['deadlineCron', 'lowerBound', 'timezone'] as const;
const CRON_NEEDS = 'a cron freshness policy needs { deadlineCron, lowerBound }';

/**
 * Reports a cron policy's shape problems: window fields beside it, a missing field, a lower bound
 * under a minute. The field named is the one that does not belong to the policy the others ask for.
 */
function checkCronShape(value: Shape, ctx: z.RefinementCtx): void {
  const windowField = WINDOW_FIELDS.find((f) => value[f] !== undefined);
  const cronField = CRON_FIELDS.find((f) => value[f] !== undefined);
  if (windowField !== undefined && cronField !== undefined) {
    const [field, other] = value.deadlineCron !== undefined ? [windowField, 'deadlineCron'] : [cronField, windowField];
    ctx.addIssue({
      code: 'custom',
      path: [field],
      message: `cannot be mixed with ${other}: use { deadlineCron, lowerBound, timezone } for a cron policy or { failAfter, warnAfter } for a time window`,
    });
    return;
  }
  if (value.deadlineCron === undefined) ctx.addIssue({ code: 'custom', path: ['deadlineCron'], message: `is required: ${CRON_NEEDS}` });
  else if (value.lowerBound === undefined) ctx.addIssue({ code: 'custom', path: ['lowerBound'], message: `is required: ${CRON_NEEDS}` });
  else if (durationMinutes(value.lowerBound) < 1) ctx.addIssue({ code: 'custom', path: ['lowerBound'], message: 'must be at least 1 minute' });
}

/** Reports the problems no field alone can see: mixed shapes, a missing window, windows out of order. */
function checkShape(value: Shape, ctx: z.RefinementCtx): void {
  if (CRON_FIELDS.some((f) => value[f] !== undefined)) {
    checkCronShape(value, ctx);
    return;
  }
  if (WINDOW_FIELDS.every((f) => value[f] === undefined)) {
    ctx.addIssue({ code: 'custom', path: ['failAfter'], message: 'is required: a freshness policy needs { failAfter }, { maxLagMinutes } or { deadlineCron, lowerBound }' });
    return;
  }
  const minutesShape = value.maxLagMinutes !== undefined || value.warnAfterMinutes !== undefined;
  const windowShape = value.failAfter !== undefined || value.warnAfter !== undefined;
  if (minutesShape && windowShape) {
    const field = value.failAfter !== undefined ? 'failAfter' : 'warnAfter';
    ctx.addIssue({ code: 'custom', path: [field], message: 'cannot be mixed with maxLagMinutes/warnAfterMinutes: use { maxLagMinutes, warnAfterMinutes } or { failAfter, warnAfter }' });
    return;
  }
  if (value.maxLagMinutes === undefined && value.failAfter === undefined) {
    const field = value.warnAfterMinutes !== undefined ? 'maxLagMinutes' : 'failAfter';
    ctx.addIssue({ code: 'custom', path: [field], message: 'is required: a freshness policy needs { maxLagMinutes } or { failAfter }' });
    return;
  }
  const { fail, warn } = windowsOf(value);
  const failField = value.failAfter !== undefined ? 'failAfter' : 'maxLagMinutes';
  const warnField = value.failAfter !== undefined ? 'warnAfter' : 'warnAfterMinutes';
  if (fail !== undefined && fail < 1) ctx.addIssue({ code: 'custom', path: [failField], message: 'must be at least 1 minute' });
  else if (warn !== undefined && warn < 1) ctx.addIssue({ code: 'custom', path: [warnField], message: 'must be at least 1 minute' });
  else if (fail !== undefined && warn !== undefined && warn >= fail) {
    ctx.addIssue({
      code: 'custom',
      path: [warnField],
      message: `must be less than ${failField} (${formatDurationMinutes(warn)} is not less than ${formatDurationMinutes(fail)})`,
    });
  }
}

/** The `freshness` option's schema, for `defineAsset`'s options schema (an object, so typos get "did you mean"). */
export const freshnessOptionsSchema = shapeSchema.superRefine(checkShape);

/**
 * The policy a `freshness` option that passed `freshnessOptionsSchema` resolves to; a cron policy's
 * cron, timezone and lower bound against its deadlines are checked here, as they need the cron.
 * @param asset the asset's key, for messages and details.
 * @throws INVALID_CRON, INVALID_TIMEZONE, INVALID_DEFINITION, each naming the asset and the field.
 */
export function resolveFreshness(value: z.infer<typeof freshnessOptionsSchema>, asset: string): FreshnessPolicy {
  if (value.deadlineCron !== undefined && value.lowerBound !== undefined) {
    return resolveCron(value.deadlineCron, durationMinutes(value.lowerBound), value.timezone ?? 'UTC', asset);
  }
  const { fail, warn } = windowsOf(value);
  return { kind: 'time_window', failAfterMinutes: fail ?? 0, warnAfterMinutes: warn ?? null };
}

/** Runs `check`, rethrowing its error with the asset and the field named, code and details kept. */
function naming<T>(asset: string, field: string, check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (!isArcoError(error)) throw error;
    throw arcoError(error.code, `asset "${asset}": freshness.${field}: ${error.message}`, { ...error.details, asset, field: `freshness.${field}` });
  }
}

function resolveCron(deadlineCron: string, lowerBoundMinutes: number, timezone: string, asset: string): FreshnessPolicy {
  const [expression, ...more] = naming(asset, 'deadlineCron', () => parseCronSchedule(deadlineCron)).expressions;
  invariant(expression !== undefined && more.length === 0, 'one expression for one cron string', deadlineCron);
  naming(asset, 'timezone', () => validateTimezone(timezone));
  const cron = expression.source;
  const shortest = shortestDeadlineGapMinutes(expression);
  if (lowerBoundMinutes > shortest) {
    throw arcoError(
      'INVALID_DEFINITION',
      `asset "${asset}": freshness.lowerBound must be at most the shortest time between two deadlines of '${cron}' (${formatDurationMinutes(shortest)}), not ${formatDurationMinutes(lowerBoundMinutes)}`,
      { asset, field: 'freshness.lowerBound' },
    );
  }
  return { kind: 'cron', deadlineCron: cron, lowerBoundMinutes, timezone };
}

/**
 * Deadlines sampled to find the shortest time between two: as many as Dagster samples, over at
 * most the years a valid cron is sure to tick in (so a leap-day cron still shows two ticks).
 */
const DEADLINE_SAMPLE_TICKS = 1_000;
const DEADLINE_SAMPLE_MS = CRON_TICK_SEARCH_YEARS * 366 * MS_PER_DAY;
/** A fixed start, so whether a definition loads never depends on the day it is loaded. */
const DEADLINE_SAMPLE_FROM_MS = Date.UTC(2000, 0, 1);
/** Gaps already measured, by cron: definitions repeat a few crons across many assets and reloads. */
const shortestGaps = new Map<string, number>();
const SHORTEST_GAPS_MAX = 1_000;

/**
 * The shortest time between two consecutive deadlines, in minutes, read in UTC as Dagster does: a
 * daily deadline is a day apart even where a daylight-saving day is 23 hours long, so a one-day
 * lower bound stays valid in every timezone.
 */
function shortestDeadlineGapMinutes(expression: CronExpression): number {
  const known = shortestGaps.get(expression.source);
  if (known !== undefined) return known;
  let shortestMs = Number.POSITIVE_INFINITY;
  let previousMs: number | null = null;
  let sampled = 0;
  for (const tick of tickStream(tickSequence(expression, 'UTC'), DEADLINE_SAMPLE_FROM_MS)) {
    if (previousMs !== null) shortestMs = Math.min(shortestMs, tick.epochMs - previousMs);
    previousMs = tick.epochMs;
    sampled += 1;
    // Nothing is closer than a minute, so a minute-apart pair ends the search early.
    if (sampled >= DEADLINE_SAMPLE_TICKS || tick.epochMs - DEADLINE_SAMPLE_FROM_MS >= DEADLINE_SAMPLE_MS || shortestMs <= MS_PER_MINUTE) break;
  }
  const minutes = shortestMs / MS_PER_MINUTE;
  if (shortestGaps.size >= SHORTEST_GAPS_MAX) shortestGaps.clear();
  shortestGaps.set(expression.source, minutes);
  return minutes;
}
