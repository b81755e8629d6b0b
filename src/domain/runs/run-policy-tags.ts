/**
 * Run tags a caller may set to override the instance's run retries and run monitoring for one run
 * (Dagster's `dagster/max_retries`, `dagster/retry_on_asset_or_op_failure`, `dagster/max_runtime`):
 *
 * - `arco/max_retries`: how many times a failed run is requested again, a whole number ≥ 0.
 * - `arco/retry_on`: `failure` (only runs that failed in user code) or `all` (also system failures).
 * - `arco/max_runtime`: seconds a run may be in progress before it is canceled, a whole number ≥ 1.
 * - `arco/max_concurrent_tasks`: tasks of the run executing at once, a whole number ≥ 1 (the
 *   multiprocess executor's `max_concurrent` in Dagster).
 *
 * Retries copy these tags, so a whole lineage follows the policy its first run was given.
 */
import { arcoError } from '../errors/index.js';

export const MAX_RETRIES_TAG = 'arco/max_retries';
export const RETRY_ON_TAG = 'arco/retry_on';
export const MAX_RUNTIME_TAG = 'arco/max_runtime';
export const MAX_CONCURRENT_TASKS_TAG = 'arco/max_concurrent_tasks';
export const RETRY_NUMBER_TAG = 'arco/retry_number';

export const RUN_POLICY_TAGS: readonly string[] = [MAX_RETRIES_TAG, RETRY_ON_TAG, MAX_RUNTIME_TAG, MAX_CONCURRENT_TASKS_TAG];

export type RetryOn = 'failure' | 'all';

/** Whole numbers written plainly: no sign, no exponent, no leading zeros, at most 9 digits. */
const WHOLE = /^(0|[1-9]\d{0,8})$/;

const EXPECTED: Readonly<Record<string, string>> = {
  [MAX_RETRIES_TAG]: 'a whole number of retries, 0 or more',
  [RETRY_ON_TAG]: '"failure" or "all"',
  [MAX_RUNTIME_TAG]: 'a whole number of seconds, 1 or more',
  [MAX_CONCURRENT_TASKS_TAG]: 'a whole number of tasks, 1 or more',
};

function valid(key: string, value: string): boolean {
  if (key === MAX_RETRIES_TAG) return WHOLE.test(value);
  if (key === RETRY_ON_TAG) return value === 'failure' || value === 'all';
  if (key === MAX_RUNTIME_TAG || key === MAX_CONCURRENT_TASKS_TAG) return WHOLE.test(value) && value !== '0';
  return true;
}

/** @throws INVALID_RUN_TAG naming the first policy tag (in key order) whose value is not valid. */
export function checkRunPolicyTags(tags: Readonly<Record<string, string>>): void {
  for (const key of Object.keys(tags).sort()) {
    const value = tags[key] as string;
    if (RUN_POLICY_TAGS.includes(key) && !valid(key, value)) {
      throw arcoError('INVALID_RUN_TAG', `tag "${key}" must be ${EXPECTED[key]}, not "${value}"`, { tag: key, value, expected: EXPECTED[key] });
    }
  }
}

/** A run's retry policy: its tags where set (and valid), else the instance's settings. */
export function runRetryPolicy(tags: Readonly<Record<string, string>>, settings: { readonly max: number; readonly retryOn: RetryOn }): { max: number; retryOn: RetryOn } {
  const max = tags[MAX_RETRIES_TAG];
  const retryOn = tags[RETRY_ON_TAG];
  return {
    max: max !== undefined && valid(MAX_RETRIES_TAG, max) ? Number(max) : settings.max,
    retryOn: retryOn === 'failure' || retryOn === 'all' ? retryOn : settings.retryOn,
  };
}

/** Seconds the run may be in progress: its tag where set (and valid), else the setting (null: unlimited). */
export function runMaxRuntimeSeconds(tags: Readonly<Record<string, string>>, settingSeconds: number | null): number | null {
  const value = tags[MAX_RUNTIME_TAG];
  return value !== undefined && valid(MAX_RUNTIME_TAG, value) ? Number(value) : settingSeconds;
}

/** Tasks of the run that may execute at once: its tag where set (and valid), else null (no limit of its own). */
export function runMaxConcurrentTasks(tags: Readonly<Record<string, string>>): number | null {
  const value = tags[MAX_CONCURRENT_TASKS_TAG];
  return value !== undefined && valid(MAX_CONCURRENT_TASKS_TAG, value) ? Number(value) : null;
}

/** How a task held by its run's task limit reads to a user. */
export function describeRunTaskLimitWait(executing: number, limit: number): string {
  return `run limit ${MAX_CONCURRENT_TASKS_TAG}: ${executing}/${limit} tasks executing`;
}

/** How many automatic retries preceded this run along its root (0 for a first run). */
export function retryNumberOf(tags: Readonly<Record<string, string>>): number {
  const value = tags[RETRY_NUMBER_TAG];
  return value !== undefined && WHOLE.test(value) ? Number(value) : 0;
}
