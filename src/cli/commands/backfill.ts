/** `arco backfill create|list|status|pause|resume|cancel|retry`: partitions re-run in chunk runs. */
import { Command } from 'commander';
import { SingleBar } from 'cli-progress';
import type { BackfillStatusView, BackfillView } from '../../runtime/index.js';
import { parseTag, positiveInt, runAction, statusList, withLocalDaemon, withClient, withClientOptions, type Client, type CommonOptions } from '../common.js';
import { color, isTty, printJson, printTable, statusColor } from '../output.js';

const STATUSES = ['REQUESTED', 'PAUSED', 'CANCELING', 'CANCELED', 'COMPLETED_SUCCESS', 'COMPLETED_FAILED', 'FAILED'] as const;
const TERMINAL: readonly string[] = ['CANCELED', 'COMPLETED_SUCCESS', 'COMPLETED_FAILED', 'FAILED'];
/** How often a watched backfill is read again. */
const WATCH_POLL_MS = 1_000;

function policyText(b: BackfillView): string {
  return b.policy.kind === 'singleRun' ? 'single-run' : `multi-run:${b.policy.partitionsPerRun}`;
}

const count = (n: number) => n.toLocaleString('en');

function countsLine(b: BackfillView): string {
  const c = b.counts;
  const parts = [`${count(c.total)} partition${c.total === 1 ? '' : 's'}`, `${count(c.materialized)} materialized`];
  if (c.failed) parts.push(color('red', `${count(c.failed)} failed`));
  if (c.skipped) parts.push(color('yellow', `${count(c.skipped)} skipped`));
  if (c.canceled) parts.push(color('yellow', `${count(c.canceled)} canceled`));
  parts.push(`${count(c.inProgress)} in progress`, `${count(c.notStarted)} not started`);
  return parts.join(' · ');
}

function printBackfill(b: BackfillView): void {
  process.stdout.write(
    [
      `${b.backfillId} ${statusColor(b.status)}  ${policyText(b)}, at most ${b.maxConcurrentRuns} runs at once`,
      `  assets      ${b.assetKeys.join(', ')}`,
      `  partitions  ${countsLine(b)}`,
      `  runs        ${b.chunksFinished}/${b.chunksPlanned} chunk runs finished, ${b.runsInFlight.length} in flight`,
      ...(b.parentBackfillId ? [`  retry of    ${b.parentBackfillId}`] : []),
      ...(b.error ? [`  error       ${b.error.code}: ${b.error.message}`] : []),
      '',
    ].join('\n'),
  );
}

function printStatus(view: BackfillStatusView): void {
  printBackfill(view.backfill);
  for (const asset of view.assets) {
    process.stdout.write(`${color('bold', asset.assetKey)}\n`);
    for (const r of asset.ranges) process.stdout.write(`  ${r.range}: ${stateColor(r.state)}\n`);
    if (asset.rangesTruncated) process.stdout.write(color('gray', '  … more ranges (--ranges N)\n'));
  }
}

function stateColor(state: string): string {
  if (state === 'materialized') return color('green', state);
  if (state === 'failed') return color('red', state);
  if (state === 'skipped' || state === 'canceled') return color('yellow', state);
  return state;
}

/** Follows a backfill until it ends: a progress bar on a terminal, one line per change elsewhere. */
async function watch(client: Client, backfillId: string, json: boolean): Promise<BackfillView> {
  let view = await client.invoke('getBackfill', { backfillId });
  const bar = !json && isTty() ? new SingleBar({ format: 'backfill {bar} {value}/{total} partitions | {inFlight} runs in flight | {status} | ETA {eta_formatted}', etaBuffer: 50 }) : undefined;
  const done = (b: BackfillView) => b.counts.materialized + b.counts.failed + b.counts.skipped + b.counts.canceled;
  bar?.start(view.counts.total, done(view), { inFlight: view.runsInFlight.length, status: view.status });
  let last = '';
  try {
    for (;;) {
      const line = `${view.status} ${done(view)}/${view.counts.total} partitions done, ${view.runsInFlight.length} runs in flight`;
      if (!bar && !json && line !== last) process.stderr.write(`${line}\n`);
      last = line;
      if (TERMINAL.includes(view.status)) return view;
      await new Promise((resolve) => setTimeout(resolve, WATCH_POLL_MS));
      view = await client.invoke('getBackfill', { backfillId });
      bar?.update(done(view), { inFlight: view.runsInFlight.length, status: view.status });
    }
  } finally {
    bar?.stop();
  }
}

interface CreateOptions extends CommonOptions {
  readonly select: string;
  readonly partition?: string;
  readonly policy?: string;
  readonly maxConcurrentRuns?: number;
  readonly tag: Record<string, string>;
  readonly requestId?: string;
  readonly fromStatus?: string;
  readonly wait?: boolean;
  readonly workers: number;
}

function createCommand(): Command {
  return withClientOptions(new Command('create'))
    .description('create a backfill: the selected assets over the partitions a selector names, in chunk runs')
    .requiredOption('-s, --select <selection>', 'asset selection, e.g. "group:daily" or "key:events/*"')
    .option('--partition <selector>', 'KEY, START...END, a,b or status:MISSING,FAILED (default: every partition)')
    .option('--from-status <statuses>', 'only the partitions (of --partition) now in these statuses: MISSING, FAILED, MATERIALIZED, IN_PROGRESS, comma-separated')
    .option('--policy <policy>', 'multi-run:N (at most N partitions per run) or single-run (one run for all)', 'multi-run:1')
    .option('--max-concurrent-runs <n>', 'chunk runs in flight at once (default 10)', positiveInt('--max-concurrent-runs'))
    .option('--tag <key=value>', 'tag for every run of the backfill (repeatable)', parseTag, {})
    .option('--request-id <id>', 'the same id again returns the same backfill instead of a second one')
    .option('--wait', 'follow it to the end; exit 0 on COMPLETED_SUCCESS, 1 otherwise')
    .option('--workers <n>', 'worker processes when running it here (no arco dev)', positiveInt('--workers'), 2)
    .addHelpText(
      'after',
      '\nExamples:\n  arco backfill create --select events/daily --partition 2024-01-01...2024-12-31 --policy multi-run:10\n  arco backfill create --select \'group:daily\' --policy single-run --wait\n  arco backfill create --select events/daily --partition \'status:MISSING,FAILED\'\n',
    )
    .action((options: CreateOptions) =>
      runAction(options, () =>
        withClient(options, async (client) => {
          const { backfill, existing } = await client.invoke('createBackfill', {
            selection: options.select,
            partition: options.partition ?? { kind: 'all' },
            policy: options.policy,
            maxConcurrentRuns: options.maxConcurrentRuns,
            tags: options.tag,
            requestId: options.requestId,
            fromStatus: options.fromStatus,
          });
          const final = options.wait ? await withLocalDaemon(client, options.workers, () => watch(client, backfill.backfillId, Boolean(options.json))) : backfill;
          if (options.json) printJson({ backfill: final, existing });
          else {
            if (existing) process.stdout.write(color('gray', `existing backfill for request ${backfill.clientRequestId}\n`));
            printBackfill(final);
          }
          if (options.wait && final.status !== 'COMPLETED_SUCCESS') process.exitCode = 1;
        }),
      ),
    );
}

function listCommand(): Command {
  return withClientOptions(new Command('list'))
    .description('list backfills, newest first')
    .option('--status <list>', `only these statuses, comma-separated (${STATUSES.join(', ')})`, statusList(STATUSES, 'backfill status'))
    .option('--limit <n>', 'how many', positiveInt('--limit'), 20)
    .option('--cursor <backfillId>', "continue after this backfill (the previous page's nextCursor)")
    .action((options: CommonOptions & { status?: string[]; limit: number; cursor?: string }) =>
      runAction(options, () =>
        withClient(options, async (client) => {
          const page = await client.invoke('listBackfills', { status: options.status?.join(','), limit: options.limit, cursor: options.cursor });
          if (options.json) return printJson(page);
          printTable(
            ['backfill', 'status', 'assets', 'materialized', 'failed', 'runs in flight', 'created'],
            page.backfills.map((b) => [
              b.backfillId,
              statusColor(b.status),
              b.assetKeys.length <= 2 ? b.assetKeys.join(', ') : `${b.assetKeys.slice(0, 2).join(', ')} +${b.assetKeys.length - 2}`,
              `${count(b.counts.materialized)}/${count(b.counts.total)}`,
              b.counts.failed,
              b.runsInFlight.length,
              b.createdAt,
            ]),
          );
          if (page.nextCursor) process.stdout.write(color('gray', `more: arco backfill list --cursor ${page.nextCursor}\n`));
        }),
      ),
    );
}

function statusCommand(): Command {
  return withClientOptions(new Command('status'))
    .description('a backfill: counts per state and, per asset, the key ranges in each state')
    .argument('<backfillId>')
    .option('--ranges <n>', 'key ranges shown per asset at most', positiveInt('--ranges'), 50)
    .option('--watch', 'follow it with a progress bar until it ends')
    .action((backfillId: string, options: CommonOptions & { ranges: number; watch?: boolean }) =>
      runAction(options, () =>
        withClient(options, async (client) => {
          if (options.watch) await watch(client, backfillId, Boolean(options.json));
          const view = await client.invoke('getBackfillStatus', { backfillId, rangesMax: options.ranges });
          if (options.json) return printJson(view);
          printStatus(view);
        }),
      ),
    );
}

function commandCommand(action: 'pause' | 'resume' | 'cancel', description: string): Command {
  return withClientOptions(new Command(action))
    .description(description)
    .argument('<backfillId>')
    .option('--state-version <n>', 'refuse unless the backfill is still at this state version (BACKFILL_STATE_CONFLICT)', positiveInt('--state-version'))
    .action((backfillId: string, options: CommonOptions & { stateVersion?: number }) =>
      runAction(options, () =>
        withClient(options, async (client) => {
          const input = { backfillId, expectedStateVersion: options.stateVersion };
          const view = await client.invoke(action === 'pause' ? 'pauseBackfill' : action === 'resume' ? 'resumeBackfill' : 'cancelBackfill', input);
          if (options.json) return printJson(view);
          printBackfill(view);
        }),
      ),
    );
}

function retryCommand(): Command {
  return withClientOptions(new Command('retry'))
    .description('a new backfill over exactly the failed and never-materialized partitions of a finished one')
    .argument('<backfillId>')
    .option('--request-id <id>', 'the same id again returns the same retry')
    .action((backfillId: string, options: CommonOptions & { requestId?: string }) =>
      runAction(options, () =>
        withClient(options, async (client) => {
          const outcome = await client.invoke('retryBackfill', { backfillId, requestId: options.requestId });
          if (options.json) return printJson(outcome);
          printBackfill(outcome.backfill);
        }),
      ),
    );
}

export function backfillCommand(): Command {
  const backfill = new Command('backfill').description('re-run the partitions of assets in chunk runs: create, follow, pause, resume, cancel, retry');
  for (const command of [
    createCommand(),
    listCommand(),
    statusCommand(),
    commandCommand('pause', 'pause a backfill: no new chunk runs; runs in flight finish'),
    commandCommand('resume', 'resume a paused backfill where it stopped'),
    commandCommand('cancel', 'cancel a backfill: its runs in flight are canceled, then it is CANCELED'),
    retryCommand(),
  ]) {
    backfill.addCommand(command);
  }
  return backfill;
}
