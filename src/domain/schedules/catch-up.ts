/**
 * Which ticks a schedule owes after a pause in evaluation (SEMANTICS §4, as Dagster): the ticks in
 * `[fromMs, nowMs]` (a tick exactly at `fromMs` counts). A plain schedule evaluates only the latest
 * of them; a partition-based one up to `maxCatchupTicks` of the most recent, oldest first. The
 * others are skipped for catch-up; the most recent `CATCH_UP_SKIPS_RECORDED_MAX` of those are
 * recorded so history shows them, and older ones are only counted as omitted.
 *
 * Work is bounded by the number of ticks returned, not by the length of the pause: each cron of
 * the schedule is indexed from the end of the range with tick arithmetic.
 */
import { countTicks, cronTicks, nthTickFrom, tickSequence, type CronSchedule, type CronTick } from '../cron/index.js';

/**
 * Skipped-for-catch-up ticks recorded per evaluation. A minutely schedule down for a week misses
 * ten thousand ticks; history keeps the latest of them, enough to see the gap.
 */
export const CATCH_UP_SKIPS_RECORDED_MAX = 100;

export interface CatchUpPlan {
  /** Ticks to evaluate, oldest first. */
  readonly evaluate: readonly CronTick[];
  /** Ticks to record as SKIPPED for catch-up, oldest first. */
  readonly skipped: readonly CronTick[];
  /** Whether even older missed ticks exist that are not in `skipped`. */
  readonly omittedEarlier: boolean;
}

/** The latest `limit` ticks in `[fromMs, nowMs]`, oldest first, and whether earlier ones exist. */
export function latestTicksBetween(
  cron: CronSchedule,
  timezone: string,
  fromMs: number,
  nowMs: number,
  limit: number,
): { ticks: CronTick[]; earlierOmitted: boolean } {
  if (fromMs > nowMs || limit <= 0) return { ticks: [], earlierOmitted: false };
  let startMs = Number.POSITIVE_INFINITY;
  let earlierOmitted = false;
  for (const expression of cron.expressions) {
    const sequence = tickSequence(expression, timezone);
    const count = countTicks(sequence, fromMs, nowMs + 1);
    if (count === 0) continue;
    if (count > limit) earlierOmitted = true;
    startMs = Math.min(startMs, nthTickFrom(sequence, fromMs, Math.max(0, count - limit)));
  }
  if (startMs === Number.POSITIVE_INFINITY) return { ticks: [], earlierOmitted: false };
  const ticks: CronTick[] = [];
  // At most `limit` ticks per cron lie in [startMs, nowMs], so this loop is bounded by limit x crons.
  for (const tick of cronTicks(cron, timezone, startMs)) {
    if (tick.epochMs > nowMs) break;
    ticks.push(tick);
  }
  if (ticks.length > limit) earlierOmitted = true;
  return { ticks: ticks.slice(-limit), earlierOmitted };
}

/**
 * @param evaluateMax 1 for a plain schedule, `maxCatchupTicks` for a partition-based one.
 */
export function planCatchUp(cron: CronSchedule, timezone: string, fromMs: number, nowMs: number, evaluateMax: number): CatchUpPlan {
  const { ticks, earlierOmitted } = latestTicksBetween(cron, timezone, fromMs, nowMs, evaluateMax + CATCH_UP_SKIPS_RECORDED_MAX);
  const split = Math.max(0, ticks.length - evaluateMax);
  return { evaluate: ticks.slice(split), skipped: ticks.slice(0, split), omittedEarlier: earlierOmitted };
}
