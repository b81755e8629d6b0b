/** Printing: JSON for scripts, tables for people. Colours only on a terminal. */
import Table from 'cli-table3';
import { isArcoError } from '../domain/errors/index.js';

export const isTty = (): boolean => Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function printTable(head: readonly string[], rows: readonly (readonly (string | number | null)[])[]): void {
  const table = new Table({ head: [...head], style: isTty() ? {} : { head: [], border: [] } });
  for (const row of rows) table.push(row.map((c) => (c === null ? '' : String(c))));
  process.stdout.write(`${table.toString()}\n`);
}

const COLORS = { red: 31, green: 32, yellow: 33, gray: 90, bold: 1 } as const;
export function color(name: keyof typeof COLORS, text: string): string {
  return isTty() ? `\u001b[${COLORS[name]}m${text}\u001b[0m` : text;
}

export function statusColor(status: string): string {
  if (status === 'SUCCESS' || status === 'SUCCEEDED') return color('green', status);
  if (status === 'FAILURE' || status === 'FAILED') return color('red', status);
  if (status === 'SKIPPED' || status === 'CANCELED' || status === 'CANCELING' || status === 'RETRY_WAIT') return color('yellow', status);
  return status;
}

/** Prints an error the way a script or a person wants it and sets the exit code. */
export function reportError(error: unknown, json: boolean): void {
  const body = isArcoError(error)
    ? error.toJSON()
    : { code: 'INTERNAL_ERROR', message: error instanceof Error ? error.message : String(error) };
  if (json) process.stdout.write(`${JSON.stringify({ error: body }, null, 2)}\n`);
  else process.stderr.write(`${color('red', 'error')} ${body.code}: ${body.message}\n`);
  process.exitCode = 1;
}
