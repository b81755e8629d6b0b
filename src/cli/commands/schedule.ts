/** `arco schedule list|ticks|preview|start|stop`: look at and control schedules. */
import { Command } from 'commander';
import { arcoError } from '../../domain/errors/index.js';
import type { PreviewResult, ScheduleView } from '../../runtime/index.js';
import { integer, positiveInt, runAction, statusList, withClient, withClientOptions, type CommonOptions } from '../common.js';
import { color, printJson, printTable, statusColor } from '../output.js';

type TickStatus = 'SUCCESS' | 'SKIPPED' | 'FAILURE';
const TICK_STATUSES: readonly TickStatus[] = ['SUCCESS', 'SKIPPED', 'FAILURE'];

const collect = (value: string, previous: string[]): string[] => [...previous, value];

function cronText(s: ScheduleView): string {
  return typeof s.cron === 'string' ? s.cron : s.cron.join(' | ');
}

function listCommand(): Command {
  return withClientOptions(new Command('list'))
    .description('list schedules with their status, next tick and last tick')
    .action((options: CommonOptions) =>
      runAction(options, () =>
        withClient(options, async (client) => {
          const { schedules } = await client.invoke('listSchedules', {});
          if (options.json) return printJson({ schedules });
          printTable(
            ['schedule', 'status', 'cron', 'timezone', 'next tick', 'last tick'],
            schedules.map((s) => [
              s.name,
              s.status === 'RUNNING' ? color('green', s.status) : s.status,
              cronText(s),
              s.timezone,
              s.nextTick?.local ?? '',
              s.lastTick ? `${s.lastTick.local} ${statusColor(s.lastTick.status)}` : '',
            ]),
          );
        }),
      ),
    );
}

function ticksCommand(): Command {
  return withClientOptions(new Command('ticks'))
    .description("a schedule's ticks, newest first: status, run key, run and its status, skip reason or error")
    .argument('<name>')
    .option('--status <list>', 'only these tick statuses, comma-separated (SUCCESS, SKIPPED, FAILURE)', statusList(TICK_STATUSES, 'tick status'))
    .option('--limit <n>', 'how many', positiveInt('--limit'), 20)
    .option('--cursor <epochSeconds>', "continue after this tick (the previous page's nextCursor)", integer('--cursor'))
    .action((name: string, options: CommonOptions & { status?: TickStatus[]; limit: number; cursor?: number }) =>
      runAction(options, () =>
        withClient(options, async (client) => {
          const page = await client.invoke('listScheduleTicks', { name, status: options.status?.join(','), cursor: options.cursor, limit: options.limit });
          if (options.json) return printJson(page);
          printTable(
            ['tick', 'status', 'run', 'run status', 'partition', 'detail'],
            page.ticks.map((t) => [
              t.local,
              statusColor(t.status),
              t.runId ?? '',
              t.runStatus ? statusColor(t.runStatus) : '',
              t.partitionKey ?? '',
              (t.skipReason ?? (t.error ? `${t.error.code}: ${t.error.message}` : '')).slice(0, 100),
            ]),
          );
          if (page.nextCursor !== null) process.stdout.write(color('gray', `more: arco schedule ticks ${name} --cursor ${page.nextCursor}\n`));
        }),
      ),
    );
}

interface PreviewOptions extends CommonOptions {
  readonly cron: string[];
  readonly timezone?: string;
  readonly from?: string;
  readonly count: number;
}

function printPreview(result: PreviewResult, json: boolean): void {
  if (json) return printJson(result);
  for (const tick of result.ticks) process.stdout.write(`${tick}\n`);
}

function previewCommand(): Command {
  return withClientOptions(new Command('preview'))
    .description("the next tick times of a defined schedule, or of --cron in --timezone (DST as Dagster), as local ISO-8601 with UTC offset")
    .argument('[name]', 'a defined schedule')
    .option('--cron <expr>', 'a cron expression instead of a schedule (repeat for a union)', collect, [])
    .option('--timezone <tz>', 'IANA timezone of --cron (default UTC)')
    .option('--from <iso>', 'start here (a tick exactly at FROM is the first); default now')
    .option('--count <n>', 'how many tick times', positiveInt('--count'), 10)
    .addHelpText('after', "\nExamples:\n  arco schedule preview --cron '0 2 * * *' --timezone America/Los_Angeles --from 2026-03-07T00:00:00-08:00 --count 3\n  arco schedule preview nightly --count 5 --json\n")
    .action((name: string | undefined, options: PreviewOptions) =>
      runAction(options, async () => {
        if (options.cron.length > 0) {
          const { parsePreviewFrom, previewCron, systemClock } = await import('../../runtime/index.js');
          if (name !== undefined) throw arcoError('VALIDATION_ERROR', 'give a schedule name or --cron, not both', { field: 'cron' });
          const timezone = options.timezone ?? 'UTC';
          const from = options.from === undefined ? systemClock.now() : parsePreviewFrom(options.from, timezone);
          return printPreview(previewCron(options.cron.length === 1 ? (options.cron[0] as string) : options.cron, timezone, from, options.count), Boolean(options.json));
        }
        if (name === undefined) throw arcoError('VALIDATION_ERROR', 'give a schedule name, or --cron EXPR', { field: 'name' });
        if (options.timezone !== undefined) throw arcoError('VALIDATION_ERROR', '--timezone applies to --cron; a schedule has its own', { field: 'timezone' });
        await withClient(options, async (client) =>
          printPreview(await client.invoke('previewSchedule', { name, from: options.from, count: options.count }), Boolean(options.json)),
        );
      }),
    );
}

function statusCommand(action: 'start' | 'stop'): Command {
  return withClientOptions(new Command(action))
    .description(`${action} a schedule (persisted; overrides its default status${action === 'start' ? '; never ticks for times before now' : ''})`)
    .argument('<name>')
    .action((name: string, options: CommonOptions) =>
      runAction(options, () =>
        withClient(options, async (client) => {
          const schedule = await client.invoke(action === 'start' ? 'startSchedule' : 'stopSchedule', { name });
          if (options.json) return printJson(schedule);
          process.stdout.write(`${schedule.name} ${schedule.status}${schedule.nextTick ? `  next tick ${schedule.nextTick.local}` : ''}\n`);
        }),
      ),
    );
}

export function scheduleCommand(): Command {
  const schedule = new Command('schedule').description('look at and control schedules');
  for (const command of [listCommand(), ticksCommand(), previewCommand(), statusCommand('start'), statusCommand('stop')]) schedule.addCommand(command);
  return schedule;
}
