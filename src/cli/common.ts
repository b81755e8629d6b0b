/** Options and plumbing shared by commands. */
import { InvalidArgumentError, type Command } from 'commander';
import { HttpClient, LocalClient, type Client } from './client.js';
import { reportError } from './output.js';
import { z } from 'zod';
import { describeStoreTarget } from '../store/index.js';
import { resolveProject, type Project, type ProjectOptions } from './project.js';

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

/** Where an `arco dev` is looked for when no --url is given: $ARCO_URL, else the default port. */
export function defaultUrl(): string {
  return process.env.ARCO_URL ?? 'http://127.0.0.1:3000';
}

/** How long the CLI waits for an `arco dev` at the default URL before opening the store itself. */
const PROBE_TIMEOUT_MS = 300;

const healthSchema = z.object({ ok: z.literal(true), definitionsFile: z.string(), store: z.string().nullable() });

/** True when an instance answers at `url` and serves exactly this project and store. */
async function servesProject(url: string, project: Project): Promise<boolean> {
  try {
    const response = await fetch(new URL('/api/v1/health', url), { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
    const health = healthSchema.safeParse(await response.json());
    return health.success && health.data.definitionsFile === project.definitionsFile && health.data.store === describeStoreTarget(project.storePath);
  } catch {
    return false;
  }
}

/**
 * The API of a running instance when one is named (--url) or serves this very project at the
 * default URL; otherwise the project's store, opened directly. Opening the store is safe for every
 * command: reads never block the daemon, and requests go through the same transactional,
 * idempotent append the API uses.
 */
export async function openClient(options: CommonOptions): Promise<Client> {
  if (options.url) return new HttpClient(options.url);
  const project = resolveProject(options);
  const url = defaultUrl();
  return (await servesProject(url, project)) ? new HttpClient(url) : new LocalClient(project);
}

/** Runs a command body; prints ArcoErrors (as JSON with --json) and sets a non-zero exit code. */
export async function runAction(options: { json?: boolean }, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error) {
    reportError(error, Boolean(options.json));
  }
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

/** Opens the client for a command's options, runs `body` with it, and closes it however it ends. */
export async function withClient<T>(options: CommonOptions, body: (client: Client) => Promise<T>): Promise<T> {
  const client = await openClient(options);
  try {
    return await body(client);
  } finally {
    await client.close();
  }
}
