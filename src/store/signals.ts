/**
 * Signals between the processes sharing a store: "an attempt was dispatched to worker W" (a
 * waiting claim can take it now), "a finished report was stored" (the leader can record it now),
 * "an API token was revoked" (a cached token must be read again), and "signals may have been lost"
 * (the carrier's connection dropped). They cut the latency of polling and never replace it: a
 * signal can be missed (SQLite's reach only this process; PostgreSQL's LISTEN connection can
 * drop), so whoever waits on one also looks again after a bounded time.
 */
import type { WorkerDispatch } from './contract.js';

export type StoreSignal =
  /** `claimed`: the rows the dispatching statement claimed for the worker's waiting claim (WorkerStore.addDispatches). */
  | { readonly kind: 'dispatched'; readonly workerId: string; readonly claimed?: readonly WorkerDispatch[] }
  | { readonly kind: 'finished' }
  | { readonly kind: 'tokens' }
  | { readonly kind: 'lost' };

/** Waits for dispatches to one worker; see WorkerStore.watchDispatches. */
export interface DispatchWatch {
  /**
   * Resolves at once when a dispatch to the worker was signalled since the watch began or since
   * the last wait resolved, else at the next one or after `timeoutMs`, whichever is first.
   */
  wait(timeoutMs: number): Promise<WakeReason>;
  /** The rows signals claimed for the worker since the watch began or since the last call, oldest first. */
  claimed(): readonly WorkerDispatch[];
  /**
   * The claim waits in this process under these hashes (its waiting claim, WorkerStore.beginClaim
   * with `wait`) until the watch closes: a dispatch this process claims under them is signalled
   * here, without a signal to other processes.
   */
  hold(tokenSha256s: readonly string[]): void;
  close(): void;
}

/** Why a wait ended: a signal, or its timeout (or the store closing). */
export type WakeReason = 'signalled' | 'timeout';

/** The signals of one store in this process, whatever carried them here. */
export class SignalHub {
  private readonly listeners = new Set<(signal: StoreSignal) => void>();
  /** Each open watch's wake-up, so closing the store ends every wait at once. */
  private readonly wakers = new Set<() => void>();
  /** The hashes of the waiting claims held in this process (DispatchWatch.hold). */
  private readonly held = new Set<string>();

  /** The hashes of every waiting claim held in this process. */
  heldHashes(): readonly string[] {
    return [...this.held];
  }

  emit(signal: StoreSignal): void {
    for (const listener of [...this.listeners]) listener(signal);
  }

  /** Returns the function that stops listening. */
  listen(listener: (signal: StoreSignal) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  watchDispatches(workerId: string): DispatchWatch {
    let signalled = false;
    let claimed: WorkerDispatch[] = [];
    let wake: ((reason: WakeReason) => void) | undefined;
    const stop = this.listen((signal) => {
      if (signal.kind !== 'dispatched' || signal.workerId !== workerId) return;
      signalled = true;
      if (signal.claimed) claimed = [...claimed, ...signal.claimed];
      wake?.('signalled');
    });
    const waker = () => wake?.('timeout');
    this.wakers.add(waker);
    let holding: readonly string[] = [];
    return {
      wait: (timeoutMs) => {
        if (signalled) {
          signalled = false;
          return Promise.resolve('signalled');
        }
        return new Promise<WakeReason>((resolve) => {
          const done = (reason: WakeReason) => {
            clearTimeout(timer);
            wake = undefined;
            signalled = false;
            resolve(reason);
          };
          const timer = setTimeout(() => done('timeout'), Math.max(0, timeoutMs));
          wake = done;
        });
      },
      claimed: () => {
        const taken = claimed;
        claimed = [];
        return taken;
      },
      hold: (tokenSha256s) => {
        for (const h of holding) this.held.delete(h);
        holding = [...tokenSha256s];
        for (const h of holding) this.held.add(h);
      },
      close: () => {
        for (const h of holding) this.held.delete(h);
        stop();
        this.wakers.delete(waker);
        wake?.('timeout');
      },
    };
  }

  /** Ends every wait (the store is closing). */
  close(): void {
    for (const waker of [...this.wakers]) waker();
  }
}
