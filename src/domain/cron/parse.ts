/**
 * Cron text to a plain, serializable `CronSchedule`. Five fields (minute hour day-of-month month
 * day-of-week), the `@hourly`-style aliases, and a list of crons as a union. The parsed form keeps
 * its source text so stored definitions can be shown back to users exactly as written.
 */
import { arcoError } from '../errors/index.js';
import { wallNextInRange } from './matcher.js';
import { MS_PER_DAY, daysFromCivil } from './civil.js';

/** One five-field cron, expanded to the values each field matches. */
export interface CronExpression {
  /** The cron as written (trimmed, single-spaced); aliases are kept as written. */
  readonly source: string;
  /** Ascending minute values, 0..59. */
  readonly minutes: readonly number[];
  /** Ascending hour values, 0..23. */
  readonly hours: readonly number[];
  /** Ascending day-of-month values, 1..31 (not including `L`). */
  readonly daysOfMonth: readonly number[];
  /** `L` in the day-of-month field: the last day of each month matches. */
  readonly lastDayOfMonth: boolean;
  /** Ascending month values, 1..12. */
  readonly months: readonly number[];
  /** Ascending day-of-week values, 0 (Sunday)..6; 7 is folded into 0. */
  readonly daysOfWeek: readonly number[];
  /**
   * Whether the day-of-month / day-of-week field narrows the days. When both do, a day matches if
   * either matches (classic cron and croniter, which Dagster uses).
   */
  readonly dayOfMonthRestricted: boolean;
  readonly dayOfWeekRestricted: boolean;
  /**
   * The hour field matches all 24 hours. This decides the DST rule (as Dagster's
   * `cron_string_repeats_every_hour`): such "sub-daily" crons skip wall times inside a
   * spring-forward gap and fire at both occurrences of a repeated wall time; every other cron
   * fires once at the end of a gap and only at the second occurrence of a repeated time.
   */
  readonly repeatsEveryHour: boolean;
}

/** A cron or a union of crons; plain data, safe to store in definitions. */
export interface CronSchedule {
  /** The input as written: one cron or the list. */
  readonly source: string | readonly string[];
  readonly expressions: readonly CronExpression[];
}

/**
 * How far ahead a cron must have a tick to be valid. Eight years always contains a leap year
 * (even across 2100), so `0 0 29 2 *` passes while `0 0 30 2 *` and `0 0 31 4 *` fail.
 */
export const CRON_TICK_SEARCH_YEARS = 8;
/** Fixed reference start of the existence search, so validity never depends on the clock. */
const EXISTENCE_SEARCH_FROM_MS = daysFromCivil(2000, 1, 1) * MS_PER_DAY;

const ALIASES: Readonly<Record<string, string>> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

const MONTH_NAMES = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const WEEKDAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

interface FieldSpec {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
  /** Value of the first name (months are 1-based, weekdays 0-based). */
  readonly namesFrom?: number;
}

const FIELDS: readonly FieldSpec[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTH_NAMES, namesFrom: 1 },
  { name: 'day-of-week', min: 0, max: 7, names: WEEKDAY_NAMES, namesFrom: 0 },
];

class CronSyntaxError extends Error {}

function parseValue(text: string, spec: FieldSpec): number {
  if (/^\d+$/.test(text)) {
    const value = Number(text);
    if (value < spec.min || value > spec.max) {
      throw new CronSyntaxError(`${spec.name} value ${value} is outside ${spec.min}-${spec.max}`);
    }
    return value;
  }
  const index = spec.names?.indexOf(text.toUpperCase()) ?? -1;
  if (index === -1) throw new CronSyntaxError(`${spec.name} value "${text}" is not a number or a name`);
  return index + (spec.namesFrom ?? 0);
}

interface ParsedField {
  readonly values: Set<number>;
  readonly last: boolean;
}

function parseField(text: string, spec: FieldSpec): ParsedField {
  const values = new Set<number>();
  let last = false;
  for (const part of text.split(',')) {
    if (part === '') throw new CronSyntaxError(`${spec.name} field has an empty list item`);
    if (part === 'L' && spec.name === 'day-of-month') {
      last = true;
      continue;
    }
    const [rangeText = '', stepText, extra] = part.split('/');
    if (extra !== undefined) throw new CronSyntaxError(`${spec.name} item "${part}" has two steps`);
    let step = 1;
    if (stepText !== undefined) {
      if (!/^\d+$/.test(stepText) || Number(stepText) < 1) {
        throw new CronSyntaxError(`${spec.name} step "${stepText}" must be a positive integer`);
      }
      step = Number(stepText);
    }
    let low: number;
    let high: number;
    if (rangeText === '*' || (rangeText === '?' && spec.name.startsWith('day'))) {
      // Steps count from the field's first value: day-of-month `*/2` is 1,3,5...
      low = spec.min;
      high = spec.name === 'day-of-week' ? 6 : spec.max;
    } else if (rangeText.includes('-')) {
      const [lowText = '', highText = '', more] = rangeText.split('-');
      if (more !== undefined) throw new CronSyntaxError(`${spec.name} range "${rangeText}" is malformed`);
      low = parseValue(lowText, spec);
      high = parseValue(highText, spec);
      if (low > high) throw new CronSyntaxError(`${spec.name} range "${rangeText}" runs backwards`);
    } else {
      low = parseValue(rangeText, spec);
      // `a/s` means from a to the end of the field.
      high = stepText === undefined ? low : spec.name === 'day-of-week' ? 6 : spec.max;
    }
    for (let value = low; value <= high; value += step) values.add(value);
  }
  return { values, last };
}

function sorted(values: Iterable<number>): number[] {
  return [...values].sort((a, b) => a - b);
}

function parseOne(text: string): CronExpression {
  const source = text.trim().split(/\s+/).join(' ');
  const expanded = ALIASES[source.toLowerCase()] ?? source;
  if (expanded.startsWith('@')) throw new CronSyntaxError(`unknown alias "${source}"`);
  const parts = expanded.split(' ');
  if (parts.length !== 5) throw new CronSyntaxError(`expected 5 fields, found ${parts.length}`);
  const [minute, hour, dayOfMonth, month, dayOfWeek] = parts.map((part, i) => parseField(part, FIELDS[i] as FieldSpec)) as [
    ParsedField,
    ParsedField,
    ParsedField,
    ParsedField,
    ParsedField,
  ];
  if (minute.values.size === 0 || hour.values.size === 0 || month.values.size === 0) {
    throw new CronSyntaxError('a field matches no value');
  }
  const weekdays = new Set([...dayOfWeek.values].map((d) => (d === 7 ? 0 : d)));
  const expression: CronExpression = {
    source,
    minutes: sorted(minute.values),
    hours: sorted(hour.values),
    daysOfMonth: sorted(dayOfMonth.values),
    lastDayOfMonth: dayOfMonth.last,
    months: sorted(month.values),
    daysOfWeek: sorted(weekdays),
    dayOfMonthRestricted: dayOfMonth.last || dayOfMonth.values.size < 31,
    dayOfWeekRestricted: weekdays.size < 7,
    repeatsEveryHour: hour.values.size === 24,
  };
  const searchEndMs = EXISTENCE_SEARCH_FROM_MS + CRON_TICK_SEARCH_YEARS * 366 * MS_PER_DAY;
  if (wallNextInRange(expression, EXISTENCE_SEARCH_FROM_MS, searchEndMs) === undefined) {
    throw new CronSyntaxError(`no date matches within ${CRON_TICK_SEARCH_YEARS} years (impossible day and month)`);
  }
  return expression;
}

/**
 * Parses one cron or a list of crons (a union of their ticks).
 * @throws INVALID_CRON with details `{ cron, reason }` for bad syntax, a value out of range, an
 *   empty list, or a cron that can never fire (`0 0 30 2 *`).
 */
export function parseCronSchedule(cron: string | readonly string[]): CronSchedule {
  const items = typeof cron === 'string' ? [cron] : [...cron];
  if (items.length === 0) {
    throw arcoError('INVALID_CRON', 'a cron schedule list must not be empty', { cron, reason: 'empty list' });
  }
  const expressions = items.map((item) => {
    if (typeof item !== 'string') {
      throw arcoError('INVALID_CRON', 'a cron schedule must be a string', { cron, reason: 'not a string' });
    }
    try {
      return parseOne(item);
    } catch (error) {
      if (!(error instanceof CronSyntaxError)) throw error;
      throw arcoError('INVALID_CRON', `invalid cron "${item}": ${error.message}`, { cron: item, reason: error.message });
    }
  });
  return { source: typeof cron === 'string' ? cron.trim() : items.map((s) => s.trim()), expressions };
}
