/**
 * Runs one attempt of user code behind the user-code boundary: whatever it throws becomes a
 * USER_CODE_ERROR with its message and stack; an abort (cancel, timeout) becomes CANCELED or
 * TIMEOUT. Used by the worker process; it never lets user code take the caller down with it.
 */
import type { AssetContext, AssetDefinition, LogLevel, MaterializeResult } from '../../authoring/index.js';
import { InvariantError, isArcoError } from '../../domain/errors/index.js';
import { timeWindowForKey } from '../../domain/partitions/index.js';
import type { Json } from '../../domain/ids/index.js';
import type { ErrorInfo } from '../../events/index.js';
import { outputResultsOf } from './multi-asset-result.js';
import type { DispatchEnvelope } from './protocol.js';

export interface AttemptResult {
  readonly outcome: 'SUCCEEDED' | 'FAILED' | 'CANCELED';
  readonly error: ErrorInfo | null;
  readonly durationMs: number;
  readonly dataVersion: string | null;
  readonly metadata: Record<string, Json>;
  /** A multi-asset's successful attempt: each selected output's result. */
  readonly outputs?: Record<string, { readonly dataVersion: string | null; readonly metadata: Record<string, Json> }>;
}

export interface ExecuteHooks {
  readonly log: (level: LogLevel, message: string) => void;
  readonly signal: AbortSignal;
  /** Why the signal fired, read after an abort. */
  readonly abortReason: () => 'canceled' | 'timeout' | undefined;
  readonly nowMs: () => number;
}

export async function executeAttempt(asset: AssetDefinition, envelope: DispatchEnvelope, hooks: ExecuteHooks): Promise<AttemptResult> {
  const compute = asset.compute;
  // Planning never makes a task of an external asset, so a dispatch for one is a broken promise.
  if (compute === null) throw new InvariantError('a task of an asset with compute', `external asset "${asset.key}"`);
  const started = hooks.nowMs();
  const elapsed = () => Math.max(0, Math.round(hooks.nowMs() - started));
  const log = {
    debug: (m: string) => hooks.log('debug', String(m)),
    info: (m: string) => hooks.log('info', String(m)),
    warn: (m: string) => hooks.log('warn', String(m)),
    error: (m: string) => hooks.log('error', String(m)),
  };
  try {
    const context: AssetContext = {
      assetKey: envelope.assetKey,
      runId: envelope.runId,
      attempt: envelope.attempt,
      partitionKey: envelope.partitionKey,
      partitionKeys: envelope.partitionKeys,
      partitionKeyRange: envelope.partitionKeyRange,
      timeWindow: timeWindowOf(asset, envelope.partitionKey),
      config: envelope.config,
      codeVersion: envelope.codeVersion,
      log,
      signal: hooks.signal,
    };
    const multi = asset.multiAsset;
    if (multi) {
      // The multi-asset's one compute call, told which outputs this run materializes.
      const selectedAssetKeys = envelope.assetKeys ?? [...multi.outputKeys];
      const returned = await raceAbort(hooks.signal, () => multi.compute({ ...context, selectedAssetKeys }));
      const outputs = outputResultsOf(returned, multi, selectedAssetKeys);
      const sanitized = Object.fromEntries(Object.entries(outputs).map(([key, r]) => [key, { dataVersion: r.dataVersion, metadata: sanitizeMetadata(r.metadata) }]));
      return { outcome: 'SUCCEEDED', error: null, durationMs: elapsed(), dataVersion: null, metadata: {}, outputs: sanitized };
    }
    const result = (await raceAbort(hooks.signal, () => compute(context))) as MaterializeResult | void;
    return {
      outcome: 'SUCCEEDED',
      error: null,
      durationMs: elapsed(),
      dataVersion: result?.dataVersion ?? null,
      metadata: sanitizeMetadata(result?.metadata),
    };
  } catch (error) {
    return { ...failedOutcome(error, hooks), durationMs: elapsed(), dataVersion: null, metadata: {} };
  }
}

class AbortedError extends Error {}

/** Runs user code until it settles or the attempt's signal aborts, whichever comes first. */
export async function raceAbort<T>(signal: AbortSignal, run: () => T | Promise<T>): Promise<T> {
  const aborted = new Promise<never>((_, reject) => {
    signal.addEventListener('abort', () => reject(new AbortedError()), { once: true });
  });
  const result = await Promise.race([Promise.resolve().then(run), aborted]);
  if (signal.aborted) throw new AbortedError();
  return result;
}

/** How an attempt whose user code threw (or was aborted) ends: TIMEOUT, CANCELED, or the wrapped throw. */
export function failedOutcome(error: unknown, hooks: Pick<ExecuteHooks, 'signal' | 'abortReason'>): { outcome: 'FAILED' | 'CANCELED'; error: ErrorInfo } {
  if (hooks.signal.aborted) {
    const timeout = hooks.abortReason() === 'timeout';
    return {
      outcome: timeout ? 'FAILED' : 'CANCELED',
      error: {
        code: timeout ? 'TIMEOUT' : 'CANCELED',
        message: timeout ? 'attempt exceeded its timeoutMs' : 'attempt aborted because the run was canceled',
        errorClass: null,
        stack: null,
        retryable: timeout,
      },
    };
  }
  return { outcome: 'FAILED', error: userCodeError(error) };
}

/** The partition's time window, for assets with a time dimension; null otherwise. */
function timeWindowOf(asset: AssetDefinition, partitionKey: string | null): { start: string; end: string } | null {
  if (partitionKey === null || asset.partitions === null) return null;
  try {
    const window = timeWindowForKey(asset.partitions, partitionKey);
    return { start: window.start, end: window.end };
  } catch (error) {
    if (isArcoError(error) && error.code === 'NOT_TIME_PARTITIONED') return null;
    throw error;
  }
}

/** Wraps anything user code threw. An ArcoError keeps its code and retryability (e.g. a config error). */
export function userCodeError(error: unknown): ErrorInfo {
  if (isArcoError(error)) {
    return { code: error.code, message: error.message, errorClass: error.name, stack: error.stack ?? null, retryable: error.retryable };
  }
  if (error instanceof Error) {
    return { code: 'USER_CODE_ERROR', message: error.message, errorClass: error.name, stack: error.stack ?? null, retryable: true };
  }
  return { code: 'USER_CODE_ERROR', message: String(error), errorClass: null, stack: null, retryable: true };
}

/** Metadata must be JSON; anything else (functions, undefined, bigint) is dropped or stringified. */
export function sanitizeMetadata(metadata: Readonly<Record<string, Json>> | undefined): Record<string, Json> {
  if (!metadata) return {};
  try {
    return JSON.parse(JSON.stringify(metadata, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))) as Record<string, Json>;
  } catch {
    return { error: 'metadata is not serializable' };
  }
}
