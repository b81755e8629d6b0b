/**
 * `arco worker`: a remote worker. It loads the project's definitions (as a daemon's workers do),
 * registers with a daemon's API (--url, any daemon: leader or standby), heartbeats, claims the
 * attempts the leader dispatches to it and runs them in its own worker processes, reporting over
 * the HTTP worker protocol (docs/worker-protocol.md). Its --token needs the `worker` role (or admin)
 * once the store holds API tokens. With --db instead of --url it makes the same calls in process on
 * the store itself (a host that may reach PostgreSQL but no daemon), as the store's own user.
 */
import { dirname, join } from 'node:path';
import { Command } from 'commander';
import { positiveInt, runAction, type CommonOptions } from '../common.js';
import { color } from '../output.js';

interface WorkerCommandOptions extends CommonOptions {
  readonly slots: number;
  readonly heartbeatTimeoutMs: number;
}

/** How long the API may hold a claim that found nothing (RemoteAgentOptions.claimWaitMs). */
const CLAIM_WAIT_MS = 2_000;

const line = (text: string) => `${new Date().toISOString()} ${text}\n`;

export function workerCommand(): Command {
  return new Command('worker')
    .description("run a remote worker: it registers with a daemon's API, claims the attempts dispatched to it and runs them here with the project's definitions")
    .option('--project <dir>', 'project folder holding definitions.ts (default: this folder, else the bundled example)')
    .option('-f, --file <file>', 'definitions file to load')
    .option('--url <url>', "a daemon's API (any daemon of the store; default: $ARCO_URL)")
    .option('--db <url>', 'the store itself instead of an API: a postgres:// URL (or a SQLite file on this machine)')
    .option('--token <token>', 'API token with the worker role (default: $ARCO_TOKEN)')
    .option('--slots <n>', 'attempts run at once (one worker process each)', positiveInt('--slots'), 1)
    .option('--heartbeat-timeout-ms <ms>', 'silent for longer than this, the worker is declared lost and its attempts are retried elsewhere', positiveInt('--heartbeat-timeout-ms'), 15_000)
    .addHelpText('after', '\nExamples:\n  arco worker --url http://daemon.internal:3000 --token $WORKER_TOKEN --slots 4\n  ARCO_URL=http://daemon:3000 ARCO_TOKEN=... arco worker --project ./pipelines\n  arco worker --db postgres://arco@db.internal/arco --slots 4\n')
    .action((options: WorkerCommandOptions, command: Command) =>
      runAction(options, async () => {
        if (options.url !== undefined && options.db !== undefined) command.error('error: --url and --db name two ways to reach the control plane; give one');
        const url = options.db === undefined ? (options.url ?? process.env['ARCO_URL']) : undefined;
        if (options.db === undefined && !url) command.error('error: arco worker needs a control plane to talk to: --url http://daemon:3000 (or set $ARCO_URL), or --db postgres://…');
        if (options.heartbeatTimeoutMs < 500) command.error('error: --heartbeat-timeout-ms must be at least 500');
        const [{ HttpClient, LocalClient, tokenOf }, { resolveProject }, { loadDefinitions, RemoteWorkerAgent }] = await Promise.all([
          import('../client.js'),
          import('../project.js'),
          import('../../runtime/index.js'),
        ]);
        const project = resolveProject(options);
        // Loaded here first so a broken definitions file stops the worker before it registers.
        const definitions = await loadDefinitions(project.definitionsFile);
        // A call unanswered for this long (a cut link) fails and is retried, instead of hanging the worker.
        const callTimeoutMs = Math.max(1_000, Math.min(10_000, options.heartbeatTimeoutMs));
        const client = url === undefined ? new LocalClient(project) : new HttpClient(url, tokenOf(options), callTimeoutMs);
        const agent = new RemoteWorkerAgent({
          definitionsFile: project.definitionsFile,
          slots: options.slots,
          // Well inside the call's timeout, so a held claim is never taken for a cut link.
          claimWaitMs: Math.min(CLAIM_WAIT_MS, Math.floor(callTimeoutMs / 3)),
          heartbeatTimeoutMs: options.heartbeatTimeoutMs,
          spoolDir: join(dirname(project.definitionsFile), '.arco', 'remote-results'),
          client: {
            registerWorker: (input) => client.invoke('registerWorker', input),
            workerHeartbeat: (input) => client.invoke('workerHeartbeat', input),
            claimAttempts: (input) => client.invoke('claimAttempts', input),
            reportAttemptStarted: (input) => client.invoke('reportAttemptStarted', input),
            reportAttemptLogs: (input) => client.invoke('reportAttemptLogs', input),
            reportAttemptFinished: (input) => client.invoke('reportAttemptFinished', input),
            unregisterWorker: (input) => client.invoke('unregisterWorker', input),
          },
          onProblem: (m) => process.stderr.write(line(`${color('yellow', 'warn')} ${m}`)),
          onNotice: (m) => process.stdout.write(line(m)),
        });
        await agent.start();
        process.stdout.write(
          [
            `${color('bold', 'Arco Flow worker')} ${agent.workerId} is running`,
            `  definitions  ${project.definitionsFile} (${definitions.graph.keys.length} assets)`,
            url === undefined ? `  store        ${project.storePath}` : `  API          ${url}`,
            `  slots        ${options.slots}`,
            `  heartbeat    lost after ${options.heartbeatTimeoutMs} ms of silence`,
            '',
          ].join('\n'),
        );
        let stopping = false;
        const stop = async () => {
          if (stopping) return;
          stopping = true;
          process.stdout.write(line('stopping: running attempts finish and report (30 s at most), then the worker unregisters'));
          await agent.stop(30_000);
          await client.close();
          process.exit(0);
        };
        process.on('SIGINT', () => void stop());
        process.on('SIGTERM', () => void stop());
      }),
    );
}
