/**
 * The `runs` projection: one document per run holding its tasks and attempts. Task states follow
 * the coordinator's decisions recorded in events; the only state the fold derives itself is
 * BLOCKED -> READY, which is a pure consequence of every upstream task in the run having succeeded.
 */
import { InvariantError } from '../domain/errors/index.js';
import type { EventOf, EventType } from '../events/index.js';
import { defineFamily, IGNORE, type Handler } from './family.js';
import {
  runProjectionSchema,
  type AttemptProjection,
  type RunProjection,
  type TaskProjection,
} from './run-projection.js';

type RunHandler<T extends EventType> = Handler<RunProjection, EventOf<T>>;

const byRunId = (event: { payload: { runId: string } }): readonly string[] => [event.payload.runId];

function existing(row: RunProjection | undefined, runId: string, type: string): RunProjection {
  if (!row) throw new InvariantError(`run ${runId} to exist before ${type}`, 'no such run');
  return row;
}

/** A copy of the run with one task replaced, bumped version and timestamp. */
function withTask(run: RunProjection, taskKey: string, at: string, change: (task: TaskProjection) => TaskProjection): RunProjection {
  const index = run.tasks.findIndex((t) => t.taskKey === taskKey);
  if (index === -1) throw new InvariantError(`task ${taskKey} in run ${run.runId}`, 'no such task');
  const tasks = run.tasks.slice();
  tasks[index] = change(tasks[index] as TaskProjection);
  return { ...run, tasks, version: run.version + 1, updatedAt: at };
}

function withAttempt(task: TaskProjection, attempt: number, change: (a: AttemptProjection) => AttemptProjection): TaskProjection {
  return { ...task, attempts: task.attempts.map((a) => (a.attempt === attempt ? change(a) : a)) };
}

/** BLOCKED tasks whose in-run upstream tasks have all succeeded become READY. */
function unblock(run: RunProjection): RunProjection {
  const succeeded = new Set(run.tasks.filter((t) => t.status === 'SUCCEEDED').map((t) => t.taskKey));
  let changed = false;
  const tasks = run.tasks.map((t) => {
    if (t.status !== 'BLOCKED' || !t.deps.every((d) => succeeded.has(d))) return t;
    changed = true;
    return { ...t, status: 'READY' as const };
  });
  return changed ? { ...run, tasks } : run;
}

const runRequested: RunHandler<'RunRequested'> = {
  ids: byRunId,
  apply: (_row, { payload: p, at }) => ({
    runId: p.runId,
    runKey: p.runKey,
    fingerprint: p.fingerprint,
    status: 'QUEUED',
    assetKeys: p.assetKeys,
    includeUpstream: p.includeUpstream,
    includeDownstream: p.includeDownstream,
    partition: p.partition,
    tags: p.tags,
    config: p.config,
    trigger: p.trigger,
    parentRunId: p.parentRunId,
    rootRunId: p.rootRunId,
    createdAt: at,
    startedAt: null,
    finishedAt: null,
    updatedAt: at,
    cancelReason: null,
    version: 1,
    tasks: p.tasks.map((plan) => ({
      ...plan,
      status: plan.deps.length === 0 ? 'READY' : 'BLOCKED',
      attempt: 0,
      infrastructureRetries: 0,
      attempts: [],
      retryAt: null,
      skipCause: null,
      cancelReason: null,
      finishedAt: null,
      materialization: null,
    })),
  }),
};

const runStarted: RunHandler<'RunStarted'> = {
  ids: byRunId,
  apply: (row, e) => {
    const run = existing(row, e.payload.runId, e.type);
    return { ...run, status: 'STARTED', startedAt: e.at, version: run.version + 1, updatedAt: e.at };
  },
};

const runCancelRequested: RunHandler<'RunCancelRequested'> = {
  ids: byRunId,
  apply: (row, e) => {
    const run = existing(row, e.payload.runId, e.type);
    return { ...run, status: 'CANCELING', cancelReason: e.payload.reason, version: run.version + 1, updatedAt: e.at };
  },
};

const runFinished: RunHandler<'RunFinished'> = {
  ids: byRunId,
  apply: (row, e) => {
    const run = existing(row, e.payload.runId, e.type);
    return { ...run, status: e.payload.status, finishedAt: e.at, version: run.version + 1, updatedAt: e.at };
  },
};

const taskDispatched: RunHandler<'TaskDispatched'> = {
  ids: byRunId,
  apply: (row, e) => {
    const p = e.payload;
    return withTask(existing(row, p.runId, e.type), p.taskKey, e.at, (task) => ({
      ...task,
      status: 'DISPATCHED',
      attempt: p.attempt,
      retryAt: null,
      attempts: [
        ...task.attempts,
        {
          attempt: p.attempt,
          attemptId: p.attemptId,
          workerId: p.workerId,
          dispatchedAt: e.at,
          deadlineAt: p.deadlineAt,
          startedAt: null,
          finishedAt: null,
          outcome: null,
          error: null,
          durationMs: null,
          infrastructureRetry: false,
        },
      ],
    }));
  },
};

const taskAttemptStarted: RunHandler<'TaskAttemptStarted'> = {
  ids: byRunId,
  apply: (row, e) => {
    const p = e.payload;
    return withTask(existing(row, p.runId, e.type), p.taskKey, e.at, (task) => ({
      ...withAttempt(task, p.attempt, (a) => ({ ...a, startedAt: e.at, workerId: p.workerId })),
      status: task.status === 'DISPATCHED' && task.attempt === p.attempt ? 'RUNNING' : task.status,
    }));
  },
};

const taskAttemptFinished: RunHandler<'TaskAttemptFinished'> = {
  ids: byRunId,
  apply: (row, e) => {
    const p = e.payload;
    const run = withTask(existing(row, p.runId, e.type), p.taskKey, e.at, (task) => ({
      ...withAttempt(task, p.attempt, (a) => ({
        ...a,
        finishedAt: e.at,
        outcome: p.outcome,
        error: p.error,
        durationMs: p.durationMs,
        infrastructureRetry: p.infrastructureRetry,
      })),
      status: p.resolution,
      retryAt: p.retryAt,
      infrastructureRetries: task.infrastructureRetries + (p.infrastructureRetry ? 1 : 0),
      finishedAt: p.resolution === 'RETRY_WAIT' ? null : e.at,
    }));
    return p.resolution === 'SUCCEEDED' ? unblock(run) : run;
  },
};

const taskSkipped: RunHandler<'TaskSkipped'> = {
  ids: byRunId,
  apply: (row, e) =>
    withTask(existing(row, e.payload.runId, e.type), e.payload.taskKey, e.at, (task) => ({
      ...task,
      status: 'SKIPPED',
      skipCause: e.payload.cause,
      finishedAt: e.at,
    })),
};

const taskCanceled: RunHandler<'TaskCanceled'> = {
  ids: byRunId,
  apply: (row, e) =>
    withTask(existing(row, e.payload.runId, e.type), e.payload.taskKey, e.at, (task) => ({
      ...task,
      status: 'CANCELED',
      cancelReason: e.payload.reason,
      retryAt: null,
      finishedAt: e.at,
    })),
};

const assetMaterialized: RunHandler<'AssetMaterialized'> = {
  ids: byRunId,
  apply: (row, e) =>
    withTask(existing(row, e.payload.runId, e.type), e.payload.taskKey, e.at, (task) => ({
      ...task,
      materialization: { dataVersion: e.payload.dataVersion, codeVersion: e.payload.codeVersion, metadata: e.payload.metadata },
    })),
};

export const runsFamily = defineFamily<RunProjection>({
  table: 'runs',
  schema: runProjectionSchema,
  columns: (run) => ({
    status: run.status,
    run_key: run.runKey,
    created_at: run.createdAt,
    updated_at: run.updatedAt,
    version: run.version,
  }),
  handlers: {
    RunRequested: runRequested,
    RunStarted: runStarted,
    RunCancelRequested: runCancelRequested,
    RunFinished: runFinished,
    TaskDispatched: taskDispatched,
    TaskAttemptStarted: taskAttemptStarted,
    TaskAttemptFinished: taskAttemptFinished,
    TaskSkipped: taskSkipped,
    TaskCanceled: taskCanceled,
    TaskLogged: IGNORE,
    AssetMaterialized: assetMaterialized,
  },
});
