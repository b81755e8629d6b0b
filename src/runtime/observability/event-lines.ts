/**
 * What an operator reads about an event in the instance's log: one line per run start and end,
 * task failure and retry, cancel, schedule tick, sensor evaluation, automation evaluation and
 * backfill change. Events that carry no news for an operator (heartbeat-like dispatches, each
 * materialization, task log lines) are debug lines or none. A pure mapping: the caller supplies the
 * run an event belongs to when the line needs it (task count, trigger, duration).
 */
import type { EventOf, EventType, StoredEvent } from '../../events/index.js';
import type { RunProjection } from '../../fold/index.js';

export type EventLineLevel = 'debug' | 'info' | 'warn' | 'error';

export interface EventLine {
  readonly level: EventLineLevel;
  readonly msg: string;
  /** Machine-readable fields of the JSON format: runId, scheduleName, status, … */
  readonly fields: Readonly<Record<string, string | number | null>>;
}

type Describe<T extends EventType> = (event: EventOf<T>, run: RunProjection | undefined) => EventLine;

/** Event types whose line needs the run (read by the caller before describing). */
export const EVENT_TYPES_NEEDING_RUN: ReadonlySet<EventType> = new Set(['RunStarted', 'RunFinished']);

function trigger(run: { trigger: RunProjection['trigger'] }): string {
  const detail = run.trigger.detail;
  switch (run.trigger.kind) {
    case 'schedule':
      return `schedule ${detail.scheduleName ?? '?'}`;
    case 'sensor':
      return `sensor ${detail.sensorName ?? '?'}`;
    case 'backfill':
      return `backfill ${detail.backfillId ?? '?'} chunk ${detail.chunkIndex ?? '?'}`;
    case 'rerun':
      return `rerun of ${detail.parentRunId ?? '?'}`;
    default:
      return run.trigger.kind;
  }
}

function tasks(count: number): string {
  return count === 1 ? '1 task' : `${count} tasks`;
}

/** `1.2s`, `3m 05s`: how long a run took, as a person reads it. */
export function formatDuration(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.floor((ms % 60_000) / 1000);
  return minutes < 60 ? `${minutes}m ${String(seconds).padStart(2, '0')}s` : `${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, '0')}m`;
}

function durationOf(run: RunProjection | undefined): number | null {
  if (!run?.finishedAt) return null;
  const from = Date.parse(run.startedAt ?? run.createdAt);
  return Math.max(0, Date.parse(run.finishedAt) - from);
}

function errorText(error: { code: string; message: string } | null): string {
  return error ? `${error.code}: ${error.message}` : 'no error recorded';
}

const DESCRIBE: { readonly [T in EventType]?: Describe<T> } = {
  RunRequested: (e) => ({
    level: 'info',
    msg: `run ${e.payload.runId} QUEUED (${tasks(e.payload.tasks.length)}: ${e.payload.assetKeys.join(', ')}) by ${trigger(e.payload)}`,
    fields: { runId: e.payload.runId, status: 'QUEUED', trigger: e.payload.trigger.kind, tasks: e.payload.tasks.length },
  }),
  RunStarted: (e, run) => ({
    level: 'info',
    msg: run ? `run ${e.payload.runId} STARTED (${tasks(run.tasks.length)}) by ${trigger(run)}` : `run ${e.payload.runId} STARTED`,
    fields: { runId: e.payload.runId, status: 'STARTED', trigger: run?.trigger.kind ?? null, tasks: run?.tasks.length ?? null },
  }),
  RunFinished: (e, run) => {
    const ms = durationOf(run);
    const failed = run ? run.tasks.filter((t) => t.status === 'FAILED').map((t) => t.taskKey) : [];
    return {
      level: e.payload.status === 'SUCCESS' ? 'info' : e.payload.status === 'FAILURE' ? 'error' : 'warn',
      msg: `run ${e.payload.runId} ${e.payload.status}${ms === null ? '' : ` in ${formatDuration(ms)}`}${failed.length ? ` (failed: ${failed.join(', ')})` : ''}`,
      fields: { runId: e.payload.runId, status: e.payload.status, durationMs: ms },
    };
  },
  RunCancelRequested: (e) => ({
    level: 'warn',
    msg: `run ${e.payload.runId} cancel requested: ${e.payload.reason}`,
    fields: { runId: e.payload.runId, reason: e.payload.reason },
  }),
  RunDeleted: (e) => ({ level: 'info', msg: `run ${e.payload.runId} deleted`, fields: { runId: e.payload.runId } }),
  TaskDispatched: (e) => ({
    level: 'debug',
    msg: `run ${e.payload.runId} task ${e.payload.taskKey} attempt ${e.payload.attempt} dispatched to ${e.payload.workerId}`,
    fields: { runId: e.payload.runId, taskKey: e.payload.taskKey, attempt: e.payload.attempt, workerId: e.payload.workerId },
  }),
  TaskAttemptStarted: (e) => ({
    level: 'debug',
    msg: `run ${e.payload.runId} task ${e.payload.taskKey} attempt ${e.payload.attempt} RUNNING on ${e.payload.workerId}`,
    fields: { runId: e.payload.runId, taskKey: e.payload.taskKey, attempt: e.payload.attempt, workerId: e.payload.workerId },
  }),
  TaskAttemptFinished: (e) => {
    const p = e.payload;
    const fields = { runId: p.runId, taskKey: p.taskKey, attempt: p.attempt, outcome: p.outcome, resolution: p.resolution, errorCode: p.error?.code ?? null };
    const where = `run ${p.runId} task ${p.taskKey} attempt ${p.attempt}`;
    if (p.resolution === 'RETRY_WAIT') return { level: 'warn', msg: `${where} FAILED (${errorText(p.error)}); retry at ${p.retryAt ?? 'once due'}`, fields: { ...fields, retryAt: p.retryAt } };
    if (p.outcome === 'FAILED') return { level: 'error', msg: `${where} FAILED (${errorText(p.error)}); no retry left`, fields };
    return { level: 'debug', msg: `${where} ${p.outcome}${p.durationMs === null ? '' : ` in ${formatDuration(p.durationMs)}`}`, fields };
  },
  TaskSkipped: (e) => ({
    level: 'info',
    msg: `run ${e.payload.runId} task ${e.payload.taskKey} SKIPPED: upstream ${e.payload.cause.taskKey} ${e.payload.cause.status}`,
    fields: { runId: e.payload.runId, taskKey: e.payload.taskKey },
  }),
  TaskLogged: (e) => ({
    level: 'debug',
    msg: `run ${e.payload.runId} task ${e.payload.taskKey} ${e.payload.level}: ${e.payload.message}`,
    fields: { runId: e.payload.runId, taskKey: e.payload.taskKey, attempt: e.payload.attempt },
  }),
  AssetMaterialized: (e) => ({
    level: 'debug',
    msg: `asset ${e.payload.assetKey}${e.payload.partitionKey === null ? '' : ` [${e.payload.partitionKey}]`} materialized by run ${e.payload.runId}`,
    fields: { runId: e.payload.runId, assetKey: e.payload.assetKey, partitionKey: e.payload.partitionKey },
  }),
  ScheduleStateChanged: (e) => ({
    level: 'info',
    msg: `schedule ${e.payload.scheduleName} ${e.payload.status}`,
    fields: { scheduleName: e.payload.scheduleName, status: e.payload.status },
  }),
  ScheduleTicked: (e) => {
    const p = e.payload;
    const outcome = p.status === 'SUCCESS' ? `requested run ${p.runId ?? '?'}` : p.status === 'SKIPPED' ? `(${p.skipReason ?? 'no reason given'})` : `(${errorText(p.error)})`;
    return {
      level: p.status === 'FAILURE' ? 'warn' : 'info',
      msg: `schedule ${p.scheduleName} tick ${p.tickLocal} ${p.status} ${outcome}`,
      fields: { scheduleName: p.scheduleName, tickEpochSeconds: p.tickEpochSeconds, status: p.status, runId: p.runId },
    };
  },
  SensorStateChanged: (e) => ({
    level: 'info',
    msg: `sensor ${e.payload.sensorName} ${e.payload.change === 'RESET_CURSOR' ? 'cursor reset' : e.payload.status}`,
    fields: { sensorName: e.payload.sensorName, status: e.payload.status, change: e.payload.change },
  }),
  SensorEvaluated: (e) => {
    const p = e.payload;
    const outcome = p.status === 'SUCCESS' ? `requested ${p.runs.length === 1 ? '1 run' : `${p.runs.length} runs`}` : p.status === 'SKIPPED' ? `(${p.skipReason ?? 'nothing to do'})` : p.status === 'FAILURE' ? `(${errorText(p.error)})` : '(the sensor changed meanwhile; discarded)';
    return {
      level: p.status === 'FAILURE' || p.status === 'STALE' ? 'warn' : 'info',
      msg: `sensor ${p.sensorName} evaluation ${p.status} ${outcome}`,
      fields: { sensorName: p.sensorName, status: p.status, runsRequested: p.runs.length },
    };
  },
  AutomationConditionEvaluated: (e) => {
    const p = e.payload;
    const requested = p.runRequests.length;
    return {
      // Evaluations that request nothing come every interval: news only at debug level.
      level: requested > 0 ? 'info' : 'debug',
      msg: `automation evaluation ${p.evaluationId}: ${p.results.length} assets evaluated, ${requested === 1 ? '1 run' : `${requested} runs`} requested`,
      fields: { evaluationId: p.evaluationId, assetsEvaluated: p.results.length, runsRequested: requested },
    };
  },
  DynamicPartitionsChanged: (e) => ({
    level: 'info',
    msg: `dynamic partitions ${e.payload.name}: ${e.payload.op} ${e.payload.keys.length === 1 ? '1 key' : `${e.payload.keys.length} keys`}`,
    fields: { name: e.payload.name, op: e.payload.op, keys: e.payload.keys.length },
  }),
  BackfillCreated: (e) => ({
    level: 'info',
    msg: `backfill ${e.payload.backfillId} REQUESTED (${e.payload.assetKeys.join(', ')})`,
    fields: { backfillId: e.payload.backfillId, status: 'REQUESTED' },
  }),
  BackfillStateChanged: (e) => ({
    level: e.payload.status === 'FAILED' || e.payload.status === 'COMPLETED_FAILED' ? 'warn' : 'info',
    msg: `backfill ${e.payload.backfillId} ${e.payload.fromStatus} -> ${e.payload.status}${e.payload.reason ? ` (${e.payload.reason})` : ''}${e.payload.error ? ` (${errorText(e.payload.error)})` : ''}`,
    fields: { backfillId: e.payload.backfillId, status: e.payload.status, fromStatus: e.payload.fromStatus },
  }),
  BackfillChunkPlanned: (e) => ({
    level: 'debug',
    msg: `backfill ${e.payload.backfillId} chunk ${e.payload.chunkIndex} planned (${e.payload.partitionCount} partitions)${e.payload.runId ? ` as run ${e.payload.runId}` : ''}`,
    fields: { backfillId: e.payload.backfillId, chunkIndex: e.payload.chunkIndex, runId: e.payload.runId },
  }),
};

/** The line for `event`, or undefined when it is not worth one at any level. */
export function describeEvent(event: StoredEvent, run: RunProjection | undefined): EventLine | undefined {
  const describe = DESCRIBE[event.type] as Describe<EventType> | undefined;
  return describe?.(event as EventOf<EventType>, run);
}
