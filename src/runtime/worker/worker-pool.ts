/**
 * A pool of worker processes, one attempt per process at a time. User code runs only in these
 * children, so a throw, a crash or `process.exit` in user code fails that attempt and never the
 * daemon: the pool reports the attempt as WORKER_EXITED (or WORKER_KILLED, for a signal from
 * outside) and starts a fresh process.
 *
 * Aborts (cancel, timeout) are cooperative first (the attempt's AbortSignal fires) and forced
 * after a grace period: the child is killed and the pool reports the outcome itself.
 */
import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { ErrorInfo } from '../../events/index.js';
import type { Clock } from '../clock.js';
import { mintAttemptToken, refuseReport } from './attempt-token.js';
import { workerMessageSchema, type DispatchEnvelope, type WorkerMessage } from './protocol.js';
import { forkWorker, takeEarlyWorker } from './fork.js';

export { startWorkersEarly, stopEarlyWorkers } from './fork.js';

/** How long user code gets to honour an abort before its process is killed. */
export const ABORT_GRACE_MS = 3_000;
/** Restarting a worker that keeps failing to start waits this long, so a broken file does not spin. */
const RESPAWN_DELAY_MS = 1_000;

/** A printed line of a worker longer than this is cut, as the worker cuts its captured lines. */
const OUTPUT_LINE_CHARS_MAX = 8_192;

export type PoolReport =
  | { readonly kind: 'started'; readonly slotId: string; readonly envelope: DispatchEnvelope }
  | { readonly kind: 'log'; readonly slotId: string; readonly envelope: DispatchEnvelope; readonly message: Report<'log'> }
  | { readonly kind: 'finished'; readonly slotId: string; readonly envelope: DispatchEnvelope; readonly message: Report<'finished'> };

/** A worker's report as the pool hands it on: its token was checked and stays here. */
type Report<T extends WorkerMessage['type']> = Omit<Extract<WorkerMessage, { type: T }>, 'attemptToken'>;

export interface WorkerOutputLine {
  readonly slotId: string;
  readonly stream: 'stdout' | 'stderr';
  readonly line: string;
}

export interface WorkerPoolOptions {
  readonly size: number;
  readonly definitionsFile: string;
  /** Prefix of slot ids; identifies the daemon instance that owns these workers. */
  readonly ownerId: string;
  readonly onReport: (report: PoolReport) => void;
  readonly onProblem?: (message: string) => void;
  /**
   * Each line a worker process prints (user code's prints, which attempts also record as task
   * logs, and anything printed outside an attempt, such as a crash). Absent, workers print to this
   * process's own stdout and stderr.
   */
  readonly onOutput?: (output: WorkerOutputLine) => void;
  /**
   * The control plane's clock: attempt deadlines (`deadlineAt`) are stamped with it, so the wait
   * until one is measured on it too, and workers date their log lines from it.
   */
  readonly clock: Clock;
}

interface Slot {
  readonly id: string;
  child: ChildProcess | undefined;
  ready: boolean;
  current: DispatchEnvelope | undefined;
  /** The token `current` was sent with; reports about it must carry it. */
  currentToken: string | undefined;
  pending: DispatchEnvelope | undefined;
  abortTimer: NodeJS.Timeout | undefined;
  deadlineTimer: NodeJS.Timeout | undefined;
  forcedOutcome: ErrorInfo | undefined;
  /** Its process loaded definitions that changed since: replace it once its attempt ends. */
  stale: boolean;
}

export class WorkerPool {
  private readonly slots: Slot[];
  private stopped = false;

  constructor(private readonly options: WorkerPoolOptions) {
    this.slots = Array.from({ length: options.size }, (_, i) => ({
      id: `${options.ownerId}/w${i}`,
      child: undefined,
      ready: false,
      current: undefined,
      currentToken: undefined,
      pending: undefined,
      abortTimer: undefined,
      deadlineTimer: undefined,
      forcedOutcome: undefined,
      stale: false,
    }));
  }

  start(): void {
    for (const slot of this.slots) this.spawn(slot);
  }

  /** Slots that can take an attempt now. */
  freeSlots(): string[] {
    return this.slots.filter((s) => !s.current && !s.pending).map((s) => s.id);
  }

  /** Attempt ids running (or about to run) in this pool. */
  activeAttemptIds(): string[] {
    return this.slots.flatMap((s) => [s.current?.attemptId, s.pending?.attemptId]).filter((id): id is string => id !== undefined);
  }

  owns(workerId: string): boolean {
    return this.slots.some((s) => s.id === workerId);
  }

  execute(slotId: string, envelope: DispatchEnvelope): void {
    const slot = this.slots.find((s) => s.id === slotId);
    if (!slot || slot.current || slot.pending) throw new Error(`worker slot ${slotId} is not free`);
    slot.pending = envelope;
    this.flush(slot);
  }

  /** Asks the attempt's user code to stop; kills its process if it has not after ABORT_GRACE_MS. */
  abort(attemptId: string, reason: 'canceled' | 'timeout'): void {
    const slot = this.slots.find((s) => s.current?.attemptId === attemptId || s.pending?.attemptId === attemptId);
    if (!slot || slot.abortTimer) return;
    const error: ErrorInfo =
      reason === 'timeout'
        ? { code: 'TIMEOUT', message: 'attempt exceeded its timeoutMs and was stopped', errorClass: null, stack: null, retryable: true }
        : { code: 'CANCELED', message: 'attempt aborted because the run was canceled', errorClass: null, stack: null, retryable: false };
    if (slot.pending?.attemptId === attemptId) {
      const envelope = slot.pending;
      slot.pending = undefined;
      this.report(slot, envelope, reason === 'timeout' ? 'FAILED' : 'CANCELED', error);
      return;
    }
    slot.child?.send({ type: 'abort', attemptId, reason });
    slot.abortTimer = setTimeout(() => {
      slot.forcedOutcome = error;
      slot.child?.kill('SIGKILL');
    }, ABORT_GRACE_MS);
  }

  /** Kills the process running an attempt whose result no longer matters (it was already resolved). */
  discard(attemptId: string): void {
    const slot = this.slots.find((s) => s.current?.attemptId === attemptId);
    if (!slot) return;
    this.clear(slot);
    this.replace(slot);
  }

  /**
   * The definitions file changed: every worker process is replaced, idle ones now and busy ones
   * when their attempt ends, so the next attempts run the new code. A dispatched attempt waiting for
   * its process keeps its place and goes to the new one.
   */
  recycle(): void {
    for (const slot of this.slots) {
      if (slot.current) slot.stale = true;
      else this.replace(slot);
    }
  }

  /**
   * Gives the slot a fresh process. The old one is detached before it is killed: its exit comes
   * later, and must not be taken for the exit of the slot's next attempt (WORKER_EXITED).
   */
  private replace(slot: Slot): void {
    const old = slot.child;
    slot.child = undefined;
    slot.ready = false;
    slot.stale = false;
    old?.kill('SIGKILL');
    this.spawn(slot);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const exits = this.slots.map(
      (slot) =>
        new Promise<void>((resolve) => {
          const child = slot.child;
          if (!child || child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGKILL');
        }),
    );
    await Promise.all(exits);
  }

  private spawn(slot: Slot): void {
    if (this.stopped) return;
    const onOutput = this.options.onOutput;
    // Early workers print to the terminal: a pool that reads its workers' output starts its own.
    const early = onOutput ? undefined : takeEarlyWorker(this.options.definitionsFile);
    const child = early?.child ?? forkWorker(this.options.definitionsFile, onOutput !== undefined);
    slot.child = child;
    if (onOutput) {
      for (const stream of ['stdout', 'stderr'] as const) {
        const input = child[stream];
        if (!input) continue;
        createInterface({ input, crlfDelay: Infinity }).on('line', (line) =>
          onOutput({ slotId: slot.id, stream, line: line.length > OUTPUT_LINE_CHARS_MAX ? `${line.slice(0, OUTPUT_LINE_CHARS_MAX)}…` : line }),
        );
      }
    }
    slot.ready = false;
    child.on('message', (raw) => this.onMessage(slot, child, raw));
    child.on('exit', (code, signal) => this.onExit(slot, child, code, signal));
    child.on('error', (error) => this.options.onProblem?.(`worker ${slot.id}: ${error.message}`));
    if (early) {
      early.release();
      // What it said before it had a slot (ready, or load_failed) is said again now.
      for (const raw of early.said) this.onMessage(slot, child, raw);
      if (early.exited) this.onExit(slot, child, early.exited.code, early.exited.signal);
    }
  }

  private onMessage(slot: Slot, child: ChildProcess, raw: unknown): void {
    if (slot.child !== child) return;
    const parsed = workerMessageSchema.safeParse(raw);
    if (!parsed.success) {
      this.options.onProblem?.(`worker ${slot.id} sent a malformed message; ignored`);
      return;
    }
    const message = parsed.data;
    if (message.type === 'started' || message.type === 'log' || message.type === 'finished') {
      const current = slot.current && slot.currentToken !== undefined ? { attemptId: slot.current.attemptId, attemptToken: slot.currentToken } : undefined;
      const refused = refuseReport(current, message);
      if (refused) {
        this.options.onProblem?.(`worker ${slot.id}: ${refused.code}: ${refused.message}`);
        return;
      }
    }
    switch (message.type) {
      case 'ready':
        slot.ready = true;
        this.flush(slot);
        return;
      case 'load_failed':
        this.options.onProblem?.(`worker ${slot.id} cannot load definitions: ${message.error.message}`);
        return;
      case 'started':
        if (slot.current) this.options.onReport({ kind: 'started', slotId: slot.id, envelope: slot.current });
        return;
      case 'log':
        if (slot.current) this.options.onReport({ kind: 'log', slotId: slot.id, envelope: slot.current, message });
        return;
      case 'finished': {
        const envelope = slot.current;
        if (!envelope) return;
        this.clear(slot);
        this.options.onReport({ kind: 'finished', slotId: slot.id, envelope, message });
        if (slot.stale) this.replace(slot);
        else this.flush(slot);
        return;
      }
    }
  }

  private onExit(slot: Slot, child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (slot.child !== child) return;
    slot.child = undefined;
    slot.ready = false;
    slot.stale = false;
    const envelope = slot.current;
    const forced = slot.forcedOutcome;
    this.clear(slot);
    if (envelope) {
      // The pool detaches every process it kills itself, so a signal here came from outside (the
      // OOM killer, an operator): an infrastructure loss. An exit code is the user code's doing.
      const error: ErrorInfo = forced ?? {
        code: signal === null ? 'WORKER_EXITED' : 'WORKER_KILLED',
        message: signal === null ? `worker process exited (code ${code}) while running the attempt` : `worker process was killed (${signal}) while running the attempt`,
        errorClass: null,
        stack: null,
        retryable: true,
      };
      this.report(slot, envelope, forced?.code === 'CANCELED' ? 'CANCELED' : 'FAILED', error);
    }
    if (!this.stopped) setTimeout(() => this.spawn(slot), envelope || code === 0 ? 0 : RESPAWN_DELAY_MS);
  }

  private report(slot: Slot, envelope: DispatchEnvelope, outcome: 'FAILED' | 'CANCELED', error: ErrorInfo): void {
    this.options.onReport({
      kind: 'finished',
      slotId: slot.id,
      envelope,
      message: { type: 'finished', attemptId: envelope.attemptId, outcome, error, durationMs: 0, dataVersion: null, metadata: {} },
    });
  }

  private clear(slot: Slot): void {
    if (slot.abortTimer) clearTimeout(slot.abortTimer);
    if (slot.deadlineTimer) clearTimeout(slot.deadlineTimer);
    slot.abortTimer = undefined;
    slot.deadlineTimer = undefined;
    slot.forcedOutcome = undefined;
    slot.current = undefined;
    slot.currentToken = undefined;
  }

  private flush(slot: Slot): void {
    if (!slot.ready || !slot.child || slot.current || !slot.pending) return;
    const envelope = slot.pending;
    slot.pending = undefined;
    slot.current = envelope;
    slot.currentToken = mintAttemptToken();
    const sentAtEpochMs = this.options.clock.now();
    if (envelope.deadlineAt) {
      const wait = Math.max(0, Date.parse(envelope.deadlineAt) - sentAtEpochMs);
      slot.deadlineTimer = setTimeout(() => this.abort(envelope.attemptId, 'timeout'), wait);
    }
    slot.child.send({ type: 'execute', envelope, attemptToken: slot.currentToken, sentAtEpochMs });
  }
}
