/** `arco dev`: daemon, worker pool and HTTP API on one machine, storing everything in SQLite. */
import { Command, Option } from 'commander';
import { portNumber, positiveInt, runAction, withProjectOptions, type CommonOptions } from '../common.js';
import { color, isTty } from '../output.js';
import type { arcoError as ArcoErrorFactory } from '../../domain/errors/index.js';
import type { DefinitionsChange, LogFormat, LogLevel, NamesChange } from '../../runtime/index.js';
import type { Store } from '../../store/index.js';

interface DevOptions extends CommonOptions {
  readonly port: number;
  readonly host: string;
  readonly allowedHost: string[];
  readonly workers: number;
  readonly maxConcurrentRuns?: number;
  readonly watch: boolean;
  readonly logLevel: LogLevel;
  readonly logFormat: LogFormat;
}

// Spelled out here rather than imported: the command's options are built before any runtime module loads.
const LOG_LEVEL_NAMES = ['trace', 'debug', 'info', 'warn', 'error'] as const satisfies readonly LogLevel[];
const LOG_FORMAT_NAMES = ['pretty', 'json'] as const satisfies readonly LogFormat[];

export function describeChange(change: DefinitionsChange): string {
  const lines = ['definitions reloaded:'];
  for (const [what, names] of Object.entries(change) as [string, NamesChange][]) {
    if (names.added.length) lines.push(`  ${what} added    ${names.added.join(', ')}`);
    if (names.removed.length) lines.push(`  ${what} removed  ${names.removed.join(', ')}`);
    if (names.changed.length) lines.push(`  ${what} changed  ${names.changed.join(', ')}`);
  }
  return lines.join('\n');
}

/**
 * The API logs at warn level and above (5xx answers), or everything with `--log-level trace`: one
 * line per request would drown the lines of what requests changed, which the ledger follower logs.
 */
function apiLogLevel(level: LogLevel): LogLevel {
  return level === 'trace' || level === 'error' ? level : 'warn';
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
    .addOption(new Option('--log-level <level>', 'least important log lines shown: debug adds dispatches, materializations and task logs').choices(LOG_LEVEL_NAMES).default('info'))
    .addOption(new Option('--log-format <format>', 'pretty: one readable line per entry; json: one JSON object per line (level, time, msg, runId, …) for log shippers').choices(LOG_FORMAT_NAMES).default('pretty'))
    .addHelpText('after', '\nLogs: a line for each run queued, started and finished, task failure and retry, cancel, schedule tick,\nsensor evaluation and backfill change; metrics for Prometheus at GET /metrics (docs/operations.md).\n\nExample:\n  arco dev --project examples/quickstart --port 3000\n  arco dev --log-format json --log-level debug\n')
    .action((options: DevOptions) =>
      runAction(options, async () => {
        const [{ buildServer }, { systemClock, createContext, Daemon, loadDefinitions, watchDefinitions, isEmptyChange, createLogger, InstanceMetrics, LedgerLog }, { describeStoreTarget, guardStoreFile, isPostgresUrl, openStore }, { resolveProject }] = await Promise.all([
          import('../../api/index.js'),
          import('../../runtime/index.js'),
          import('../../store/index.js'),
          import('../project.js'),
        ]);
        const project = resolveProject(options);
        let definitions = await loadDefinitions(project.definitionsFile);
        const logger = createLogger({ level: options.logLevel, format: options.logFormat, colors: isTty() });
        const warn = (m: string) => logger.warn(m);
        const metrics = new InstanceMetrics({ processMetrics: true });
        // Everything in this process appends through the instrumented store, so /metrics times every append.
        const store = metrics.instrument(await openStore(project.storePath, { longLived: true, onProblem: warn }));
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
          maxConcurrentRuns: options.maxConcurrentRuns,
          onProblem: warn,
          // Through the logger, so `--log-format json` stays JSON whatever user code prints.
          onWorkerOutput: ({ slotId, stream, line }) => {
            const msg = `worker ${slotId.slice(slotId.lastIndexOf('/') + 1)}: ${line}`;
            if (stream === 'stderr') logger.warn({ workerId: slotId, stream }, msg);
            else logger.info({ workerId: slotId, stream }, msg);
          },
        });
        const app = await buildServer(
          { store, ctx: () => ctx, storeTarget: describeStoreTarget(project.storePath), onRunRequested: () => daemon.wake(), metrics, workers: () => daemon.workerCounts() },
          { allowedHosts: options.allowedHost, storeCheck: storeFile ? () => storeFile.check() : undefined, loggerInstance: logger.child({ component: 'api' }, { level: apiLogLevel(options.logLevel) }) },
        );
        // Listen before the daemon starts: a port that cannot be had must end the command, not leave
        // a daemon running with no API.
        const address = await app.listen({ port: options.port, host: options.host }).catch(async (error: unknown) => {
          await app.close();
          await store.close();
          throw listenError(error, options.host, options.port, (await import('../../domain/errors/index.js')).arcoError);
        });
        // Following from the ledger's end before the daemon appends anything, so its first run is logged.
        const ledgerLog = new LedgerLog(store, logger);
        await ledgerLog.start();
        daemon.start();
        const watcher = options.watch
          ? watchDefinitions(project.definitionsFile, {
              current: () => definitions,
              onReload: (next, change) => {
                if (isEmptyChange(change)) logger.info('definitions reloaded: code changed; no asset, schedule or sensor added, removed or changed');
                else logger.info(describeChange(change));
                definitions = next;
                daemon.definitionsChanged();
              },
              onError: (error) => warn(`definitions not reloaded, still running the last good ones: ${error instanceof Error ? error.message : String(error)}`),
            })
          : undefined;
        const banner = [
          `${color('bold', 'Arco Flow dev')} is running`,
          `  definitions  ${project.definitionsFile} (${definitions.graph.keys.length} assets)`,
          `  store        ${describeStoreTarget(project.storePath)}`,
          `  API          ${address}/api/v1  (OpenAPI: ${address}/api/openapi.json)`,
          `  access       ${access}`,
          `  workers      ${options.workers}`,
          `  metrics      ${address}/metrics (Prometheus)`,
          `  reload       ${options.watch ? 'on: edits to the project folder reload the definitions' : 'off (--no-watch)'}`,
          `Next: arco asset list --url ${address}`,
          `      arco run --select <asset> [--include-upstream] [--partition <key>] --url ${address} --wait`,
          '',
        ].join('\n');
        // A JSON log stays JSON from its first line: the banner is one entry, its address in the message.
        if (options.logFormat === 'json') logger.info({ api: `${address}/api/v1`, definitions: project.definitionsFile, workers: options.workers }, `Arco Flow dev is running: API ${address}/api/v1`);
        else process.stdout.write(banner);
        let stopping = false;
        const stop = async (exitCode: number) => {
          if (stopping) return;
          stopping = true;
          clearInterval(storeWatch);
          logger.info('stopping...');
          watcher?.close();
          await app.close();
          await daemon.stop();
          await ledgerLog.stop();
          await store.close();
          process.exit(exitCode);
        };
        // A deleted or replaced store file: writes are refused at once (storeCheck) and the instance
        // stops, since everything it recorded from now on would vanish with the process.
        const storeWatch = setInterval(() => {
          const problem = storeFile?.check();
          if (!problem) return;
          logger.error(`STORE_UNAVAILABLE: ${problem.message}`);
          void stop(1);
        }, STORE_FILE_CHECK_MS);
        storeWatch.unref();
        process.on('SIGINT', () => void stop(0));
        process.on('SIGTERM', () => void stop(0));
      }),
    );
}
