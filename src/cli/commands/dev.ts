/** `arco dev`: daemon, worker pool and HTTP API on one machine, storing everything in SQLite. */
import { Command } from 'commander';
import { portNumber, positiveInt, runAction, withProjectOptions, type CommonOptions } from '../common.js';
import { color } from '../output.js';
import type { arcoError as ArcoErrorFactory } from '../../domain/errors/index.js';
import type { DefinitionsChange, NamesChange } from '../../runtime/index.js';
import type { Store } from '../../store/index.js';

interface DevOptions extends CommonOptions {
  readonly port: number;
  readonly host: string;
  readonly allowedHost: string[];
  readonly workers: number;
  readonly maxConcurrentRuns?: number;
  readonly watch: boolean;
}

export function describeChange(change: DefinitionsChange): string {
  const lines = ['definitions reloaded:'];
  for (const [what, names] of Object.entries(change) as [string, NamesChange][]) {
    if (names.added.length) lines.push(`  ${what} added    ${names.added.join(', ')}`);
    if (names.removed.length) lines.push(`  ${what} removed  ${names.removed.join(', ')}`);
    if (names.changed.length) lines.push(`  ${what} changed  ${names.changed.join(', ')}`);
  }
  return `${lines.join('\n')}\n`;
}

/** How often `arco dev` checks that its SQLite file is still the one it opened. */
export const STORE_FILE_CHECK_MS = 1_000;

/** A listen failure as the user should read it: EADDRINUSE names the port and what to do. */
export function listenError(error: unknown, host: string, port: number, arcoError: typeof ArcoErrorFactory): unknown {
  if ((error as { code?: unknown })?.code !== 'EADDRINUSE') return error;
  return arcoError('PORT_IN_USE', `cannot listen on ${host}:${port}: the port is in use (another arco dev?). Stop it, or choose another with --port`, { host, port });
}

/**
 * How requests will be admitted, printed at start. A store without a valid token may be served on
 * loopback only: anyone who can reach another address could otherwise do anything.
 * @throws INSECURE_BIND for a non-loopback host while the store holds no valid token.
 */
export async function accessAtStart(store: Store, host: string): Promise<string> {
  const [{ isLoopbackAddress }, { arcoError }] = await Promise.all([import('../../api/index.js'), import('../../domain/errors/index.js')]);
  const tokens = await store.tokens.hasValidTokens();
  if (tokens) return 'API tokens required (Authorization: Bearer; arco token list)';
  if (!isLoopbackAddress(host)) {
    throw arcoError('INSECURE_BIND', `refusing to listen on ${host} without an API token: anyone reaching it could run, stop and reset anything. Create one first (arco token create --role admin), or listen on 127.0.0.1`, { host });
  }
  return 'loopback only, no token needed until one is created (arco token create --role admin)';
}

export function devCommand(): Command {
  return withProjectOptions(new Command('dev'))
    .description('run the daemon, a worker pool and the HTTP API for a project (SQLite by default; --db postgres://… for PostgreSQL)')
    .option('--port <port>', 'HTTP port (0: any free port)', portNumber, 3000)
    .option('--host <host>', 'HTTP host; an address other than loopback needs an API token in the store first (arco token create)', '127.0.0.1')
    .option('--allowed-host <name>', 'a Host header accepted besides the bound address, e.g. a name a proxy forwards (repeatable)', (value: string, previous: string[]) => [...previous, value], [])
    .option('--workers <n>', 'worker processes', positiveInt('--workers'), 2)
    .option('--max-concurrent-runs <n>', 'runs in progress at once (default: unlimited)', positiveInt('--max-concurrent-runs'))
    .option('--no-watch', 'do not reload the definitions when files of the project change')
    .addHelpText('after', '\nExample:\n  arco dev --project examples/quickstart --port 3000\n')
    .action((options: DevOptions) =>
      runAction(options, async () => {
        const [{ buildServer }, { systemClock, createContext, Daemon, loadDefinitions, watchDefinitions, isEmptyChange }, { describeStoreTarget, guardStoreFile, isPostgresUrl, openStore }, { resolveProject }] = await Promise.all([
          import('../../api/index.js'),
          import('../../runtime/index.js'),
          import('../../store/index.js'),
          import('../project.js'),
        ]);
        const project = resolveProject(options);
        let definitions = await loadDefinitions(project.definitionsFile);
        const warn = (m: string) => process.stderr.write(`${color('yellow', 'warn')} ${m}\n`);
        const store = await openStore(project.storePath, { longLived: true, onProblem: warn });
        const storeFile = isPostgresUrl(project.storePath) ? undefined : guardStoreFile(project.storePath);
        const access = await accessAtStart(store, options.host).catch(async (error: unknown) => {
          await store.close();
          throw error;
        });
        // The daemon, the API and the CLI's in-process calls read definitions through this context;
        // a hot reload replaces what `definitions` answers, not the context.
        const ctx = Object.defineProperty({ ...createContext(store, systemClock, definitions) }, 'definitions', { get: () => definitions, enumerable: true });
        const daemon = new Daemon(ctx, {
          workers: options.workers,
          maxConcurrentRuns: options.maxConcurrentRuns ?? null,
          onProblem: warn,
        });
        const app = await buildServer(
          { store, ctx: () => ctx, storeTarget: describeStoreTarget(project.storePath), onRunRequested: () => daemon.wake() },
          { allowedHosts: options.allowedHost, storeCheck: storeFile ? () => storeFile.check() : undefined },
        );
        // Listen before the daemon starts: a port that cannot be had must end the command, not leave
        // a daemon running with no API.
        const address = await app.listen({ port: options.port, host: options.host }).catch(async (error: unknown) => {
          await app.close();
          await store.close();
          throw listenError(error, options.host, options.port, (await import('../../domain/errors/index.js')).arcoError);
        });
        daemon.start();
        const watcher = options.watch
          ? watchDefinitions(project.definitionsFile, {
              current: () => definitions,
              onReload: (next, change) => {
                if (isEmptyChange(change)) process.stdout.write(color('gray', 'definitions reloaded: code changed; no asset, schedule or sensor added, removed or changed\n'));
                else process.stdout.write(describeChange(change));
                definitions = next;
                daemon.definitionsChanged();
              },
              onError: (error) => warn(`definitions not reloaded, still running the last good ones: ${error instanceof Error ? error.message : String(error)}`),
            })
          : undefined;
        process.stdout.write(
          [
            `${color('bold', 'Arco Flow dev')} is running`,
            `  definitions  ${project.definitionsFile} (${definitions.graph.keys.length} assets)`,
            `  store        ${describeStoreTarget(project.storePath)}`,
            `  API          ${address}/api/v1  (OpenAPI: ${address}/api/openapi.json)`,
            `  access       ${access}`,
            `  workers      ${options.workers}`,
            `  reload       ${options.watch ? 'on: edits to the project folder reload the definitions' : 'off (--no-watch)'}`,
            `Next: arco asset list --url ${address}`,
            `      arco run --select <asset> [--include-upstream] [--partition <key>] --url ${address} --wait`,
            '',
          ].join('\n'),
        );
        let stopping = false;
        const stop = async (exitCode: number) => {
          if (stopping) return;
          stopping = true;
          clearInterval(storeWatch);
          process.stdout.write('stopping...\n');
          watcher?.close();
          await app.close();
          await daemon.stop();
          await store.close();
          process.exit(exitCode);
        };
        // A deleted or replaced store file: writes are refused at once (storeCheck) and the instance
        // stops, since everything it recorded from now on would vanish with the process.
        const storeWatch = setInterval(() => {
          const problem = storeFile?.check();
          if (!problem) return;
          process.stderr.write(`${color('red', 'error')} STORE_UNAVAILABLE: ${problem.message}\n`);
          void stop(1);
        }, STORE_FILE_CHECK_MS);
        storeWatch.unref();
        process.on('SIGINT', () => void stop(0));
        process.on('SIGTERM', () => void stop(0));
      }),
    );
}
