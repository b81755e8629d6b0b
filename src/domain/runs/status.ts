/**
 * Run and task statuses (SEMANTICS §3).
 *
 * Run: QUEUED -> STARTED -> SUCCESS | FAILURE. Cancel: QUEUED -> CANCELED directly;
 * STARTED -> CANCELING -> CANCELED once no task is running.
 *
 * Task: BLOCKED (an upstream task in the run has not succeeded) -> READY -> DISPATCHED (sent to a
 * worker) -> RUNNING (the worker started it) -> SUCCEEDED | FAILED | RETRY_WAIT (failed with retries
 * left; dispatched again when due). SKIPPED (an upstream task failed) and CANCELED end a task that
 * has not finished.
 */
export const RUN_STATUSES = ['QUEUED', 'STARTED', 'CANCELING', 'SUCCESS', 'FAILURE', 'CANCELED'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
export const TERMINAL_RUN_STATUSES: ReadonlySet<RunStatus> = new Set(['SUCCESS', 'FAILURE', 'CANCELED']);

export const TASK_STATUSES = [
  'BLOCKED',
  'READY',
  'DISPATCHED',
  'RUNNING',
  'RETRY_WAIT',
  'SUCCEEDED',
  'FAILED',
  'SKIPPED',
  'CANCELED',
] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];
export const TERMINAL_TASK_STATUSES: ReadonlySet<TaskStatus> = new Set(['SUCCEEDED', 'FAILED', 'SKIPPED', 'CANCELED']);

export function isTerminalRun(status: RunStatus): boolean {
  return TERMINAL_RUN_STATUSES.has(status);
}

export function isTerminalTask(status: TaskStatus): boolean {
  return TERMINAL_TASK_STATUSES.has(status);
}

/** How a run ends once every task is terminal: CANCELED beats FAILURE beats SUCCESS. */
export function finalRunStatus(taskStatuses: Iterable<TaskStatus>): 'SUCCESS' | 'FAILURE' | 'CANCELED' {
  let failed = false;
  for (const status of taskStatuses) {
    if (status === 'CANCELED') return 'CANCELED';
    if (status === 'FAILED' || status === 'SKIPPED') failed = true;
  }
  return failed ? 'FAILURE' : 'SUCCESS';
}
