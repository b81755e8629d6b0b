/** `arco dev`: daemon, worker pool and HTTP API on one machine, storing everything in SQLite. */
import { Command } from 'commander';
import { portNumber, positiveInt, runAction, withProjectOptions, type CommonOptions } from '../common.js';
import { color } from '../output.js';

interface DevOptions extends CommonOptions {
  readonly port: number;
  readonly host: string;
  readonly workers: number;
  readonly maxConcurrentRuns?: number;
}

export function devCommand(): Command {
  return withProjectOptions(new Command('dev'))
    .description('run the daemon, a worker pool and the HTTP API for a project (SQLite by default; --db postgres://… for PostgreSQL)')
    .option('--port <port>', 'HTTP port (0: any free port)', portNumber, 3000)
    .option('--host <host>', 'HTTP host', '127.0.0.1')
    .option('--workers <n>', 'worker processes', positiveInt('--workers'), 2)
    .option('--max-concurrent-runs <n>', 'runs in progress at once (default: unlimited)', positiveInt('--max-concurrent-runs'))
    .addHelpText('after', '\nExample:\n  arco dev --project examples/quickstart --port 3000\n')
    .action((options: DevOptions) =>
      runAction(options, async () => {
        const [{ buildServer }, { systemClock, createContext, Daemon, loadDefinitions }, { describeStoreTarget, openStore }, { resolveProject }] = await Promise.all([
          import('../../api/index.js'),
          import('../../runtime/index.js'),
          import('../../store/index.js'),
          import('../project.js'),
        ]);
        const project = resolveProject(options);
        const definitions = await loadDefinitions(project.definitionsFile);
        const warn = (m: string) => process.stderr.write(`${color('yellow', 'warn')} ${m}\n`);
        const store = await openStore(project.storePath, { longLived: true, onProblem: warn });
        const ctx = createContext(store, systemClock, definitions);
        const daemon = new Daemon(ctx, {
          workers: options.workers,
          maxConcurrentRuns: options.maxConcurrentRuns ?? null,
          onProblem: warn,
        });
        const app = await buildServer({ store, ctx: () => ctx, storeTarget: describeStoreTarget(project.storePath), onRunRequested: () => daemon.wake() });
        daemon.start();
        const address = await app.listen({ port: options.port, host: options.host });
        process.stdout.write(
          [
            `${color('bold', 'Arco Flow dev')} is running`,
            `  definitions  ${project.definitionsFile} (${definitions.graph.keys.length} assets)`,
            `  store        ${describeStoreTarget(project.storePath)}`,
            `  API          ${address}/api/v1  (OpenAPI: ${address}/api/openapi.json)`,
            `  workers      ${options.workers}`,
            `Next: arco asset list --url ${address}`,
            `      arco run --select <asset> [--include-upstream] [--partition <key>] --url ${address} --wait`,
            '',
          ].join('\n'),
        );
        let stopping = false;
        const stop = async () => {
          if (stopping) return;
          stopping = true;
          process.stdout.write('stopping...\n');
          await app.close();
          await daemon.stop();
          await store.close();
          process.exit(0);
        };
        process.on('SIGINT', () => void stop());
        process.on('SIGTERM', () => void stop());
      }),
    );
}
