/**
 * `arco worker`: a remote worker (docs/worker-protocol.md). It runs attempts with the same worker
 * processes a daemon uses (worker-pool.ts, worker-main.ts: user code in a child process, a crash
 * there fails the attempt and never this process), and speaks to the control plane only over the
 * HTTP worker protocol: it registers, heartbeats, claims the attempts the leader dispatched to it,
 * and reports started, log lines and finished with each attempt's token.
 *
 * Reports of one attempt are sent in order (started, logs, finished); an attempt that ends within
 * STARTED_REPORT_DELAY_MS sends no started report, its finished report stands for both. A call
 * that could not reach the API or got a 5xx is retried until it is answered; a refusal (409
 * ATTEMPT_MISMATCH: the attempt stopped being current, 403, 404) ends the attempt here: nothing
 * more is sent for it.
 * A heartbeat answered 404 means the worker was declared lost: it drops what it runs and registers
 * again under a new id.
 *
 * Results outlive the process (remote-spool.ts): a worker that starts first reports the results
 * its previous process spooled and never reported, under the id and token that process claimed
 * them with, so a compute that finished is not run again when only its report was lost.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { isArcoError } from '../../domain/errors/index.js';
import type { Clock } from '../clock.js';
import { REMOTE_WORKER_PREFIX } from './remote-dispatch.js';
import { readSpool, type SpooledResult } from './result-spool.js';
import { forgetAttempt, orphanedClaims, recordClaim, type ClaimRecord } from './remote-spool.js';
import { WorkerPool, type PoolReport } from './worker-pool.js';
import { LOG_BATCH_CHARS, LOG_BATCH_LINES, LOG_FLUSH_MS, LOG_LINE_CHARS_MAX, RUNNING_ATTEMPTS_MAX, STARTED_REPORT_DELAY_MS, type Running } from './remote-attempts.js';
import { deliverCall, isRefusal, remoteResultOf, RETRY_BASE_MS, RETRY_MAX_MS, type ClaimAnswer, type ClaimRequest, type Delivery, type WorkerProtocolClient } from './remote-calls.js';

export type { WorkerProtocolClient } from './remote-calls.js';

export interface RemoteAgentOptions {
  readonly definitionsFile: string;
  readonly slots: number;
  readonly heartbeatTimeoutMs: number;
  readonly client: WorkerProtocolClient;
  /** Where this worker's processes spool finished reports until the API accepted them. */
  readonly spoolDir: string;
  /** How often a worker with a free slot asks for attempts (at most; see claimWaitMs). @default 200 */
  readonly pollMs?: number;
  /**
   * How long the API may hold a claim that finds nothing until an attempt is dispatched to this
   * worker: the attempt arrives when it is dispatched instead of at the next poll, and an idle
   * worker asks once per wait instead of once per poll. Keep it below the client's timeout.
   * @default 0 (no waiting: one claim per poll)
   */
  readonly claimWaitMs?: number;
  /** How long an attempt runs before its started report is sent. @default STARTED_REPORT_DELAY_MS */
  readonly startedReportDelayMs?: number;
  readonly onProblem: (message: string) => void;
  readonly onNotice: (message: string) => void;
}

function newWorkerId(): string {
  return `${REMOTE_WORKER_PREFIX}${randomBytes(8).toString('hex')}`;
}

export class RemoteWorkerAgent {
  private id = newWorkerId();
  private readonly pool: WorkerPool;
  private readonly running = new Map<string, Running>();
  /** The control plane's clock minus this host's, from the last claim: deadlines are on its clock. */
  private offsetMs = 0;
  private registered = false;
  private stopped = false;
  /**
   * The stop's grace is over: reports the API has not taken by now are given up rather than retried
   * without end (it may be down), and their results stay spooled for the next worker (Restarts).
   */
  private abandoned = false;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private claimTimer: NodeJS.Timeout | undefined;
  /** A claim request is on its way (or held by the API): a freed slot waits for its answer. */
  private claimInFlight = false;
  /** The claim on its way, awaited when stopping so attempts it brings are run and reported. */
  private claiming: Promise<unknown> = Promise.resolve();
  private heartbeatMs = 1_000;
  private lastProblemAt = 0;
  /** Numbers this worker's claim requests (docs/worker-protocol.md, "Lost claim answers"). */
  private claimSeq = 0;
  /** The previous process's spooled results being reported (see the header). */
  private resending: Promise<void> = Promise.resolve();

  constructor(private readonly options: RemoteAgentOptions) {
    const clock: Clock = { now: () => Date.now() + this.offsetMs };
    process.env['ARCO_RESULT_SPOOL_DIR'] = options.spoolDir;
    this.pool = new WorkerPool({
      size: options.slots,
      definitionsFile: options.definitionsFile,
      ownerId: 'remote',
      onReport: (report) => this.onReport(report),
      onProblem: options.onProblem,
      clock,
    });
  }

  get workerId(): string {
    return this.id;
  }

  async start(): Promise<void> {
    this.pool.start();
    await this.register();
    // Its first part reads the folder synchronously, before this process claims anything: only a
    // previous process's records are listed, never this one's.
    this.resending = this.resendOrphans().catch((e: unknown) => this.problem(`reporting the results a previous worker spooled failed: ${String(e)}`));
    this.scheduleHeartbeat();
    this.scheduleClaim(0);
  }

  /**
   * Reports each result spooled by a worker process that is gone, as that worker (its id and the
   * attempt's token, from its claim record). Accepted, or refused for good (409: the attempt ended
   * meanwhile, lost or retried), it is forgotten; an attempt with a record and no result was
   * running when its worker stopped, and the control plane declares it lost.
   */
  private async resendOrphans(): Promise<void> {
    const dir = this.options.spoolDir;
    const { results, corrupt } = readSpool(dir);
    const claims = orphanedClaims(dir);
    for (const name of [...corrupt, ...claims.corrupt]) this.options.onProblem(`${name} in ${dir} cannot be read; it is left for inspection and its attempt may run again`);
    const resultOf = new Map(results.map((r) => [r.message.attemptId, r]));
    for (const record of claims.records) {
      const spooled = resultOf.get(record.attemptId);
      if (spooled && (await this.resend(record, spooled)) === 'given up') return;
      forgetAttempt(dir, record.attemptId);
    }
    // Only now, with every result it left reported: the previous worker is gone for good, and the
    // attempts it held without a result are declared lost at once (and retried) instead of after
    // its heartbeat timeout. Unregistering is idempotent, so one already lost is no error.
    for (const workerId of new Set(claims.records.map((r) => r.workerId))) {
      if (workerId === this.id || this.stopped) continue;
      await this.options.client
        .unregisterWorker({ workerId })
        .then(() => this.options.onNotice(`worker ${workerId}, whose process is gone, was unregistered`))
        .catch((e: unknown) => this.problem(`unregistering the previous worker ${workerId} failed: ${String(e)}`));
    }
  }

  private async resend(record: ClaimRecord, spooled: SpooledResult): Promise<'accepted' | 'refused' | 'given up'> {
    const { workerId, attemptId, attemptToken } = record;
    const outcome = await this.deliver(attemptId, 'finished, spooled by a previous worker', () => this.options.client.reportAttemptFinished({ workerId, attemptId, attemptToken, ...remoteResultOf(spooled.message) }), () => this.stopped);
    if (outcome === 'accepted') this.options.onNotice(`attempt ${attemptId}: the result worker ${workerId} spooled before it stopped was reported`);
    return outcome;
  }

  /**
   * Stops claiming, lets running attempts finish and report (at most `graceMs`), then unregisters.
   * Reports the API has not taken when the grace ends are given up after their current try (an API
   * that is down would otherwise hold the stop for ever); their results stay spooled.
   */
  async stop(graceMs: number): Promise<void> {
    this.stopped = true;
    if (this.heartbeatTimer) clearTimeout(this.heartbeatTimer);
    if (this.claimTimer) clearTimeout(this.claimTimer);
    const deadline = Date.now() + graceMs;
    const graceTimer = setTimeout(() => (this.abandoned = true), graceMs);
    // A claim the API holds returns within claimWaitMs; what it brings runs within the grace below.
    // A claim carried by a finished report is that report's delivery, given up when the grace ends.
    await this.claiming;
    while (this.running.size > 0 && Date.now() < deadline) {
      await this.heartbeat().catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await Promise.all([...this.running.values()].map((r) => r.chain));
    await this.resending;
    clearTimeout(graceTimer);
    await this.options.client.unregisterWorker({ workerId: this.id }).catch((e: unknown) => this.problem(`unregistering failed: ${String(e)}`));
    await this.pool.stop();
  }

  private async register(): Promise<void> {
    for (let delay = RETRY_BASE_MS; !this.stopped; delay = Math.min(delay * 2, RETRY_MAX_MS)) {
      try {
        const answer = await this.options.client.registerWorker({ workerId: this.id, host: hostname(), pid: process.pid, slots: this.options.slots, heartbeatTimeoutMs: this.options.heartbeatTimeoutMs });
        this.heartbeatMs = answer.heartbeatIntervalMs;
        this.registered = true;
        this.options.onNotice(`worker ${this.id} registered: ${this.options.slots} slot(s), lost after ${this.options.heartbeatTimeoutMs} ms without a heartbeat`);
        return;
      } catch (error) {
        if (isRefusal(error)) throw error;
        this.problem(`cannot register: ${String(error)}; retrying`);
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  private scheduleHeartbeat(): void {
    if (this.stopped) return;
    this.heartbeatTimer = setTimeout(() => {
      void this.heartbeat()
        .catch((e: unknown) => this.problem(`heartbeat failed: ${String(e)}`))
        .finally(() => this.scheduleHeartbeat());
    }, this.heartbeatMs);
  }

  private async heartbeat(): Promise<void> {
    if (!this.registered) return;
    try {
      const answer = await this.options.client.workerHeartbeat({ workerId: this.id, attemptIds: [...this.running.keys()] });
      for (const { attemptId, reason } of answer.abort) {
        if (reason === 'canceled') this.pool.abort(attemptId, 'canceled');
        else this.drop(attemptId, 'it is no longer current (timed out, lost or its run ended)');
      }
    } catch (error) {
      if (!isArcoError(error) || error.code !== 'WORKER_NOT_REGISTERED' || this.stopped) throw error;
      // Declared lost (its heartbeats did not arrive in time): its attempts were ended and will be
      // retried, so what it runs now can no longer be recorded.
      for (const attemptId of [...this.running.keys()]) this.drop(attemptId, `worker ${this.id} was declared lost`);
      const old = this.id;
      this.registered = false;
      this.id = newWorkerId();
      this.options.onNotice(`worker ${old} was declared lost by the control plane; registering again as ${this.id}`);
      await this.register();
    }
  }

  private drop(attemptId: string, why: string): void {
    const entry = this.running.get(attemptId);
    if (!entry) return;
    entry.dropped = true;
    clearTimeout(entry.logTimer);
    clearTimeout(entry.startTimer);
    this.running.delete(attemptId);
    this.pool.discard(attemptId);
    forgetAttempt(this.options.spoolDir, attemptId);
    this.options.onNotice(`attempt ${attemptId} stopped: ${why}`);
  }

  private scheduleClaim(delayMs: number): void {
    if (this.stopped) return;
    if (this.claimTimer) clearTimeout(this.claimTimer);
    this.claimTimer = setTimeout(() => {
      this.claimTimer = undefined;
      this.claimInFlight = true;
      this.claiming = this.claim()
        .catch((e: unknown) => {
          this.problem(`claiming attempts failed: ${String(e)}`);
          return this.options.pollMs ?? 200;
        })
        .then((nextInMs) => {
          this.claimInFlight = false;
          this.scheduleClaim(nextInMs);
        });
    }, delayMs);
  }

  /**
   * Claims attempts for the free slots; returns when to ask next: at once after a claim that got
   * something, else one poll after the last claim began (a claim the API held for claimWaitMs
   * asks again at once). The claim names every attempt this worker still holds, so the control
   * plane re-delivers the ones whose claim answer was lost and never those it runs
   * (docs/worker-protocol.md).
   */
  private async claim(): Promise<number> {
    const pollMs = this.options.pollMs ?? 200;
    const request = this.claimRequest();
    if (request === undefined) return pollMs;
    const requestedAt = Date.now();
    const answer = await this.options.client.claimAttempts({ workerId: this.id, ...request.body });
    return this.take(answer, request.free, requestedAt);
  }

  /**
   * The next claim for the free slots, numbered (a request its answer never came back from may
   * still reach the API after this one: the growing sequence number makes it stale there); none
   * when no slot is free.
   */
  private claimRequest(): { body: ClaimRequest; free: string[] } | undefined {
    const free = this.pool.freeSlots();
    if (!this.registered || free.length === 0 || this.running.size > RUNNING_ATTEMPTS_MAX) return undefined;
    this.claimSeq += 1;
    const waitMs = this.options.claimWaitMs ?? 0;
    return { body: { max: free.length, running: [...this.running.keys()], claimSeq: this.claimSeq, ...(waitMs > 0 ? { waitMs } : {}) }, free };
  }

  /**
   * Runs what a claim brought in the free slots; returns when to ask next: at once after a claim
   * that got something, else one poll after the claim began (a claim the API held for
   * claimWaitMs asks again at once).
   */
  private take(answer: ClaimAnswer, free: readonly string[], requestedAt: number): number {
    const pollMs = this.options.pollMs ?? 200;
    const answeredAt = Date.now();
    // The API's clock when it answered was half the network's round trip ago (its wait is not network).
    const roundTripMs = Math.max(0, answeredAt - requestedAt - (answer.waitedMs ?? 0));
    this.offsetMs = answer.sentAtEpochMs - Math.round(answeredAt - roundTripMs / 2);
    for (const [i, { envelope, attemptToken }] of answer.attempts.entries()) {
      const slot = free[i];
      if (slot === undefined) break;
      this.running.set(envelope.attemptId, { envelope, token: attemptToken, chain: Promise.resolve(), dropped: false, undelivered: false, logs: [], logChars: 0, logTimer: undefined, startTimer: undefined });
      try {
        recordClaim(this.options.spoolDir, { attemptId: envelope.attemptId, workerId: this.id, attemptToken, pid: process.pid });
      } catch (error) {
        this.problem(`the claim of attempt ${envelope.attemptId} could not be recorded (${String(error)}): if this worker stops before reporting it, the attempt runs again`);
      }
      this.pool.execute(slot, envelope);
    }
    return answer.attempts.length > 0 ? 0 : Math.max(0, pollMs - (answeredAt - requestedAt));
  }

  private onReport(report: PoolReport): void {
    const attemptId = report.envelope.attemptId;
    const entry = this.running.get(attemptId);
    if (!entry) return;
    const base = { workerId: this.id, attemptId, attemptToken: entry.token };
    if (report.kind === 'started') {
      entry.startTimer = setTimeout(() => this.sendStarted(entry), this.options.startedReportDelayMs ?? STARTED_REPORT_DELAY_MS);
    } else if (report.kind === 'log') {
      const { seq, level, loggedAt } = report.message;
      const length = report.message.message.length;
      const message = length > LOG_LINE_CHARS_MAX ? `${report.message.message.slice(0, LOG_LINE_CHARS_MAX - 64)}… (cut: the line had ${length} characters)` : report.message.message;
      entry.logs.push({ seq, level, message, loggedAt });
      entry.logChars += message.length;
      if (entry.logs.length >= LOG_BATCH_LINES || entry.logChars >= LOG_BATCH_CHARS) this.flushLogs(entry);
      else entry.logTimer ??= setTimeout(() => this.flushLogs(entry), LOG_FLUSH_MS);
    } else {
      // Ended before its started report was due: the finished report stands for both.
      clearTimeout(entry.startTimer);
      entry.startTimer = undefined;
      this.flushLogs(entry);
      const result = remoteResultOf(report.message);
      // Its slot is free. With no claim on its way, the report carries the next one: the API
      // holds it until the leader, woken by the report, dispatches to this worker.
      if (this.claimInFlight || this.stopped) {
        this.send(entry, 'finished', () => this.options.client.reportAttemptFinished({ ...base, ...result }));
      } else {
        // This report is the claim on its way: none besides it (two would make each other stale).
        clearTimeout(this.claimTimer);
        this.claimTimer = undefined;
        this.claimInFlight = true;
        let next: number | undefined;
        this.send(entry, 'finished', async () => {
          const request = this.stopped ? undefined : this.claimRequest();
          const requestedAt = Date.now();
          const answer = await this.options.client.reportAttemptFinished({ ...base, ...result, ...(request ? { claim: request.body } : {}) });
          if (request && answer.claimed) next = this.take(answer.claimed, request.free, requestedAt);
        });
        // Refused, or answered without a claim: the next claim is asked for as usual.
        this.claiming = entry.chain.then(() => {
          this.claimInFlight = false;
          this.scheduleClaim(next ?? 0);
        });
      }
      entry.chain = entry.chain.then(() => {
        if (this.running.get(attemptId) === entry) this.running.delete(attemptId);
        // Stored in the control plane's store (or refused for good): the spooled copy is not needed.
        if (!entry.undelivered) forgetAttempt(this.options.spoolDir, attemptId);
      });
    }
  }

  private sendStarted(entry: Running): void {
    clearTimeout(entry.startTimer);
    entry.startTimer = undefined;
    const base = { workerId: this.id, attemptId: entry.envelope.attemptId, attemptToken: entry.token };
    this.send(entry, 'started', () => this.options.client.reportAttemptStarted(base));
  }

  /** Sends the attempt's waiting log lines, in one call, after its earlier reports. */
  private flushLogs(entry: Running): void {
    clearTimeout(entry.logTimer);
    entry.logTimer = undefined;
    if (entry.logs.length === 0) return;
    if (entry.startTimer !== undefined) this.sendStarted(entry);
    const lines = entry.logs;
    entry.logs = [];
    entry.logChars = 0;
    const input = { workerId: this.id, attemptId: entry.envelope.attemptId, attemptToken: entry.token, lines };
    this.send(entry, `${lines.length} log line(s)`, () => this.options.client.reportAttemptLogs(input));
  }

  /** Sends one report after the attempt's earlier ones; retried while the API cannot be reached. */
  private send(entry: Running, what: string, call: () => Promise<unknown>): void {
    entry.chain = entry.chain.then(async () => {
      const outcome = await this.deliver(entry.envelope.attemptId, what, call, () => entry.dropped || this.abandoned);
      if (outcome === 'refused') entry.dropped = true;
      else if (outcome === 'given up' && !entry.dropped) entry.undelivered = true;
    });
  }

  /** Makes a call until it is answered (accepted, or refused for good) or `giveUp()` says to stop. */
  private deliver(attemptId: string, what: string, call: () => Promise<unknown>, giveUp: () => boolean): Promise<Delivery> {
    return deliverCall(call, giveUp, {
      refused: (error) => this.options.onNotice(`report (${what}) of attempt ${attemptId} refused: ${isArcoError(error) ? `${error.code}: ${error.message}` : String(error)}`),
      failed: (error) => this.problem(`report (${what}) of attempt ${attemptId} not delivered: ${String(error)}; retrying`),
    });
  }

  /** Problems of an unreachable API repeat every call: said at most once a second. */
  private problem(message: string): void {
    const now = Date.now();
    if (now - this.lastProblemAt < 1_000) return;
    this.lastProblemAt = now;
    this.options.onProblem(message);
  }
}
