/**
 * What a finished attempt means for its task (SEMANTICS §3): success; a retry after a delay; or the
 * end of the task. User-code failures spend `retry.maxRetries`; a lost worker spends a separate
 * infrastructure budget, because the user's code never got to fail. Nothing is retried while the
 * run is being canceled.
 */
import { retryDelayMs } from '../domain/runs/index.js';
import type { ErrorInfo } from '../events/index.js';
import type { RunProjection, TaskProjection } from '../fold/index.js';

/**
 * Lost workers are retried up to this many times per task, on top of maxRetries: enough to ride
 * out a daemon restart or two, few enough that a task that kills every worker stops.
 */
export const WORKER_LOSS_RETRIES_MAX = 3;

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
  if (error?.code === 'WORKER_LOST' && task.infrastructureRetries < WORKER_LOSS_RETRIES_MAX) {
    return { resolution: 'RETRY_WAIT', retryAt: new Date(nowEpochMs).toISOString(), infrastructureRetry: true };
  }
  const userFailures = task.attempt - task.infrastructureRetries;
  if (userFailures > task.retry.maxRetries) return { resolution: 'FAILED', retryAt: null, infrastructureRetry: false };
  const delay = retryDelayMs(task.retry, userFailures, run.runId, task.taskKey);
  return { resolution: 'RETRY_WAIT', retryAt: new Date(nowEpochMs + delay).toISOString(), infrastructureRetry: false };
}
