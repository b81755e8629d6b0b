/**
 * Reading the `start` and `end` of time-window definitions. Users give a `Date`, an ISO-8601
 * string, or a string in the definition's `fmt` (as Dagster parses start/end with `fmt`); the
 * stored form is an ISO-8601 instant with the timezone's offset.
 *
 * A time without an offset is a wall-clock time in the definition's timezone, resolved like
 * Python's fold=0 (Dagster): the earlier instant when repeated, shifted past a gap when skipped.
 * A `Date` counts as its UTC calendar fields read as wall-clock time, because Dagster replaces a
 * datetime's timezone with the definition's: `new Date('2024-01-01')` means January 1st in any zone.
 */
import { MS_PER_HOUR, MS_PER_MINUTE, instantOfWallTime, wallMsOf } from '../cron/index.js';
import { formatHasOffset, strptime } from './strftime.js';

const ISO_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

interface WallReading {
  readonly wallMs: number;
  readonly offsetMs?: number;
}

function isoReading(text: string): WallReading | undefined {
  const match = ISO_TIME.exec(text);
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((i) => Number(match[i] ?? 0)) as [
    number, number, number, number, number, number,
  ];
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return undefined;
  const wallMs = wallMsOf(year, month, day, hour, minute, second) + Math.round(Number(match[7] ?? 0) * 1000);
  if (new Date(wallMs).getUTCDate() !== day) return undefined;
  const zone = match[8];
  if (zone === undefined) return { wallMs };
  if (zone.toUpperCase() === 'Z') return { wallMs, offsetMs: 0 };
  const digits = zone.slice(1).replace(':', '');
  const magnitude = Number(digits.slice(0, 2)) * MS_PER_HOUR + Number(digits.slice(2, 4) || 0) * MS_PER_MINUTE;
  return { wallMs, offsetMs: zone.startsWith('-') ? -magnitude : magnitude };
}

function instantOfReading(reading: WallReading, timezone: string): number {
  return reading.offsetMs === undefined ? instantOfWallTime(timezone, reading.wallMs) : reading.wallMs - reading.offsetMs;
}

/**
 * The instant a user-given `start`/`end` names, rounded up to whole seconds (ticks are whole
 * seconds, so rounding up never changes which windows it bounds). Undefined when unreadable.
 */
export function instantOfTimeInput(input: Date | string, fmt: string, timezone: string): number | undefined {
  if (input instanceof Date) {
    const ms = input.getTime();
    return Number.isFinite(ms) ? Math.ceil(instantOfWallTime(timezone, ms) / 1000) * 1000 : undefined;
  }
  // As Dagster's dst_safe_strptime: the format, then the format with an offset appended.
  const parsed = strptime(fmt, input) ?? (formatHasOffset(fmt) ? undefined : strptime(`${fmt}%z`, input));
  const reading: WallReading | undefined = parsed
    ? {
        wallMs: wallMsOf(parsed.year, parsed.month, parsed.day, parsed.hour, parsed.minute, parsed.second),
        ...(parsed.offsetMs === undefined ? {} : { offsetMs: parsed.offsetMs }),
      }
    : isoReading(input);
  return reading ? Math.ceil(instantOfReading(reading, timezone) / 1000) * 1000 : undefined;
}

/** The instant of a stored ISO-8601 time with an offset; undefined if malformed or offset-less. */
export function instantOfStoredIso(text: string): number | undefined {
  const reading = isoReading(text);
  return reading?.offsetMs === undefined ? undefined : reading.wallMs - reading.offsetMs;
}
