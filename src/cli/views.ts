/** What the CLI prints about runs: a stable JSON view and human-readable tables. */
import type { RunProjection, TaskProjection } from '../fold/index.js';

/** A run as getRun/listRuns answer it: with what it waits for, when something holds it. */
type RunRead = RunProjection & { readonly waiting?: readonly { readonly taskKey: string | null; readonly reason: string }[] };
import { color, printTable, statusColor } from './output.js';

export interface TaskView {
  readonly key: string;
  readonly assetKey: string;
  readonly partitionKey: string | null;
  readonly status: string;
  /** How many attempts ran (or are running). */
  readonly attempts: number;
  readonly attemptHistory: readonly {
    readonly attempt: number;
    readonly outcome: string | null;
    readonly error: { code: string; message: string; errorClass: string | null; stack: string | null; retryable: boolean } | null;
    readonly startedAt: string | null;
    readonly finishedAt: string | null;
    readonly durationMs: number | null;
  }[];
  readonly retryAt: string | null;
  /** "attempt n of m", and when the next attempt is due while the task waits to retry. */
  readonly retry: { readonly attempt: number; readonly of: number; readonly nextRetryAt: string | null };
  readonly skippedBecause: { taskKey: string; status: string } | null;
  /** The asset check the task evaluates (null: it materializes its asset), and what it returned. */
  readonly checkName: string | null;
  readonly checkResult: { passed: boolean; severity: string; blocking: boolean } | null;
  readonly materialization: { dataVersion: string; metadata: unknown } | null;
  /** A multi-asset's task: every asset it materializes. */
  readonly outputs?: readonly string[];
}

export function taskView(task: TaskProjection): TaskView {
  return {
    key: task.taskKey,
    assetKey: task.assetKey,
    partitionKey: task.partitionKey,
    status: task.status,
    attempts: task.attempts.length,
    attemptHistory: task.attempts.map((a) => ({
      attempt: a.attempt,
      outcome: a.outcome,
      error: a.error && { code: a.error.code, message: a.error.message, errorClass: a.error.errorClass, stack: a.error.stack, retryable: a.error.retryable },
      startedAt: a.startedAt,
      finishedAt: a.finishedAt,
      durationMs: a.durationMs,
    })),
    retryAt: task.retryAt,
    retry: { attempt: task.attempt, of: task.retry.maxRetries + 1 + task.infrastructureRetries, nextRetryAt: task.status === 'RETRY_WAIT' ? task.retryAt : null },
    skippedBecause: task.skipCause && { taskKey: task.skipCause.taskKey, status: task.skipCause.status },
    checkName: task.checkName,
    checkResult: task.checkResult,
    materialization: task.materialization && { dataVersion: task.materialization.dataVersion, metadata: task.materialization.metadata },
    ...(task.outputs ? { outputs: task.outputs.map((o) => o.assetKey) } : {}),
  };
}

/** Why a run exists, in words: its trigger and what caused it. */
export function whyRun(run: RunProjection): string {
  const d = run.trigger.detail;
  switch (run.trigger.kind) {
    case 'rerun':
      if (d.retryNumber) return `automatic retry ${d.retryNumber} of ${d.parentRunId ?? run.parentRunId ?? '?'}`;
      return `rerun (${d.mode ?? '?'}) of ${d.parentRunId ?? run.parentRunId ?? '?'}`;
    case 'schedule':
      return `schedule ${d.scheduleName ?? run.tags['arco/schedule_name'] ?? '?'} tick ${run.tags['arco/scheduled_execution_time'] ?? d.tickLocal ?? ''}`.trim();
    case 'sensor':
      return `sensor ${d.sensorName ?? run.tags['arco/sensor_name'] ?? '?'} ${sensorEvaluationOf(d.evaluation)}`.trim();
    case 'backfill':
      return `backfill ${d.backfillId ?? run.tags['arco/backfill'] ?? '?'} chunk ${d.chunkIndex ?? ''}`.trim();
    case 'automation':
      return `automation condition evaluation ${d.evaluationId ?? ''}`.trim();
    default:
      return run.trigger.kind;
  }
}

/**
 * A sensor evaluation as its key names it (idempotencyKeys.sensorPushEvaluated / sensorPollEvaluated):
 * `message m1` for a push, `evaluation at 2026-…Z` for a poll.
 */
function sensorEvaluationOf(key: string | undefined): string {
  const push = /^sensor_eval:.*:msg:(.*)$/.exec(key ?? '');
  if (push) return `message ${push[1]}`;
  const poll = /^sensor_eval:.*:poll:(\d+):/.exec(key ?? '');
  if (poll) return `evaluation at ${new Date(Number(poll[1]) * 1000).toISOString()}`;
  return 'evaluation';
}

/** root -> parent -> this, for reruns; just this run otherwise. */
export function lineageOf(run: RunProjection): string[] {
  const chain = [run.rootRunId, run.parentRunId, run.runId].filter((id): id is string => id !== null);
  return chain.filter((id, i) => chain.indexOf(id) === i);
}

export function runView(run: RunRead, existing?: boolean) {
  return {
    runId: run.runId,
    status: run.status,
    ...(existing === undefined ? {} : { existing }),
    why: whyRun(run),
    lineage: lineageOf(run),
    runKey: run.runKey,
    assetKeys: run.assetKeys,
    partition: run.partition,
    tags: run.tags,
    trigger: run.trigger,
    parentRunId: run.parentRunId,
    rootRunId: run.rootRunId,
    createdAt: run.createdAt,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    /** Why the run was canceled (an operator, a backfill, its max runtime) or failed by run monitoring. */
    cancelReason: run.cancelReason,
    failureReason: run.failureReason ?? null,
    /** What the queued run (taskKey null) or its ready tasks wait for: a run limit, a tag limit, a full pool. */
    waiting: run.waiting ?? [],
    tasks: run.tasks.map(taskView),
  };
}

export function printRunDetail(run: RunRead): void {
  process.stdout.write(`${color('bold', run.runId)}  ${statusColor(run.status)}\n`);
  process.stdout.write(`  why: ${whyRun(run)}${run.runKey ? `   runKey: ${run.runKey}` : ''}\n`);
  if (run.parentRunId) process.stdout.write(`  lineage: ${lineageOf(run).join(' -> ')}\n`);
  process.stdout.write(`  created: ${run.createdAt}${run.finishedAt ? `   finished: ${run.finishedAt}` : ''}\n`);
  const reason = run.failureReason ?? run.cancelReason;
  if (reason) process.stdout.write(`  reason: ${reason}\n`);
  for (const wait of run.waiting ?? []) process.stdout.write(color('yellow', `  waiting${wait.taskKey === null ? '' : ` (${wait.taskKey})`}: ${wait.reason}\n`));
  const tags = Object.entries(run.tags).map(([k, v]) => `${k}=${v}`);
  if (tags.length) process.stdout.write(`  tags: ${tags.join(' ')}\n`);
  printTable(
    ['task', 'status', 'attempts', 'detail'],
    run.tasks.map((t) => [t.taskKey, statusColor(t.status), t.attempts.length, taskDetail(t)]),
  );
  const failures = run.tasks.flatMap((t) => t.attempts.filter((a) => a.error).map((a) => ({ task: t.taskKey, attempt: a.attempt, error: a.error! })));
  for (const f of failures) {
    process.stdout.write(`\n${color('red', `${f.task} attempt ${f.attempt}`)}: ${f.error.errorClass ?? f.error.code}: ${f.error.message}\n`);
    const frames = f.error.stack?.split('\n').slice(1, 4) ?? [];
    for (const frame of frames) process.stdout.write(color('gray', `  ${frame.trim()}\n`));
  }
}

function taskDetail(task: TaskProjection): string {
  const last = task.attempts[task.attempts.length - 1];
  if (task.status === 'SKIPPED' && task.skipCause?.status === 'CHECK_FAILED') return `skipped: blocking check ${task.skipCause.taskKey} failed`;
  if (task.status === 'SKIPPED' && task.skipCause) return `skipped: upstream ${task.skipCause.taskKey} ${task.skipCause.status.toLowerCase()}`;
  if (task.status === 'RETRY_WAIT' && last?.error) {
    return `attempt ${last.attempt} of ${task.retry.maxRetries + 1 + task.infrastructureRetries} failed (${last.error.code}); retry at ${task.retryAt}`;
  }
  if (last?.error) return `${last.error.code}: ${last.error.message}`.slice(0, 120);
  if (task.cancelReason) return task.cancelReason;
  if (task.materialization) return `data version ${task.materialization.dataVersion.slice(0, 12)}`;
  if (task.checkResult) return `check ${task.checkResult.passed ? 'PASS' : `FAIL (${task.checkResult.severity})`}`;
  return '';
}
