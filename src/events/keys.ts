/** Idempotency-key builders. The formats are contracts (SEMANTICS §1); do not change them. */

export const idempotencyKeys = {
  runRequested: (runId: string, runKey: string | null): string => (runKey ? `run:${runKey}` : `run:${runId}`),
  runStarted: (runId: string): string => `run_started:${runId}`,
  runCancelRequested: (runId: string): string => `cancel:${runId}`,
  runFinished: (runId: string): string => `run_finished:${runId}`,
  runKeyConflict: (conflictId: string): string => `run_key_conflict:${conflictId}`,
  taskDispatched: (runId: string, taskKey: string, attempt: number): string => `dispatched:${runId}:${taskKey}:${attempt}`,
  taskAttemptStarted: (runId: string, taskKey: string, attempt: number): string => `started:${runId}:${taskKey}:${attempt}`,
  taskAttemptFinished: (runId: string, taskKey: string, attempt: number): string => `finished:${runId}:${taskKey}:${attempt}`,
  taskSkipped: (runId: string, taskKey: string): string => `skipped:${runId}:${taskKey}`,
  taskCanceled: (runId: string, taskKey: string): string => `task_canceled:${runId}:${taskKey}`,
  taskLogged: (runId: string, taskKey: string, attempt: number, seq: number): string => `log:${runId}:${taskKey}:${attempt}:${seq}`,
  assetMaterialized: (runId: string, taskKey: string, attempt: number): string => `materialized:${runId}:${taskKey}:${attempt}`,
} as const;
