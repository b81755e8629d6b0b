/** `arco run`: request a run of selected assets, optionally wait for it and exit with its outcome. */
import { Command, InvalidArgumentError } from 'commander';
import { SingleBar } from 'cli-progress';
import { isTerminalRun, isTerminalTask } from '../../domain/runs/index.js';
import type { Json } from '../../domain/ids/index.js';
import { isArcoError } from '../../domain/errors/index.js';
import type { RunProjection } from '../../fold/index.js';
import { connectionFor, parseTag, positiveInt, runAction, withLocalDaemon, withClient, withClientOptions, type Client, type CommonOptions } from '../common.js';
import { color, isTty, printJson } from '../output.js';
import { printRunDetail, runView } from '../views.js';
import { runDeleteCommand } from './run-delete.js';

interface RunOptions extends CommonOptions {
  readonly select?: string;
  readonly rerun?: string;
  readonly fromFailure?: boolean;
  readonly all?: boolean;
  readonly includeUpstream?: boolean;
  readonly includeDownstream?: boolean;
  readonly partition?: string;
  readonly runKey?: string;
  readonly tag: Record<string, string>;
  readonly config?: Json;
  readonly wait?: boolean;
  readonly workers: number;
  readonly staleOnly?: boolean;
  readonly includeExternal?: boolean;
  readonly check: string[];
}

/** How often `--wait` looks at the run: a read of one run, cheap next to the end it waits for. */
const WAIT_POLL_MS = 50;

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function parseConfig(value: string): Json {
  try {
    return JSON.parse(value) as Json;
  } catch {
    throw new InvalidArgumentError('--config must be JSON');
  }
}

export function runCommand(): Command {
  return withClientOptions(new Command('run'))
    .addCommand(runDeleteCommand())
    .description('request a run of the selected assets (exactly the selection, plus closures you ask for)')
    .option('-s, --select <selection>', 'asset selection, e.g. "clean/events", "key:raw/*", "+key:marts/orders"')
    .option('--rerun <runId>', 'rerun a finished run: with --from-failure, --all, or --select for a subset of its assets')
    .option('--from-failure', 'with --rerun: only the tasks that did not succeed')
    .option('--all', 'with --rerun: every task of the run again, whatever its outcome')
    .option('--include-upstream', 'also run every upstream asset of the selection')
    .option('--include-downstream', 'also run every downstream asset of the selection')
    .option('--include-external', 'let *, group:, tag: and traversals select external assets too (a run still reads them as they are)')
    .option('--partition <key>', 'partition key, START...END range, a,b, or status:MISSING,FAILED (the partitions in those statuses now) to materialize')
    .option('--run-key <key>', 'idempotency identity: the same key and parameters return the same run')
    .option('--tag <key=value>', 'run tag (repeatable)', parseTag, {})
    .option('--config <json>', 'run config as JSON', parseConfig)
    .option('--check <asset#name>', 'also evaluate this asset check without materializing its asset (repeatable); the selected assets run with their checks anyway', collect, [])
    .option('--stale-only', 'materialize only the STALE and MISSING assets (and partitions) of the selection; nothing stale requests no run')
    .option('--wait', 'wait until the run ends; exit 0 on SUCCESS, 1 otherwise')
    .option('--workers <n>', 'worker processes when running the work itself (no --url)', positiveInt('--workers'), 2)
    .addHelpText(
      'after',
      '\nExamples:\n  arco run --project ./my-project --select clean/events --include-upstream --wait\n  arco run --select \'key:marts/*\' --url http://127.0.0.1:3000 --json\n  arco run --select \'group:daily\' --partition 2026-11-01...2026-11-07 --wait\n  arco run --rerun RUN_ID --from-failure --wait\n  arco run --rerun RUN_ID --all --wait\n',
    )
    .action((options: RunOptions) =>
      runAction(options, async () => {
        // Where the run goes is decided first, with light modules only: when this process is to
        // execute it, its workers start now and load the definitions while this process imports
        // the runtime, opens the store, loads the same definitions and requests the run.
        const connection = await connectionFor(options);
        let early: typeof import('../../runtime/worker/index.js') | undefined;
        if (options.wait && connection.kind === 'local') {
          early = await import('../../runtime/worker/index.js');
          early.startWorkersEarly(connection.project.definitionsFile, options.workers);
        }
        try {
          await withClient(options, (client) => runBody(client, options), connection);
        } finally {
          // Workers no pool took (the command failed before it needed them).
          early?.stopEarlyWorkers();
        }
      }),
    );
}

/** Requests the run, waits for it with --wait, and prints it. */
async function runBody(client: Client, options: RunOptions): Promise<void> {
    let requested: Awaited<ReturnType<typeof request>>;
    try {
      requested = await request(client, options);
    } catch (error) {
      // As Dagster's "materialize changed and missing": nothing stale is not a failure.
      if (isArcoError(error) && error.code === 'NOTHING_STALE') return reportNothingStale(options, error.details ?? {});
      throw error;
    }
    const { run, existing } = requested;
    const expanded = requested.selectionExpanded ?? [];
    const final = options.wait ? await waitForRun(client, run, options) : run;
    if (options.json) printJson({ ...runView(final, existing), ...(expanded.length > 0 ? { selectionExpanded: expanded } : {}) });
    else {
      // As Dagster: one output of a multi-asset that cannot be subset brings the others along.
      for (const e of expanded) process.stdout.write(`multi-asset ${e.multiAsset} cannot be subset: also materializing ${e.added.join(', ')}\n`);
      // A run key names one run for good: say so, or a repeat looks like a fresh run.
      if (existing) process.stdout.write(color('gray', `existing run for run key ${run.runKey ?? options.runKey ?? ''}: nothing new was requested\n`));
      printRunDetail(final);
    }
    if (options.wait && final.status !== 'SUCCESS' && process.exitCode === undefined) process.exitCode = 1;
}

async function request(client: Client, options: RunOptions) {
  if (options.rerun !== undefined) {
    const modes = [options.fromFailure, options.all, options.select !== undefined].filter(Boolean).length;
    if (modes !== 1) throw new InvalidArgumentError('--rerun needs exactly one of --from-failure, --all or --select');
    return client.invoke('rerun', {
      runId: options.rerun,
      mode: options.fromFailure ? 'fromFailure' : options.all ? 'all' : 'subset',
      selection: options.select,
      includeUpstream: Boolean(options.includeUpstream),
      includeDownstream: Boolean(options.includeDownstream),
    });
  }
  if (options.select === undefined && options.check.length === 0) throw new InvalidArgumentError('--select or --check is required (or --rerun RUN_ID)');
  return client.invoke('requestRun', {
    selection: options.select,
    ...(options.check.length > 0 ? { checks: options.check } : {}),
    includeUpstream: Boolean(options.includeUpstream),
    includeDownstream: Boolean(options.includeDownstream),
    partition: options.partition ?? null,
    runKey: options.runKey ?? null,
    tags: options.tag,
    config: options.config ?? {},
    staleOnly: Boolean(options.staleOnly),
    includeExternal: Boolean(options.includeExternal),
  });
}

function reportNothingStale(options: RunOptions, details: Readonly<Record<string, unknown>>): void {
  if (options.json) printJson({ run: null, existing: false, nothingStale: true, assets: details['assets'] ?? [] });
  else process.stdout.write('nothing is stale or missing in the selection: no run was requested\n');
}

/**
 * Waits for the run to end. Without --url this process also runs a daemon: it executes the run
 * unless another daemon (a running `arco dev`) already leads, in which case it just waits.
 */
async function waitForRun(client: Client, run: RunProjection, options: RunOptions): Promise<RunProjection> {
  const { LocalClient } = await import('../client.js');
  return withLocalDaemon(client, options.workers, () => follow(client, run, options, client instanceof LocalClient));
}

/** Exit status after Ctrl-C, as shells report a process ended by SIGINT. */
const INTERRUPTED_EXIT = 130;

/**
 * Follows the run to its end. Ctrl-C while this process executes the run (no `arco dev` serves
 * the project) cancels it and waits for the cancel to land, so the run is not left STARTED with
 * nobody to finish it; over --url the server's daemon keeps running it and Ctrl-C only stops
 * waiting. A second Ctrl-C stops waiting at once.
 */
async function follow(client: Client, run: RunProjection, options: RunOptions, executesHere: boolean): Promise<RunProjection> {
  const bar = !options.json && isTty() ? new SingleBar({ format: 'run {bar} {value}/{total} tasks  {status}' }) : undefined;
  bar?.start(run.tasks.length, 0, { status: run.status });
  let interrupts = 0;
  const onInterrupt = () => {
    interrupts += 1;
    bar?.stop();
    if (!executesHere || interrupts > 1) {
      const where = executesHere ? 'it stays as it is until a daemon recovers it' : 'the server keeps running it';
      process.stderr.write(`\nstopped waiting for run ${run.runId}: ${where} (arco cancel ${run.runId} to stop it)\n`);
      process.exit(INTERRUPTED_EXIT);
    }
    process.stderr.write(`\ncanceling run ${run.runId} (Ctrl-C again to stop waiting)\n`);
    client.invoke('cancelRun', { runId: run.runId, reason: 'canceled by Ctrl-C in arco run --wait' }).catch((error: unknown) => {
      process.stderr.write(`could not cancel run ${run.runId}: ${error instanceof Error ? error.message : String(error)}\n`);
    });
  };
  process.on('SIGINT', onInterrupt);
  try {
    let current = run;
    while (!isTerminalRun(current.status)) {
      await new Promise((resolve) => setTimeout(resolve, WAIT_POLL_MS));
      current = await client.invoke('getRun', { runId: run.runId });
      bar?.update(current.tasks.filter((t) => isTerminalTask(t.status)).length, { status: current.status });
    }
    if (interrupts > 0) process.exitCode = INTERRUPTED_EXIT;
    return current;
  } finally {
    process.off('SIGINT', onInterrupt);
    bar?.stop();
  }
}
