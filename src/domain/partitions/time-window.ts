/**
 * Time-window partitions (SEMANTICS §6): window i is `[t_i, t_{i+1})` for consecutive cron ticks
 * `t_0 < t_1 < ...`, where `t_0` is the first tick at or after `start`. Window i exists once
 * `i + 1 <= c + endOffset`, where c is the index of the window containing now, and while its end
 * `t_{i+1} <= end`: as Dagster, `end` bounds window ENDS, so a window that straddles `end` is not a
 * partition (weekly from 2022-01-01 with end 2022-02-01 ends at 2022-01-23). Counting, indexing and membership use tick arithmetic (cron/ticks.ts), never a
 * list of keys.
 *
 * Keys are strftime(fmt) of the window start. For crons whose hour field covers every hour, the
 * second window starting at a repeated fall-back wall time gets the UTC offset appended
 * (`2020-11-01-01:00-0800`), as Dagster's `dst_safe_strftime`. Parsing a key tries `fmt`, then
 * `fmt%z`, takes the first tick at or after each instant the wall time names, and accepts it only
 * if that tick formats back to exactly the key.
 */
import { arcoError, invariant } from '../errors/index.js';
import {
  countTicks,
  firstTickAtOrAfter,
  gapEndOfWallTime,
  isRepeatedWallTime,
  localFieldsAt,
  localFieldsOfWall,
  localIsoAt,
  MS_PER_DAY,
  nthTickBefore,
  nthTickFrom,
  parseCronSchedule,
  tickSequence,
  wallMsOf,
  tickStream,
  wallTimeInstants,
  type LocalFields,
  type TickPoint,
  type TickSequence,
} from '../cron/index.js';
import type { TimeWindow, TimeWindowPartitionsDefinition } from './definition.js';
import { formatHasOffset, formatterOf, strftime, strptime } from './strftime.js';
import { instantOfStoredIso } from './time-input.js';
import type { KeyedPartitions } from './keyed.js';

export interface CompiledTimeWindow {
  readonly definition: TimeWindowPartitionsDefinition;
  readonly sequence: TickSequence;
  readonly startMs: number;
  readonly endMs: number | undefined;
  readonly firstTickMs: number;
  /** Append `%z` to keys of repeated wall times (hourly-or-faster crons without `%z` in fmt). */
  readonly suffixRepeated: boolean;
  readonly fmtHasOffset: boolean;
}

const compiledCache = new WeakMap<TimeWindowPartitionsDefinition, CompiledTimeWindow>();

function invalid(field: string, reason: string, value: unknown): never {
  throw arcoError('INVALID_PARTITIONS_DEFINITION', `invalid time-window partitions ${field}: ${reason}`, { field, reason, value });
}

/** Runs a check of one stored field, reporting any failure as that field being invalid. */
function storedField<T>(field: string, value: unknown, read: () => T): T {
  try {
    return read();
  } catch (error) {
    return invalid(field, error instanceof Error ? error.message : String(error), value);
  }
}

/**
 * Compiles a stored definition (cached per object).
 * @throws INVALID_PARTITIONS_DEFINITION when a stored field is malformed.
 */
export function compileTimeWindow(definition: TimeWindowPartitionsDefinition): CompiledTimeWindow {
  const cached = compiledCache.get(definition);
  if (cached) return cached;
  const expressions = storedField('cron', definition.cron, () => parseCronSchedule(definition.cron).expressions);
  const expression = expressions[0];
  if (!expression || expressions.length !== 1) invalid('cron', 'must be a single cron', definition.cron);
  const sequence = storedField('timezone', definition.timezone, () => tickSequence(expression, definition.timezone));
  const fmtHasOffset = storedField('fmt', definition.fmt, () => formatHasOffset(definition.fmt));
  const startMs = instantOfStoredIso(definition.start);
  if (startMs === undefined) invalid('start', 'must be an ISO-8601 time with offset', definition.start);
  const endMs = definition.end === undefined ? undefined : instantOfStoredIso(definition.end);
  if (definition.end !== undefined && endMs === undefined) invalid('end', 'must be an ISO-8601 time with offset', definition.end);
  if (!Number.isInteger(definition.endOffset)) invalid('endOffset', 'must be an integer', definition.endOffset);
  const compiled: CompiledTimeWindow = {
    definition,
    sequence,
    startMs,
    endMs,
    firstTickMs: firstTickAtOrAfter(sequence, startMs),
    suffixRepeated: !fmtHasOffset && expression.repeatsEveryHour,
    fmtHasOffset,
  };
  compiledCache.set(definition, compiled);
  return compiled;
}

/** The key of the window starting at tick `tickMs`. */
export function keyOfTick(c: CompiledTimeWindow, tickMs: number): string {
  const fields = localFieldsAt(c.definition.timezone, tickMs);
  return keyOfFields(c, fields, c.suffixRepeated && isRepeatedWallTime(c.definition.timezone, tickMs));
}

function keyOfFields(c: CompiledTimeWindow, fields: LocalFields, repeated: boolean): string {
  const key = formatterOf(c.definition.fmt)(fields);
  return repeated ? key + strftime('%z', fields) : key;
}

/** Key of a streamed tick; the repeat check runs only near the segment start, where overlaps are. */
function keyOfPoint(c: CompiledTimeWindow, point: TickPoint): string {
  const fields = localFieldsOfWall(point.epochMs + point.offsetMs, point.offsetMs);
  const repeated =
    c.suffixRepeated &&
    point.epochMs - point.segmentStartMs < MS_PER_DAY &&
    isRepeatedWallTime(c.definition.timezone, point.epochMs);
  return keyOfFields(c, fields, repeated);
}

/** The start tick of the window a key names, if the key is one of this definition's windows. */
export function tickOfKey(c: CompiledTimeWindow, key: string): number | undefined {
  const { fmt, timezone } = c.definition;
  const parsed = strptime(fmt, key) ?? (c.fmtHasOffset ? undefined : strptime(`${fmt}%z`, key));
  if (!parsed) return undefined;
  const wallMs = wallMsOf(parsed.year, parsed.month, parsed.day, parsed.hour, parsed.minute, parsed.second);
  let candidates: number[];
  if (parsed.offsetMs !== undefined) {
    candidates = [wallMs - parsed.offsetMs];
  } else {
    candidates = wallTimeInstants(timezone, wallMs);
    const gapEnd = candidates.length === 0 ? gapEndOfWallTime(timezone, wallMs) : undefined;
    if (gapEnd !== undefined) candidates = [gapEnd];
  }
  for (const instantMs of candidates) {
    const tickMs = firstTickAtOrAfter(c.sequence, instantMs);
    if (tickMs < c.firstTickMs || !endsByEnd(c, tickMs)) continue;
    if (keyOfTick(c, tickMs) === key) return tickMs;
  }
  return undefined;
}

/** Whether the window starting at `tickMs` ends at or before the definition's `end` (if any). */
function endsByEnd(c: CompiledTimeWindow, tickMs: number): boolean {
  return c.endMs === undefined || firstTickAtOrAfter(c.sequence, tickMs + 1) <= c.endMs;
}

/** Tick at a window index relative to the first window (negative = before the first window). */
export function tickAtIndex(c: CompiledTimeWindow, index: number): number {
  return index >= 0 ? nthTickFrom(c.sequence, c.firstTickMs, index) : nthTickBefore(c.sequence, c.firstTickMs, -index - 1);
}

/** Index of the window containing an instant (the last tick at or before it). */
export function windowIndexContaining(c: CompiledTimeWindow, epochMs: number): number {
  return epochMs >= c.firstTickMs
    ? countTicks(c.sequence, c.firstTickMs, epochMs + 1) - 1
    : -countTicks(c.sequence, epochMs + 1, c.firstTickMs + 1);
}

/** Index of the first window starting at or after an instant. */
export function windowIndexAtOrAfter(c: CompiledTimeWindow, epochMs: number): number {
  return epochMs >= c.firstTickMs
    ? countTicks(c.sequence, c.firstTickMs, epochMs)
    : -countTicks(c.sequence, epochMs, c.firstTickMs);
}

/** Number of windows that exist at `nowMs`. */
export function timeWindowCount(c: CompiledTimeWindow, nowMs: number): number {
  invariant(Number.isFinite(nowMs), 'a finite nowEpochMs', String(nowMs));
  const byNow = windowIndexContaining(c, nowMs) + c.definition.endOffset;
  // Window i ends at tick i + 1, so the windows ending at or before `end` are those before the
  // index of the last tick at or before `end`.
  const byEnd = c.endMs === undefined ? Number.POSITIVE_INFINITY : windowIndexContaining(c, c.endMs);
  return Math.max(0, Math.min(byNow, byEnd));
}

/** Index of a key among all windows (ignoring now), or -1 if it names no window. */
export function timeWindowIndexOfKey(c: CompiledTimeWindow, key: string): number {
  const tickMs = tickOfKey(c, key);
  return tickMs === undefined ? -1 : countTicks(c.sequence, c.firstTickMs, tickMs);
}

/** Keys of windows `[fromIndex, toIndex)`, lazily, stepping tick to tick. */
export function* timeWindowKeys(c: CompiledTimeWindow, fromIndex: number, toIndex: number): Generator<string, void, undefined> {
  if (fromIndex >= toIndex) return;
  let index = fromIndex;
  for (const point of tickStream(c.sequence, tickAtIndex(c, fromIndex))) {
    if (index >= toIndex) return;
    yield keyOfPoint(c, point);
    index += 1;
  }
}

/** The window starting at a tick. */
export function windowOfTick(c: CompiledTimeWindow, tickMs: number): TimeWindow {
  const endMs = firstTickAtOrAfter(c.sequence, tickMs + 1);
  const timezone = c.definition.timezone;
  return { start: localIsoAt(timezone, tickMs), end: localIsoAt(timezone, endMs), startEpochMs: tickMs, endEpochMs: endMs };
}

/**
 * The window a key names, whether or not it exists yet.
 * @throws UNKNOWN_PARTITION with details `{ key }` when the key names no window of the definition.
 */
export function timeWindowOfKey(c: CompiledTimeWindow, key: string): TimeWindow {
  const tickMs = tickOfKey(c, key);
  if (tickMs === undefined) {
    throw arcoError('UNKNOWN_PARTITION', `"${key}" is not a partition key of this time-window definition`, { key });
  }
  return windowOfTick(c, tickMs);
}

/**
 * Checks that `fmt` reads the first two windows' keys back as their windows, which also proves it
 * tells them apart (used when building a definition).
 */
export function checkFormatRoundTrip(c: CompiledTimeWindow): void {
  const first = c.firstTickMs;
  const second = firstTickAtOrAfter(c.sequence, first + 1);
  for (const tickMs of [first, second]) {
    if (!endsByEnd(c, tickMs)) continue;
    const key = keyOfTick(c, tickMs);
    if (tickOfKey(c, key) !== tickMs) {
      throw arcoError('INVALID_PARTITIONS_DEFINITION', `fmt "${c.definition.fmt}" does not read back key "${key}" as its window`, {
        field: 'fmt',
        reason: 'keys do not round-trip',
        value: c.definition.fmt,
        key,
      });
    }
  }
}

/** Time-window partitions in the shape operations use. */
export function timeWindowKeyed(definition: TimeWindowPartitionsDefinition): KeyedPartitions {
  const c = compileTimeWindow(definition);
  return {
    count: (ctx) => timeWindowCount(c, ctx.nowEpochMs),
    indexOf: (key, ctx) => {
      const index = timeWindowIndexOfKey(c, key);
      return index >= 0 && index < timeWindowCount(c, ctx.nowEpochMs) ? index : -1;
    },
    keyAt: (index) => keyOfTick(c, tickAtIndex(c, index)),
    keys: (from, to) => timeWindowKeys(c, from, to),
  };
}
