/**
 * `arco daemon`: the production form of `arco dev` — the daemon, its local worker processes and the
 * HTTP API (CLIs talk to it) on a store named explicitly. Start one on each of
 * several machines sharing a PostgreSQL store: one leads (it holds the leader lease, and every
 * append it makes as leader carries its fencing token), the others stand by and take over within
 * the lease time when it stops. Definitions are not reloaded unless --watch is given: a deployment
 * changes code by restarting daemons.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { portNumber, positiveInt, runAction, type CommonOptions } from '../common.js';
import { color } from '../output.js';
import { accessAtStart, describeChange, listenError, STORE_FILE_CHECK_MS } from './dev.js';

interface DaemonCommandOptions extends CommonOptions {
  readonly db?: string;
  readonly port: number;
  readonly host: string;
  readonly allowedHost: string[];
  readonly workers: number;
  readonly maxConcurrentRuns?: number;
  readonly leaderLeaseMs: number;
  readonly attemptLeaseMs: number;
  readonly watch: boolean;
}

function workerCount(value: string): number {
  const n = Number(value);
  // 0: this daemon runs no user code itself; remote workers (arco worker) run every attempt.
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('--workers must be 0 or a positive integer');
  return n;
}

/** When this process logs: an ISO time first, so lines of several daemons can be merged by time. */
const line = (text: string) => `${new Date().toISOString()} ${text}\n`;

export function daemonCommand(): Command {
  return new Command('daemon')
    .description('run a daemon for production: leader lease with fencing on a shared store, local workers and the HTTP API; start one per machine, the others stand by')
    .option('--project <dir>', 'project folder holding definitions.ts (default: this folder, else the bundled example)')
    .option('-f, --file <file>', 'definitions file to load')
    .addOption(new Option('--db <url>', 'postgres:// URL (or SQLite file) of the store; required').env('ARCO_DB'))
    .option('--port <port>', 'HTTP port (0: any free port)', portNumber, 3000)
    .option('--host <host>', 'HTTP host; an address other than loopback needs an API token in the store first (arco token create)', '127.0.0.1')
    .option('--allowed-host <name>', 'a Host header accepted besides the bound address (repeatable)', (value: string, previous: string[]) => [...previous, value], [])
    .option('--workers <n>', 'local worker processes (0: only remote workers, arco worker, run attempts)', workerCount, 2)
    .option('--max-concurrent-runs <n>', 'runs in progress at once (default: unlimited)', positiveInt('--max-concurrent-runs'))
    .option('--leader-lease-ms <ms>', 'how long the leader lease lasts without renewal: a standby takes over this long after the leader stops', positiveInt('--leader-lease-ms'), 15_000)
    .option('--attempt-lease-ms <ms>', 'an attempt with no heartbeat for this long is lost (its worker or daemon stopped)', positiveInt('--attempt-lease-ms'), 15_000)
    .option('--watch', 'reload the definitions when files of the project change (off by default)', false)
    .addHelpText('after', '\nExamples:\n  arco daemon --db postgres://arco@db.internal/arco --host 0.0.0.0 --workers 4\n  ARCO_DB=postgres://arco@db.internal/arco arco daemon\n  arco instance info --db postgres://arco@db.internal/arco\n')
    .action((options: DaemonCommandOptions, command: Command) =>
      runAction(options, async () => {
        // Never a default: a production daemon on a store nobody named would lead a store of its own.
        if (!options.db) command.error('error: arco daemon needs its store: --db postgres://user@host/db (or a SQLite file), or set $ARCO_DB');
        const [{ buildServer }, { systemClock, createContext, Daemon, loadDefinitions, watchDefinitions, isEmptyChange, InstanceMetrics }, { describeStoreTarget, guardStoreFile, isPostgresUrl, openStore }, { resolveProject }] = await Promise.all([
          import('../../api/index.js'),
          import('../../runtime/index.js'),
          import('../../store/index.js'),
          import('../project.js'),
        ]);
        const project = resolveProject(options);
        let definitions = await loadDefinitions(project.definitionsFile);
        const warn = (m: string) => process.stderr.write(line(`${color('yellow', 'warn')} ${m}`));
        const metrics = new InstanceMetrics({ processMetrics: true });
        // As in `arco dev`: every append of this process is timed, so /metrics has the latency to alert on.
        const store = metrics.instrument(await openStore(project.storePath, { longLived: true, onProblem: warn }));
        const storeFile = isPostgresUrl(project.storePath) ? undefined : guardStoreFile(project.storePath);
        const access = await accessAtStart(store, options.host).catch(async (error: unknown) => {
          await store.close();
          throw error;
        });
        // As in `arco dev`: a hot reload replaces what `definitions` answers, not the context.
        const ctx = Object.defineProperty({ ...createContext(store, systemClock, definitions) }, 'definitions', { get: () => definitions, enumerable: true });
        const daemon = new Daemon(ctx, {
          workers: options.workers,
          maxConcurrentRuns: options.maxConcurrentRuns ?? null,
          leaderLeaseMs: options.leaderLeaseMs,
          attemptLeaseMs: options.attemptLeaseMs,
          onProblem: warn,
          onNotice: (m) => process.stdout.write(line(`${color('green', 'lease')} ${m}`)),
        });
        const target = describeStoreTarget(project.storePath);
        const app = await buildServer(
          { store, ctx: () => ctx, storeTarget: target, onRunRequested: () => daemon.wake(), metrics, workers: () => daemon.workerCounts() },
          { allowedHosts: options.allowedHost, storeCheck: storeFile ? () => storeFile.check() : undefined },
        );
        const address = await app.listen({ port: options.port, host: options.host }).catch(async (error: unknown) => {
          await app.close();
          await store.close();
          throw listenError(error, options.host, options.port, (await import('../../domain/errors/index.js')).arcoError);
        });
        process.stdout.write(
          [
            `${color('bold', 'Arco Flow daemon')} ${daemon.ownerId} is running; it leads if no other daemon holds the lease, else it stands by`,
            `  definitions  ${project.definitionsFile} (${definitions.graph.keys.length} assets)`,
            `  store        ${target}`,
            `  API          ${address}/api/v1`,
            `  access       ${access}`,
            `  workers      ${options.workers}`,
            `  leader lease ${options.leaderLeaseMs} ms`,
            `  reload       ${options.watch ? 'on (--watch)' : 'off'}`,
            '',
          ].join('\n'),
        );
        daemon.start();
        const watcher = options.watch
          ? watchDefinitions(project.definitionsFile, {
              current: () => definitions,
              onReload: (next, change) => {
                process.stdout.write(line(isEmptyChange(change) ? 'definitions reloaded: code changed' : describeChange(change).trimEnd()));
                definitions = next;
                daemon.definitionsChanged();
              },
              onError: (error) => warn(`definitions not reloaded, still running the last good ones: ${error instanceof Error ? error.message : String(error)}`),
            })
          : undefined;
        let stopping = false;
        const stop = async (exitCode: number) => {
          if (stopping) return;
          stopping = true;
          clearInterval(storeWatch);
          process.stdout.write(line('stopping: the leader lease is released, a standby takes over at once'));
          watcher?.close();
          await app.close();
          await daemon.stop();
          await store.close();
          process.exit(exitCode);
        };
        const storeWatch = setInterval(() => {
          const problem = storeFile?.check();
          if (!problem) return;
          process.stderr.write(line(`${color('red', 'error')} STORE_UNAVAILABLE: ${problem.message}`));
          void stop(1);
        }, STORE_FILE_CHECK_MS);
        storeWatch.unref();
        process.on('SIGINT', () => void stop(0));
        process.on('SIGTERM', () => void stop(0));
      }),
    );
}
