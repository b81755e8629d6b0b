/**
 * The faults a seed injects, and the store seam they act through.
 *
 * Every append of the world goes through `FaultyLedger`: while faults are on, the acting process
 * may crash right before its batch reaches the ledger (the decision is lost and must be decided
 * again from the store) or right after (the batch is durable but the process never learns it),
 * and a batch that was appended may be delivered a second time (the idempotency gate must drop
 * every event of it). The other faults (reordered, delayed and duplicated worker reports, leader
 * pauses, clock jumps) are chosen by the world per step from the same PRNG.
 */
import type { AppendOptions, AppendResult, Store } from '../../src/store/index.js';
import type { ArcoEvent } from '../../src/events/index.js';
import type { Prng } from './prng.js';

/** Probabilities per opportunity. All zero in the drain phase. */
export interface FaultRates {
  /** A process crashes right before an append. */
  readonly crashBeforeAppend: number;
  /** A process crashes right after an append. */
  readonly crashAfterAppend: number;
  /** An appended batch is delivered again. */
  readonly redeliverBatch: number;
  /** A worker report is delivered twice. */
  readonly duplicateReport: number;
  /** A worker report is held back by minutes (past leases and time limits). */
  readonly delayReport: number;
  /** Two worker reports due together are delivered in the opposite order. */
  readonly reorderReports: number;
  /** The clock jumps forward by minutes or hours before a step. */
  readonly clockJump: number;
  /** A daemon decides, pauses past its leader lease while the other daemon acts, then appends. */
  readonly leaderPause: number;
  /**
   * A leader that paused right after renewing its lease runs its iteration at the same time as
   * the daemon that took over (both read the same state, both decide, both append).
   */
  readonly zombieLeader: number;
  /** A client sends the same request twice at once (a retry racing the original). */
  readonly concurrentRequest: number;
}

export const FAULTS_OFF: FaultRates = {
  crashBeforeAppend: 0,
  crashAfterAppend: 0,
  redeliverBatch: 0,
  duplicateReport: 0,
  delayReport: 0,
  reorderReports: 0,
  clockJump: 0,
  leaderPause: 0,
  zombieLeader: 0,
  concurrentRequest: 0,
};

/** Rates of a seed's fault phase, themselves drawn from the seed so seeds differ in character. */
export function drawFaultRates(prng: Prng): FaultRates {
  const some = (max: number) => (prng.chance(0.2) ? 0 : prng.next() * max);
  return {
    crashBeforeAppend: some(0.06),
    crashAfterAppend: some(0.06),
    redeliverBatch: some(0.15),
    duplicateReport: some(0.2),
    delayReport: some(0.1),
    reorderReports: some(0.3),
    clockJump: some(0.08),
    leaderPause: some(0.08),
    zombieLeader: some(0.1),
    concurrentRequest: some(0.3),
  };
}

/** Thrown at a crash point; the world catches it and throws away the process that hit it. */
export class SimCrash extends Error {
  constructor(readonly point: string) {
    super(`SIM_CRASH at ${point}`);
  }
}

export function isSimCrash(error: unknown): boolean {
  return error instanceof SimCrash || (error instanceof Error && error.message.includes('SIM_CRASH')) || (typeof error === 'string' && error.includes('SIM_CRASH'));
}

/** What the faulty ledger reports to the world. */
export interface LedgerObserver {
  /** Rates now in force. */
  rates(): FaultRates;
  /** False while a process that may not crash acts (the drain phase's bookkeeping). */
  crashable(): boolean;
  /** A re-delivered batch appended something: a duplicate effect. */
  violation(message: string): void;
  note(line: string): void;
  /** A fault of this kind was injected. */
  injected(fault: 'crashBeforeAppend' | 'crashAfterAppend' | 'redeliveredBatch'): void;
}

/** `store` whose ledger injects crashes and re-deliveries around the real append. */
export function faultyStore(store: Store, prng: Prng, observer: LedgerObserver): Store {
  const real = store.ledger;
  const append = async (events: readonly ArcoEvent[], options?: AppendOptions): Promise<AppendResult> => {
    const rates = observer.rates();
    const label = events.map((e) => e.type).join('+');
    if (observer.crashable() && prng.chance(rates.crashBeforeAppend)) {
      observer.note(`crash before append ${label}`);
      observer.injected('crashBeforeAppend');
      throw new SimCrash(`before append ${label}`);
    }
    const result = await real.append(events, options);
    if (result.appended.length > 0 && prng.chance(rates.redeliverBatch)) {
      const again = await real.append(events);
      observer.injected('redeliveredBatch');
      observer.note(`redelivered ${label}: ${again.appended.length} appended, ${again.duplicates.length} duplicates`);
      if (again.appended.length > 0) {
        observer.violation(`a re-delivered batch (${label}) appended ${again.appended.map((e) => `${e.type} ${e.idempotencyKey}`).join(', ')}`);
      }
    }
    if (observer.crashable() && prng.chance(rates.crashAfterAppend)) {
      observer.note(`crash after append ${label}`);
      observer.injected('crashAfterAppend');
      throw new SimCrash(`after append ${label}`);
    }
    return result;
  };
  const ledger: Store['ledger'] = {
    append,
    readEvents: (query) => real.readEvents(query),
    lastSequence: () => real.lastSequence(),
  };
  return new Proxy(store, { get: (target, name) => (name === 'ledger' ? ledger : Reflect.get(target, name, target)) });
}
