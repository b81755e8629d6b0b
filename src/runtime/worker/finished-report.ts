/** A worker's finished message, local or remote, as the attempt report the run decides on. */
import type { AttemptReport } from '../../controllers/index.js';
import type { RemoteResult } from './protocol.js';

export function finishedReport(attempt: { readonly runId: string; readonly taskKey: string; readonly attemptId: string }, result: RemoteResult): AttemptReport {
  return {
    kind: 'finished',
    runId: attempt.runId,
    taskKey: attempt.taskKey,
    attemptId: attempt.attemptId,
    outcome: result.outcome,
    error: result.error,
    durationMs: result.durationMs,
    dataVersion: result.dataVersion,
    metadata: result.metadata,
    ...(result.outputs ? { outputs: result.outputs } : {}),
    check: result.check ?? null,
  };
}
