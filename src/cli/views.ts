/** What the CLI prints about runs: a stable JSON view and human-readable tables. */
import type { RunProjection, TaskProjection } from '../fold/index.js';
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
    readonly error: { code: string; message: string } | null;
    readonly startedAt: string | null;
    readonly finishedAt: string | null;
    readonly durationMs: number | null;
  }[];
  readonly retryAt: string | null;
  readonly skippedBecause: { taskKey: string; status: string } | null;
  readonly materialization: { dataVersion: string; metadata: unknown } | null;
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
      error: a.error && { code: a.error.code, message: a.error.message },
      startedAt: a.startedAt,
      finishedAt: a.finishedAt,
      durationMs: a.durationMs,
    })),
    retryAt: task.retryAt,
    skippedBecause: task.skipCause && { taskKey: task.skipCause.taskKey, status: task.skipCause.status },
    materialization: task.materialization && { dataVersion: task.materialization.dataVersion, metadata: task.materialization.metadata },
  };
}

export function runView(run: RunProjection, existing?: boolean) {
  return {
    runId: run.runId,
    status: run.status,
    ...(existing === undefined ? {} : { existing }),
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
    tasks: run.tasks.map(taskView),
  };
}

export function printRunDetail(run: RunProjection): void {
  process.stdout.write(`${color('bold', run.runId)}  ${statusColor(run.status)}\n`);
  process.stdout.write(`  trigger: ${run.trigger.kind}${run.runKey ? `   runKey: ${run.runKey}` : ''}\n`);
  process.stdout.write(`  created: ${run.createdAt}${run.finishedAt ? `   finished: ${run.finishedAt}` : ''}\n`);
  const tags = Object.entries(run.tags).map(([k, v]) => `${k}=${v}`);
  if (tags.length) process.stdout.write(`  tags: ${tags.join(' ')}\n`);
  printTable(
    ['task', 'status', 'attempts', 'detail'],
    run.tasks.map((t) => [t.taskKey, statusColor(t.status), t.attempts.length, taskDetail(t)]),
  );
}

function taskDetail(task: TaskProjection): string {
  const last = task.attempts[task.attempts.length - 1];
  if (task.status === 'SKIPPED' && task.skipCause) return `skipped: upstream ${task.skipCause.taskKey} ${task.skipCause.status.toLowerCase()}`;
  if (task.status === 'RETRY_WAIT' && last?.error) {
    return `attempt ${last.attempt} of ${task.retry.maxRetries + 1} failed (${last.error.code}); retry at ${task.retryAt}`;
  }
  if (last?.error) return `${last.error.code}: ${last.error.message}`.slice(0, 120);
  if (task.cancelReason) return task.cancelReason;
  if (task.materialization) return `data version ${task.materialization.dataVersion.slice(0, 12)}`;
  return '';
}
