/**
 * A strftime formatter and strptime parser for the directives Dagster partition formats use,
 * with Python's C-locale meaning: `%Y %m %d %H %M %S %y %b %B %j %z %a %A %I %p %%`.
 * Parsing follows Python's `strptime` widths (1-2 digits for `%m %d %H %M %S %I`, 4 for `%Y`,
 * 1-3 for `%j`) and is case-insensitive; callers that need exactness compare the re-formatted key.
 */
import { daysFromCivil, daysInMonth, civilFromDays, type LocalFields } from '../cron/index.js';

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** Wall-clock fields read from text; `offsetMs` only when the format has `%z`. */
export interface ParsedTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly offsetMs?: number;
}

type Token = { readonly literal: string } | { readonly directive: string };

const DIRECTIVES = new Set(['Y', 'm', 'd', 'H', 'M', 'S', 'y', 'b', 'B', 'j', 'z', 'a', 'A', 'I', 'p']);
const tokenCache = new Map<string, readonly Token[]>();

/** Splits a format into tokens; throws a plain Error naming an unsupported directive. */
export function formatTokens(fmt: string): readonly Token[] {
  const cached = tokenCache.get(fmt);
  if (cached) return cached;
  const tokens: Token[] = [];
  let literal = '';
  for (let i = 0; i < fmt.length; i += 1) {
    const char = fmt[i] as string;
    if (char !== '%') {
      literal += char;
      continue;
    }
    const next = fmt[i + 1];
    i += 1;
    if (next === '%') {
      literal += '%';
    } else if (next !== undefined && DIRECTIVES.has(next)) {
      if (literal) tokens.push({ literal });
      literal = '';
      tokens.push({ directive: next });
    } else {
      throw new Error(next === undefined ? 'format ends with a lone %' : `unsupported directive %${next}`);
    }
  }
  if (literal) tokens.push({ literal });
  tokenCache.set(fmt, tokens);
  return tokens;
}

/** Whether the format prints the UTC offset. */
export function formatHasOffset(fmt: string): boolean {
  return formatTokens(fmt).some((token) => 'directive' in token && token.directive === 'z');
}

function pad(value: number, width: number): string {
  // The two-digit case is by far the most common when listing keys; skip padStart for it.
  if (width === 2 && value >= 0 && value < 100) return value < 10 ? `0${value}` : `${value}`;
  return String(value).padStart(width, '0');
}

/** Python's `%z`: `+HHMM`, or `+HHMMSS` for offsets with seconds. */
function offsetText(offsetMs: number): string {
  const sign = offsetMs < 0 ? '-' : '+';
  const totalSeconds = Math.abs(Math.round(offsetMs / 1000));
  const seconds = totalSeconds % 60;
  return `${sign}${pad(Math.floor(totalSeconds / 3600), 2)}${pad(Math.floor((totalSeconds % 3600) / 60), 2)}${seconds ? pad(seconds, 2) : ''}`;
}

function formatDirective(directive: string, f: LocalFields): string {
  switch (directive) {
    case 'Y': return pad(f.year, 4);
    case 'm': return pad(f.month, 2);
    case 'd': return pad(f.day, 2);
    case 'H': return pad(f.hour, 2);
    case 'M': return pad(f.minute, 2);
    case 'S': return pad(f.second, 2);
    case 'y': return pad(((f.year % 100) + 100) % 100, 2);
    case 'b': return (MONTHS[f.month - 1] as string).slice(0, 3);
    case 'B': return MONTHS[f.month - 1] as string;
    case 'j': return pad(f.dayOfYear, 3);
    case 'z': return offsetText(f.offsetMs);
    case 'a': return (WEEKDAYS[f.weekday] as string).slice(0, 3);
    case 'A': return WEEKDAYS[f.weekday] as string;
    case 'I': return pad(f.hour % 12 === 0 ? 12 : f.hour % 12, 2);
    case 'p': return f.hour < 12 ? 'AM' : 'PM';
    default: return '';
  }
}

const formatterCache = new Map<string, (fields: LocalFields) => string>();

/** A compiled formatter for `fmt` (cached; listing keys formats many times). */
export function formatterOf(fmt: string): (fields: LocalFields) => string {
  const cached = formatterCache.get(fmt);
  if (cached) return cached;
  const parts = formatTokens(fmt).map((token) =>
    'literal' in token ? () => token.literal : (fields: LocalFields) => formatDirective(token.directive, fields),
  );
  const formatter = (fields: LocalFields): string => {
    let out = '';
    for (const part of parts) out += part(fields);
    return out;
  };
  formatterCache.set(fmt, formatter);
  return formatter;
}

/** Formats wall-clock fields. */
export function strftime(fmt: string, fields: LocalFields): string {
  return formatterOf(fmt)(fields);
}

const PATTERNS: Readonly<Record<string, string>> = {
  Y: '(\\d{4})',
  m: '(\\d{1,2})',
  d: '(\\d{1,2})',
  H: '(\\d{1,2})',
  M: '(\\d{1,2})',
  S: '(\\d{1,2})',
  y: '(\\d{2})',
  b: '([a-z]{3})',
  B: '([a-z]+)',
  j: '(\\d{1,3})',
  z: '(z|[+-]\\d{2}(?::?\\d{2}(?::?\\d{2})?)?)',
  a: '([a-z]{3})',
  A: '([a-z]+)',
  I: '(\\d{1,2})',
  p: '(am|pm)',
};

const parserCache = new Map<string, { readonly regex: RegExp; readonly directives: readonly string[] }>();

function parserOf(fmt: string): { readonly regex: RegExp; readonly directives: readonly string[] } {
  const cached = parserCache.get(fmt);
  if (cached) return cached;
  const directives: string[] = [];
  const source = formatTokens(fmt)
    .map((token) => {
      if ('literal' in token) return token.literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      directives.push(token.directive);
      return PATTERNS[token.directive] as string;
    })
    .join('');
  const parser = { regex: new RegExp(`^${source}$`, 'i'), directives };
  parserCache.set(fmt, parser);
  return parser;
}

function parseOffset(text: string): number {
  if (text.toLowerCase() === 'z') return 0;
  const digits = text.slice(1).replace(/:/g, '');
  const ms = (Number(digits.slice(0, 2)) * 3600 + Number(digits.slice(2, 4) || 0) * 60 + Number(digits.slice(4, 6) || 0)) * 1000;
  return text.startsWith('-') ? -ms : ms;
}

function nameIndex(names: readonly string[], text: string, abbreviated: boolean): number {
  const lower = text.toLowerCase();
  return names.findIndex((name) => (abbreviated ? name.slice(0, 3) : name).toLowerCase() === lower);
}

/** Parses text in a format; undefined when it does not match or names an impossible date. */
export function strptime(fmt: string, text: string): ParsedTime | undefined {
  const { regex, directives } = parserOf(fmt);
  const match = regex.exec(text);
  if (!match) return undefined;
  let year = 1900;
  let month = 1;
  let day = 1;
  let hour = 0;
  let minute = 0;
  let second = 0;
  let dayOfYear: number | undefined;
  let twelveHour: number | undefined;
  let afternoon: boolean | undefined;
  let offsetMs: number | undefined;
  for (let i = 0; i < directives.length; i += 1) {
    const value = match[i + 1] as string;
    switch (directives[i]) {
      case 'Y': year = Number(value); break;
      case 'y': year = Number(value) + (Number(value) < 69 ? 2000 : 1900); break;
      case 'm': month = Number(value); break;
      case 'd': day = Number(value); break;
      case 'H': hour = Number(value); break;
      case 'M': minute = Number(value); break;
      case 'S': second = Number(value); break;
      case 'j': dayOfYear = Number(value); break;
      case 'I': twelveHour = Number(value); break;
      case 'p': afternoon = value.toLowerCase() === 'pm'; break;
      case 'z': offsetMs = parseOffset(value); break;
      case 'b': month = nameIndex(MONTHS, value, true) + 1; break;
      case 'B': month = nameIndex(MONTHS, value, false) + 1; break;
      case 'a': if (nameIndex(WEEKDAYS, value, true) < 0) return undefined; break;
      case 'A': if (nameIndex(WEEKDAYS, value, false) < 0) return undefined; break;
    }
  }
  if (twelveHour !== undefined) {
    if (twelveHour < 1 || twelveHour > 12) return undefined;
    hour = (twelveHour % 12) + (afternoon ? 12 : 0);
  }
  if (dayOfYear !== undefined && !directives.includes('m') && !directives.includes('d')) {
    if (dayOfYear < 1 || dayOfYear > (daysInMonth(year, 2) === 29 ? 366 : 365)) return undefined;
    ({ month, day } = civilFromDays(daysFromCivil(year, 1, 1) + dayOfYear - 1));
  }
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  return offsetMs === undefined ? { year, month, day, hour, minute, second } : { year, month, day, hour, minute, second, offsetMs };
}
