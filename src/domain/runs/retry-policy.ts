/**
 * Retry policy per asset (SEMANTICS §3). A failed attempt with retries left waits `delayMs`
 * (doubled per attempt with exponential backoff, capped at an hour) and then runs as a new attempt.
 * Jitter is deterministic: it is derived from runId, taskKey and attempt, so a replay or a
 * simulation computes the same due time.
 */
import { hashUnit } from '../ids/index.js';

export type Backoff = 'fixed' | 'exponential';
/** `full`: uniform in [0, delay]; `plusMinus`: uniform in [0.5 x delay, 1.5 x delay]. */
export type Jitter = 'none' | 'full' | 'plusMinus';

export interface RetryPolicy {
  readonly maxRetries: number;
  readonly delayMs: number;
  readonly backoff: Backoff;
  readonly jitter: Jitter;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxRetries: 0, delayMs: 0, backoff: 'fixed', jitter: 'none' };

/** No retry waits longer than an hour: a longer wait is almost always a misconfigured policy. */
export const RETRY_DELAY_MS_MAX = 60 * 60 * 1000;

/** The wait before the attempt after `failedAttempt` (1-based). */
export function retryDelayMs(policy: RetryPolicy, failedAttempt: number, runId: string, taskKey: string): number {
  const factor = policy.backoff === 'exponential' ? 2 ** Math.min(failedAttempt - 1, 30) : 1;
  const base = Math.min(policy.delayMs * factor, RETRY_DELAY_MS_MAX);
  if (policy.jitter === 'none' || base === 0) return Math.round(base);
  const u = hashUnit(`${runId}\u0000${taskKey}\u0000${failedAttempt}`);
  const jittered = policy.jitter === 'full' ? base * u : base * (0.5 + u);
  return Math.min(Math.round(jittered), RETRY_DELAY_MS_MAX);
}
