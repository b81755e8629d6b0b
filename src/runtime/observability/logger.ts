/**
 * The instance's logger: pino, writing either its JSON lines (`--log-format json`, one object per
 * line with `level`, `time`, `msg` and the line's fields such as `runId`) or one readable line per
 * entry (`pretty`, the default of `arco dev`): `14:02:07 INFO  run run_01J… STARTED (3 tasks) by
 * manual`. The readable form is a small stream over pino's own JSON, so both formats carry the
 * same entries and no second logging path exists.
 */
import { createRequire } from 'node:module';
import type { DestinationStream, Logger } from 'pino';

/** pino, loaded by the first logger: commands that import the runtime but log nothing need not pay for it. */
let pinoModule: typeof import('pino') | undefined;
function pinoOf(): typeof import('pino') {
  pinoModule ??= createRequire(import.meta.url)('pino') as typeof import('pino');
  return pinoModule;
}

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export const LOG_FORMATS = ['pretty', 'json'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];
export type { Logger };

export interface LoggerOptions {
  /** Entries below this level are not written. @default 'info' */
  readonly level?: LogLevel;
  /** @default 'pretty' */
  readonly format?: LogFormat;
  /** Where lines go. @default process.stdout */
  readonly destination?: { write(line: string): unknown };
  /** ANSI colours on the level in the pretty format. @default false */
  readonly colors?: boolean;
}

const LEVEL_COLORS: Readonly<Record<string, number>> = { trace: 90, debug: 90, info: 36, warn: 33, error: 31, fatal: 31 };

function clockTime(time: unknown): string {
  const date = typeof time === 'number' || typeof time === 'string' ? new Date(time) : undefined;
  if (!date || Number.isNaN(date.getTime())) return '--:--:--';
  return [date.getHours(), date.getMinutes(), date.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
}

interface SerializedError {
  readonly message?: unknown;
  readonly stack?: unknown;
}

/** One readable line (and an error's stack below it) for one pino JSON entry. */
export function prettyLine(json: string, colors: boolean): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(json) as Record<string, unknown>;
  } catch {
    // Not an entry pino wrote (cannot happen through the logger): pass it on untouched.
    return json.endsWith('\n') ? json : `${json}\n`;
  }
  const level = String(entry.level ?? 'info');
  const label = level.toUpperCase().padEnd(5);
  const shown = colors ? `\u001b[${LEVEL_COLORS[level] ?? 0}m${label}\u001b[0m` : label;
  const err = entry.err as SerializedError | undefined;
  const message = typeof entry.msg === 'string' ? entry.msg : '';
  const errorMessage = err && typeof err.message === 'string' && !message.includes(err.message) ? `: ${err.message}` : '';
  const stack = err && typeof err.stack === 'string' && (level === 'error' || level === 'fatal') ? `\n${err.stack.replace(/^/gm, '    ')}` : '';
  return `${clockTime(entry.time)} ${shown} ${message}${errorMessage}${stack}\n`;
}

/** A pino destination that rewrites each JSON entry as a readable line. */
function prettyStream(destination: { write(line: string): unknown }, colors: boolean): DestinationStream {
  return { write: (json: string) => void destination.write(prettyLine(json, colors)) };
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const destination = options.destination ?? process.stdout;
  const stream = options.format === 'json' ? { write: (line: string) => void destination.write(line) } : prettyStream(destination, options.colors ?? false);
  const { pino } = pinoOf();
  return pino(
    {
      level: options.level ?? 'info',
      // Level names rather than pino's numbers: log shippers and people read both, people only one.
      formatters: { level: (label) => ({ level: label }) },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    stream,
  );
}
