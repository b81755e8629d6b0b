/**
 * Settling a run after any decision: tasks that can no longer run are skipped or canceled with
 * attribution, and a run whose tasks are all terminal finishes.
 *
 * Attribution (SEMANTICS §3): a task downstream of a FAILED task is SKIPPED and names the failed
 * upstream task; when several failed upstream tasks reach it, the earliest by (finish time, task
 * key) — so the answer never depends on the order edges were declared in. A task downstream of a
 * CANCELED task is CANCELED. A task waiting for a blocking asset check whose result failed with
 * severity ERROR is SKIPPED too, attributed to the check's task (cause status CHECK_FAILED), though
 * that task itself SUCCEEDED: a failed check is a result, not a failure of its task.
 *
 * A blocked task is settled only once every one of its in-run dependencies is terminal (as
 * Dagster resolves a step only when all its upstream steps are done). Its cause is then computed
 * from complete information, so neither declaration order nor the order in which failures were
 * reported can change it.
 */
import { finalRunStatus, isTerminalTask } from '../domain/runs/index.js';
import { draft, idempotencyKeys } from '../events/index.js';
import { blocksDownstream, type TaskProjection } from '../fold/index.js';
import type { RunDecision } from './run-state.js';

/** A FAILED task, or a blocking check's task whose result failed with severity ERROR (CHECK_FAILED). */
type Cause = { taskKey: string; status: 'FAILED' | 'CHECK_FAILED'; finishedAt: string | null };

function earlier(a: Cause, b: Cause): Cause {
  const ta = a.finishedAt ?? '';
  const tb = b.finishedAt ?? '';
  if (ta !== tb) return ta < tb ? a : b;
  return a.taskKey <= b.taskKey ? a : b;
}

/** The failure a task's skip is attributed to, through failed or skipped in-run dependencies. */
function causeOf(task: TaskProjection, byKey: ReadonlyMap<string, TaskProjection>): Cause | undefined {
  let best: Cause | undefined;
  for (const depKey of task.deps) {
    const dep = byKey.get(depKey);
    let candidate: Cause | undefined;
    if (dep?.status === 'FAILED') candidate = { taskKey: dep.taskKey, status: 'FAILED', finishedAt: dep.finishedAt };
    else if (dep?.status === 'SUCCEEDED' && blocksDownstream(dep)) candidate = { taskKey: dep.taskKey, status: 'CHECK_FAILED', finishedAt: dep.finishedAt };
    else if (dep?.status === 'SKIPPED' && dep.skipCause) candidate = { ...dep.skipCause, status: dep.skipCause.status === 'CHECK_FAILED' ? 'CHECK_FAILED' : 'FAILED' };
    if (candidate) best = best ? earlier(best, candidate) : candidate;
  }
  return best;
}

export function settleRun(decision: RunDecision): void {
  const { runId } = decision.run;
  // Plan order is dependency order, so one pass sees every upstream decision before its downstream.
  const index = (): Map<string, TaskProjection> => new Map(decision.run.tasks.map((t) => [t.taskKey, t]));
  let byKey = index();
  for (const planned of decision.run.tasks) {
    const task = byKey.get(planned.taskKey) as TaskProjection;
    if (task.status !== 'BLOCKED') continue;
    if (!task.deps.every((d) => isTerminalTask(byKey.get(d)?.status ?? 'BLOCKED'))) continue;
    const canceledDep = task.deps.find((d) => byKey.get(d)?.status === 'CANCELED');
    if (canceledDep) {
      decision.push(
        draft('TaskCanceled', { runId, taskKey: task.taskKey, reason: `upstream task ${canceledDep} was canceled` }, idempotencyKeys.taskCanceled(runId, task.taskKey), runId),
      );
      byKey = index();
      continue;
    }
    const cause = causeOf(task, byKey);
    if (cause) {
      decision.push(draft('TaskSkipped', { runId, taskKey: task.taskKey, cause }, idempotencyKeys.taskSkipped(runId, task.taskKey), runId));
      byKey = index();
    }
  }
  const run = decision.run;
  if (run.status !== 'STARTED' && run.status !== 'CANCELING') return;
  if (run.tasks.every((t) => isTerminalTask(t.status))) {
    const status = finalRunStatus(run.tasks.map((t) => t.status));
    decision.push(draft('RunFinished', { runId, status }, idempotencyKeys.runFinished(runId), runId));
  }
}
