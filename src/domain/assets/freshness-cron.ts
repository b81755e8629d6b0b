/**
 * Cron freshness (SEMANTICS §8; Dagster `FreshnessPolicy.cron(deadline_cron, lower_bound_delta,
 * timezone)`): the asset is expected to materialize at least once in the window
 * [T − lowerBound, T] before each tick T of its deadline cron, the cron read in wall-clock time of
 * `timezone` with the schedules' daylight-saving rules (SEMANTICS §4). At `now`, with T the latest
 * deadline tick at or before now:
 *
 * - UNKNOWN: the asset was never materialized (as the time-window policy).
 * - PASS: the last materialization is at or after T − lowerBound. One made after T (late, but
 *   before now) passes too: the data is at least as fresh as the deadline promised.
 * - FAIL: otherwise. It stays FAIL until the asset materializes again, because every later
 *   deadline's window starts later still.
 *
 * There is no WARN. A deadline counts only once it has passed: at 08:59 a daily 09:00 deadline is
 * judged by yesterday's window, as Dagster judges "the last completed cron tick". The state changes
 * with time alone only at a deadline tick, from PASS to FAIL, at the first tick whose window opens
 * after the last materialization. A partitioned asset is judged by its latest materialization of any
 * partition, as the time-window policy. Nothing here reads a clock.
 */
import { firstTickAtOrAfter, nthTickBefore, parseCronSchedule, tickSequence, MS_PER_MINUTE, type TickSequence } from '../cron/index.js';

/** A resolved cron policy. Plain data: the cron is kept as text and parsed when first evaluated. */
export interface CronFreshnessPolicy {
  readonly kind: 'cron';
  /** The deadlines: one five-field cron or alias (`0 9 * * *`, `@daily`), single-spaced. */
  readonly deadlineCron: string;
  /** How long before each deadline its window opens, in whole minutes. At least 1. */
  readonly lowerBoundMinutes: number;
  /** The IANA timezone the cron is read in, e.g. `UTC` or `Europe/Paris`. */
  readonly timezone: string;
}

/** The deadline ticks around one instant: the latest at or before it and the first after it. */
interface Deadlines {
  readonly latestMs: number;
  readonly nextMs: number;
}

/**
 * Per policy object: its tick sequences, and the deadlines last computed. The daemon evaluates the
 * same policy objects every half minute, and the deadlines only move once per tick, so most
 * evaluations reuse them instead of searching the calendar again.
 */
const sequencesOf = new WeakMap<CronFreshnessPolicy, readonly TickSequence[]>();
const deadlinesOf = new WeakMap<CronFreshnessPolicy, Deadlines>();

function sequences(policy: CronFreshnessPolicy): readonly TickSequence[] {
  let found = sequencesOf.get(policy);
  if (found === undefined) {
    found = parseCronSchedule(policy.deadlineCron).expressions.map((expression) => tickSequence(expression, policy.timezone));
    sequencesOf.set(policy, found);
  }
  return found;
}

/** The first deadline tick strictly after `afterMs`. */
function nextDeadlineAfterMs(policy: CronFreshnessPolicy, afterMs: number): number {
  return Math.min(...sequences(policy).map((s) => firstTickAtOrAfter(s, Math.floor(afterMs) + 1)));
}

/** The latest deadline tick at or before `atMs` and the first one after it. */
function deadlinesAround(policy: CronFreshnessPolicy, atMs: number): Deadlines {
  const cached = deadlinesOf.get(policy);
  if (cached !== undefined && cached.latestMs <= atMs && atMs < cached.nextMs) return cached;
  // The search counts ticks strictly before its bound, and ticks fall on whole minutes, so a bound
  // one millisecond past atMs also takes a tick exactly at atMs.
  const latestMs = Math.max(...sequences(policy).map((s) => nthTickBefore(s, Math.floor(atMs) + 1, 0)));
  const deadlines = { latestMs, nextMs: nextDeadlineAfterMs(policy, atMs) };
  deadlinesOf.set(policy, deadlines);
  return deadlines;
}

/** PASS or FAIL at `nowEpochMs` for an asset last materialized at `lastMaterializedAtMs`. */
export function cronFreshnessState(policy: CronFreshnessPolicy, lastMaterializedAtMs: number, nowEpochMs: number): 'PASS' | 'FAIL' {
  const { latestMs } = deadlinesAround(policy, nowEpochMs);
  return lastMaterializedAtMs >= latestMs - policy.lowerBoundMinutes * MS_PER_MINUTE ? 'PASS' : 'FAIL';
}

/**
 * The first deadline after `nowEpochMs` at which a passing asset fails with no new
 * materialization, or null when it fails already (only a materialization changes that). A
 * materialization at M satisfies every deadline up to M + lowerBound, so that is the first tick
 * after both now and M + lowerBound: usually the next deadline, a later one when M also lies in the
 * next deadline's window (a late materialization, or a lower bound as long as the ticks are apart).
 */
export function nextCronFreshnessChangeAtMs(policy: CronFreshnessPolicy, lastMaterializedAtMs: number, nowEpochMs: number): number | null {
  if (cronFreshnessState(policy, lastMaterializedAtMs, nowEpochMs) === 'FAIL') return null;
  const { nextMs } = deadlinesAround(policy, nowEpochMs);
  const satisfiedUntilMs = lastMaterializedAtMs + policy.lowerBoundMinutes * MS_PER_MINUTE;
  return nextMs > satisfiedUntilMs ? nextMs : nextDeadlineAfterMs(policy, satisfiedUntilMs);
}
