/** `arco runs`, `arco status`, `arco logs`, `arco cancel`: look at and control runs. */
import { Command, Option } from 'commander';
import { RUN_STATUSES, isTerminalRun, type RunStatus } from '../../domain/runs/index.js';
import type { LogLine } from '../../fold/index.js';
import { positiveInt, runAction, statusList, withClient, withClientOptions, type CommonOptions } from '../common.js';
import { color, printJson, printTable, statusColor } from '../output.js';
import { printRunDetail, runView } from '../views.js';

type TriggerKind = 'manual' | 'schedule' | 'sensor' | 'backfill' | 'rerun' | 'automation';

/** How often `arco logs --follow` asks for new lines. */
const FOLLOW_POLL_MS = 300;

export function runsCommand(): Command {
  return withClientOptions(new Command('runs'))
    .description('list runs, newest first')
    .option('--status <list>', 'only these statuses, comma-separated', statusList(RUN_STATUSES, 'status'))
    .option('--limit <n>', 'how many', positiveInt('--limit'), 20)
    .option('--tag <key=value>', 'only runs with this tag, e.g. arco/schedule_name=daily (repeat: all must match)', (value: string, previous: string[] = []) => [...previous, value])
    .option('--asset <key>', 'only runs that materialize this asset')
    .option('--since <time>', 'only runs created at or after: ISO-8601, or 90m / 12h / 7d ago')
    .option('--until <time>', 'only runs created before: ISO-8601, or 90m / 12h / 7d ago')
    .addOption(new Option('--trigger <kind>', 'only runs started this way').choices(['manual', 'schedule', 'sensor', 'backfill', 'rerun', 'automation']))
    .option('--cursor <runId>', 'continue after this run (the previous page\'s nextCursor)')
    .addHelpText('after', '\nExamples:\n  arco runs --status FAILURE --since 24h\n  arco runs --asset orders --trigger schedule --tag team=data\n')
    .action((options: CommonOptions & { status?: RunStatus[]; tag?: string[]; asset?: string; since?: string; until?: string; trigger?: TriggerKind; limit: number; cursor?: string }) =>
      runAction(options, () =>
        withClient(options, async (client) => {
          const page = await client.invoke('listRuns', {
            status: options.status?.join(','),
            tag: options.tag,
            asset: options.asset,
            since: options.since,
            until: options.until,
            trigger: options.trigger,
            limit: options.limit,
            cursor: options.cursor,
          });
          if (options.json) return printJson({ runs: page.runs.map((r) => runView(r)), nextCursor: page.nextCursor });
          printTable(
            ['run', 'status', 'created', 'trigger', 'assets'],
            page.runs.map((r) => [r.runId, statusColor(r.status), r.createdAt, r.trigger.kind, summarize(r.assetKeys)]),
          );
          if (page.nextCursor) process.stdout.write(color('gray', `more: arco runs --cursor ${page.nextCursor}\n`));
        }),
      ),
    );
}

function summarize(keys: readonly string[]): string {
  return keys.length <= 3 ? keys.join(', ') : `${keys.slice(0, 3).join(', ')} +${keys.length - 3}`;
}

export function statusCommand(): Command {
  return withClientOptions(new Command('status'))
    .description('show a run: its tasks, attempts, errors, retries and skips')
    .argument('<runId>')
    .action((runId: string, options: CommonOptions) =>
      runAction(options, () =>
        withClient(options, async (client) => {
          const run = await client.invoke('getRun', { runId });
          if (options.json) printJson(runView(run));
          else printRunDetail(run);
        }),
      ),
    );
}

function printLog(line: LogLine, json: boolean): void {
  if (json) process.stdout.write(`${JSON.stringify(line)}\n`);
  else process.stdout.write(`${color('gray', line.loggedAt)} ${line.level.toUpperCase().padEnd(5)} ${line.taskKey} #${line.attempt}  ${line.message}\n`);
}

export function logsCommand(): Command {
  return withClientOptions(new Command('logs'))
    .description("print a run's log lines (--json: one JSON object per line)")
    .argument('<runId>')
    .option('--follow', 'keep printing new lines until the run ends')
    .action((runId: string, options: CommonOptions & { follow?: boolean }) =>
      runAction(options, () =>
        withClient(options, async (client) => {
          let after = 0;
          for (;;) {
            const page = await client.invoke('listRunLogs', { runId, after });
            for (const line of page.logs) printLog(line, Boolean(options.json));
            after = page.nextAfter;
            if (page.logs.length > 0) continue;
            if (!options.follow || isTerminalRun((await client.invoke('getRun', { runId })).status)) break;
            await new Promise((resolve) => setTimeout(resolve, FOLLOW_POLL_MS));
          }
        }),
      ),
    );
}

export function cancelCommand(): Command {
  return withClientOptions(new Command('cancel'))
    .description('cancel a run: queued tasks are canceled, running ones are asked to stop')
    .argument('<runId>')
    .action((runId: string, options: CommonOptions) =>
      runAction(options, () =>
        withClient(options, async (client) => {
          const run = await client.invoke('cancelRun', { runId });
          if (options.json) printJson(runView(run));
          else process.stdout.write(`${run.runId} ${statusColor(run.status)}\n`);
        }),
      ),
    );
}
