/**
 * The calls a remote worker makes (the worker protocol's client, as `arco worker` wires it) and how
 * it makes them: a call that could not reach the API is made again, with a growing pause, until it
 * is answered; a refusal is final.
 */
import { isArcoError } from '../../domain/errors/index.js';
import type { DispatchEnvelope, RemoteResult } from './protocol.js';
import type { SpooledResult } from './result-spool.js';

/** What a claim asks for (docs/worker-protocol.md). */
export interface ClaimRequest {
  max: number;
  running: string[];
  claimSeq: number;
  waitMs?: number;
}

export interface ClaimAnswer {
  attempts: { envelope: DispatchEnvelope; attemptToken: string }[];
  sentAtEpochMs: number;
  waitedMs?: number;
}

/** The worker protocol's calls, as HttpClient.invoke makes them (one signature per operation). */
export interface WorkerProtocolClient {
  registerWorker(input: { workerId: string; host: string; pid: number; slots: number; heartbeatTimeoutMs: number }): Promise<{ heartbeatIntervalMs: number }>;
  workerHeartbeat(input: { workerId: string; attemptIds: string[] }): Promise<{ abort: { attemptId: string; reason: 'canceled' | 'gone' }[] }>;
  claimAttempts(input: { workerId: string } & ClaimRequest): Promise<ClaimAnswer>;
  reportAttemptStarted(input: { workerId: string; attemptId: string; attemptToken: string }): Promise<unknown>;
  reportAttemptLogs(input: { workerId: string; attemptId: string; attemptToken: string; lines: { seq: number; level: 'debug' | 'info' | 'warn' | 'error'; message: string; loggedAt: string }[] }): Promise<unknown>;
  /** With `claim`, the API claims for the worker's free slots once the report is stored. */
  reportAttemptFinished(input: { workerId: string; attemptId: string; attemptToken: string; claim?: ClaimRequest } & RemoteResult): Promise<{ claimed?: ClaimAnswer }>;
  unregisterWorker(input: { workerId: string }): Promise<unknown>;
}

/** A call that failed to reach the API is retried after this, doubling, at most RETRY_MAX_MS. */
export const RETRY_BASE_MS = 200;
export const RETRY_MAX_MS = 5_000;

/** True for answers that will not change by asking again (a refusal), as opposed to an outage. */
export function isRefusal(error: unknown): boolean {
  return isArcoError(error) && error.code !== 'API_UNREACHABLE' && error.code !== 'STORE_UNAVAILABLE' && error.code !== 'INTERNAL_ERROR' && error.httpStatus < 500;
}

/** What the API stores of a finished report (the worker process's message without its local token). */
export function remoteResultOf(message: Omit<SpooledResult['message'], 'attemptToken'>): RemoteResult {
  const { outcome, error, durationMs, dataVersion, metadata, outputs, check } = message;
  return { outcome, error, durationMs, dataVersion, metadata, ...(outputs ? { outputs } : {}), ...(check !== undefined ? { check } : {}) };
}

export type Delivery = 'accepted' | 'refused' | 'given up';

/** Makes `call` until it is answered (accepted, or refused for good) or `giveUp()` says to stop. */
export async function deliverCall(call: () => Promise<unknown>, giveUp: () => boolean, hear: { refused: (error: unknown) => void; failed: (error: unknown) => void }): Promise<Delivery> {
  for (let delay = RETRY_BASE_MS; !giveUp(); delay = Math.min(delay * 2, RETRY_MAX_MS)) {
    try {
      await call();
      return 'accepted';
    } catch (error) {
      if (isRefusal(error)) {
        hear.refused(error);
        return 'refused';
      }
      hear.failed(error);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
  return 'given up';
}
