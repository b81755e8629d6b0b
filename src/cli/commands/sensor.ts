/** `arco sensor list|evals|start|stop|cursor|reset-cursor|preview|push`: look at and control sensors. */
import { Command } from 'commander';
import { arcoError } from '../../domain/errors/index.js';
import type { Json } from '../../domain/ids/index.js';
import { integer, positiveInt, runAction, statusList, withClient, withClientOptions, type CommonOptions } from '../common.js';
import { color, printJson, printTable, statusColor } from '../output.js';
import type { SensorView } from '../../runtime/index.js';

type EvaluationStatus = 'SUCCESS' | 'SKIPPED' | 'FAILURE' | 'STALE';
const STATUSES: readonly EvaluationStatus[] = ['SUCCESS', 'SKIPPED', 'FAILURE', 'STALE'];

const short = (text: string | null, max = 40) => (text === null ? '' : text.length > max ? `${text.slice(0, max - 1)}…` : text);

function printSensor(sensor: SensorView): void {
  process.stdout.write(`${sensor.name} ${sensor.status}  cursor ${sensor.cursor === null ? '(none)' : JSON.stringify(sensor.cursor)}  state version ${sensor.stateVersion}\n`);
}

function listCommand(): Command {
  return withClientOptions(new Command('list'))
    .description('list sensors with status, cursor, last and next evaluation')
    .action((options: CommonOptions) =>
      runAction(options, () =>
        withClient(options, async (client) => {
          const { sensors } = await client.invoke('listSensors', {});
          if (options.json) return printJson({ sensors });
          printTable(
            ['sensor', 'kind', 'status', 'cursor', 'last evaluation', 'next evaluation', 'failures'],
            sensors.map((s) => [
              s.name,
              s.kind,
              s.status === 'RUNNING' ? color('green', s.status) : s.status,
              short(s.cursor),
              s.lastEvaluation ? `${s.lastEvaluation.at} ${statusColor(s.lastEvaluation.status)}` : '',
              s.nextEvaluationAt ?? '',
              s.consecutiveFailures,
            ]),
          );
        }),
      ),
    );
}

function evalsCommand(): Command {
  return withClientOptions(new Command('evals'))
    .description("a sensor's evaluations, newest first: status, runs requested, cursor before and after, duration (and operator changes)")
    .argument('<name>')
    .option('--status <list>', 'only evaluations with these statuses, comma-separated (SUCCESS, SKIPPED, FAILURE, STALE)', statusList(STATUSES, 'evaluation status'))
    .option('--limit <n>', 'how many', positiveInt('--limit'), 20)
    .option('--cursor <sequence>', "continue after this entry (the previous page's nextCursor)", integer('--cursor'))
    .action((name: string, options: CommonOptions & { status?: EvaluationStatus[]; limit: number; cursor?: number }) =>
      runAction(options, () =>
        withClient(options, async (client) => {
          const page = await client.invoke('listSensorEvaluations', { name, status: options.status?.join(','), cursor: options.cursor, limit: options.limit });
          if (options.json) return printJson(page);
          printTable(
            ['at', 'status', 'runs', 'cursor before → after', 'ms', 'detail'],
            page.evaluations.map((e) => [
              e.startedAt,
              e.kind === 'evaluation' ? statusColor(e.status ?? '') : color('gray', e.change ?? ''),
              e.runs.filter((r) => !r.existing).map((r) => r.runId).join(' '),
              `${short(e.cursorBefore, 20)} → ${short(e.cursorAfter, 20)}`,
              e.durationMs,
              short(e.skipReason ?? (e.error ? `${e.error.code}: ${e.error.message}` : null), 80),
            ]),
          );
          if (page.nextCursor !== null) process.stdout.write(color('gray', `more: arco sensor evals ${name} --cursor ${page.nextCursor}\n`));
        }),
      ),
    );
}

function statusCommand(action: 'start' | 'stop'): Command {
  return withClientOptions(new Command(action))
    .description(`${action} a sensor (persisted; overrides its default status)`)
    .argument('<name>')
    .action((name: string, options: CommonOptions) =>
      runAction(options, () =>
        withClient(options, async (client) => {
          const sensor = await client.invoke(action === 'start' ? 'startSensor' : 'stopSensor', { name });
          if (options.json) return printJson(sensor);
          printSensor(sensor);
        }),
      ),
    );
}

function resetCursorCommand(): Command {
  return withClientOptions(new Command('reset-cursor'))
    .description("set a sensor's cursor (without --cursor: clear it); the reset is recorded in its history")
    .argument('<name>')
    .option('--cursor <value>', 'the new cursor')
    .action((name: string, options: CommonOptions & { cursor?: string }) =>
      runAction(options, () =>
        withClient(options, async (client) => {
          const sensor = await client.invoke('resetSensorCursor', { name, cursor: options.cursor ?? null });
          if (options.json) return printJson(sensor);
          printSensor(sensor);
        }),
      ),
    );
}

function cursorCommand(): Command {
  return withClientOptions(new Command('cursor'))
    .description("print a sensor's cursor; --set VALUE sets it and --delete clears it (recorded in its history)")
    .argument('<name>')
    .option('--set <value>', 'the new cursor')
    .option('--delete', 'clear the cursor')
    .action((name: string, options: CommonOptions & { set?: string; delete?: boolean }) =>
      runAction(options, () =>
        withClient(options, async (client) => {
          if (options.set !== undefined && options.delete) throw arcoError('VALIDATION_ERROR', 'give --set or --delete, not both', { field: 'set' });
          const change = options.set !== undefined || options.delete === true;
          const sensor = change ? await client.invoke('resetSensorCursor', { name, cursor: options.set ?? null }) : await client.invoke('getSensor', { name });
          if (options.json) return printJson({ name: sensor.name, cursor: sensor.cursor, stateVersion: sensor.stateVersion });
          process.stdout.write(`${sensor.cursor ?? color('gray', '(none)')}\n`);
        }),
      ),
    );
}

function previewCommand(): Command {
  return withClientOptions(new Command('preview'))
    .description('evaluate a sensor once without recording anything: the runs it would request, its skip reason or error, and the cursor it would set')
    .argument('<name>')
    .option('--cursor <value>', "evaluate from this cursor (default: the sensor's current cursor)")
    .option('--no-cursor', 'evaluate as a sensor without a cursor')
    .action((name: string, options: CommonOptions & { cursor?: string | false }) =>
      runAction(options, () =>
        withClient(options, async (client) => {
          const cursor = options.cursor === false ? null : options.cursor;
          const preview = await client.invoke('previewSensor', { name, ...(cursor === undefined ? {} : { cursor }) });
          if (options.json) return printJson(preview);
          process.stdout.write(`${statusColor(preview.status)} (dry run: nothing recorded)  cursor ${JSON.stringify(preview.cursorBefore)} → ${JSON.stringify(preview.cursorAfter)}\n`);
          if (preview.runRequests.length > 0) {
            printTable(
              ['run key', 'assets', 'partition', 'tags', 'already requested'],
              preview.runRequests.map((r) => [r.runKey ?? '', r.assetKeys.join(','), r.partitionKey ?? '', Object.entries(r.tags).map(([k, v]) => `${k}=${v}`).join(' '), r.alreadyRequested ? 'yes' : '']),
            );
          }
          if (preview.skipReason !== null) process.stdout.write(`skip reason: ${preview.skipReason}\n`);
          if (preview.error !== null) process.stdout.write(`error: ${preview.error.code}: ${preview.error.message}\n`);
          for (const line of preview.logs) process.stdout.write(color('gray', `[${line.level}] ${line.message}\n`));
        }),
      ),
    );
}

function pushCommand(): Command {
  return withClientOptions(new Command('push'))
    .description('push a message to a push sensor; a message id already evaluated has no second effect')
    .argument('<name>')
    .requiredOption('--message-id <id>', 'identifies the message (redeliveries reuse it)')
    .option('--payload <json>', 'the message payload as JSON', 'null')
    .action((name: string, options: CommonOptions & { messageId: string; payload: string }) =>
      runAction(options, async () => {
        let payload: Json;
        try {
          payload = JSON.parse(options.payload) as Json;
        } catch {
          throw arcoError('VALIDATION_ERROR', '--payload must be JSON', { field: 'payload' });
        }
        await withClient(options, async (client) => {
          const outcome = await client.invoke('pushToSensor', { name, messageId: options.messageId, payload });
          if (options.json) return printJson(outcome);
          const e = outcome.evaluation;
          process.stdout.write(`${outcome.duplicate ? 'duplicate message: ' : ''}${statusColor(e.status ?? '')} runs ${e.runs.map((r) => r.runId).join(' ') || '(none)'}\n`);
        });
      }),
    );
}

export function sensorCommand(): Command {
  const sensor = new Command('sensor').description('look at and control sensors');
  for (const command of [listCommand(), evalsCommand(), statusCommand('start'), statusCommand('stop'), cursorCommand(), resetCursorCommand(), previewCommand(), pushCommand()]) sensor.addCommand(command);
  return sensor;
}
