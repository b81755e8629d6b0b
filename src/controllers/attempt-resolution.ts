/**
 * What a finished attempt means for its task (SEMANTICS §3): success; a retry after a delay; or the
 * end of the task. User-code failures spend `retry.maxRetries`. Infrastructure losses (a worker that
 * stopped heartbeating, WORKER_LOST, or a worker process killed by a signal nobody in Arco sent,
 * WORKER_KILLED) never do, because the user's code never got to fail: they are retried with
 * backoff from a budget of their own, counted apart for attempts whose code had started and for
 * attempts lost before it started (a daemon killed while its workers were still starting says
 * nothing about the task). Nothing is retried while the run is being canceled.
 */
import { retryDelayMs } from '../domain/runs/index.js';
import type { ErrorInfo } from '../events/index.js';
import type { RunProjection, TaskProjection } from '../fold/index.js';

/**
 * Attempts whose code had started and whose worker was then lost are retried up to this many times
 * per task, on top of maxRetries: enough to ride out a daemon restart or two, few enough that a
 * task that kills every worker stops.
 */
export const WORKER_LOSS_RETRIES_MAX = 3;
/**
 * Attempts lost before their code started are retried up to this many times: a crash loop of the
 * daemon must not fail the task, but a worker that can never start (a broken host) must not retry
 * forever either. With the backoff below this spans about three minutes.
 */
export const UNSTARTED_LOSS_RETRIES_MAX = 10;
/** Infrastructure retries wait 0.5 s, doubling per loss of the task, at most 30 s: a flapping host is not hammered. */
const LOSS_BACKOFF_BASE_MS = 500;
const LOSS_BACKOFF_MAX_MS = 30_000;

const INFRASTRUCTURE_LOSSES: readonly string[] = ['WORKER_LOST', 'WORKER_KILLED'];

function isInfrastructureLoss(error: ErrorInfo | null): boolean {
  return error !== null && INFRASTRUCTURE_LOSSES.includes(error.code);
}

/** Retry of an infrastructure loss, or null when the task's budget for that kind of loss is spent. */
function lossRetry(task: TaskProjection, nowEpochMs: number): Resolution | null {
  const started = task.attempts.find((a) => a.attempt === task.attempt)?.startedAt != null;
  const earlier = task.attempts.filter((a) => a.attempt < task.attempt && isInfrastructureLoss(a.error) && (a.startedAt != null) === started).length;
  if (earlier >= (started ? WORKER_LOSS_RETRIES_MAX : UNSTARTED_LOSS_RETRIES_MAX)) return null;
  const delay = Math.min(LOSS_BACKOFF_BASE_MS * 2 ** task.infrastructureRetries, LOSS_BACKOFF_MAX_MS);
  return { resolution: 'RETRY_WAIT', retryAt: new Date(nowEpochMs + delay).toISOString(), infrastructureRetry: true };
}

export type AttemptOutcome = 'SUCCEEDED' | 'FAILED' | 'CANCELED';

export interface Resolution {
  readonly resolution: 'SUCCEEDED' | 'FAILED' | 'RETRY_WAIT' | 'CANCELED';
  readonly retryAt: string | null;
  readonly infrastructureRetry: boolean;
}

export function resolveAttempt(
  run: RunProjection,
  task: TaskProjection,
  outcome: AttemptOutcome,
  error: ErrorInfo | null,
  nowEpochMs: number,
): Resolution {
  if (outcome === 'SUCCEEDED') return { resolution: 'SUCCEEDED', retryAt: null, infrastructureRetry: false };
  if (outcome === 'CANCELED' || run.status === 'CANCELING') {
    return { resolution: outcome === 'CANCELED' ? 'CANCELED' : 'FAILED', retryAt: null, infrastructureRetry: false };
  }
  const retryable = error?.retryable ?? true;
  if (!retryable) return { resolution: 'FAILED', retryAt: null, infrastructureRetry: false };
  if (isInfrastructureLoss(error)) {
    const retry = lossRetry(task, nowEpochMs);
    if (retry) return retry;
  }
  const userFailures = task.attempt - task.infrastructureRetries;
  if (userFailures > task.retry.maxRetries) return { resolution: 'FAILED', retryAt: null, infrastructureRetry: false };
  const delay = retryDelayMs(task.retry, userFailures, run.runId, task.taskKey);
  return { resolution: 'RETRY_WAIT', retryAt: new Date(nowEpochMs + delay).toISOString(), infrastructureRetry: false };
}
