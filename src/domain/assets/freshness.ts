/**
 * Freshness policies (SEMANTICS §8): what an asset promises about how recent its data is, judged
 * against a clock reading passed in. A policy is one of two kinds, as Dagster's `FreshnessPolicy`:
 *
 * - `time_window` (Dagster `FreshnessPolicy.time_window`), below.
 * - `cron` (Dagster `FreshnessPolicy.cron`): materialized within a window before each deadline of
 *   a cron; its rules are in freshness-cron.ts.
 *
 * Time-window freshness: an asset should have been materialized within `failAfterMinutes` of now,
 * and warns once its data is `warnAfterMinutes` old. The states:
 *
 * - UNKNOWN: the asset was never materialized, so there is no data whose age could be judged.
 * - PASS: the last materialization is younger than `warnAfterMinutes` (or than `failAfterMinutes`
 *   when there is no warning window).
 * - WARN: it is at least `warnAfterMinutes` old but younger than `failAfterMinutes`.
 * - FAIL: it is at least `failAfterMinutes` old.
 *
 * The boundaries are inclusive on the later state, as Dagster's evaluator (`>=`): data exactly
 * `failAfterMinutes` old fails. A partitioned asset is judged by its latest materialization of any
 * partition, as Dagster judges the asset's last materialization event: a late backfill of an old
 * partition therefore counts as fresh data, which is what the policy promises ("something was
 * materialized recently"), not that every partition is current.
 *
 * The state changes with time alone (PASS, then WARN, then FAIL with no event in between), so it
 * is evaluated against a clock reading passed in; nothing here reads a clock.
 */
import { cronFreshnessState, nextCronFreshnessChangeAtMs, type CronFreshnessPolicy } from './freshness-cron.js';

export type FreshnessState = 'PASS' | 'WARN' | 'FAIL' | 'UNKNOWN';

/** A resolved time-window policy, in whole minutes. */
export interface TimeWindowFreshnessPolicy {
  readonly kind: 'time_window';
  /** FAIL once the last materialization is this old. At least 1. */
  readonly failAfterMinutes: number;
  /** WARN once the last materialization is this old; less than `failAfterMinutes`. Null: never WARN. */
  readonly warnAfterMinutes: number | null;
}

/** A resolved freshness policy of either kind, told apart by `kind`. */
export type FreshnessPolicy = TimeWindowFreshnessPolicy | CronFreshnessPolicy;

export interface FreshnessEvaluation {
  readonly state: FreshnessState;
  /**
   * Minutes since the last materialization (null when there is none). Never negative: a
   * materialization stamped after `now` (another host's clock ahead) counts as just made.
   */
  readonly lagMinutes: number | null;
}

const MS_PER_MINUTE = 60_000;

/** The state of `policy` at `nowEpochMs` for an asset last materialized at `lastMaterializedAtMs`. */
export function evaluateFreshness(policy: FreshnessPolicy, lastMaterializedAtMs: number | null, nowEpochMs: number): FreshnessEvaluation {
  if (lastMaterializedAtMs === null) return { state: 'UNKNOWN', lagMinutes: null };
  const lagMinutes = Math.max(0, nowEpochMs - lastMaterializedAtMs) / MS_PER_MINUTE;
  if (policy.kind === 'cron') return { state: cronFreshnessState(policy, lastMaterializedAtMs, nowEpochMs), lagMinutes };
  return evaluateTimeWindow(policy, lagMinutes);
}

function evaluateTimeWindow(policy: TimeWindowFreshnessPolicy, lagMinutes: number): FreshnessEvaluation {
  if (lagMinutes >= policy.failAfterMinutes) return { state: 'FAIL', lagMinutes };
  if (policy.warnAfterMinutes !== null && lagMinutes >= policy.warnAfterMinutes) return { state: 'WARN', lagMinutes };
  return { state: 'PASS', lagMinutes };
}

/**
 * The next instant after `nowEpochMs` at which the state changes with time alone (a time window's
 * PASS to WARN and WARN to FAIL; a cron policy's PASS to FAIL at a deadline), or null when only a
 * materialization can change it (UNKNOWN, FAIL).
 */
export function nextFreshnessChangeAtMs(policy: FreshnessPolicy, lastMaterializedAtMs: number | null, nowEpochMs: number): number | null {
  if (lastMaterializedAtMs === null) return null;
  if (policy.kind === 'cron') return nextCronFreshnessChangeAtMs(policy, lastMaterializedAtMs, nowEpochMs);
  const thresholds = [policy.warnAfterMinutes, policy.failAfterMinutes].filter((m): m is number => m !== null);
  for (const minutes of thresholds) {
    const at = lastMaterializedAtMs + minutes * MS_PER_MINUTE;
    if (at > nowEpochMs) return at;
  }
  return null;
}

/** Units a duration string may use, largest first, in minutes. */
const DURATION_UNITS: readonly (readonly [string, number])[] = [
  ['d', 24 * 60],
  ['h', 60],
  ['m', 1],
];

/**
 * Minutes of a duration written like `90m`, `24h`, `2d` or `1d12h` (units d, h, m, largest first,
 * each at most once), or null when the text is not such a duration.
 */
export function parseDurationMinutes(text: string): number | null {
  const match = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?$/.exec(text.trim());
  if (!match || text.trim() === '') return null;
  let minutes = 0;
  DURATION_UNITS.forEach(([, size], index) => {
    const digits = match[index + 1];
    if (digits !== undefined) minutes += Number(digits) * size;
  });
  return minutes;
}

/** `1d12h`, `90m` → `1h30m`: the shortest way to write a number of minutes, for messages and tables. */
export function formatDurationMinutes(minutes: number): string {
  if (minutes <= 0) return '0m';
  let rest = Math.floor(minutes);
  let text = '';
  for (const [unit, size] of DURATION_UNITS) {
    const count = Math.floor(rest / size);
    if (count > 0) text += `${count}${unit}`;
    rest -= count * size;
  }
  return text;
}
