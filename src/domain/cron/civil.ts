/**
 * Proleptic Gregorian calendar arithmetic on day numbers (days since 1970-01-01). Wall-clock
 * times are handled as "wall milliseconds": the epoch-millisecond value the wall time would have
 * if it were UTC. Everything here is timezone-free integer arithmetic.
 */

export const MS_PER_SECOND = 1_000;
export const MS_PER_MINUTE = 60_000;
export const MS_PER_HOUR = 3_600_000;
export const MS_PER_DAY = 86_400_000;
export const MINUTES_PER_DAY = 1_440;

const SHORT_UNIT_MS = { m: MS_PER_MINUTE, h: MS_PER_HOUR, d: MS_PER_DAY } as const;

/** `90m`, `12h`, `30d` in milliseconds; undefined for anything else. */
export function shortDurationMs(text: string): number | undefined {
  const match = /^(\d+)([mhd])$/.exec(text);
  return match ? Number(match[1]) * SHORT_UNIT_MS[match[2] as keyof typeof SHORT_UNIT_MS] : undefined;
}

/** A calendar date; `month` 1..12, `day` 1..31. */
export interface CivilDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

/** Wall-clock fields of one instant in one timezone. */
export interface LocalFields extends CivilDate {
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  /** 0 = Sunday .. 6 = Saturday. */
  readonly weekday: number;
  /** Day of the year, 1..366. */
  readonly dayOfYear: number;
  /** UTC offset in milliseconds (local = UTC + offset). */
  readonly offsetMs: number;
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

const MONTH_LENGTHS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

export function daysInMonth(year: number, month: number): number {
  if (month === 2 && isLeapYear(year)) return 29;
  return MONTH_LENGTHS[month - 1] ?? 31;
}

/** Day number of a date (Hinnant's days-from-civil, era-based so it is exact for any year). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const monthFromMarch = month > 2 ? month - 3 : month + 9;
  const dayOfYear = Math.floor((153 * monthFromMarch + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

export function civilFromDays(dayNumber: number): CivilDate {
  const z = dayNumber + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthFromMarch = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * monthFromMarch + 2) / 5) + 1;
  const month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9;
  return { year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

/** 0 = Sunday; day 0 (1970-01-01) was a Thursday. */
export function weekdayOfDay(dayNumber: number): number {
  return (((dayNumber + 4) % 7) + 7) % 7;
}

export function floorDiv(a: number, b: number): number {
  return Math.floor(a / b);
}

/** Wall-clock fields of `wallMs` (epoch-ms-as-if-UTC) with the offset that produced it. */
export function localFieldsOfWall(wallMs: number, offsetMs: number): LocalFields {
  const dayNumber = floorDiv(wallMs, MS_PER_DAY);
  const date = civilFromDays(dayNumber);
  const msOfDay = wallMs - dayNumber * MS_PER_DAY;
  // Fields are listed one by one: spreading `date` here made this function 50x slower in V8.
  return {
    year: date.year,
    month: date.month,
    day: date.day,
    hour: Math.floor(msOfDay / MS_PER_HOUR),
    minute: Math.floor((msOfDay % MS_PER_HOUR) / MS_PER_MINUTE),
    second: Math.floor((msOfDay % MS_PER_MINUTE) / MS_PER_SECOND),
    weekday: weekdayOfDay(dayNumber),
    dayOfYear: dayNumber - daysFromCivil(date.year, 1, 1) + 1,
    offsetMs,
  };
}

/** Wall milliseconds of a wall-clock date and time. */
export function wallMsOf(year: number, month: number, day: number, hour = 0, minute = 0, second = 0): number {
  return daysFromCivil(year, month, day) * MS_PER_DAY + hour * MS_PER_HOUR + minute * MS_PER_MINUTE + second * MS_PER_SECOND;
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

/** `+HH:MM` (or `+HH:MM:SS` for historical offsets with seconds); `+00:00` for UTC. */
export function formatOffsetIso(offsetMs: number): string {
  const sign = offsetMs < 0 ? '-' : '+';
  const totalSeconds = Math.abs(Math.round(offsetMs / MS_PER_SECOND));
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  return `${sign}${pad(hours, 2)}:${pad(minutes, 2)}${seconds ? `:${pad(seconds, 2)}` : ''}`;
}

function formatYear(year: number): string {
  if (year >= 0 && year <= 9999) return pad(year, 4);
  return `${year < 0 ? '-' : '+'}${pad(Math.abs(year), 6)}`;
}

/** ISO-8601 local time with its UTC offset and no fractional seconds: `2026-03-08T03:00:00-07:00`. */
export function formatLocalIso(fields: LocalFields): string {
  return (
    `${formatYear(fields.year)}-${pad(fields.month, 2)}-${pad(fields.day, 2)}` +
    `T${pad(fields.hour, 2)}:${pad(fields.minute, 2)}:${pad(fields.second, 2)}${formatOffsetIso(fields.offsetMs)}`
  );
}
