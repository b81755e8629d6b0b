/**
 * One simulated world per seed: an in-memory SQLite store (the real ledger, idempotency gate and
 * fold) behind the faulty ledger, a fake clock, two daemon processes that may crash and come back
 * as new incarnations, simulated workers, and clients issuing run requests, cancels and backfills.
 *
 * Method (after TigerBeetle's VOPR): a fault phase of `steps` steps, each moving the clock and
 * choosing one action from the seed's PRNG, with faults drawn per opportunity; then a drain phase
 * with every fault off that must reach quiescence (no active run or backfill, no report in
 * flight). Nothing here reads the real clock, `Math.random` or a timer, so a seed replays exactly.
 */
import { isArcoError } from '../../src/domain/errors/index.js';
import type { AttemptReport } from '../../src/controllers/index.js';
import type { StoredEvent } from '../../src/events/index.js';
import {
  applyAttemptReport,
  cancelBackfill,
  cancelRun,
  createBackfill,
  createContext,
  FakeClock,
  pauseBackfill,
  requestRun,
  resumeBackfill,
  type LoadedDefinitions,
  type RuntimeContext,
} from '../../src/runtime/index.js';
import { openSqliteStore, type Store } from '../../src/store/index.js';
import { SimDaemon, type DaemonHost } from './daemon.js';
import { DAILY_KEYS, HANGING_ASSET, SIM_START_MS, simDefinitions } from './definitions.js';
import { drawFaultRates, faultyStore, FAULTS_OFF, isSimCrash, type FaultRates } from './faults.js';
import { Prng } from './prng.js';

export interface WorldOptions {
  /** Steps of the fault phase. */
  readonly steps: number;
  /** Iterations the drain phase may take to become quiescent before the seed fails for liveness. */
  readonly drainStepsMax: number;
  /** Keep a trace of every action (printed for a failing seed). */
  readonly trace: boolean;
}

export type FailureKind = 'correctness' | 'liveness' | 'crash';

export interface Failure {
  readonly kind: FailureKind;
  readonly message: string;
}

/** An attempt a simulated worker is running. */
interface SimAttempt {
  readonly attemptId: string;
  readonly runId: string;
  readonly taskKey: string;
  readonly owner: string;
  readonly slotId: string;
  readonly startAt: number;
  finishAt: number;
  outcome: 'SUCCEEDED' | 'FAILED' | 'CANCELED';
  /** Never finishes by itself; only its time limit (or a cancel) ends it. */
  hang: boolean;
  /** Epoch ms at which the worker stops the attempt itself (as the pool's deadline timer), or null. */
  readonly deadlineAtMs: number | null;
  startedSent: boolean;
}

/** A worker report on its way to the daemon. */
interface Mail {
  readonly deliverAt: number;
  readonly order: number;
  readonly owner: string;
  readonly report: AttemptReport;
}

/** What the clients were told: the invariants check the store against it. */
export interface ClientRecord {
  /** Run ids answered to run requests (new or existing). */
  readonly acknowledgedRuns: Set<string>;
  /** Backfill ids answered to create requests. */
  readonly acknowledgedBackfills: Set<string>;
}

/** Built once: definitions are immutable and the sensor's function is pure. */
const SIM_DEFINITIONS = simDefinitions();
const DAEMONS = 2;
/** Keyed manual requests reuse a few keys, so repeats of one key are common. */
const MANUAL_KEYS = 4;
const BACKFILLS_MAX = 2;
const DRAIN_STEP_MS_MAX = 5_000;
const DRAIN_STEP_MS_MIN = 100;
/** Longer than any report delay (`delayReport` holds reports up to ten minutes). */
const DRAIN_IDLE_STEP_MS_MAX = 15 * 60_000;

export class World {
  readonly store: Store;
  readonly clock = new FakeClock(SIM_START_MS);
  readonly definitions: LoadedDefinitions = SIM_DEFINITIONS;
  readonly failures: Failure[] = [];
  readonly trace: string[] = [];
  readonly clients: ClientRecord = { acknowledgedRuns: new Set(), acknowledgedBackfills: new Set() };
  readonly stats = {
    crashes: 0,
    crashBeforeAppend: 0,
    crashAfterAppend: 0,
    redeliveredBatch: 0,
    reorderedReports: 0,
    reports: 0,
    duplicateReports: 0,
    delayedReports: 0,
    leaderPauses: 0,
    zombieLeaders: 0,
    concurrentRequests: 0,
    clockJumps: 0,
    iterations: 0,
  };
  private readonly raw: Store;
  private readonly prng: Prng;
  private readonly faultPrng: Prng;
  private rates: FaultRates;
  private readonly rawRates: FaultRates;
  private readonly daemons: SimDaemon[] = [];
  private readonly incarnations: number[] = [];
  private readonly dead = new Set<string>();
  private readonly attempts = new Map<string, SimAttempt>();
  private mailbox: Mail[] = [];
  private mailOrder = 0;
  private readonly client: RuntimeContext;
  private backfillsCreated = 0;
  /** Client requests that crashed and will be sent again (at-least-once clients). */
  private readonly retries: (() => Promise<void>)[] = [];
  private readonly host: DaemonHost;

  constructor(
    readonly seed: number,
    private readonly options: WorldOptions,
  ) {
    this.prng = new Prng(seed);
    this.faultPrng = this.prng.fork();
    this.rawRates = drawFaultRates(this.prng);
    this.rates = this.rawRates;
    this.raw = openSqliteStore({ path: ':memory:' });
    this.store = faultyStore(this.raw, this.faultPrng, {
      rates: () => this.rates,
      crashable: () => this.rates !== FAULTS_OFF,
      violation: (message) => this.fail('correctness', `duplicate effect: ${message}`),
      note: (line) => this.note(line),
      injected: (fault) => (this.stats[fault] += 1),
    });
    this.client = createContext(this.store, this.clock, this.definitions, this.prng.int(1, 0xffff_fffe));
    this.host = {
      isOwnerDead: (ownerId) => this.dead.has(ownerId),
      attemptsOn: (ownerId) => new Map([...this.attempts.values()].filter((a) => a.owner === ownerId).map((a) => [a.slotId, a.attemptId])),
      dispatched: (ownerId, event, now) => this.dispatched(ownerId, event, now),
      discarded: (attemptId) => this.attempts.delete(attemptId),
      abort: (ownerId, runId, now) => {
        for (const a of this.attempts.values()) {
          if (a.owner !== ownerId || a.runId !== runId || a.outcome === 'CANCELED') continue;
          a.outcome = 'CANCELED';
          a.hang = false;
          a.finishAt = Math.max(a.startAt, Math.min(a.finishAt, now + 200));
        }
      },
      problem: (ownerId, message) => this.fail('crash', `${ownerId}: ${message}`),
    };
    for (let i = 0; i < DAEMONS; i += 1) {
      this.incarnations.push(0);
      this.daemons.push(this.newDaemon(i));
    }
  }

  async close(): Promise<void> {
    await this.raw.close();
  }

  /** The real store, for the invariants (reads only) and the replay check. */
  get rawStore(): Store {
    return this.raw;
  }

  note(line: string): void {
    if (this.options.trace) this.trace.push(`[${new Date(this.clock.now()).toISOString()}] ${line}`);
  }

  fail(kind: FailureKind, message: string): void {
    this.failures.push({ kind, message });
    this.note(`FAILURE (${kind}): ${message}`);
  }

  /** The fault phase, then the drain phase. */
  async run(): Promise<void> {
    for (let i = 0; i < this.options.steps && this.failures.length === 0; i += 1) await this.step();
    this.rates = FAULTS_OFF;
    this.note('drain: faults off');
    await this.drain();
  }

  private newDaemon(index: number): SimDaemon {
    const name = `d${index}.${this.incarnations[index]}`;
    return new SimDaemon(name, this.store, this.clock, this.definitions, this.prng.int(1, 0xffff_fffe), this.host);
  }

  /** The daemon process `index` dies: its memory and its workers are gone; a new incarnation starts. */
  private crash(index: number, why: string): void {
    const old = this.daemons[index] as SimDaemon;
    this.stats.crashes += 1;
    this.note(`crash ${old.ownerId}: ${why}`);
    this.dead.add(old.ownerId);
    for (const a of [...this.attempts.values()]) if (a.owner === old.ownerId) this.attempts.delete(a.attemptId);
    // Reports already sent by its workers are mostly lost with it; a few arrive late through the
    // next daemon (a durable report collected after the restart).
    this.mailbox = this.mailbox.filter((m) => m.owner !== old.ownerId || this.faultPrng.chance(0.3));
    this.incarnations[index] = (this.incarnations[index] ?? 0) + 1;
    this.daemons[index] = this.newDaemon(index);
  }

  private async step(): Promise<void> {
    const prng = this.prng;
    if (this.faultPrng.chance(this.rates.clockJump)) {
      const jump = this.faultPrng.chance(0.7) ? this.faultPrng.int(1, 20) * 60_000 : this.faultPrng.int(1, 6) * 3_600_000;
      this.stats.clockJumps += 1;
      this.note(`clock jumps ${jump / 1000} s`);
      this.clock.advance(jump);
    }
    this.clock.advance(prng.int(0, 15_000));
    this.advanceWorkers();
    await this.deliverReports();
    const roll = prng.next();
    if (roll < 0.55) await this.iterateDaemon(prng.int(0, DAEMONS - 1));
    else if (roll < 0.7) await this.manualRun();
    else if (roll < 0.76) await this.cancelSomeRun();
    else if (roll < 0.8) await this.backfillAction();
    else if (roll < 0.83) this.crash(prng.int(0, DAEMONS - 1), 'killed between steps');
    else if (roll < 0.87 && this.retries.length > 0) await (this.retries.shift() as () => Promise<void>)();
    // Otherwise the step only lets time pass.
  }

  /** Faults off: every daemon iterates in turn, workers finish, clients retry, until nothing is left to do. */
  private async drain(): Promise<void> {
    while (this.retries.length > 0) await (this.retries.shift() as () => Promise<void>)();
    // The operator resumes what was left paused; a paused backfill waits for that by design.
    for (const backfill of await this.raw.backfills.listActiveBackfills()) {
      if (backfill.status === 'PAUSED') await this.clientCall(`resume backfill ${backfill.backfillId}`, async () => void (await resumeBackfill(this.client, { backfillId: backfill.backfillId })), false);
    }
    let storeIdle = false;
    for (let i = 0; i < this.options.drainStepsMax; i += 1) {
      this.clock.advance(this.drainStepMs(storeIdle));
      this.advanceWorkers();
      await this.deliverReports();
      for (let d = 0; d < DAEMONS; d += 1) await this.iterateDaemon(d);
      if (this.failures.length > 0) return;
      storeIdle = await this.storeIdle();
      if (storeIdle && this.attempts.size === 0 && this.mailbox.length === 0) {
        this.note(`quiescent after ${i + 1} drain steps`);
        return;
      }
    }
    const active = await this.raw.runs.listActiveRuns();
    const backfills = await this.raw.backfills.listActiveBackfills();
    this.fail(
      'liveness',
      `not quiescent after ${this.options.drainStepsMax} drain steps: runs ${active.map((r) => `${r.runId}=${r.status}`).join(', ') || 'none'}; ` +
        `backfills ${backfills.map((b) => `${b.backfillId}=${b.status}`).join(', ') || 'none'}; ${this.attempts.size} attempts running, ${this.mailbox.length} reports in flight`,
    );
  }

  /**
   * How far the drain moves the clock: to the next thing a worker does or the next report's
   * arrival, so a long attempt or a delayed report costs one step, not many; at most `DRAIN_STEP_MS_MAX` (retry waits and schedule ticks are not
   * known here) and at least `DRAIN_STEP_MS_MIN`.
   */
  private drainStepMs(storeIdle: boolean): number {
    const now = this.clock.now();
    // With no active run or backfill nothing waits on a retry; only a late report is left to come.
    let next = now + (storeIdle ? DRAIN_IDLE_STEP_MS_MAX : DRAIN_STEP_MS_MAX);
    for (const a of this.attempts.values()) next = Math.min(next, a.hang ? (a.deadlineAtMs ?? next) : a.finishAt);
    for (const m of this.mailbox) next = Math.min(next, m.deliverAt);
    return Math.max(DRAIN_STEP_MS_MIN, next - now);
  }

  /** No active run or backfill in the store. */
  private async storeIdle(): Promise<boolean> {
    if ((await this.raw.runs.listActiveRuns()).length > 0) return false;
    return (await this.raw.backfills.listActiveBackfills()).length === 0;
  }

  /**
   * One iteration of daemon `index`. `normal` may draw a leader fault; `plain` (the other side of
   * a fault) draws none; `zombie` also skips the lease check, as a leader resuming from a stall.
   */
  private async iterateDaemon(index: number, mode: 'normal' | 'plain' | 'zombie' = 'normal'): Promise<void> {
    const daemon = this.daemons[index] as SimDaemon;
    const now = this.clock.now();
    const other = (index + 1) % DAEMONS;
    if (mode === 'normal' && this.faultPrng.chance(this.rates.zombieLeader)) {
      // This daemon renewed its lease, then stalled past it; the other takes over; now both
      // iterate at once, interleaving at every await as two processes on one store would.
      if (!(await this.guard(index, daemon, () => daemon.holdLeadership(now)))) return;
      this.stats.zombieLeaders += 1;
      this.note(`${daemon.ownerId} stalls after renewing its lease, then iterates beside ${this.daemons[other]?.ownerId}`);
      this.clock.advance(this.faultPrng.int(16, 60) * 1_000);
      await Promise.all([this.iterateDaemon(index, 'zombie'), this.iterateDaemon(other, 'plain')]);
      return;
    }
    const pause =
      mode === 'normal' && this.faultPrng.chance(this.rates.leaderPause)
        ? async () => {
            // The leader stalls between deciding and appending, longer than its lease; the other
            // daemon takes over and acts; then the stale decision is appended.
            this.stats.leaderPauses += 1;
            this.note(`${daemon.ownerId} pauses after deciding`);
            this.clock.advance(this.faultPrng.int(16, 60) * 1_000);
            await this.iterateDaemon(other, 'plain');
            this.note(`${daemon.ownerId} resumes with its stale decision`);
          }
        : undefined;
    this.stats.iterations += 1;
    const led = await this.guard(index, daemon, () => daemon.iterate(this.clock.now(), { ...(pause ? { pause } : {}), zombie: mode === 'zombie' }));
    if (led) this.note(`${daemon.ownerId} iterated${mode === 'zombie' ? ' as a zombie leader' : ''}`);
  }

  /** Runs `work` as daemon `index`: a simulated crash replaces the daemon, any other throw is a failure. */
  private async guard<T>(index: number, daemon: SimDaemon, work: () => Promise<T>): Promise<T | undefined> {
    try {
      return await work();
    } catch (error) {
      if (isSimCrash(error)) {
        // The daemon that crashed may already have been replaced (inside a pause).
        if (this.daemons[index] === daemon) this.crash(index, error instanceof Error ? error.message : String(error));
        return undefined;
      }
      this.fail('crash', `${daemon.ownerId} threw: ${describe(error)}`);
      return undefined;
    }
  }

  private dispatched(ownerId: string, event: Extract<StoredEvent, { type: 'TaskDispatched' }>, now: number): void {
    const { runId, taskKey, attemptId, workerId, assetKey, deadlineAt } = event.payload;
    const prng = this.prng;
    const startAt = now + prng.int(0, 1_500);
    const hang = assetKey === HANGING_ASSET && prng.chance(0.08);
    this.attempts.set(attemptId, {
      attemptId,
      runId,
      taskKey,
      owner: ownerId,
      slotId: workerId,
      startAt,
      finishAt: startAt + prng.int(500, 12_000),
      outcome: prng.chance(0.8) ? 'SUCCEEDED' : 'FAILED',
      hang,
      deadlineAtMs: deadlineAt === null ? null : Date.parse(deadlineAt),
      startedSent: false,
    });
    this.note(`dispatched ${runId} ${taskKey} ${attemptId} to ${workerId}${hang ? ' (hangs)' : ''}`);
  }

  /** Workers whose time came send their reports. */
  private advanceWorkers(): void {
    const now = this.clock.now();
    for (const a of [...this.attempts.values()]) {
      if (!a.startedSent && now >= a.startAt) {
        a.startedSent = true;
        this.send(a, { kind: 'started', runId: a.runId, taskKey: a.taskKey, attemptId: a.attemptId, workerId: a.slotId }, a.startAt);
      }
      if (a.hang && a.deadlineAtMs !== null && now >= a.deadlineAtMs) {
        // The pool stops an attempt at its deadline whether or not the coordinator's timeout
        // reached this process (it may have been appended by another daemon, or before a crash).
        this.attempts.delete(a.attemptId);
        const error = { code: 'TIMEOUT', message: 'attempt exceeded its timeoutMs and was stopped', errorClass: null, stack: null, retryable: true };
        this.send(a, { kind: 'finished', runId: a.runId, taskKey: a.taskKey, attemptId: a.attemptId, outcome: 'FAILED', error, durationMs: 0, dataVersion: null, metadata: {} }, a.deadlineAtMs);
        continue;
      }
      if (!a.hang && now >= a.finishAt) {
        this.attempts.delete(a.attemptId);
        this.send(
          a,
          {
            kind: 'finished',
            runId: a.runId,
            taskKey: a.taskKey,
            attemptId: a.attemptId,
            outcome: a.outcome,
            error: a.outcome === 'FAILED' ? { code: 'USER_CODE_ERROR', message: 'simulated failure', errorClass: 'Error', stack: null, retryable: true } : null,
            durationMs: a.finishAt - a.startAt,
            dataVersion: null,
            metadata: {},
          },
          a.finishAt,
        );
      }
    }
  }

  private send(a: SimAttempt, report: AttemptReport, at: number): void {
    let deliverAt = at;
    if (this.faultPrng.chance(this.rates.delayReport)) {
      this.stats.delayedReports += 1;
      deliverAt += this.faultPrng.int(1, 10) * 60_000;
    }
    this.mailbox.push({ deliverAt, order: (this.mailOrder += 1), owner: a.owner, report });
    if (this.faultPrng.chance(this.rates.duplicateReport)) {
      this.stats.duplicateReports += 1;
      this.mailbox.push({ deliverAt: deliverAt + this.faultPrng.int(0, 30_000), order: (this.mailOrder += 1), owner: a.owner, report });
    }
  }

  /** Delivers the reports that are due, in arrival order unless the seed reorders a pair. */
  private async deliverReports(): Promise<void> {
    const now = this.clock.now();
    const due = this.mailbox.filter((m) => m.deliverAt <= now).sort((x, y) => x.deliverAt - y.deliverAt || x.order - y.order);
    if (due.length === 0) return;
    this.mailbox = this.mailbox.filter((m) => m.deliverAt > now);
    for (let i = 0; i + 1 < due.length; i += 1) {
      if (!this.faultPrng.chance(this.rates.reorderReports)) continue;
      this.stats.reorderedReports += 1;
      [due[i], due[i + 1]] = [due[i + 1] as Mail, due[i] as Mail];
    }
    for (const mail of due) await this.deliver(mail);
  }

  private async deliver(mail: Mail): Promise<void> {
    // A report reaches the daemon whose worker sent it; if that process died, the next live one.
    const index = this.daemons.findIndex((d) => d.ownerId === mail.owner);
    const at = index >= 0 ? index : 0;
    const daemon = this.daemons[at] as SimDaemon;
    const r = mail.report;
    this.stats.reports += 1;
    try {
      await applyAttemptReport(daemon.ctx, r);
      this.note(`report ${r.kind}${r.kind === 'finished' ? ` ${r.outcome}` : ''} ${r.runId} ${r.taskKey} ${r.attemptId} applied`);
    } catch (error) {
      if (isArcoError(error) && error.code === 'ATTEMPT_MISMATCH') {
        this.note(`report ${r.kind} ${r.attemptId} dropped: not the current attempt`);
        return;
      }
      if (isSimCrash(error)) {
        if (this.daemons[at] === daemon) this.crash(at, `applying a report: ${describe(error)}`);
        return;
      }
      this.fail('crash', `applying report ${r.kind} ${r.attemptId} threw: ${describe(error)}`);
    }
  }

  /**
   * A client request that may crash mid-way; an at-least-once client sends it again later. A
   * repeatable request may also be sent twice at once (a retry racing the original).
   */
  private async clientCall(what: string, call: () => Promise<void>, retry = true): Promise<void> {
    if (retry && this.faultPrng.chance(this.rates.concurrentRequest)) {
      this.stats.concurrentRequests += 1;
      this.note(`${what}: sent twice at once`);
      await Promise.all([this.clientCallOnce(what, call), this.clientCallOnce(what, call)]);
      return;
    }
    await this.clientCallOnce(what, call, retry);
  }

  private async clientCallOnce(what: string, call: () => Promise<void>, retry = true): Promise<void> {
    try {
      await call();
    } catch (error) {
      if (isSimCrash(error)) {
        this.note(`${what}: the server crashed${retry ? '; the client will send it again' : ''}`);
        if (retry) this.retries.push(() => this.clientCallOnce(what, call, retry));
        return;
      }
      if (isArcoError(error) && EXPECTED_REJECTIONS.has(error.code)) {
        this.note(`${what}: rejected ${error.code}`);
        return;
      }
      this.fail('crash', `${what} threw: ${describe(error)}`);
    }
  }

  private async manualRun(): Promise<void> {
    const prng = this.prng;
    const kind = prng.int(0, 3);
    const key = prng.chance(0.5) ? `manual-${kind}-${prng.int(0, MANUAL_KEYS - 1)}` : null;
    const input =
      kind === 0
        ? { selection: ['raw', 'clean'] }
        : kind === 1
          ? { selection: ['clean'], includeUpstream: true }
          : kind === 2
            ? { selection: ['daily', 'report'], partition: prng.pick(DAILY_KEYS) }
            : { selection: ['daily'], partition: `${DAILY_KEYS[0]}...${DAILY_KEYS[2]}` };
    // A given key always carries the same request (its own partition), so repeats are repeats.
    const stable = key !== null && kind === 2 ? { ...input, partition: DAILY_KEYS[Number(key.slice(-1))] } : input;
    await this.clientCall(`request run ${key ?? '(no key)'}`, async () => {
      const outcome = await requestRun(this.client, { ...stable, runKey: key });
      this.clients.acknowledgedRuns.add(outcome.run.runId);
      this.note(`run ${outcome.run.runId} ${outcome.existing ? 'existing' : 'requested'} key=${key ?? '-'}`);
    });
  }

  private async cancelSomeRun(): Promise<void> {
    const active = await this.raw.runs.listActiveRuns();
    if (active.length === 0) return;
    const run = this.prng.pick(active);
    await this.clientCall(`cancel ${run.runId}`, async () => {
      await cancelRun(this.client, run.runId);
      this.note(`cancel ${run.runId} accepted`);
    });
  }

  private async backfillAction(): Promise<void> {
    const prng = this.prng;
    const active = await this.raw.backfills.listActiveBackfills();
    if (active.length > 0 && prng.chance(0.4)) {
      const backfill = prng.pick(active);
      const command = prng.pick(['pause', 'resume', 'cancel'] as const);
      const run = command === 'pause' ? pauseBackfill : command === 'resume' ? resumeBackfill : cancelBackfill;
      await this.clientCall(`${command} backfill ${backfill.backfillId}`, async () => {
        await run(this.client, { backfillId: backfill.backfillId });
        this.note(`${command} backfill ${backfill.backfillId} accepted`);
      }, false);
      return;
    }
    if (this.backfillsCreated >= BACKFILLS_MAX) return;
    this.backfillsCreated += 1;
    const first = prng.int(0, DAILY_KEYS.length - 3);
    const last = prng.int(first + 1, Math.min(DAILY_KEYS.length - 1, first + 3));
    const requestId = `bf-${this.backfillsCreated}`;
    const input = {
      selection: prng.chance(0.5) ? ['daily', 'report'] : ['daily'],
      partition: `${DAILY_KEYS[first]}...${DAILY_KEYS[last]}`,
      policy: prng.chance(0.7) ? `multi-run:${prng.int(1, 2)}` : 'single-run',
      maxConcurrentRuns: prng.int(1, 3),
      requestId,
    };
    await this.clientCall(`create backfill ${requestId}`, async () => {
      const outcome = await createBackfill(this.client, input);
      this.clients.acknowledgedBackfills.add(outcome.backfill.backfillId);
      this.note(`backfill ${outcome.backfill.backfillId} ${outcome.existing ? 'existing' : 'created'}`);
    });
  }

  /** The drain ends with every daemon stopped cleanly. */
  async stopDaemons(): Promise<void> {
    for (const daemon of this.daemons) await daemon.stop();
  }
}

/** Answers a client can get for a well-formed request in a busy world: not failures. */
const EXPECTED_REJECTIONS = new Set(['RUN_NOT_CANCELABLE', 'BACKFILL_STATE_CONFLICT', 'BACKFILL_NOT_FOUND', 'RUN_NOT_FOUND']);

export function describe(error: unknown): string {
  if (isArcoError(error)) return `${error.code}: ${error.message}`;
  if (error instanceof Error) return `${error.name}: ${error.message}\n${error.stack ?? ''}`;
  return String(error);
}
