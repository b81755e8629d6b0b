/**
 * Cron ticks as instants in a timezone, with Dagster's daylight-saving rules (SEMANTICS §4).
 *
 * Method: the timeline is cut into segments of constant UTC offset (zone.ts). Inside a segment a
 * wall time maps to exactly one instant, so ticks are the cron's wall-clock matches inside the
 * segment's wall range, shifted by the offset. The DST rules only decide which wall range each
 * segment owns:
 *
 * - A cron whose hour field covers every hour ("sub-daily", `repeatsEveryHour`) owns exactly
 *   `[start + offset, end + offset)`. Wall times in a spring-forward gap belong to no segment and
 *   are skipped; wall times in a fall-back overlap belong to both segments and fire twice.
 * - Any other cron ("daily or coarser", including twice-daily crons like `0 9,17 * * *`) extends a
 *   segment that starts after a gap back over the gap; those ticks fire at the segment start, the
 *   first valid instant after the gap, and collapse into one. A segment that ends in a fall-back
 *   gives the overlap's wall times to the next segment, so they fire once, at the second occurrence.
 *
 * Counting and indexing do work proportional to the segments crossed (about two per year in DST
 * zones, plus one cut per UTC year), never to the number of ticks; streaming does one wall-clock
 * step per tick.
 */
import { InvariantError, invariant } from '../errors/index.js';
import type { CronExpression, CronSchedule } from './parse.js';
import { wallCountInRange, wallNextInRange, wallNthInRange } from './matcher.js';
import { segmentAt, zoneOf, type Zone, type ZoneSegment, offsetAt } from './zone.js';
import { MS_PER_DAY, formatLocalIso, localFieldsOfWall, type LocalFields } from './civil.js';

/**
 * Most segments one search may cross. Segments are at most a UTC year long and zones have at
 * most a handful of transitions a year, so this is well over a thousand years: it only stops a
 * runaway loop on corrupt input and never bounds a legitimate answer.
 */
const SEGMENT_WALK_MAX = 10_000;
/** Doublings of the look-back window when counting ticks backwards (2^24 days is far past any range). */
const LOOK_BACK_DOUBLINGS_MAX = 24;

/** One cron expression bound to one timezone. */
export interface TickSequence {
  readonly expression: CronExpression;
  readonly zone: Zone;
}

/** One tick of a schedule. */
export interface CronTick {
  readonly epochMs: number;
  readonly epochSeconds: number;
  /** ISO-8601 local time with UTC offset, no fractional seconds: `2026-03-08T03:00:00-07:00`. */
  readonly local: string;
}

export function tickSequence(expression: CronExpression, timezone: string): TickSequence {
  return { expression, zone: zoneOf(timezone) };
}

interface SegmentWalls {
  readonly segment: ZoneSegment;
  readonly offsetMs: number;
  /** Wall times in `[headLoMs, headHiMs]` fire at `segment.startMs` (at most once). */
  readonly headLoMs: number;
  readonly headHiMs: number;
  /** Wall times in `(headHiMs, bodyHiMs)` fire at `wall - offsetMs`. */
  readonly bodyHiMs: number;
}

function wallsOf(expression: CronExpression, segment: ZoneSegment): SegmentWalls {
  const offsetMs = segment.offsetMs;
  const subDaily = expression.repeatsEveryHour;
  return {
    segment,
    offsetMs,
    headLoMs: segment.startMs + (subDaily ? offsetMs : Math.min(segment.offsetBeforeMs, offsetMs)),
    headHiMs: segment.startMs + offsetMs,
    bodyHiMs: segment.endMs + (subDaily ? offsetMs : Math.min(offsetMs, segment.offsetAfterMs)),
  };
}

function hasHeadTick(expression: CronExpression, walls: SegmentWalls): boolean {
  return wallNextInRange(expression, walls.headLoMs, walls.headHiMs + 1) !== undefined;
}

/** Ticks of one segment with instants in `[loMs, hiMs)` (both inside the segment). */
function countInSegment(expression: CronExpression, walls: SegmentWalls, loMs: number, hiMs: number): number {
  const { segment, offsetMs } = walls;
  let count = loMs <= segment.startMs && segment.startMs < hiMs && hasHeadTick(expression, walls) ? 1 : 0;
  const bodyLoMs = Math.max(loMs + offsetMs, walls.headHiMs + 1);
  count += wallCountInRange(expression, bodyLoMs, Math.min(hiMs + offsetMs, walls.bodyHiMs));
  return count;
}

/** The n-th (0-based) tick at or after `fromMs` inside one segment, or undefined. */
function nthInSegment(expression: CronExpression, walls: SegmentWalls, fromMs: number, n: number): number | undefined {
  const { segment, offsetMs } = walls;
  let remaining = n;
  if (fromMs <= segment.startMs && hasHeadTick(expression, walls)) {
    if (remaining === 0) return segment.startMs;
    remaining -= 1;
  }
  const bodyLoMs = Math.max(fromMs + offsetMs, walls.headHiMs + 1);
  const wallMs = wallNthInRange(expression, bodyLoMs, walls.bodyHiMs, remaining);
  return wallMs === undefined ? undefined : wallMs - offsetMs;
}

/** Tick counts of whole segments, per sequence object, keyed by segment start. */
const wholeSegmentCounts = new WeakMap<TickSequence, Map<number, number>>();

function wholeSegmentCount(sequence: TickSequence, segment: ZoneSegment): number {
  let counts = wholeSegmentCounts.get(sequence);
  if (!counts) {
    counts = new Map();
    wholeSegmentCounts.set(sequence, counts);
  }
  let count = counts.get(segment.startMs);
  if (count === undefined) {
    count = countInSegment(sequence.expression, wallsOf(sequence.expression, segment), segment.startMs, segment.endMs);
    counts.set(segment.startMs, count);
  }
  return count;
}

/** Number of ticks with instants in `[fromMs, toMs)`. */
export function countTicks(sequence: TickSequence, fromMs: number, toMs: number): number {
  let total = 0;
  let segment = segmentAt(sequence.zone, fromMs);
  for (let walked = 0; walked < SEGMENT_WALK_MAX; walked += 1) {
    if (segment.startMs >= toMs) return total;
    const loMs = Math.max(fromMs, segment.startMs);
    const hiMs = Math.min(toMs, segment.endMs);
    total +=
      loMs === segment.startMs && hiMs === segment.endMs
        ? wholeSegmentCount(sequence, segment)
        : countInSegment(sequence.expression, wallsOf(sequence.expression, segment), loMs, hiMs);
    if (segment.endMs >= toMs) return total;
    segment = segmentAt(sequence.zone, segment.endMs);
  }
  throw new InvariantError(`a tick count to cross fewer than ${SEGMENT_WALK_MAX} segments`, `${fromMs}..${toMs}`);
}

/** The n-th (0-based) tick at or after `fromMs`. */
export function nthTickFrom(sequence: TickSequence, fromMs: number, n: number): number {
  let remaining = n;
  let loMs = fromMs;
  let segment = segmentAt(sequence.zone, fromMs);
  for (let walked = 0; walked < SEGMENT_WALK_MAX; walked += 1) {
    const walls = wallsOf(sequence.expression, segment);
    if (remaining === 0) {
      const first = nthInSegment(sequence.expression, walls, loMs, 0);
      if (first !== undefined) return first;
    } else {
      const inSegment = countInSegment(sequence.expression, walls, loMs, segment.endMs);
      if (remaining < inSegment) return nthInSegment(sequence.expression, walls, loMs, remaining) as number;
      remaining -= inSegment;
    }
    segment = segmentAt(sequence.zone, segment.endMs);
    loMs = segment.startMs;
  }
  throw new InvariantError(`a tick within ${SEGMENT_WALK_MAX} segments`, `none after ${fromMs} (n=${n})`);
}

/** The first tick at or after `fromMs`. */
export function firstTickAtOrAfter(sequence: TickSequence, fromMs: number): number {
  return nthTickFrom(sequence, fromMs, 0);
}

/** The n-th (0-based) tick strictly before `beforeMs`, counting backwards (0 = the latest). */
export function nthTickBefore(sequence: TickSequence, beforeMs: number, n: number): number {
  let spanMs = (n + 1) * MS_PER_DAY;
  for (let doubling = 0; doubling < LOOK_BACK_DOUBLINGS_MAX; doubling += 1) {
    const fromMs = beforeMs - spanMs;
    const count = countTicks(sequence, fromMs, beforeMs);
    if (count > n) return nthTickFrom(sequence, fromMs, count - 1 - n);
    spanMs *= 2;
  }
  throw new InvariantError('a tick within the look-back window', `none before ${beforeMs} (n=${n})`);
}

/** A tick with the UTC offset in force and the start of its constant-offset segment. */
export interface TickPoint {
  readonly epochMs: number;
  readonly offsetMs: number;
  readonly segmentStartMs: number;
}

/**
 * Lazily yields every tick at or after `fromMs`, walking segment by segment so consecutive ticks
 * cost one wall-clock step each (used to list partition keys). Stops only when the consumer does,
 * or after `SEGMENT_WALK_MAX` consecutive segments without a tick.
 */
export function* tickStream(sequence: TickSequence, fromMs: number): Generator<TickPoint, void, undefined> {
  const expression = sequence.expression;
  let loMs = fromMs;
  let segment = segmentAt(sequence.zone, fromMs);
  for (let emptyWalked = 0; emptyWalked < SEGMENT_WALK_MAX; emptyWalked += 1) {
    const walls = wallsOf(expression, segment);
    const offsetMs = walls.offsetMs;
    const segmentStartMs = segment.startMs;
    if (loMs <= segment.startMs && hasHeadTick(expression, walls)) {
      emptyWalked = 0;
      yield { epochMs: segment.startMs, offsetMs, segmentStartMs };
    }
    let wallLoMs = Math.max(loMs + offsetMs, walls.headHiMs + 1);
    for (;;) {
      const wallMs = wallNextInRange(expression, wallLoMs, walls.bodyHiMs);
      if (wallMs === undefined) break;
      emptyWalked = 0;
      yield { epochMs: wallMs - offsetMs, offsetMs, segmentStartMs };
      wallLoMs = wallMs + 1;
    }
    segment = segmentAt(sequence.zone, segment.endMs);
    loMs = segment.startMs;
  }
}

/** Wall-clock fields of an instant in a timezone. */
export function localFieldsAt(timezone: string, epochMs: number): LocalFields {
  const offsetMs = offsetAt(zoneOf(timezone), epochMs);
  return localFieldsOfWall(epochMs + offsetMs, offsetMs);
}

/** ISO-8601 local time with offset, e.g. `2020-11-01T01:00:00-08:00`. */
export function localIsoAt(timezone: string, epochMs: number): string {
  return formatLocalIso(localFieldsAt(timezone, epochMs));
}

/**
 * Lazily yields a schedule's ticks in increasing order from `fromEpochMs` (inclusive by default),
 * evaluated in the wall-clock time of `timezone` with Dagster's DST rules. A list schedule yields
 * the union of its crons, each instant once. Each step does bounded work.
 * @throws INVALID_TIMEZONE for an unknown timezone.
 */
export function* cronTicks(
  schedule: CronSchedule,
  timezone: string,
  fromEpochMs: number,
  options: { readonly inclusive?: boolean } = {},
): Generator<CronTick, void, undefined> {
  invariant(Number.isFinite(fromEpochMs), 'a finite fromEpochMs', String(fromEpochMs));
  const sequences = schedule.expressions.map((expression) => tickSequence(expression, timezone));
  const startMs = (options.inclusive ?? true) ? Math.ceil(fromEpochMs) : Math.floor(fromEpochMs) + 1;
  const upcoming = sequences.map((sequence) => firstTickAtOrAfter(sequence, startMs));
  for (;;) {
    const epochMs = Math.min(...upcoming);
    yield { epochMs, epochSeconds: Math.floor(epochMs / 1000), local: localIsoAt(timezone, epochMs) };
    upcoming.forEach((tickMs, index) => {
      if (tickMs === epochMs) upcoming[index] = firstTickAtOrAfter(sequences[index] as TickSequence, epochMs + 1);
    });
  }
}
