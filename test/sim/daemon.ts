/**
 * A simulated daemon process: the iteration of src/runtime/daemon.ts (leader lease, automation,
 * heartbeats, run coordination, backfills, run retries) built from the same runtime functions and the real
 * pure controllers, but with simulated worker slots instead of subprocesses and no timers: the
 * world calls `iterate` when the seed says so.
 *
 * All of its state is in memory (the Automation caches, its worker slots): a crash throws the
 * instance away and a new incarnation starts from the store alone, as `arco dev` after kill -9.
 */
import { decideRunProgress, type RunStep } from '../../src/controllers/index.js';
import { isArcoError } from '../../src/domain/errors/index.js';
import type { StoredEvent } from '../../src/events/index.js';
import type { RunProjection } from '../../src/fold/index.js';
import { advanceBackfills, Automation, commit, retryFailedRuns, createContext, type Clock, type LoadedDefinitions, type RuntimeContext } from '../../src/runtime/index.js';
import type { Store } from '../../src/store/index.js';
import { ActiveRuns } from '../../src/runtime/active-runs.js';

/** As the daemon's defaults. */
export const ATTEMPT_LEASE_MS = 15_000;
export const LEADER_LEASE_MS = 15_000;
export const SLOTS_PER_DAEMON = 3;
const LEADER_LEASE = 'daemon';

/** What a daemon needs from the world around it. */
export interface DaemonHost {
  /** True when `ownerId` names a daemon incarnation that crashed (as `isOwnerDead` on one host). */
  isOwnerDead(ownerId: string): boolean;
  /** The attempts running on this daemon's slots, by slot id. */
  attemptsOn(ownerId: string): ReadonlyMap<string, string>;
  /** A TaskDispatched to one of this daemon's slots was appended: the worker takes it. */
  dispatched(ownerId: string, event: Extract<StoredEvent, { type: 'TaskDispatched' }>, now: number): void;
  /** The coordinator ended an attempt (timeout, lost, canceled): the worker is stopped. */
  discarded(attemptId: string): void;
  /** A run is CANCELING: its attempts on this daemon's slots are aborted. */
  abort(ownerId: string, runId: string, now: number): void;
  /** Failures of the automation machinery other than simulated crashes. */
  problem(ownerId: string, message: string): void;
}

/** A coordination decided but not yet appended (a leader pause sits between the two). */
export interface Decided {
  readonly runs: readonly RunProjection[];
  readonly steps: readonly RunStep[];
}

export class SimDaemon {
  readonly ownerId: string;
  readonly ctx: RuntimeContext;
  private readonly automation: Automation;
  /** The active runs kept between iterations, as the daemon keeps them. */
  private readonly activeRuns: ActiveRuns;
  /** Automation failures during the current iteration; a simulated crash among them crashes the daemon. */
  private problems: string[] = [];

  constructor(
    readonly name: string,
    store: Store,
    clock: Clock,
    definitions: LoadedDefinitions,
    idSeed: number,
    private readonly host: DaemonHost,
  ) {
    this.ownerId = name;
    this.ctx = createContext(store, clock, definitions, idSeed);
    this.automation = new Automation(this.ctx, { onProblem: (message) => this.problems.push(message) });
    this.activeRuns = new ActiveRuns(this.ctx.store);
  }

  slotIds(): string[] {
    return Array.from({ length: SLOTS_PER_DAEMON }, (_, i) => `${this.ownerId}/w${i}`);
  }

  owns(workerId: string): boolean {
    return workerId.startsWith(`${this.ownerId}/`);
  }

  async holdLeadership(now: number): Promise<boolean> {
    let grant = await this.ctx.store.leases.acquireLease(LEADER_LEASE, this.ownerId, LEADER_LEASE_MS, now);
    if (!grant.acquired && this.host.isOwnerDead(grant.holder)) {
      grant = await this.ctx.store.leases.acquireLease(LEADER_LEASE, this.ownerId, LEADER_LEASE_MS, now, grant.holder);
    }
    if (!grant.acquired) this.activeRuns.drop();
    return grant.acquired;
  }

  /**
   * One daemon iteration at `now`, as `Daemon.iterate`. `pause`, when given, runs between deciding
   * the coordination and appending it (a leader that stalls there while another acts).
   * `zombie`: the lease was renewed before a pause and is not checked again (as the daemon checks
   * it once per iteration), so this iteration may run beside the new leader's.
   * @returns false when this daemon is not the leader. Throws SimCrash at a crash point.
   */
  async iterate(now: number, options: { pause?: () => Promise<void>; zombie?: boolean } = {}): Promise<boolean> {
    const { pause, zombie = false } = options;
    if (!zombie && !(await this.holdLeadership(now))) return false;
    this.problems = [];
    await this.automation.iterate(now);
    await this.automation.settled();
    const problems = this.problems;
    this.problems = [];
    for (const message of problems) {
      // The schedule and sensor runners turn any failure into a problem: a simulated crash
      // among them is the process dying there.
      if (message.includes('SIM_CRASH')) throw new Error(message);
      this.host.problem(this.ownerId, message);
    }
    await this.ctx.store.leases.recordHeartbeats([...this.host.attemptsOn(this.ownerId).values()], now);
    const decided = await this.decide(now);
    if (pause) await pause();
    await this.append(decided, now);
    const backfills = await advanceBackfills(this.ctx, now);
    const retries = await retryFailedRuns(this.ctx, (message) => this.host.problem(this.ownerId, message));
    if (backfills.requestedRuns > 0 || retries.requested.length > 0) await this.append(await this.decide(now), now);
    return true;
  }

  async decide(now: number): Promise<Decided> {
    const runs = await this.activeRuns.read({ maxConcurrentRuns: null });
    const attemptIds = runs.flatMap((r) => r.tasks.flatMap((t) => t.attempts.filter((a) => a.outcome === null).map((a) => a.attemptId)));
    const heartbeats = await this.ctx.store.leases.readHeartbeats(attemptIds);
    const busy = new Set(this.host.attemptsOn(this.ownerId).keys());
    const steps = decideRunProgress({
      runs,
      nowEpochMs: now,
      freeWorkerSlots: this.slotIds().filter((slot) => !busy.has(slot)),
      heartbeats,
      attemptLeaseMs: ATTEMPT_LEASE_MS,
      maxConcurrentRuns: null,
      isWorkerDead: (workerId) => !this.owns(workerId) && this.host.isOwnerDead(workerId.split('/')[0] ?? ''),
      ids: this.ctx.ids,
    });
    return { runs, steps };
  }

  /** Appends each run's decision conditioned on the version it read, and hands dispatches to the slots. */
  async append(decided: Decided, now: number): Promise<void> {
    for (const step of decided.steps) {
      try {
        const result = await commit(this.ctx, step.drafts, now, [{ table: 'runs', id: step.runId, version: step.expectVersion }]);
        for (const event of result.appended) {
          if (event.type === 'TaskDispatched' && this.owns(event.payload.workerId)) this.host.dispatched(this.ownerId, event, now);
          else if (event.type === 'TaskAttemptFinished') this.host.discarded(event.payload.attemptId);
        }
      } catch (error) {
        if (!isArcoError(error) || error.code !== 'CONCURRENT_MODIFICATION') throw error;
        this.activeRuns.doubt(step.runId);
      }
    }
    for (const run of decided.runs) if (run.status === 'CANCELING') this.host.abort(this.ownerId, run.runId, now);
  }

  /** Waits for automation work in flight (none after `iterate` returns; kept for a clean stop). */
  async stop(): Promise<void> {
    await this.automation.stop();
  }
}
