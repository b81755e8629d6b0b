/** Options and plumbing shared by commands. */
import { InvalidArgumentError, type Command } from 'commander';
import { reportError } from './output.js';
import type { Catalogue, InputOf, OperationName, OutputOf } from '../operations/index.js';
import { resolveProject, type Project, type ProjectOptions } from './project.js';
import { describeStoreTarget } from '../store/target/index.js';

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

/**
 * Opens the client for a command's options (or for the connection the command already chose),
 * runs `body` with it, and closes it however it ends.
 */
export async function withClient<T>(options: CommonOptions, body: (client: Client) => Promise<T>, connection?: Connection): Promise<T> {
  const { openClient } = await import('./client.js');
  const client = await openClient(options, connection);
  try {
    return await body(client);
  } finally {
    await client.close();
  }
}

/**
 * Where a command's operations go: to a running instance over HTTP, or to the project's store in
 * this process. Deciding it (`connectionFor`) loads neither the operations, the runtime nor a
 * store, so a command can act on the answer (`arco run --wait` starts its workers) first.
 */
export type Connection =
  | { readonly kind: 'http'; readonly url: string; readonly token: string | undefined }
  | { readonly kind: 'local'; readonly project: Project };

/** The API token of a command: --token, else $ARCO_TOKEN. */
export function tokenOf(options: CommonOptions): string | undefined {
  return options.token ?? (process.env.ARCO_TOKEN || undefined);
}

/** Where an `arco dev` is looked for when no --url is given: $ARCO_URL, else the default port. */
export function defaultUrl(): string {
  return process.env.ARCO_URL ?? 'http://127.0.0.1:3000';
}

/** How long the CLI waits for an `arco dev` at the default URL before opening the store itself. */
const PROBE_TIMEOUT_MS = 300;

/**
 * True when an instance answers at `url` and serves exactly this project and store: its health
 * answer says `ok: true` with this definitions file and this store.
 */
async function servesProject(url: string, project: Project, token: string | undefined): Promise<boolean> {
  if (!(await accepts(url))) return false;
  try {
    const response = await fetch(new URL('/api/v1/health', url), { headers: authorization(token), signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
    const health = (await response.json()) as { ok?: unknown; definitionsFile?: unknown; store?: unknown } | null;
    return typeof health === 'object' && health !== null && health.ok === true && health.definitionsFile === project.definitionsFile && health.store === describeStoreTarget(project.storePath);
  } catch {
    return false;
  }
}

/**
 * Whether anything accepts a TCP connection at the URL's host and port. Nothing does in the
 * common case (no `arco dev` running), and learning that with a bare socket spares the command
 * loading fetch's HTTP client (tens of milliseconds of start-up before its workers can start).
 */
async function accepts(url: string): Promise<boolean> {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return false;
  }
  if (target.protocol !== 'http:') return true;
  const { connect } = await import('node:net');
  return new Promise((resolve) => {
    const socket = connect({ host: target.hostname.replace(/^\[|\]$/g, ''), port: Number(target.port || 80) });
    const done = (result: boolean) => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(PROBE_TIMEOUT_MS, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * The API of a running instance when one is named (--url) or serves this very project at the
 * default URL; otherwise the project's store, opened directly. Opening the store is safe for every
 * command: reads never block the daemon, and requests go through the same transactional,
 * idempotent append the API uses.
 */
export async function connectionFor(options: CommonOptions): Promise<Connection> {
  const token = tokenOf(options);
  if (options.url) return { kind: 'http', url: options.url, token };
  const project = resolveProject(options);
  const url = defaultUrl();
  return (await servesProject(url, project, token)) ? { kind: 'http', url, token } : { kind: 'local', project };
}

/** The `Authorization` header for an API token, if any. */
export function authorization(token: string | undefined): Record<string, string> {
  return token === undefined || token === '' ? {} : { authorization: `Bearer ${token}` };
}
