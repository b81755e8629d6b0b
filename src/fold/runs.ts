/**
 * The `runs` projection: one document per run holding its tasks and attempts. Task states follow
 * the coordinator's decisions recorded in events; the only state the fold derives itself is
 * BLOCKED -> READY, which is a pure consequence of every upstream task in the run having succeeded.
 *
 * Handlers update the run they are handed in place (see `Handler.apply`): a run document is
 * touched by every event of its run, and copying it per event dominated the fold's cost.
 */
import { InvariantError } from '../domain/errors/index.js';
import type { EventOf, EventType } from '../events/index.js';
import { defineFamily, IGNORE, removeOnly, type Handler } from './family.js';
import { runProjectionSchema, type AttemptProjection, type RunProjection, type TaskProjection } from './run-projection.js';

type RunHandler<T extends EventType> = Handler<RunProjection, EventOf<T>>;

const byRunId = (event: { payload: { runId: string } }): readonly string[] => [event.payload.runId];

/** The run, with its version bumped and timestamp set for the event being applied. */
function touch(row: RunProjection | undefined, event: { type: string; at: string; payload: { runId: string } }): RunProjection {
  if (!row) throw new InvariantError(`run ${event.payload.runId} to exist before ${event.type}`, 'no such run');
  row.version += 1;
  row.updatedAt = event.at;
  return row;
}

function taskOf(run: RunProjection, taskKey: string): TaskProjection {
  const task = run.tasks.find((t) => t.taskKey === taskKey);
  if (!task) throw new InvariantError(`task ${taskKey} in run ${run.runId}`, 'no such task');
  return task;
}

function attemptOf(task: TaskProjection, attempt: number): AttemptProjection | undefined {
  return task.attempts.find((a) => a.attempt === attempt);
}

/** A failed blocking ERROR check: its task succeeded, yet the tasks waiting for it must not run. */
export function blocksDownstream(task: TaskProjection): boolean {
  const r = task.checkResult;
  // A task not read through its schema (built in memory) may lack the field: no result.
  if (!r) return false;
  return r.blocking && !r.passed && r.severity === 'ERROR';
}

/** BLOCKED tasks whose in-run upstream tasks have all succeeded (and let them through) become READY. */
function unblock(run: RunProjection): void {
  const succeeded = new Set(run.tasks.filter((t) => t.status === 'SUCCEEDED' && !blocksDownstream(t)).map((t) => t.taskKey));
  for (const task of run.tasks) {
    if (task.status === 'BLOCKED' && task.deps.every((d) => succeeded.has(d))) task.status = 'READY';
  }
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
    // Only run monitoring reads it, and only while the run is CANCELING.
    delete run.cancelRequestedAt;
    return run;
  },
};

const taskDispatched: RunHandler<'TaskDispatched'> = {
  ids: byRunId,
  apply: (row, e) => {
    const run = touch(row, e);
    const p = e.payload;
    const task = taskOf(run, p.taskKey);
    task.status = 'DISPATCHED';
    task.attempt = p.attempt;
    task.retryAt = null;
    task.attempts.push({
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
    });
    return run;
  },
};

const taskAttemptStarted: RunHandler<'TaskAttemptStarted'> = {
  ids: byRunId,
  apply: (row, e) => {
    const run = touch(row, e);
    const p = e.payload;
    const task = taskOf(run, p.taskKey);
    const attempt = attemptOf(task, p.attempt);
    if (attempt) {
      attempt.startedAt = e.at;
      attempt.workerId = p.workerId;
    }
    if (task.status === 'DISPATCHED' && task.attempt === p.attempt) task.status = 'RUNNING';
    return run;
  },
};

const taskAttemptFinished: RunHandler<'TaskAttemptFinished'> = {
  ids: byRunId,
  apply: (row, e) => {
    const run = touch(row, e);
    const p = e.payload;
    const task = taskOf(run, p.taskKey);
    const attempt = attemptOf(task, p.attempt);
    if (attempt) {
      attempt.finishedAt = e.at;
      attempt.outcome = p.outcome;
      attempt.error = p.error;
      attempt.durationMs = p.durationMs;
      attempt.infrastructureRetry = p.infrastructureRetry;
    }
    task.status = p.resolution;
    task.retryAt = p.retryAt;
    if (p.infrastructureRetry) task.infrastructureRetries += 1;
    task.finishedAt = p.resolution === 'RETRY_WAIT' ? null : e.at;
    if (p.resolution === 'SUCCEEDED') unblock(run);
    return run;
  },
};

const taskSkipped: RunHandler<'TaskSkipped'> = {
  ids: byRunId,
  apply: (row, e) => {
    const run = touch(row, e);
    const task = taskOf(run, e.payload.taskKey);
    task.status = 'SKIPPED';
    task.skipCause = { ...e.payload.cause };
    task.finishedAt = e.at;
    return run;
  },
};

const taskCanceled: RunHandler<'TaskCanceled'> = {
  ids: byRunId,
  apply: (row, e) => {
    const run = touch(row, e);
    const task = taskOf(run, e.payload.taskKey);
    task.status = 'CANCELED';
    task.cancelReason = e.payload.reason;
    task.retryAt = null;
    task.finishedAt = e.at;
    return run;
  },
};

const assetMaterialized: RunHandler<'AssetMaterialized'> = {
  ids: byRunId,
  apply: (row, e) => {
    const run = touch(row, e);
    taskOf(run, e.payload.taskKey).materialization = {
      dataVersion: e.payload.dataVersion,
      codeVersion: e.payload.codeVersion,
      metadata: e.payload.metadata,
    };
    return run;
  },
};

// Recorded before its task's TaskAttemptFinished (run-control.ts), so the finish already knows
// whether the check lets its waiting tasks run.
const assetCheckEvaluated: RunHandler<'AssetCheckEvaluated'> = {
  ids: byRunId,
  apply: (row, e) => {
    const run = touch(row, e);
    const p = e.payload;
    taskOf(run, p.taskKey).checkResult = { passed: p.passed, severity: p.severity, blocking: p.blocking };
    return run;
  },
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
