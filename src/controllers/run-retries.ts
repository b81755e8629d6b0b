/**
 * Run retries (Dagster's run retries): a run that ended FAILURE is requested again from failure,
 * through the one reservation path, until its lineage has been retried `max` times.
 *
 * - The policy is the run's `arco/max_retries` and `arco/retry_on` tags, else the instance's
 *   `runRetries` settings. Retries are counted along the root by `arco/retry_number`.
 * - `retryOn: 'failure'` retries a run only when a task failed in user code (or a blocking check
 *   failed); `'all'` also when only the system failed it: a lost or killed worker, a timeout, or run
 *   monitoring. A CANCELED run is never retried.
 * - The retry's runKey is `retry:{failedRunId}`, so deciding twice about one failed run (a daemon
 *   killed after appending the retry, a second daemon) reserves one run: the second decision
 *   returns the existing run.
 */
import type { RetryOn } from '../domain/runs/index.js';
import { retryNumberOf, runRetryPolicy, RETRY_NUMBER_TAG } from '../domain/runs/index.js';
import type { RunProjection } from '../fold/index.js';
import { resolveRerun } from './reruns.js';
import type { ResolvedRunRequest } from './run-requests.js';

/**
 * Attempt errors that say the system, not the user's code, failed the task. A worker that exited
 * (process.exit in user code) is the user's doing and is not here.
 */
const SYSTEM_FAILURE_CODES: readonly string[] = ['WORKER_LOST', 'WORKER_KILLED', 'TIMEOUT'];

export type RunRetryDecision =
  | { readonly kind: 'retry'; readonly retryNumber: number; readonly request: ResolvedRunRequest }
  | { readonly kind: 'none'; readonly reason: string };

/** The runKey of the automatic retry of `failedRunId`. */
export function retryRunKey(failedRunId: string): string {
  return `retry:${failedRunId}`;
}

/** True when a task of the run failed in user code, or a blocking check of the run failed. */
export function failedInUserCode(run: RunProjection): boolean {
  return run.tasks.some((task) => {
    if (task.status === 'SKIPPED') return task.skipCause?.status === 'CHECK_FAILED';
    if (task.status !== 'FAILED') return false;
    const last = task.attempts[task.attempts.length - 1];
    return last?.error != null && !SYSTEM_FAILURE_CODES.includes(last.error.code);
  });
}

/** Whether (and as what request) a finished run is retried. Pure: the caller reserves the run. */
export function decideRunRetry(run: RunProjection, settings: { readonly max: number; readonly retryOn: RetryOn }): RunRetryDecision {
  if (run.status !== 'FAILURE') return { kind: 'none', reason: `run ended ${run.status}` };
  const policy = runRetryPolicy(run.tags, settings);
  const done = retryNumberOf(run.tags);
  if (done >= policy.max) return { kind: 'none', reason: policy.max === 0 ? 'run retries are off' : `${policy.max} run retries reached` };
  if (policy.retryOn === 'failure' && !failedInUserCode(run)) {
    return { kind: 'none', reason: 'the run failed for system reasons and retries are only on failures in user code (retryOn: failure)' };
  }
  const rerun = resolveRerun(run, { mode: 'fromFailure' });
  const retryNumber = done + 1;
  return {
    kind: 'retry',
    retryNumber,
    request: {
      ...rerun,
      runKey: retryRunKey(run.runId),
      systemTags: { ...rerun.systemTags, [RETRY_NUMBER_TAG]: String(retryNumber) },
      trigger: { kind: 'rerun', detail: { parentRunId: run.runId, mode: 'fromFailure', retryNumber: String(retryNumber) } },
    },
  };
}
