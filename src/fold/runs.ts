/**
 * The `runs` projection: one document per run holding its tasks and attempts. Task states follow
 * the coordinator's decisions recorded in events; the only state the fold derives itself is
 * BLOCKED -> READY, which is a pure consequence of every upstream task in the run having succeeded.
 *
 * Handlers never change the run they are handed: each returns a new run that shares every task
 * the event did not touch (the family is `immutable`). A run of 100 tasks is read back and decided
 * on after every event of it; sharing lets the store hand out the run it last wrote without a
 * copy, and lets `encode` reuse the text of each unchanged task.
 */
import { InvariantError } from '../domain/errors/index.js';
import type { EventOf, EventType } from '../events/index.js';
import { defineFamily, IGNORE, removeOnly, type Handler } from './family.js';
import { runProjectionSchema, type AttemptProjection, type RunProjection, type TaskProjection } from './run-projection.js';

type RunHandler<T extends EventType> = Handler<RunProjection, EventOf<T>>;

const byRunId = (event: { payload: { runId: string } }): readonly string[] => [event.payload.runId];

/** A copy of the run's head, with its version bumped and timestamp set for the event being applied. */
function touch(row: RunProjection | undefined, event: { type: string; at: string; payload: { runId: string } }): RunProjection {
  if (!row) throw new InvariantError(`run ${event.payload.runId} to exist before ${event.type}`, 'no such run');
  return { ...row, version: row.version + 1, updatedAt: event.at };
}

/**
 * The run with one task replaced by `update`'s copy of it (the tasks array is copied, not the other
 * tasks). `run` is the handler's own copy, from `touch`.
 */
function withTask(run: RunProjection, taskKey: string, update: (task: TaskProjection) => TaskProjection): RunProjection {
  const index = run.tasks.findIndex((t) => t.taskKey === taskKey);
  const task = run.tasks[index];
  if (task === undefined) throw new InvariantError(`task ${taskKey} in run ${run.runId}`, 'no such task');
  const tasks = run.tasks.slice();
  tasks[index] = update(task);
  run.tasks = tasks;
  return run;
}

/** The task's attempts with attempt number `attempt` replaced by `update`'s copy (unchanged if absent). */
function withAttempt(task: TaskProjection, attempt: number, update: (a: AttemptProjection) => AttemptProjection): AttemptProjection[] {
  return task.attempts.map((a) => (a.attempt === attempt ? update(a) : a));
}

/** A failed blocking ERROR check: its task succeeded, yet the tasks waiting for it must not run. */
export function blocksDownstream(task: TaskProjection): boolean {
  const r = task.checkResult;
  // A task not read through its schema (built in memory) may lack the field: no result.
  if (!r) return false;
  return r.blocking && !r.passed && r.severity === 'ERROR';
}

/**
 * BLOCKED tasks whose in-run upstream tasks have all succeeded (and let them through) become READY.
 * `run` is the handler's own copy; its tasks array is replaced only when a task changes.
 */
function unblock(run: RunProjection): RunProjection {
  const succeeded = new Set(run.tasks.filter((t) => t.status === 'SUCCEEDED' && !blocksDownstream(t)).map((t) => t.taskKey));
  const ready = (t: TaskProjection) => t.status === 'BLOCKED' && t.deps.every((d) => succeeded.has(d));
  if (run.tasks.some(ready)) run.tasks = run.tasks.map((t): TaskProjection => (ready(t) ? { ...t, status: 'READY' } : t));
  return run;
}

const runRequested: RunHandler<'RunRequested'> = {
  ids: byRunId,
  // A run id is minted fresh for each request, so its row never exists yet.
  creates: true,
  apply: (_row, { payload: p, at }) => ({
    runId: p.runId,
    runKey: p.runKey,
    fingerprint: p.fingerprint,
    status: 'QUEUED',
    assetKeys: [...p.assetKeys],
    includeUpstream: p.includeUpstream,
    includeDownstream: p.includeDownstream,
    partition: p.partition,
    tags: { ...p.tags },
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
    // Fields are listed one by one: spreading the plan and adding a dozen fields makes V8 fall back
    // to slow dictionary objects, which made every later event of the run several times slower.
    tasks: p.tasks.map((plan): TaskProjection => ({
      taskKey: plan.taskKey,
      assetKey: plan.assetKey,
      partitionKey: plan.partitionKey,
      checkName: plan.checkName,
      checkBlocking: plan.checkBlocking ?? false,
      deps: [...plan.deps],
      inputs: plan.inputs.map((i) => ({ assetKey: i.assetKey, partitionKeys: i.partitionKeys && [...i.partitionKeys] })),
      retry: { maxRetries: plan.retry.maxRetries, delayMs: plan.retry.delayMs, backoff: plan.retry.backoff, jitter: plan.retry.jitter },
      timeoutMs: plan.timeoutMs,
      codeVersion: plan.codeVersion,
      partitionWindow: plan.partitionWindow && { startMs: plan.partitionWindow.startMs, endMs: plan.partitionWindow.endMs },
      ...(plan.pool === undefined ? {} : { pool: plan.pool }),
      status: plan.deps.length === 0 ? 'READY' : 'BLOCKED',
      attempt: 0,
      infrastructureRetries: 0,
      attempts: [],
      retryAt: null,
      skipCause: null,
      cancelReason: null,
      finishedAt: null,
      materialization: null,
      checkResult: null,
    })).map((task, i) => withOutputs(task, p.tasks[i]?.outputs)),
  }),
};

/** A multi-asset's task gains its outputs; a plain task keeps its shape (no `outputs` key at all). */
function withOutputs(task: TaskProjection, outputs: TaskProjection['outputs']): TaskProjection {
  if (outputs) task.outputs = outputs.map((o) => ({ assetKey: o.assetKey, codeVersion: o.codeVersion, inputs: o.inputs.map((i) => ({ assetKey: i.assetKey, partitionKeys: i.partitionKeys && [...i.partitionKeys] })) }));
  return task;
}

const runStarted: RunHandler<'RunStarted'> = {
  ids: byRunId,
  apply: (row, e) => {
    const run = touch(row, e);
    run.status = 'STARTED';
    run.startedAt = e.at;
    return run;
  },
};

const runCancelRequested: RunHandler<'RunCancelRequested'> = {
  ids: byRunId,
  apply: (row, e) => {
    const run = touch(row, e);
    run.status = 'CANCELING';
    run.cancelReason = e.payload.reason;
    run.cancelRequestedAt = e.at;
    return run;
  },
};

const runFinished: RunHandler<'RunFinished'> = {
  ids: byRunId,
  apply: (row, e) => {
    const run = touch(row, e);
    run.status = e.payload.status;
    run.finishedAt = e.at;
    if (e.payload.reason !== undefined) run.failureReason = e.payload.reason;
    // Only run monitoring reads it, and only while the run is CANCELING. `run` is touch's copy.
    delete run.cancelRequestedAt;
    return run;
  },
};

const taskDispatched: RunHandler<'TaskDispatched'> = {
  ids: byRunId,
  apply: (row, e) => {
    const p = e.payload;
    const attempt: AttemptProjection = {
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
    };
    return withTask(touch(row, e), p.taskKey, (task) => ({ ...task, status: 'DISPATCHED', attempt: p.attempt, retryAt: null, attempts: [...task.attempts, attempt] }));
  },
};

const taskAttemptStarted: RunHandler<'TaskAttemptStarted'> = {
  ids: byRunId,
  apply: (row, e) => {
    const p = e.payload;
    return withTask(touch(row, e), p.taskKey, (task) => ({
      ...task,
      attempts: withAttempt(task, p.attempt, (a) => ({ ...a, startedAt: e.at, workerId: p.workerId })),
      status: task.status === 'DISPATCHED' && task.attempt === p.attempt ? 'RUNNING' : task.status,
    }));
  },
};

const taskAttemptFinished: RunHandler<'TaskAttemptFinished'> = {
  ids: byRunId,
  apply: (row, e) => {
    const p = e.payload;
    const run = withTask(touch(row, e), p.taskKey, (task) => ({
      ...task,
      attempts: withAttempt(task, p.attempt, (a) => ({
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
    withTask(touch(row, e), e.payload.taskKey, (task) => ({ ...task, status: 'SKIPPED', skipCause: { ...e.payload.cause }, finishedAt: e.at })),
};

const taskCanceled: RunHandler<'TaskCanceled'> = {
  ids: byRunId,
  apply: (row, e) =>
    withTask(touch(row, e), e.payload.taskKey, (task) => ({ ...task, status: 'CANCELED', cancelReason: e.payload.reason, retryAt: null, finishedAt: e.at })),
};

const assetMaterialized: RunHandler<'AssetMaterialized'> = {
  ids: byRunId,
  apply: (row, e) =>
    withTask(touch(row, e), e.payload.taskKey, (task) => ({
      ...task,
      materialization: { dataVersion: e.payload.dataVersion, codeVersion: e.payload.codeVersion, metadata: e.payload.metadata },
    })),
};

// Recorded before its task's TaskAttemptFinished (run-control.ts), so the finish already knows
// whether the check lets its waiting tasks run.
const assetCheckEvaluated: RunHandler<'AssetCheckEvaluated'> = {
  ids: byRunId,
  apply: (row, e) => {
    const p = e.payload;
    return withTask(touch(row, e), p.taskKey, (task) => ({ ...task, checkResult: { passed: p.passed, severity: p.severity, blocking: p.blocking } }));
  },
};

/** Each task's JSON text, computed once per task object: tasks are never changed, only replaced. */
const taskTexts = new WeakMap<TaskProjection, string>();

/**
 * The run's document with `tasks` last. A run of 100 tasks is about 80 KB and is written after
 * every event of it, while an event changes one task: the text of the others is reused.
 */
function encodeRun(run: RunProjection): string {
  const { tasks, ...head } = run;
  const texts = tasks.map((task) => {
    let text = taskTexts.get(task);
    if (text === undefined) {
      text = JSON.stringify(task);
      taskTexts.set(task, text);
    }
    return text;
  });
  return `${JSON.stringify(head).slice(0, -1)},"tasks":[${texts.join(',')}]}`;
}

export const runsFamily = defineFamily<RunProjection>({
  table: 'runs',
  schema: runProjectionSchema,
  immutable: true,
  encode: encodeRun,
  columns: (run) => ({
    status: run.status,
    run_key: run.runKey,
    created_at: run.createdAt,
    updated_at: run.updatedAt,
    version: run.version,
  }),
  hot: true,
  handlers: {
    PoolLimitSet: IGNORE,
    RecordsPurged: IGNORE,
    RunRequested: runRequested,
    RunStarted: runStarted,
    RunCancelRequested: runCancelRequested,
    RunFinished: runFinished,
    RunKeyConflictRecorded: IGNORE,
    TaskDispatched: taskDispatched,
    TaskAttemptStarted: taskAttemptStarted,
    TaskAttemptFinished: taskAttemptFinished,
    TaskSkipped: taskSkipped,
    TaskCanceled: taskCanceled,
    TaskLogged: IGNORE,
    AssetMaterialized: assetMaterialized,
    ScheduleDefinitionSynced: IGNORE,
    ScheduleStateChanged: IGNORE,
    ScheduleTicked: IGNORE,
    SensorDefinitionSynced: IGNORE,
    SensorStateChanged: IGNORE,
    SensorEvaluated: IGNORE,
    DynamicPartitionsChanged: IGNORE,
    BackfillCreated: IGNORE,
    BackfillStateChanged: IGNORE,
    BackfillChunkPlanned: IGNORE,
    BackfillChunkFinished: IGNORE,
    // A deleted run leaves every run read; its events stay in the ledger.
    RunDeleted: removeOnly((e) => [{ id: [e.payload.runId] }]),
    AssetWiped: IGNORE,
    AssetFreshnessChanged: IGNORE,
    AssetObserved: IGNORE,
    AssetMaterializationReported: IGNORE,
    AutomationConditionEvaluated: IGNORE,
    AssetCheckEvaluated: assetCheckEvaluated,
  },
});
