/** Options and plumbing shared by commands. */
import { InvalidArgumentError, type Command } from 'commander';
import { reportError } from './output.js';
import type { Catalogue, InputOf, OperationName, OutputOf } from '../operations/index.js';
import type { ProjectOptions } from './project.js';

export interface CommonOptions extends ProjectOptions {
  readonly url?: string;
  readonly json?: boolean;
  /** An API token for --url (default: $ARCO_TOKEN). */
  readonly token?: string;
}

/** `--project`, `-f`, `--db`: which project and store. */
export function withProjectOptions(command: Command): Command {
  return command
    .option('--project <dir>', 'project folder holding definitions.ts (default: this folder, else the bundled example)')
    .option('-f, --file <file>', 'definitions file to load')
    .option('--db <path>', 'SQLite file or postgres:// URL of the store (default: <project>/.arco/arco.db)');
}

/** `--url` and `--json` on top of the project options. */
export function withClientOptions(command: Command): Command {
  return withProjectOptions(command)
    .option('--url <url>', 'talk to a running "arco dev" over HTTP (default: $ARCO_URL or http://127.0.0.1:3000 when it serves this project; else the store is opened directly)')
    .option('--token <token>', 'API token sent to --url once the store holds tokens (default: $ARCO_TOKEN)')
    .option('--json', 'print JSON for scripts');
}

/** Runs a command body; prints ArcoErrors (as JSON with --json) and sets a non-zero exit code. */
export async function runAction(options: { json?: boolean }, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error) {
    reportError(error, Boolean(options.json));
  }
}

/** A commander parser for `--status A,B`: each value one of `values` (any case), else a usage error naming them. */
export function statusList<T extends string>(values: readonly T[], what: string) {
  return (value: string): T[] => {
    const statuses = value.split(',').map((s) => s.trim().toUpperCase());
    for (const s of statuses) {
      if (!(values as readonly string[]).includes(s)) throw new InvalidArgumentError(`unknown ${what} ${s}; use ${values.join(', ')}`);
    }
    return statuses as T[];
  };
}

/**
 * Runs `body` with a daemon in this process when the client works on the store directly (no
 * `arco dev` serves the project), so `--wait` commands execute what they wait for; over HTTP the
 * instance's own daemon does.
 */
export async function withLocalDaemon<T>(client: Client, workers: number, body: () => Promise<T>): Promise<T> {
  const { LocalClient } = await import('./client.js');
  if (!(client instanceof LocalClient)) return body();
  const { Daemon } = await import('../runtime/index.js');
  const daemon = new Daemon(await client.runtime(), { workers, tickMs: 100 });
  daemon.start();
  try {
    return await body();
  } finally {
    await daemon.stop();
  }
}

/** `--tag KEY=VALUE`, repeatable: collects the tags into one record. */
export function parseTag(value: string, previous: Record<string, string>): Record<string, string> {
  const eq = value.indexOf('=');
  if (eq <= 0) throw new InvalidArgumentError(`tag "${value}" must be KEY=VALUE`);
  return { ...previous, [value.slice(0, eq)]: value.slice(eq + 1) };
}

export function integer(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n)) throw new InvalidArgumentError(`${name} must be an integer`);
    return n;
  };
}

export function positiveInt(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError(`${name} must be a positive integer`);
    return n;
  };
}

/** A TCP port; 0 lets the OS choose a free one (printed at start). */
export function portNumber(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('--port must be an integer between 0 and 65535');
  return n;
}

/**
 * How a command reaches an operation, by name, in-process or over HTTP. Commands import only this
 * type: the catalogue, the store and the runtime load when a command runs, never for `--help`.
 */
export interface Client {
  invoke<N extends OperationName>(name: N, input: InputOf<Catalogue[N]>): Promise<OutputOf<Catalogue[N]>>;
  close(): Promise<void>;
}

/** Opens the client for a command's options, runs `body` with it, and closes it however it ends. */
export async function withClient<T>(options: CommonOptions, body: (client: Client) => Promise<T>): Promise<T> {
  const { openClient } = await import('./client.js');
  const client = await openClient(options);
  try {
    return await body(client);
  } finally {
    await client.close();
  }
}
