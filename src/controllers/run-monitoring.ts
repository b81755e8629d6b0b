/**
 * Run monitoring (Dagster's run monitoring), decided purely each daemon iteration over the active runs:
 *
 * - STARTED longer than its max runtime (`arco/max_runtime` tag, else `maxRuntimeSeconds`) →
 *   canceled like an operator's cancel, with the reason "max runtime N s exceeded" recorded.
 * - STARTED longer than `startTimeoutSeconds` with no task ever dispatched while worker slots were
 *   free → FAILURE: its waiting tasks are canceled and the run finishes with the reason recorded. A
 *   run waiting only because every worker slot is busy, or for a full pool, is not stuck, so it is
 *   left alone.
 * - CANCELING longer than `cancelTimeoutSeconds` (timed from the cancel request) → CANCELED: its open
 *   attempts are finished CANCELED (their workers' late reports are then refused), and the run settles.
 *
 * Each decision is one run's drafts, to be appended with the run version it read.
 */
import { runMaxRuntimeSeconds, type PoolGranularity } from '../domain/runs/index.js';
import type { ErrorInfo } from '../events/index.js';
import { draft, idempotencyKeys } from '../events/index.js';
import type { RunProjection } from '../fold/index.js';
import { decideCancel } from './run-control.js';
import { cancelPending, finishAttempt, PoolSlots, type RunStep } from './run-coordinator.js';
import { RunDecision } from './run-state.js';
import { settleRun } from './settle.js';

export interface RunMonitoringInput {
  /** Non-terminal runs, as read. */
  readonly runs: readonly RunProjection[];
  readonly nowEpochMs: number;
  readonly settings: { readonly startTimeoutSeconds: number; readonly cancelTimeoutSeconds: number; readonly maxRuntimeSeconds: number | null };
  /** Worker slots still free after this iteration's dispatch. */
  readonly freeWorkerSlots: number;
  /** Slots per pool (`arco pool set`); a pool not listed is unlimited. */
  readonly poolLimits?: ReadonlyMap<string, number>;
  /** As CoordinatorInput.defaultPoolLimit. */
  readonly defaultPoolLimit?: number | null;
  /** As CoordinatorInput.poolGranularity. */
  readonly poolGranularity?: PoolGranularity;
}

export function decideRunMonitoring(input: RunMonitoringInput): RunStep[] {
  const steps: RunStep[] = [];
  const pools = new PoolSlots(input.poolLimits ?? new Map(), input.runs, input.defaultPoolLimit ?? null, input.poolGranularity);
  for (const run of input.runs) {
    const drafts = run.status === 'STARTED' ? monitorStarted(run, input, pools) : run.status === 'CANCELING' ? monitorCanceling(run, input) : [];
    if (drafts.length > 0) steps.push({ runId: run.runId, expectVersion: run.version, drafts });
  }
  return steps;
}

function elapsedMs(sinceIso: string | null | undefined, nowEpochMs: number): number {
  return sinceIso ? nowEpochMs - Date.parse(sinceIso) : 0;
}

function monitorStarted(run: RunProjection, input: RunMonitoringInput, pools: PoolSlots) {
  const maxRuntimeSeconds = runMaxRuntimeSeconds(run.tags, input.settings.maxRuntimeSeconds);
  const inProgressMs = elapsedMs(run.startedAt, input.nowEpochMs);
  if (maxRuntimeSeconds !== null && inProgressMs >= maxRuntimeSeconds * 1000) {
    return decideCancel(run, `max runtime ${maxRuntimeSeconds} s exceeded`, input.nowEpochMs);
  }
  const neverDispatched = run.tasks.every((t) => t.attempts.length === 0);
  if (!neverDispatched || input.freeWorkerSlots === 0 || inProgressMs < input.settings.startTimeoutSeconds * 1000) return [];
  if (run.tasks.some((t) => t.status === 'READY' && pools.taskWait(run, t.pool) !== undefined)) return [];
  const reason = `run monitoring: no task was dispatched within startTimeoutSeconds ${input.settings.startTimeoutSeconds}`;
  const decision = new RunDecision(run, new Date(input.nowEpochMs).toISOString());
  cancelPending(decision, reason);
  decision.push(draft('RunFinished', { runId: run.runId, status: 'FAILURE', reason }, idempotencyKeys.runFinished(run.runId), run.runId));
  return decision.drafts;
}

function monitorCanceling(run: RunProjection, input: RunMonitoringInput) {
  const timeoutSeconds = input.settings.cancelTimeoutSeconds;
  if (elapsedMs(run.cancelRequestedAt ?? run.updatedAt, input.nowEpochMs) < timeoutSeconds * 1000) return [];
  const error: ErrorInfo = {
    code: 'CANCELED',
    message: `run monitoring: the run was CANCELING longer than cancelTimeoutSeconds ${timeoutSeconds}; the attempt is marked canceled`,
    errorClass: null,
    stack: null,
    retryable: false,
  };
  const decision = new RunDecision(run, new Date(input.nowEpochMs).toISOString());
  for (const task of run.tasks) {
    if (task.status === 'DISPATCHED' || task.status === 'RUNNING') decision.push(...finishAttempt(decision.run, task, 'CANCELED', error, null, input.nowEpochMs));
  }
  cancelPending(decision, run.cancelReason ?? 'run canceled');
  settleRun(decision);
  return decision.drafts;
}
