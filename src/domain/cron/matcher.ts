/**
 * Wall-clock matching of one cron expression, with no timezone: finds, counts and indexes the
 * wall-clock minutes a cron matches inside a wall range. Work is proportional to the number of
 * calendar months (or days, for unusual day rules) in the range, never to the number of ticks, so
 * counting the hours of ten years is O(1) and counting weeks is a handful of divisions.
 *
 * Ranges are wall milliseconds `[loMs, hiMs)`; a cron matches whole minutes.
 */
import type { CronExpression } from './parse.js';
import { MINUTES_PER_DAY, MS_PER_MINUTE, civilFromDays, daysFromCivil, daysInMonth, weekdayOfDay } from './civil.js';

type DayMode = 'every' | 'weekday' | 'general';

interface CompiledCron {
  readonly expression: CronExpression;
  /** Matching minutes of a matching day, ascending (hour * 60 + minute). */
  readonly times: readonly number[];
  readonly monthOk: Uint8Array;
  readonly dayOfMonthOk: Uint8Array;
  readonly dayOfWeekOk: Uint8Array;
  readonly dayMode: DayMode;
}

const compiledCache = new WeakMap<CronExpression, CompiledCron>();

function flags(size: number, values: readonly number[]): Uint8Array {
  const out = new Uint8Array(size);
  for (const value of values) out[value] = 1;
  return out;
}

function compile(expression: CronExpression): CompiledCron {
  const cached = compiledCache.get(expression);
  if (cached) return cached;
  const times: number[] = [];
  for (const hour of expression.hours) for (const minute of expression.minutes) times.push(hour * 60 + minute);
  const allMonths = expression.months.length === 12;
  const dayMode: DayMode = !allMonths || expression.dayOfMonthRestricted
    ? 'general'
    : expression.dayOfWeekRestricted
      ? 'weekday'
      : 'every';
  const compiled: CompiledCron = {
    expression,
    times,
    monthOk: flags(13, expression.months),
    dayOfMonthOk: flags(32, expression.daysOfMonth),
    dayOfWeekOk: flags(7, expression.daysOfWeek),
    dayMode,
  };
  compiledCache.set(expression, compiled);
  return compiled;
}

function lowerBound(values: readonly number[], target: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((values[mid] as number) < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Day-of-month and day-of-week rule for a day inside a matching month. */
function dayRuleMatches(c: CompiledCron, day: number, monthLength: number, weekday: number): boolean {
  const e = c.expression;
  const byMonthDay = c.dayOfMonthOk[day] === 1 || (e.lastDayOfMonth && day === monthLength);
  if (e.dayOfMonthRestricted && e.dayOfWeekRestricted) return byMonthDay || c.dayOfWeekOk[weekday] === 1;
  if (e.dayOfMonthRestricted) return byMonthDay;
  if (e.dayOfWeekRestricted) return c.dayOfWeekOk[weekday] === 1;
  return true;
}

function dayMatches(c: CompiledCron, dayNumber: number): boolean {
  if (c.dayMode === 'every') return true;
  if (c.dayMode === 'weekday') return c.dayOfWeekOk[weekdayOfDay(dayNumber)] === 1;
  const date = civilFromDays(dayNumber);
  if (c.monthOk[date.month] !== 1) return false;
  return dayRuleMatches(c, date.day, daysInMonth(date.year, date.month), weekdayOfDay(dayNumber));
}

/**
 * Visits the months overlapping days `[fromDay, toDay)`. `visit` gets the matching-month slice
 * `[lo, hi)` and returns true to stop. Months the cron excludes are skipped without looking at days.
 */
function forEachMonth(c: CompiledCron, fromDay: number, toDay: number, visit: (lo: number, hi: number, y: number, m: number) => boolean): void {
  let { year, month } = civilFromDays(fromDay);
  let monthStart = daysFromCivil(year, month, 1);
  while (monthStart < toDay) {
    const monthEnd = monthStart + daysInMonth(year, month);
    if (c.monthOk[month] === 1) {
      const lo = Math.max(fromDay, monthStart);
      const hi = Math.min(toDay, monthEnd);
      if (lo < hi && visit(lo, hi, year, month)) return;
    }
    monthStart = monthEnd;
    month += 1;
    if (month === 13) {
      month = 1;
      year += 1;
    }
  }
}

function countDaysInMonthSlice(c: CompiledCron, lo: number, hi: number, year: number, month: number): number {
  const monthStart = daysFromCivil(year, month, 1);
  const length = daysInMonth(year, month);
  let count = 0;
  let weekday = weekdayOfDay(lo);
  for (let dayNumber = lo; dayNumber < hi; dayNumber += 1) {
    if (dayRuleMatches(c, dayNumber - monthStart + 1, length, weekday)) count += 1;
    weekday = weekday === 6 ? 0 : weekday + 1;
  }
  return count;
}

/** Number of matching days in `[fromDay, toDay)`. */
function matchingDayCount(c: CompiledCron, fromDay: number, toDay: number): number {
  if (toDay <= fromDay) return 0;
  if (c.dayMode === 'every') return toDay - fromDay;
  if (c.dayMode === 'weekday') {
    let count = 0;
    const firstWeekday = weekdayOfDay(fromDay);
    for (const weekday of c.expression.daysOfWeek) {
      const first = fromDay + ((weekday - firstWeekday + 7) % 7);
      if (first < toDay) count += Math.floor((toDay - 1 - first) / 7) + 1;
    }
    return count;
  }
  let count = 0;
  forEachMonth(c, fromDay, toDay, (lo, hi, year, month) => {
    count += countDaysInMonthSlice(c, lo, hi, year, month);
    return false;
  });
  return count;
}

/** The k-th (0-based) matching day in `[fromDay, toDay)`, or undefined. */
function kthMatchingDay(c: CompiledCron, fromDay: number, k: number, toDay: number): number | undefined {
  if (c.dayMode === 'every') return fromDay + k < toDay ? fromDay + k : undefined;
  let start = fromDay;
  let remaining = k;
  if (c.dayMode === 'weekday') {
    // Any 7 consecutive days hold exactly one of each weekday, so whole weeks skip arithmetically.
    const perWeek = c.expression.daysOfWeek.length;
    start += 7 * Math.floor(remaining / perWeek);
    remaining %= perWeek;
    for (let dayNumber = start; dayNumber < toDay && dayNumber < start + 7; dayNumber += 1) {
      if (c.dayOfWeekOk[weekdayOfDay(dayNumber)] === 1) {
        if (remaining === 0) return dayNumber;
        remaining -= 1;
      }
    }
    return undefined;
  }
  let found: number | undefined;
  forEachMonth(c, start, toDay, (lo, hi, year, month) => {
    const count = countDaysInMonthSlice(c, lo, hi, year, month);
    if (remaining >= count) {
      remaining -= count;
      return false;
    }
    for (let dayNumber = lo; dayNumber < hi; dayNumber += 1) {
      if (dayMatches(c, dayNumber)) {
        if (remaining === 0) {
          found = dayNumber;
          return true;
        }
        remaining -= 1;
      }
    }
    return true;
  });
  return found;
}

function minuteBounds(loMs: number, hiMs: number): [number, number] {
  return [Math.ceil(loMs / MS_PER_MINUTE), Math.ceil(hiMs / MS_PER_MINUTE)];
}

/** First matching wall minute (as wall ms) in `[loMs, hiMs)`, or undefined. */
export function wallNextInRange(expression: CronExpression, loMs: number, hiMs: number): number | undefined {
  return wallNthInRange(expression, loMs, hiMs, 0);
}

/** Number of matching wall minutes in `[loMs, hiMs)`. */
export function wallCountInRange(expression: CronExpression, loMs: number, hiMs: number): number {
  const c = compile(expression);
  const [loMinute, hiMinute] = minuteBounds(loMs, hiMs);
  if (hiMinute <= loMinute) return 0;
  const firstDay = Math.floor(loMinute / MINUTES_PER_DAY);
  const lastDay = Math.floor(hiMinute / MINUTES_PER_DAY);
  const fromMinute = loMinute - firstDay * MINUTES_PER_DAY;
  const toMinute = hiMinute - lastDay * MINUTES_PER_DAY;
  if (firstDay === lastDay) {
    return dayMatches(c, firstDay) ? lowerBound(c.times, toMinute) - lowerBound(c.times, fromMinute) : 0;
  }
  let count = dayMatches(c, firstDay) ? c.times.length - lowerBound(c.times, fromMinute) : 0;
  count += c.times.length * matchingDayCount(c, firstDay + 1, lastDay);
  if (toMinute > 0 && dayMatches(c, lastDay)) count += lowerBound(c.times, toMinute);
  return count;
}

/** The n-th (0-based) matching wall minute (as wall ms) in `[loMs, hiMs)`, or undefined. */
export function wallNthInRange(expression: CronExpression, loMs: number, hiMs: number, n: number): number | undefined {
  const c = compile(expression);
  const [loMinute, hiMinute] = minuteBounds(loMs, hiMs);
  if (hiMinute <= loMinute) return undefined;
  const firstDay = Math.floor(loMinute / MINUTES_PER_DAY);
  const perDay = c.times.length;
  let remaining = n;
  if (dayMatches(c, firstDay)) {
    const index = lowerBound(c.times, loMinute - firstDay * MINUTES_PER_DAY);
    if (remaining < perDay - index) {
      const minute = firstDay * MINUTES_PER_DAY + (c.times[index + remaining] as number);
      return minute < hiMinute ? minute * MS_PER_MINUTE : undefined;
    }
    remaining -= perDay - index;
  }
  const lastDay = Math.floor((hiMinute - 1) / MINUTES_PER_DAY);
  const day = kthMatchingDay(c, firstDay + 1, Math.floor(remaining / perDay), lastDay + 1);
  if (day === undefined) return undefined;
  const minute = day * MINUTES_PER_DAY + (c.times[remaining % perDay] as number);
  return minute < hiMinute ? minute * MS_PER_MINUTE : undefined;
}
