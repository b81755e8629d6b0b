/**
 * The daemon: one loop per process, acting only while it holds the leader lease. The file is
 * longer than 400 lines because it is the one place that orders every step of an iteration (leadership,
 * coordination, backfills, monitoring, retries, freshness, retention) and routes worker reports;
 * each step's logic lives in its own module.
 *
 * Leader lease: a named lease in the store, renewed by the iterations at least five times per
 * lease, and every third of `leaderLeaseMs` while a leader's iteration runs (an iteration held up,
 * say behind the ledger lock of a frozen old leader, must not let the lease lapse), valid for
 * `leaderLeaseMs`. Another daemon takes over when it expires, or at once when the holder is a
 * process on this host that no longer exists (a daemon killed with -9).
 *
 * Leadership states: a daemon starts STANDING BY; it LEADS from the iteration whose lease grant it
 * wins, with that grant's fencing token; it stands by again when a grant is refused (another
 * daemon holds the lease) or when an append is refused with LEADER_FENCED (another daemon took
 * the lease while this one was paused or partitioned). Everything it decides as leader is
 * committed through a context carrying its fencing token (`fencedContext`), so a deposed leader
 * that wakes up mid-iteration cannot append a decision; workers' reports and log lines are facts
 * about attempts and are not fenced. Every daemon, leading or not, records its liveness heartbeat
 * (`arco instance info`) and the heartbeats of attempts its own workers still run.
 *
 * Each iteration: read the active runs (the runs in progress and the queued runs admitted now, kept
 * between iterations by src/runtime/active-runs.ts), record heartbeats for attempts running in this process's
 * workers, decide the finished reports remote workers stored on those runs, ask the run coordinator
 * what to do next, append the reports and the decisions together conditioned on each run's version
 * as read (one append for every run, or run by run when one changed meanwhile), and hand the
 * dispatched attempts to the worker pool; then advance the backfills
 * (a chunk run that just ended plans the next chunk, whose run is coordinated in the same
 * iteration); then run monitoring (timeouts, max runtime) and run retries of runs that just
 * failed, whose retries are coordinated in the same iteration; last, at most every half minute,
 * record the assets whose freshness changed (src/runtime/freshness.ts), and once a minute forget what
 * is older than the retention settings (src/runtime/retention.ts). This process's worker reports
 * are applied as they arrive, in arrival order, through the same conditional append. An iteration
 * runs every tick, and at once when woken: by a local report, a run requested through this API, or
 * a remote worker's finished report stored through any daemon's API (WorkerStore.onReportStored).
 */
import { decideRunProgress, type AttemptReport, type RunStep } from '../controllers/index.js';
import { isArcoError } from '../domain/errors/index.js';
import type { StoredEvent } from '../events/index.js';
import type { RunProjection } from '../fold/index.js';
import { hostname } from 'node:os';
import type { TagConcurrencyLimit } from '../domain/runs/index.js';
import { ActiveRuns } from './active-runs.js';
import { commit, fencedContext, isOwnerDead, newOwnerId, type RuntimeContext } from './context.js';
import { applyAttemptReport, applyAttemptReports } from './run-commands.js';
import { advanceBackfills } from './backfill-runner.js';
import { Automation } from './automation/index.js';
import { FreshnessRunner } from './freshness.js';
import { readPoolLimits, RunMonitor } from './run-monitor.js';
import { retryFailedRuns } from './run-retries.js';
import { Retention } from './retention.js';
import { ObservationRunner } from './observation-runner.js';
import { WorkerPool, type PoolReport, type WorkerOutputLine } from './worker/worker-pool.js';
import { forgetResult, readSpool, spoolDirOf } from './worker/result-spool.js';
import { collectRemoteResults, envelopeFor, foldRemoteReports, isRemoteWorkerId, NO_REMOTE_WORKERS, reconcileDispatches, recordRemoteDispatches, remoteSnapshot, type FoldedReports, type RemoteSnapshot } from './worker/remote-dispatch.js';
import { STARTED_REPORT_DELAY_MS } from './worker/remote-attempts.js';
import type { WorkerCounts } from './observability/index.js';
import { finishedReport } from './worker/finished-report.js';
import { stampEvents, draft, idempotencyKeys, type EventDraft } from '../events/index.js';

/**
 * The coordinator's steps with the reports folded before it decided (remote workers', and this
 * daemon's own workers'): per run, the reports' events and the step's, all conditioned on the
 * version the run was read at (`read`).
 */
function withReports(steps: readonly RunStep[], reports: FoldedReports, read: readonly RunProjection[]): CommitStep[] {
  const versionRead = new Map(read.map((r) => [r.runId, r.version]));
  const out: CommitStep[] = [];
  const stepped = new Set<string>();
  for (const step of steps) {
    stepped.add(step.runId);
    out.push({ runId: step.runId, expectVersion: versionRead.get(step.runId) ?? step.expectVersion, reported: reports.drafts.get(step.runId) ?? [], drafts: step.drafts });
  }
  for (const [runId, drafts] of reports.drafts) {
    const version = versionRead.get(runId);
    if (!stepped.has(runId) && version !== undefined) out.push({ runId, expectVersion: version, reported: drafts, drafts: [] });
  }
  return out;
}

/** A run's step with the events of the reports it records, which go first (see commitSteps). */
interface CommitStep extends RunStep {
  readonly reported: readonly EventDraft[];
}

export interface DaemonOptions {
  /** Worker processes. @default 2 */
  readonly workers?: number;
  /** @default 250 */
  readonly tickMs?: number;
  /** An attempt with no heartbeat for this long is lost. @default 15000 */
  readonly attemptLeaseMs?: number;
  /** @default 15000 */
  readonly leaderLeaseMs?: number;
  /** Overrides the instance setting `runQueue.maxConcurrentRuns`; null: unlimited. */
  readonly maxConcurrentRuns?: number | null;
  readonly onProblem?: (message: string) => void;
  /** Lines the worker processes print; absent, they print to this process's stdout and stderr. */
  readonly onWorkerOutput?: (output: WorkerOutputLine) => void;
  /**
   * A test's pause point: awaited after each won lease grant, before the daemon acts on it, so a
   * test can hold a leader there while another daemon takes the lease (a paused process).
   */
  readonly afterLeaseWon?: () => Promise<void>;
  /** Leadership changes (leading, fenced), for the log; a fenced step-down goes to onProblem without it. */
  readonly onNotice?: (message: string) => void;
}

/** The name of the leader lease in the store. */
export const LEADER_LEASE = 'daemon';
/** A daemon's liveness heartbeat is written at most this often (and whenever its role changes). */
export const DAEMON_HEARTBEAT_MS = 1_000;

/** The leader lease and attempts' heartbeats are renewed this many times per lease at least. */
const RENEWALS_PER_LEASE = 5;

/** Log lines are appended in batches of at most this many events. */
const LOG_BATCH_MAX = 500;

export class Daemon {
  readonly ownerId = newOwnerId();
  private readonly pool: WorkerPool;
  private readonly automation: Automation;
  private readonly freshness: FreshnessRunner;
  private readonly observations: ObservationRunner;
  private readonly monitor: RunMonitor;
  private readonly retention: Retention;
  /** Where this project's workers spool finished reports until this daemon records them. */
  private readonly spoolDir: string;
  /** When each loop last completed (epoch ms by name), recorded with the liveness heartbeat. */
  private readonly loops = new Map<string, number>();
  private readonly activeRuns: ActiveRuns;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  /** When the last whole iteration began (performance.now(); see lead). */
  private wholeIterationAt: number | undefined;
  /** Whether remote workers are in use, as the last whole iteration read it. */
  private remoteInUse = false;
  /** A run ended in an append since the iteration's coordination began. */
  private runsEnded = false;
  /** An iteration is under way; a wake meanwhile asks for another one right after it (wakeAgain). */
  private iterating = false;
  private wakeAgain = false;
  /** Stops listening for remote workers' finished reports (subscribed once remote work is seen). */
  private reportSignals: Promise<() => void> | undefined;
  private ticking: Promise<void> = Promise.resolve();
  private reports: Promise<void> = Promise.resolve();
  private pendingLogs: EventDraft[] = [];
  /** Worker reports waiting for the report queue, applied together when it reaches them. */
  private pendingReports: AttemptReport[] = [];
  /**
   * This daemon's own workers' finished reports while it leads: recorded by the coordinator with
   * what follows from them, as remote workers' reports are (one append instead of two).
   */
  private localFinished: AttemptReport[] = [];
  /** Local attempts' started reports held back (see onPoolReport), by attempt id. */
  private readonly heldStarts = new Map<string, { readonly report: AttemptReport; readonly timer: NodeJS.Timeout }>();
  private leader = false;
  /**
   * Worker slots (local and remote) that the last coordination found free and gave no task: run
   * monitoring's "slots were free" test. Counted from the decision, not from the slots free later,
   * so a slot freed meanwhile by a finishing attempt, or left free because a dispatch lost a race
   * with a report, never makes a run waiting its turn look stuck.
   */
  private unassignedSlots = 0;
  /** The lease holder this daemon last found leading instead of it, if any. */
  private standbyFrom: string | undefined;
  /** The fencing token of the grant this daemon leads with; null while it stands by. */
  private fencingToken: number | null = null;
  /** What the daemon decides as leader is committed through this context (see the header). */
  private readonly leaderCtx: RuntimeContext;
  private readonly startedAtEpochMs: number;
  private lastHeartbeat: { atEpochMs: number; role: 'leader' | 'standby' } | undefined;
  /** When this daemon's last lease grant was won (undefined while it stands by). */
  private leaseRenewedAt: number | undefined;
  /** When the heartbeat of each attempt this process's workers run was last written (or first seen). */
  private readonly heartbeatsWritten = new Map<string, number>();
  private readonly options: Required<Omit<DaemonOptions, 'onProblem' | 'onNotice' | 'afterLeaseWon' | 'onWorkerOutput' | 'maxConcurrentRuns'>> &
    Pick<DaemonOptions, 'onProblem' | 'onNotice' | 'afterLeaseWon' | 'maxConcurrentRuns'>;

  constructor(private readonly ctx: RuntimeContext, options: DaemonOptions = {}) {
    this.options = {
      workers: options.workers ?? 2,
      tickMs: options.tickMs ?? 250,
      attemptLeaseMs: options.attemptLeaseMs ?? 15_000,
      leaderLeaseMs: options.leaderLeaseMs ?? 15_000,
      maxConcurrentRuns: options.maxConcurrentRuns,
      onProblem: options.onProblem,
      onNotice: options.onNotice,
      afterLeaseWon: options.afterLeaseWon,
    };
    this.startedAtEpochMs = ctx.clock.now();
    // No token (standing by) fences with one no lease ever carries, so nothing is appended.
    this.leaderCtx = fencedContext(ctx, () => ({ lease: LEADER_LEASE, token: this.fencingToken ?? -1 }));
    this.pool = new WorkerPool({
      size: this.options.workers,
      definitionsFile: ctx.definitions.file,
      ownerId: this.ownerId,
      onReport: (report) => this.onPoolReport(report),
      onProblem: (message) => this.problem(message),
      ...(options.onWorkerOutput ? { onOutput: options.onWorkerOutput } : {}),
      clock: ctx.clock,
    });
    this.automation = new Automation(this.leaderCtx, { onProblem: (message) => this.problem(message) });
    this.freshness = new FreshnessRunner(this.leaderCtx);
    this.observations = new ObservationRunner(this.leaderCtx, (message) => this.problem(message));
    this.monitor = new RunMonitor(this.leaderCtx);
    this.retention = new Retention(this.leaderCtx);
    this.spoolDir = spoolDirOf(ctx.definitions.file);
    this.activeRuns = new ActiveRuns(ctx.store);
  }

  get isLeader(): boolean {
    return this.leader;
  }

  /** This process's worker slots and how many hold an attempt (for `/metrics`). */
  workerCounts(): WorkerCounts {
    const total = this.options.workers;
    return { total, busy: total - this.pool.freeSlots().length };
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.pool.start();
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    await this.ticking;
    (await this.reportSignals?.catch(() => undefined))?.();
    this.reportSignals = undefined;
    await this.automation.stop();
    await this.observations.idle();
    await this.pool.stop();
    // What started and was not reported yet is recorded before the queue drains, and the finished
    // reports the coordinator will not record now are recorded on their own.
    for (const attemptId of [...this.heldStarts.keys()]) this.releaseStart(attemptId);
    const unrecorded = this.localFinished.splice(0);
    this.enqueue(() => this.applyReports(unrecorded));
    await this.reports;
    await this.flushLogs();
    if (this.leader) await this.ctx.store.leases.releaseLease(LEADER_LEASE, this.ownerId);
    this.setLeader(false);
    this.fencingToken = null;
    await this.ctx.store.daemons.removeDaemonHeartbeat(this.ownerId).catch((e: unknown) => this.problem(`forgetting this daemon's heartbeat failed: ${String(e)}`));
  }

  /** The fencing token this daemon leads with (null: it stands by). */
  get leaderFencingToken(): number | null {
    return this.fencingToken;
  }

  /**
   * The context's definitions were replaced (hot reload): schedules and sensors are synced again
   * and worker processes are replaced so that new attempts run the new code.
   */
  definitionsChanged(): void {
    this.automation.definitionsChanged();
    this.pool.recycle();
    this.wake();
  }

  /**
   * Runs an iteration soon (after a report that may unblock work). Wakes during an iteration ask
   * for one more right after it, however many there were: what they signal is read then.
   */
  wake(): void {
    if (!this.running) return;
    if (this.iterating) this.wakeAgain = true;
    else this.schedule(0, true);
  }

  /** `woken`: the iteration is for a wake (a report, a request), not the tick (see lead). */
  private schedule(delayMs: number, woken = false): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.iterating = true;
      this.wakeAgain = false;
      this.ticking = this.ticking.then(() => this.iterate(woken)).catch((e: unknown) => this.problem(`iteration failed: ${String(e)}`));
      void this.ticking.then(() => {
        this.iterating = false;
        if (this.running) this.schedule(this.wakeAgain ? 0 : this.options.tickMs, this.wakeAgain);
      });
    }, delayMs);
  }

  /**
   * From the first iteration that sees remote work on: a finished report stored through any API
   * (any daemon's, on PostgreSQL) wakes this daemon, which records it at once if it leads.
   */
  private async listenForReports(): Promise<void> {
    if (this.reportSignals) return;
    const subscribed = this.ctx.store.workers.onReportStored(() => {
      if (this.leader) this.wake();
    });
    this.reportSignals = subscribed;
    subscribed.catch((e: unknown) => {
      this.problem(`listening for remote workers' reports failed: ${String(e)}; they are recorded at each tick`);
      if (this.reportSignals === subscribed) this.reportSignals = undefined;
    });
    // Listening before this iteration reads the reports: one stored from now on wakes the next.
    await subscribed.catch(() => undefined);
  }

  private async iterate(woken = false): Promise<void> {
    if (!this.running) return;
    const now = this.ctx.clock.now();
    const leads = await this.holdLeadership(now);
    // Also while standing by: attempts this process's workers still run (it led before) are alive,
    // and the leader must not declare them lost.
    await this.recordAttemptHeartbeats(now);
    await this.recordLiveness(now);
    this.ran('iteration');
    if (!leads) {
      // Its own workers' finished reports that were to be recorded with a coordination it no
      // longer makes: on their own (a deposed leader's append is refused, its spool then kept).
      const unrecorded = this.localFinished.splice(0);
      if (unrecorded.length > 0) this.enqueue(() => this.applyReports(unrecorded));
      return;
    }
    await this.options.afterLeaseWon?.();
    const renewal = this.renewWhileLeading();
    try {
      await this.lead(now, woken);
    } catch (error) {
      if (!isArcoError(error) || error.code !== 'LEADER_FENCED') throw error;
      this.stepDown(`LEADER_FENCED: ${error.message}. Another daemon leads now; this one stands by`);
    } finally {
      renewal.stop();
    }
  }

  /**
   * Extends the lease while an iteration runs. A renewal that finds another holder changes nothing
   * here: this daemon's next append is refused with LEADER_FENCED and it stands by then.
   */
  private renewWhileLeading(): { stop: () => void } {
    let renewing: Promise<unknown> = Promise.resolve();
    let stopped = false;
    const timer = setInterval(() => {
      renewing = renewing
        .then(() => (stopped ? undefined : this.ctx.store.leases.acquireLease(LEADER_LEASE, this.ownerId, this.options.leaderLeaseMs, this.ctx.clock.now())))
        .catch(() => undefined);
    }, Math.max(50, Math.floor(this.options.leaderLeaseMs / 3)));
    timer.unref();
    return {
      stop: () => {
        stopped = true;
        clearInterval(timer);
      },
    };
  }

  /**
   * One iteration's work as leader; every append is fenced by this daemon's token. One woken within a tick of the last whole one (under load, reports
   * wake it many times a tick) is light: it records what was reported and what follows, the
   * coordinator's work and, when runs ended, their backfills and retries; what runs on the clock's
   * cadence (spooled results, whether remote workers are in use, schedules and sensors) waits for
   * the next whole one, at most a tick away as when idle.
   */
  private async lead(now: number, woken: boolean): Promise<void> {
    const light = woken && this.wholeIterationAt !== undefined && performance.now() - this.wholeIterationAt < this.options.tickMs;
    if (!light) {
      this.wholeIterationAt = performance.now();
      await this.collectSpooledResults();
      // One cheap read instead of the remote snapshot (which records remote workers' finished
      // reports) and reconcile, for the many instances without remote workers. It reads the
      // store, never this process's memory: a worker may register through any daemon's API, and
      // is seen from the next whole iteration.
      this.remoteInUse = await this.ctx.store.workers.hasRemoteWork();
      if (this.remoteInUse) await this.listenForReports();
      await this.automation.iterate(now);
      this.ran('automation');
    }
    const remoteInUse = this.remoteInUse;
    this.runsEnded = false;
    await this.coordinate(now, remoteInUse);
    this.ran('coordinator');
    if (light && !this.runsEnded) return this.afterCoordination(now);
    // Right after the coordinator recorded the runs that ended: their backfills plan the next
    // chunks now, and the runs they request start in this same iteration.
    const backfills = await advanceBackfills(this.leaderCtx, now);
    this.ran('backfills');
    // Run monitoring sees the slots this iteration left free; the attempts it ends lose their workers.
    const monitored = await this.monitor.monitorIfDue(now, this.unassignedSlots).catch((e: unknown) => {
      this.problem(`run monitoring failed: ${String(e)}`);
      return [];
    });
    this.afterAppend(monitored, []);
    this.ran('monitoring');
    // Failed runs (reported, timed out or failed by monitoring) are retried in this same iteration;
    // a step that fails leaves its cursor, so the next iteration decides those runs again.
    const retries = await retryFailedRuns(this.leaderCtx, (message) => this.problem(message)).catch((e: unknown) => {
      this.problem(`run retries failed: ${String(e)}`);
      return { requested: [] };
    });
    this.ran('retries');
    if (backfills.requestedRuns > 0 || retries.requested.length > 0) await this.coordinate(now, remoteInUse);
    await this.afterCoordination(now);
  }

  /** What is due each iteration after the runs' work (each on its own schedule). */
  private async afterCoordination(now: number): Promise<void> {
    // Last, and on its own: freshness changes with the clock, and a failure to record it must
    // not hold up running work.
    await this.freshness.evaluateIfDue(now).catch((e: unknown) => this.problem(`freshness evaluation failed: ${String(e)}`));
    this.ran('freshness');
    this.observations.startDue(now);
    // History older than the retention settings is forgotten in bounded batches, once a minute.
    await this.retention.purgeIfDue(now).catch((e: unknown) => this.problem(`retention failed: ${String(e)}`));
    this.ran('retention');
  }

  /** Notes that a loop completed now (a loop that failed is caught and reported, and still ran). */
  private ran(loop: string): void {
    this.loops.set(loop, this.ctx.clock.now());
  }

  /**
   * Asks the run coordinator what to do with the active runs, appends it and dispatches. Without
   * `remoteInUse` no remote worker is registered and no dispatch row is left: an attempt still
   * held by a remote worker belongs to one that is gone, and is declared lost.
   */
  private async coordinate(now: number, remoteInUse: boolean): Promise<void> {
    const limits = this.queueLimits();
    // Two independent reads, at once: the iteration's round trips are the time a report waits.
    const [remote, read] = await Promise.all([remoteInUse ? remoteSnapshot(this.ctx.store, now) : NO_REMOTE_WORKERS, this.activeRuns.read(limits)]);
    // Remote workers' finished reports are decided first, on the runs as read, and appended with
    // what follows from them (the next dispatches, the run's end) in one append.
    // This daemon's own workers' reports too; those not recorded by the end go back for the next.
    const local = this.localFinished.splice(0);
    const unrecorded = new Set(local);
    try {
      await this.coordinateWith(now, remoteInUse, limits, remote, read, local, unrecorded);
    } finally {
      if (unrecorded.size > 0) this.localFinished.unshift(...local.filter((r) => unrecorded.has(r)));
    }
  }

  private async coordinateWith(
    now: number,
    remoteInUse: boolean,
    limits: ReturnType<Daemon['queueLimits']>,
    remote: RemoteSnapshot,
    read: readonly RunProjection[],
    local: readonly AttemptReport[],
    unrecorded: Set<AttemptReport>,
  ): Promise<void> {
    const reports = await foldRemoteReports(this.ctx, read, remote.finished, now, (message) => this.problem(message), local);
    if (reports.unreadable.length > 0) await this.ctx.store.workers.removeDispatches(reports.unreadable);
    if (reports.elsewhere.length > 0) await collectRemoteResults(this.ctx, reports.elsewhere, (message) => this.problem(message));
    if (reports.elsewhereLocal.length > 0) {
      for (const report of reports.elsewhereLocal) unrecorded.delete(report);
      await this.applyReports(reports.elsewhereLocal);
    }
    const runs = reports.runs;
    if (remoteInUse) await reconcileDispatches(this.ctx.store, runs, remote);
    // An attempt dispatched less than a lease ago is not lost whatever its heartbeats say (its last
    // sign of life is at least its dispatch): only older ones' are read, most iterations none.
    const leaseFrom = now - this.options.attemptLeaseMs;
    const attemptIds = runs.flatMap((r) => r.tasks.flatMap((t) => t.attempts.filter((a) => a.outcome === null && Date.parse(a.dispatchedAt) <= leaseFrom).map((a) => a.attemptId)));
    const heartbeats = await this.ctx.store.leases.readHeartbeats(attemptIds);
    const freeWorkerSlots = [...this.pool.freeSlots(), ...remote.freeSlots];
    const decided = decideRunProgress({
      runs,
      nowEpochMs: now,
      freeWorkerSlots,
      heartbeats,
      attemptLeaseMs: this.options.attemptLeaseMs,
      maxConcurrentRuns: limits.maxConcurrentRuns,
      tagConcurrencyLimits: limits.tagConcurrencyLimits,
      // Read each iteration a task names a pool: `arco pool set` takes effect at the next one.
      poolLimits: runs.some((r) => r.tasks.some((t) => t.pool !== undefined)) ? await readPoolLimits(this.ctx) : new Map(),
      defaultPoolLimit: this.ctx.definitions.definitions.instance.pools.defaultLimit,
      poolGranularity: this.ctx.definitions.definitions.instance.pools.granularity,
      // A remote worker is dead once it is not heard from within its heartbeat timeout (or was forgotten).
      isWorkerDead: (workerId) => (isRemoteWorkerId(workerId) ? !remote.live.has(workerId) : !this.pool.owns(workerId) && isOwnerDead(workerId.split('/')[0] ?? '')),
      ids: this.ctx.ids,
    });
    const assigned = decided.reduce((n, step) => n + step.drafts.filter((d) => d.type === 'TaskDispatched').length, 0);
    this.unassignedSlots = Math.max(0, freeWorkerSlots.length - assigned);
    const steps = withReports(decided, reports, read);
    // Reports their runs all refused append nothing: their rows go now.
    const stepped = new Set(steps.map((s) => s.runId));
    const refused = [...reports.settled].flatMap(([runId, rows]) => (stepped.has(runId) ? [] : rows));
    if (refused.length > 0) await this.ctx.store.workers.removeDispatches(refused);
    for (const [runId, settled] of reports.settledLocal) if (!stepped.has(runId)) this.forgetLocal(settled, unrecorded);
    await this.commitSteps(steps, runs, now, remoteInUse, reports, unrecorded);
    // Lost workers are forgotten once their attempts were decided (a forgotten worker counts as dead,
    // so an attempt whose decision failed above is declared lost at the next iteration).
    if (remote.lost.length > 0) await this.ctx.store.workers.removeWorkers(remote.lost);
    for (const run of runs) {
      if (run.status !== 'CANCELING') continue;
      for (const task of run.tasks) {
        const attempt = task.attempts.find((a) => a.attempt === task.attempt && a.outcome === null);
        if (attempt) this.pool.abort(attempt.attemptId, 'canceled');
      }
    }
  }

  /**
   * Appends the iteration's steps: all of them in one append when no run changed since it was
   * read, else run by run, each step conditioned on its run's version (a run that changed is read
   * again and decided at the next iteration). A remote report's row is forgotten once the append
   * that recorded it landed.
   */
  private async commitSteps(steps: readonly CommitStep[], runs: readonly RunProjection[], now: number, remoteInUse: boolean, reports: FoldedReports, unrecorded: Set<AttemptReport>): Promise<void> {
    const landed = async (appended: readonly StoredEvent[], runIds: readonly string[]) => {
      for (const id of runIds) this.forgetLocal(reports.settledLocal.get(id) ?? [], unrecorded);
      this.afterAppend(appended, runs);
      const recorded = runIds.flatMap((id) => reports.settled.get(id) ?? []);
      if (remoteInUse) await recordRemoteDispatches(this.ctx.store, appended, runs, recorded);
      else if (recorded.length > 0) await this.ctx.store.workers.removeDispatches(recorded);
    };
    if (steps.length > 1) {
      try {
        const result = await commit(
          this.leaderCtx,
          // Every report's events before any decision's: a slot one report frees (a pool's, a
          // run's) is free before another run takes it, in the ledger's order too.
          [...steps.flatMap((s) => s.reported), ...steps.flatMap((s) => s.drafts)],
          now,
          steps.map((s) => ({ table: 'runs' as const, id: s.runId, version: s.expectVersion })),
        );
        await landed(result.appended, steps.map((s) => s.runId));
        return;
      } catch (error) {
        if (!isArcoError(error) || error.code !== 'CONCURRENT_MODIFICATION') throw error;
        // A report or a command changed one of the runs: each step on its own below.
      }
    }
    for (const step of steps) {
      try {
        const result = await commit(this.leaderCtx, [...step.reported, ...step.drafts], now, [{ table: 'runs', id: step.runId, version: step.expectVersion }]);
        await landed(result.appended, [step.runId]);
      } catch (error) {
        // A report or a command changed the run since we read it; the next iteration decides again.
        if (!isArcoError(error) || error.code !== 'CONCURRENT_MODIFICATION') throw error;
        this.activeRuns.doubt(step.runId);
      }
    }
  }

  /** Own workers' reports recorded (or refused for good): their spooled copies are not needed. */
  private forgetLocal(reports: readonly AttemptReport[], unrecorded: Set<AttemptReport>): void {
    for (const report of reports) {
      unrecorded.delete(report);
      forgetResult(this.spoolDir, report.attemptId);
    }
  }

  /** The run queue's limits now: read each iteration, since hot reload may change the settings. */
  private queueLimits(): { maxConcurrentRuns: number | null; tagConcurrencyLimits: readonly TagConcurrencyLimit[] } {
    const settings = this.ctx.definitions.definitions.instance.runQueue;
    const override = this.options.maxConcurrentRuns;
    return { maxConcurrentRuns: override === undefined ? settings.maxConcurrentRuns : override, tagConcurrencyLimits: settings.tagConcurrencyLimits };
  }

  private async holdLeadership(now: number): Promise<boolean> {
    // A lease renewed moments ago is still this daemon's: nobody else can be granted it before it
    // expires, and were it taken anyway (its holder thought dead), the fencing token refuses this
    // daemon's next append. Renewing on every iteration cost a write per iteration (two for each
    // task of a short job) for nothing.
    if (this.leader && this.leaseRenewedAt !== undefined && now >= this.leaseRenewedAt && now - this.leaseRenewedAt < this.options.leaderLeaseMs / RENEWALS_PER_LEASE) return true;
    let grant = await this.ctx.store.leases.acquireLease(LEADER_LEASE, this.ownerId, this.options.leaderLeaseMs, now);
    if (!grant.acquired && isOwnerDead(grant.holder)) {
      grant = await this.ctx.store.leases.acquireLease(LEADER_LEASE, this.ownerId, this.options.leaderLeaseMs, now, grant.holder);
    }
    this.noteStandby(grant.acquired ? undefined : grant.holder);
    // What another leader did meanwhile is read from scratch when this daemon leads again.
    if (!grant.acquired) this.activeRuns.drop();
    if (grant.acquired && this.fencingToken !== grant.fencingToken) this.notice(`this daemon (${this.ownerId}) leads the store now, fencing token ${grant.fencingToken}`);
    this.setLeader(grant.acquired);
    this.fencingToken = grant.acquired ? grant.fencingToken : null;
    this.leaseRenewedAt = grant.acquired ? now : undefined;
    return grant.acquired;
  }

  /**
   * Records that this process's workers still run their attempts, at most every
   * 1/RENEWALS_PER_LEASE of the attempt lease for each: the coordinator reads an attempt as alive
   * while its last heartbeat (or its dispatch, for one that has none yet) is younger than the
   * lease, so a write on every iteration (one per task of a short job) told it nothing new.
   */
  private async recordAttemptHeartbeats(now: number): Promise<void> {
    const active = new Set(this.pool.activeAttemptIds());
    for (const id of this.heartbeatsWritten.keys()) if (!active.has(id)) this.heartbeatsWritten.delete(id);
    const due: string[] = [];
    for (const id of active) {
      const last = this.heartbeatsWritten.get(id);
      // First seen: dispatched moments ago by this daemon, and the dispatch counts as a heartbeat.
      if (last === undefined) this.heartbeatsWritten.set(id, now);
      else if (now < last || now - last >= this.options.attemptLeaseMs / RENEWALS_PER_LEASE) due.push(id);
    }
    if (due.length === 0) return;
    await this.ctx.store.leases.recordHeartbeats(due, now);
    for (const id of due) this.heartbeatsWritten.set(id, now);
  }

  /** Whether this daemon leads, told to the store too (WorkerStore.leadsHere). */
  private setLeader(leading: boolean): void {
    this.leader = leading;
    this.ctx.store.workers.leadsHere(this.ownerId, leading);
  }

  private stepDown(message: string): void {
    this.leaseRenewedAt = undefined;
    this.setLeader(false);
    this.fencingToken = null;
    this.notice(message, true);
  }

  /** Writes this daemon's liveness heartbeat when it is due or its role changed. */
  private async recordLiveness(now: number): Promise<void> {
    const role = this.leader ? 'leader' : 'standby';
    const last = this.lastHeartbeat;
    if (last && last.role === role && now - last.atEpochMs < DAEMON_HEARTBEAT_MS) return;
    this.lastHeartbeat = { atEpochMs: now, role };
    await this.ctx.store.daemons.recordDaemonHeartbeat({
      daemonId: this.ownerId,
      host: hostname(),
      pid: process.pid,
      role,
      startedAtEpochMs: this.startedAtEpochMs,
      seenAtEpochMs: now,
      fencingToken: this.fencingToken,
      loops: Object.fromEntries(this.loops),
    });
  }

  private afterAppend(appended: readonly StoredEvent[], runs: readonly RunProjection[]): void {
    for (const event of appended) {
      if (event.type === 'RunFinished') this.runsEnded = true;
      if (event.type === 'TaskDispatched' && this.pool.owns(event.payload.workerId)) {
        const run = runs.find((r) => r.runId === event.payload.runId);
        const task = run?.tasks.find((t) => t.taskKey === event.payload.taskKey);
        if (!run || !task) continue;
        // Synchronously, so the slot is taken before anything else asks for free slots.
        this.pool.execute(event.payload.workerId, envelopeFor(run, task, event.payload));
      } else if (event.type === 'TaskAttemptFinished') {
        // The coordinator resolved an attempt (timeout, lost worker) that may still be running here.
        this.pool.discard(event.payload.attemptId);
      }
    }
  }

  private onPoolReport(report: PoolReport): void {
    const { envelope } = report;
    if (report.kind === 'log') {
      // Its lines go after its start, as a remote worker sends them.
      this.releaseStart(envelope.attemptId);
      const m = report.message;
      this.pendingLogs.push(
        draft(
          'TaskLogged',
          { runId: envelope.runId, taskKey: envelope.taskKey, attempt: envelope.attempt, seq: m.seq, level: m.level, message: m.message, loggedAt: m.loggedAt },
          idempotencyKeys.taskLogged(envelope.runId, envelope.taskKey, envelope.attempt, m.seq),
          envelope.runId,
        ),
      );
      if (this.pendingLogs.length === 1) this.enqueue(() => this.flushLogs());
      return;
    }
    if (report.kind === 'started') {
      // As a remote worker does (remote-attempts.ts): an attempt that ends within moments is
      // recorded by its finished report alone, its start with its end, one append fewer.
      const started: AttemptReport = { kind: 'started', runId: envelope.runId, taskKey: envelope.taskKey, attemptId: envelope.attemptId, workerId: report.slotId };
      this.heldStarts.set(envelope.attemptId, { report: started, timer: setTimeout(() => this.releaseStart(envelope.attemptId), STARTED_REPORT_DELAY_MS) });
      return;
    }
    const held = this.heldStarts.get(envelope.attemptId);
    if (held) clearTimeout(held.timer);
    this.heldStarts.delete(envelope.attemptId);
    this.queueReport(finishedReport(envelope, report.message));
  }

  /** Queues a held started report now. */
  private releaseStart(attemptId: string): void {
    const held = this.heldStarts.get(attemptId);
    if (!held) return;
    clearTimeout(held.timer);
    this.heldStarts.delete(attemptId);
    this.queueReport(held.report);
  }

  /** Reports that arrive before the queue reaches them are applied together (applyAttemptReports). */
  private queueReport(report: AttemptReport): void {
    this.pendingReports.push(report);
    if (this.pendingReports.length === 1) this.enqueue(() => this.applyPendingReports());
  }

  private async applyPendingReports(): Promise<void> {
    const pending = this.pendingReports.splice(0);
    await this.flushLogs();
    // While this daemon leads and runs, its coordinator records finished reports (coordinate).
    const toCoordinator: AttemptReport[] = this.leader && this.running ? pending.filter((r) => r.kind === 'finished') : [];
    if (toCoordinator.length > 0) {
      this.localFinished.push(...toCoordinator);
      this.wake();
    }
    await this.applyReports(pending.filter((r) => !toCoordinator.includes(r)));
  }

  /** Applies reports of this daemon's own workers on their own (applyAttemptReports). */
  private async applyReports(reports: readonly AttemptReport[]): Promise<void> {
    if (reports.length === 0) return;
    let applied = false;
    for (const { report, error } of await applyAttemptReports(this.ctx, reports)) {
      if (error !== undefined && (!isArcoError(error) || error.code !== 'ATTEMPT_MISMATCH')) {
        this.problem(`applying a worker report failed: ${String(error)}`);
        continue;
      }
      applied = true;
      // Recorded (or refused for good): the spooled copy is no longer needed.
      if (report.kind === 'finished') forgetResult(this.spoolDir, report.attemptId);
    }
    if (applied) this.wake();
  }

  /**
   * Records the results workers spooled but no daemon recorded (the daemon that led before died
   * between the two), so a compute that finished is not run again (result-spool.ts).
   */
  private collectSpooledResults(): Promise<void> {
    // Through the report queue: recorded beside an apply in flight, a spooled result could end an
    // attempt before its own queued "started" report, leaving it without TaskAttemptStarted.
    const collected = this.reports.then(() => this.recordSpooledResults());
    this.reports = collected.catch(() => undefined);
    return collected;
  }

  private async recordSpooledResults(): Promise<void> {
    const { results, corrupt } = readSpool(this.spoolDir);
    for (const name of corrupt) this.problem(`the spooled result ${name} in ${this.spoolDir} cannot be read; it is left for inspection and its attempt may run again`);
    // Attempts still running here, or whose reports wait in the queue, are recorded from those reports.
    const reported = new Set([...this.pool.activeAttemptIds(), ...this.pendingReports.map((r) => r.attemptId), ...this.localFinished.map((r) => r.attemptId)]);
    for (const { runId, taskKey, message } of results) {
      if (reported.has(message.attemptId)) continue;
      try {
        await applyAttemptReport(this.ctx, finishedReport({ runId, taskKey, attemptId: message.attemptId }, message));
      } catch (error) {
        // Another store's run (a project used with several stores) stays for the daemon of that store.
        if (isArcoError(error) && error.code === 'RUN_NOT_FOUND') continue;
        if (!isArcoError(error) || error.code !== 'ATTEMPT_MISMATCH') throw error;
      }
      forgetResult(this.spoolDir, message.attemptId);
    }
  }

  private enqueue(work: () => Promise<void>): void {
    this.reports = this.reports.then(work).catch((e: unknown) => this.problem(`applying a worker report failed: ${String(e)}`));
  }

  private async flushLogs(): Promise<void> {
    while (this.pendingLogs.length > 0) {
      const batch = this.pendingLogs.splice(0, LOG_BATCH_MAX);
      await this.ctx.store.ledger.append(stampEvents(batch, { ulid: this.ctx.ids.ulid, nowEpochMs: this.ctx.clock.now(), workspace: this.ctx.workspace }));
    }
  }

  /**
   * Says once per leader that this daemon stands by (a notice for `arco daemon`, where that is
   * expected; a warning elsewhere): two `arco dev` on one store look alike, but only
   * the leader executes runs, with its own definitions, so requests made here may run other code.
   */
  private noteStandby(leader: string | undefined): void {
    if (leader === this.standbyFrom) return;
    if (leader !== undefined) {
      this.notice(
        `another daemon (${leader}) leads this store: this one stands by and takes over if it stops. Runs requested here are executed by the leader with its definitions, which may differ from ${this.ctx.definitions.file}`,
        true,
      );
    } else if (this.standbyFrom !== undefined) {
      this.notice(`the daemon that led this store (${this.standbyFrom}) is gone: this one leads now`, true);
    }
    this.standbyFrom = leader;
  }

  private problem(message: string): void {
    this.options.onProblem?.(message);
  }

  /** `warn`: a message the user should see even when nobody listens for notices. */
  private notice(message: string, warn = false): void {
    if (this.options.onNotice) this.options.onNotice(message);
    else if (warn) this.problem(message);
  }
}
