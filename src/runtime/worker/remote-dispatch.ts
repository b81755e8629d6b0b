/**
 * The leader's side of remote workers (docs/worker-protocol.md). Everything is in the store, so
 * any daemon that leads next sees the same workers and dispatches, and any daemon's API may serve
 * a worker:
 *
 * - `snapshot`: the registered workers, which are alive (heard from within their heartbeat
 *   timeout) and which are lost, and each live worker's free slots (its slots minus the attempts
 *   dispatched to it and not yet recorded as finished). The coordinator dispatches to those slots
 *   like to local ones, and declares the attempts of a lost worker WORKER_LOST. The finished reports
 *   workers stored through any API are recorded first, like the local result spool, and their rows
 *   forgotten, so a worker that left after its report was accepted loses nothing.
 * - `reconcile`: a dispatch row for every current attempt dispatched to a live remote worker (a
 *   leader killed between appending TaskDispatched and writing the row leaves none), and no row for
 *   an attempt that is no longer current (it finished, timed out, was lost or canceled).
 */
import { isArcoError } from '../../domain/errors/index.js';
import { isWorkerAlive } from '../../domain/runs/index.js';
import type { StoredEvent } from '../../events/index.js';
import type { RunProjection, TaskProjection } from '../../fold/index.js';
import type { Store, WorkerDispatch } from '../../store/index.js';
import type { RuntimeContext } from '../context.js';
import { applyAttemptReports } from '../run-commands.js';
import type { AttemptReport } from '../../controllers/index.js';
import { remoteResultSchema, type DispatchEnvelope } from './protocol.js';

/** Remote worker ids start so; local worker slots are `{daemon owner id}/w{n}`. */
export const REMOTE_WORKER_PREFIX = 'rw_';

export function isRemoteWorkerId(workerId: string): boolean {
  return workerId.startsWith(REMOTE_WORKER_PREFIX);
}

/** The range a run was requested for, from its canonical partition selection. */
function rangeOf(run: RunProjection): { start: string; end: string } | null {
  const p = run.partition as { kind?: string; start?: string; end?: string } | null;
  return p?.kind === 'range' && typeof p.start === 'string' && typeof p.end === 'string' ? { start: p.start, end: p.end } : null;
}

/** What a worker is sent for one dispatched attempt of `task` (local and remote workers alike). */
export function envelopeFor(run: RunProjection, task: TaskProjection, dispatched: { attempt: number; attemptId: string; deadlineAt: string | null }): DispatchEnvelope {
  return {
    runId: run.runId,
    taskKey: task.taskKey,
    assetKey: task.assetKey,
    partitionKey: task.partitionKey,
    partitionKeys: run.tasks.filter((t) => t.assetKey === task.assetKey && !t.checkName && t.partitionKey !== null).map((t) => t.partitionKey as string),
    partitionKeyRange: rangeOf(run),
    attempt: dispatched.attempt,
    attemptId: dispatched.attemptId,
    config: run.config,
    codeVersion: task.codeVersion,
    ...(task.outputs ? { assetKeys: task.outputs.map((o) => o.assetKey) } : {}),
    deadlineAt: dispatched.deadlineAt,
    checkName: task.checkName,
  };
}

export interface RemoteSnapshot {
  readonly live: ReadonlySet<string>;
  readonly lost: readonly string[];
  /** A live worker's id once per free slot. */
  readonly freeSlots: readonly string[];
  readonly dispatches: readonly WorkerDispatch[];
}

/** The snapshot when the store holds no remote worker and no dispatch row. */
export const NO_REMOTE_WORKERS: RemoteSnapshot = { live: new Set(), lost: [], freeSlots: [], dispatches: [] };

/**
 * Reads the workers and dispatches, recording first the finished reports among them: in the same
 * pass that declares the attempts of a lost (or unregistered) worker lost, so that a result stored
 * before its worker left is recorded, never lost and run again. The snapshot holds the other rows.
 */
export async function remoteSnapshot(ctx: RuntimeContext, nowEpochMs: number, onProblem: (message: string) => void): Promise<RemoteSnapshot> {
  const [workers, all] = await Promise.all([ctx.store.workers.listWorkers(), ctx.store.workers.listDispatches()]);
  const finished = all.filter((d) => d.state === 'finished');
  if (finished.length > 0) await collectRemoteResults(ctx, finished, onProblem);
  const dispatches = all.filter((d) => d.state !== 'finished');
  const held = new Map<string, number>();
  for (const d of dispatches) held.set(d.workerId, (held.get(d.workerId) ?? 0) + 1);
  const live = new Set<string>();
  const lost: string[] = [];
  const freeSlots: string[] = [];
  for (const worker of workers) {
    if (!isWorkerAlive(worker, nowEpochMs)) {
      lost.push(worker.workerId);
      continue;
    }
    live.add(worker.workerId);
    for (let i = held.get(worker.workerId) ?? 0; i < worker.slots; i += 1) freeSlots.push(worker.workerId);
  }
  return { live, lost, freeSlots, dispatches };
}

/** The attempts of `runs` that are current and not finished, by attempt id. */
function openAttempts(runs: readonly RunProjection[]): Map<string, { run: RunProjection; task: TaskProjection; attempt: number; deadlineAt: string | null; workerId: string; dispatchedAt: string }> {
  const open = new Map<string, { run: RunProjection; task: TaskProjection; attempt: number; deadlineAt: string | null; workerId: string; dispatchedAt: string }>();
  for (const run of runs) {
    for (const task of run.tasks) {
      if (task.status !== 'DISPATCHED' && task.status !== 'RUNNING') continue;
      const a = task.attempts.find((x) => x.attempt === task.attempt && x.outcome === null);
      if (a) open.set(a.attemptId, { run, task, attempt: a.attempt, deadlineAt: a.deadlineAt, workerId: a.workerId, dispatchedAt: a.dispatchedAt });
    }
  }
  return open;
}

/**
 * Makes the dispatch rows match the active runs (see the header). `runs` must hold every run in
 * progress, as the coordinator read them.
 */
export async function reconcileDispatches(store: Store, runs: readonly RunProjection[], snapshot: RemoteSnapshot): Promise<void> {
  const open = openAttempts(runs);
  const stale = snapshot.dispatches.filter((d) => !open.has(d.attemptId)).map((d) => d.attemptId);
  await store.workers.removeDispatches(stale);
  const rowed = new Set(snapshot.dispatches.map((d) => d.attemptId));
  const missing = [...open.entries()].filter(([id, o]) => !rowed.has(id) && o.task.status === 'DISPATCHED' && snapshot.live.has(o.workerId));
  await store.workers.addDispatches(
    missing.map(([attemptId, o]) => ({
      attemptId,
      workerId: o.workerId,
      runId: o.run.runId,
      taskKey: o.task.taskKey,
      envelope: envelopeFor(o.run, o.task, { attempt: o.attempt, attemptId, deadlineAt: o.deadlineAt }),
      dispatchedAtEpochMs: Date.parse(o.dispatchedAt),
    })),
  );
}

/** Dispatch rows for the attempts just dispatched to remote workers among `appended`. */
export async function recordRemoteDispatches(store: Store, appended: readonly StoredEvent[], runs: readonly RunProjection[]): Promise<void> {
  const rows: Parameters<Store['workers']['addDispatches']>[0][number][] = [];
  for (const event of appended) {
    if (event.type !== 'TaskDispatched' || !isRemoteWorkerId(event.payload.workerId)) continue;
    const run = runs.find((r) => r.runId === event.payload.runId);
    const task = run?.tasks.find((t) => t.taskKey === event.payload.taskKey);
    // Not in what was read (cannot happen for a dispatch the coordinator decided): reconcile adds it.
    if (!run || !task) continue;
    rows.push({
      attemptId: event.payload.attemptId,
      workerId: event.payload.workerId,
      runId: run.runId,
      taskKey: task.taskKey,
      envelope: envelopeFor(run, task, event.payload),
      dispatchedAtEpochMs: Date.parse(event.at),
    });
  }
  await store.workers.addDispatches(rows);
}

/**
 * Records the finished reports remote workers stored, then forgets their rows: all of them in one
 * read and one append when it can (applyAttemptReports). A report whose attempt stopped being
 * current meanwhile is refused by the run (ATTEMPT_MISMATCH) and dropped; a report that failed
 * otherwise keeps its row, and is recorded at a later iteration.
 */
async function collectRemoteResults(ctx: RuntimeContext, finished: readonly WorkerDispatch[], onProblem: (message: string) => void): Promise<void> {
  const done: string[] = [];
  const reports: AttemptReport[] = [];
  for (const d of finished) {
    const parsed = remoteResultSchema.safeParse(d.result);
    if (!parsed.success) {
      onProblem(`the stored result of attempt ${d.attemptId} from worker ${d.workerId} cannot be read; dropped, the attempt will be lost and retried`);
      done.push(d.attemptId);
      continue;
    }
    const r = parsed.data;
    reports.push({
      kind: 'finished',
      runId: d.runId,
      taskKey: d.taskKey,
      attemptId: d.attemptId,
      outcome: r.outcome,
      error: r.error,
      durationMs: r.durationMs,
      dataVersion: r.dataVersion,
      metadata: r.metadata,
      ...(r.outputs ? { outputs: r.outputs } : {}),
      check: r.check ?? null,
    });
  }
  let failure: unknown;
  for (const { report, error } of await applyAttemptReports(ctx, reports)) {
    if (error === undefined || (isArcoError(error) && (error.code === 'ATTEMPT_MISMATCH' || error.code === 'RUN_NOT_FOUND'))) done.push(report.attemptId);
    else failure ??= error;
  }
  await ctx.store.workers.removeDispatches(done);
  if (failure !== undefined) throw failure;
}
