/** `arco sensor list|evals|start|stop|reset-cursor|push`: look at and control sensors. */
import { Command, InvalidArgumentError } from 'commander';
import { arcoError } from '../../domain/errors/index.js';
import type { Json } from '../../domain/ids/index.js';
import { positiveInt, runAction, withClient, withClientOptions, type CommonOptions } from '../common.js';
import { color, printJson, printTable, statusColor } from '../output.js';
import type { SensorView } from '../../runtime/index.js';

type EvaluationStatus = 'SUCCESS' | 'SKIPPED' | 'FAILURE' | 'STALE';
const STATUSES: readonly EvaluationStatus[] = ['SUCCESS', 'SKIPPED', 'FAILURE', 'STALE'];

function parseStatuses(value: string): EvaluationStatus[] {
  const statuses = value.split(',').map((s) => s.trim().toUpperCase());
  for (const s of statuses) {
    if (!(STATUSES as readonly string[]).includes(s)) throw new InvalidArgumentError(`unknown evaluation status ${s}; use ${STATUSES.join(', ')}`);
  }
  return statuses as EvaluationStatus[];
}

function integer(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new InvalidArgumentError('--cursor must be an integer');
  return n;
}

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
    .option('--status <list>', 'only evaluations with these statuses, comma-separated (SUCCESS, SKIPPED, FAILURE, STALE)', parseStatuses)
    .option('--limit <n>', 'how many', positiveInt('--limit'), 20)
    .option('--cursor <sequence>', "continue after this entry (the previous page's nextCursor)", integer)
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
  for (const command of [listCommand(), evalsCommand(), statusCommand('start'), statusCommand('stop'), resetCursorCommand(), pushCommand()]) sensor.addCommand(command);
  return sensor;
}
