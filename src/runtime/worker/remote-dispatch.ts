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
import { applyAttemptReports, inputDataVersions } from '../run-commands.js';
import { advanceRun, decideAttemptReport, type AttemptReport } from '../../controllers/index.js';
import type { EventDraft } from '../../events/index.js';
import { remoteResultSchema, type DispatchEnvelope } from './protocol.js';
import { finishedReport } from './finished-report.js';

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
  /** The rows of attempts not finished yet. */
  readonly dispatches: readonly WorkerDispatch[];
  /** The finished reports stored for the leader to record (see foldRemoteReports). */
  readonly finished: readonly WorkerDispatch[];
}

/** The snapshot when the store holds no remote worker and no dispatch row. */
export const NO_REMOTE_WORKERS: RemoteSnapshot = { live: new Set(), lost: [], freeSlots: [], dispatches: [], finished: [] };

/**
 * Reads the workers and dispatches. The finished reports among them are recorded by the same
 * coordination that declares the attempts of a lost (or unregistered) worker lost, before it
 * decides (foldRemoteReports), so that a result stored before its worker left is recorded, never
 * lost and run again; an attempt with a finished report holds no slot.
 */
export async function remoteSnapshot(store: Store, nowEpochMs: number): Promise<RemoteSnapshot> {
  const { workers, dispatches: all } = await store.workers.listWorkersAndDispatches();
  const finished = all.filter((d) => d.state === 'finished');
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
  return { live, lost, freeSlots, dispatches, finished };
}

/** The finished reports folded into the runs they end (foldRemoteReports). */
export interface FoldedReports {
  /** The runs as read, those with reports advanced past them (decided, not appended yet). */
  readonly runs: readonly RunProjection[];
  /** Per run, the events its reports decided, to append with the run's coordination. */
  readonly drafts: ReadonlyMap<string, readonly EventDraft[]>;
  /** Per run, the rows its reports came from (recorded, or refused by the run): forgotten once its append lands. */
  readonly settled: ReadonlyMap<string, readonly string[]>;
  /** Per run, this daemon's own workers' reports about it (recorded, or refused by the run). */
  readonly settledLocal: ReadonlyMap<string, readonly AttemptReport[]>;
  /** Rows to forget now: results that cannot be read (their attempts will be lost and retried). */
  readonly unreadable: readonly string[];
  /** Reports about runs not among `runs` (not in progress): recorded on their own (collectRemoteResults). */
  readonly elsewhere: readonly WorkerDispatch[];
  /** This daemon's own workers' reports about runs not among `runs`: recorded on their own. */
  readonly elsewhereLocal: readonly AttemptReport[];
}

/**
 * Decides the finished reports remote workers stored, and those of this daemon's own workers
 * (`local`), on the runs in progress as the coordinator read them, so that what the reports end
 * and what follows (the next dispatches, the run's end) are appended together, in one append per
 * coordination instead of one for the reports and one for what follows. The events are those
 * applyAttemptReport would append for each report; a report the run refuses (ATTEMPT_MISMATCH:
 * its attempt stopped being current) adds nothing.
 */
export async function foldRemoteReports(
  ctx: RuntimeContext,
  runs: readonly RunProjection[],
  finished: readonly WorkerDispatch[],
  nowEpochMs: number,
  onProblem: (message: string) => void,
  local: readonly AttemptReport[] = [],
): Promise<FoldedReports> {
  const byId = new Map(runs.map((r) => [r.runId, r]));
  const drafts = new Map<string, EventDraft[]>();
  const settled = new Map<string, string[]>();
  const settledLocal = new Map<string, AttemptReport[]>();
  const unreadable: string[] = [];
  const elsewhere: WorkerDispatch[] = [];
  const elsewhereLocal: AttemptReport[] = [];
  const nowIso = new Date(nowEpochMs).toISOString();
  const decide = async (run: RunProjection, report: AttemptReport) => {
    const task = run.tasks.find((t) => t.taskKey === report.taskKey);
    let decided: EventDraft[] = [];
    try {
      decided = decideAttemptReport(run, report, { nowEpochMs, upstreamDataVersions: await inputDataVersions(ctx, task?.inputs ?? []) });
    } catch (error) {
      if (!isArcoError(error) || error.code !== 'ATTEMPT_MISMATCH') throw error;
    }
    if (decided.length === 0) return;
    drafts.set(run.runId, [...(drafts.get(run.runId) ?? []), ...decided]);
    byId.set(run.runId, advanceRun(run, decided, nowIso));
  };
  for (const d of finished) {
    const run = byId.get(d.runId);
    if (!run) {
      elsewhere.push(d);
      continue;
    }
    const report = reportOf(d);
    if (!report) {
      onProblem(`the stored result of attempt ${d.attemptId} from worker ${d.workerId} cannot be read; dropped, the attempt will be lost and retried`);
      unreadable.push(d.attemptId);
      continue;
    }
    await decide(run, report);
    settled.set(run.runId, [...(settled.get(run.runId) ?? []), d.attemptId]);
  }
  for (const report of local) {
    const run = byId.get(report.runId);
    if (!run) {
      elsewhereLocal.push(report);
      continue;
    }
    await decide(run, report);
    settledLocal.set(run.runId, [...(settledLocal.get(run.runId) ?? []), report]);
  }
  return { runs: runs.map((r) => byId.get(r.runId) ?? r), drafts, settled, settledLocal, unreadable, elsewhere, elsewhereLocal };
}

/** The attempt report a finished row stands for; undefined when its stored result cannot be read. */
function reportOf(d: WorkerDispatch): AttemptReport | undefined {
  const parsed = remoteResultSchema.safeParse(d.result);
  if (!parsed.success) return undefined;
  return finishedReport(d, parsed.data);
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
    stale,
  );
}

/**
 * Dispatch rows for the attempts just dispatched to remote workers among `appended`; the rows of
 * `recorded` (reports the same append recorded) are forgotten in the same statement.
 */
export async function recordRemoteDispatches(store: Store, appended: readonly StoredEvent[], runs: readonly RunProjection[], recorded: readonly string[] = []): Promise<void> {
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
  await store.workers.addDispatches(rows, recorded);
}

/**
 * Records finished reports about runs the coordinator did not read (a run that ended meanwhile,
 * one deleted), then forgets their rows: all in one read and one append when it can
 * (applyAttemptReports). A report the run refuses (ATTEMPT_MISMATCH) or whose run is gone is
 * dropped; one that failed otherwise keeps its row, and is recorded at a later iteration.
 */
export async function collectRemoteResults(ctx: RuntimeContext, finished: readonly WorkerDispatch[], onProblem: (message: string) => void): Promise<void> {
  const done: string[] = [];
  const reports: AttemptReport[] = [];
  for (const d of finished) {
    const report = reportOf(d);
    if (report) {
      reports.push(report);
      continue;
    }
    onProblem(`the stored result of attempt ${d.attemptId} from worker ${d.workerId} cannot be read; dropped, the attempt will be lost and retried`);
    done.push(d.attemptId);
  }
  let failure: unknown;
  for (const { report, error } of await applyAttemptReports(ctx, reports)) {
    if (error === undefined || (isArcoError(error) && (error.code === 'ATTEMPT_MISMATCH' || error.code === 'RUN_NOT_FOUND'))) done.push(report.attemptId);
    else failure ??= error;
  }
  await ctx.store.workers.removeDispatches(done);
  if (failure !== undefined) throw failure;
}
