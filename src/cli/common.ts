/** Options and plumbing shared by commands. */
import { InvalidArgumentError, type Command } from 'commander';
import { reportError } from './output.js';
import type { Catalogue, InputOf, OperationName, OutputOf } from '../operations/index.js';
import type { ProjectOptions } from './project.js';

export interface CommonOptions extends ProjectOptions {
  readonly url?: string;
  readonly json?: boolean;
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

/** `--tag KEY=VALUE`, repeatable: collects the tags into one record. */
export function parseTag(value: string, previous: Record<string, string>): Record<string, string> {
  const eq = value.indexOf('=');
  if (eq <= 0) throw new InvalidArgumentError(`tag "${value}" must be KEY=VALUE`);
  return { ...previous, [value.slice(0, eq)]: value.slice(eq + 1) };
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
