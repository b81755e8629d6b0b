/**
 * The `freshness` option of `defineAsset`: a time-window freshness policy, in either of two shapes.
 *
 * - Minutes: `{ maxLagMinutes: 60, warnAfterMinutes: 30 }`.
 * - Dagster's windows: `{ failAfter: '24h', warnAfter: '12h' }`, each a duration string of days,
 *   hours and minutes largest first (`90m`, `24h`, `2d`, `1d12h`) or an object
 *   `{ days?, hours?, minutes? }` (Dagster's `timedelta`).
 *
 * Both resolve to whole minutes. As Dagster, the failure window is at least a minute and the
 * warning window, when given, is at least a minute and shorter than the failure window. A policy
 * mixes no shapes: `warnAfterMinutes` goes with `maxLagMinutes`, `warnAfter` with `failAfter`.
 */
import { z } from 'zod';
import { formatDurationMinutes, parseDurationMinutes, type FreshnessPolicy } from '../domain/assets/index.js';

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

/** The policy's windows in minutes, whichever shape was used (undefined where a field is missing). */
function windowsOf(value: z.infer<typeof shapeSchema>): { fail: number | undefined; warn: number | undefined } {
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
});

/** Reports the problems no field alone can see: mixed shapes, a missing window, windows out of order. */
function checkShape(value: z.infer<typeof shapeSchema>, ctx: z.RefinementCtx): void {
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

/** The policy a valid `freshness` option resolves to. */
export function resolveFreshness(value: z.infer<typeof freshnessOptionsSchema>): FreshnessPolicy {
  const { fail, warn } = windowsOf(value);
  return { failAfterMinutes: fail ?? 0, warnAfterMinutes: warn ?? null };
}
