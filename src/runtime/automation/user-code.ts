/**
 * The user-code boundary for schedule and sensor functions: whatever the function does (returns,
 * throws, rejects, never settles) the caller gets a result or an ErrorInfo, within the time limit.
 * A throw becomes USER_CODE_ERROR with its message and stack (an ArcoError keeps its code); running
 * past `timeoutMs` becomes USER_CODE_TIMEOUT and aborts the signal the function was given.
 */
import { isArcoError } from '../../domain/errors/index.js';
import type { ErrorInfo } from '../../events/index.js';

export type UserCodeResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: ErrorInfo };

export interface UserCodeRun<T> {
  /** The outcome, at the latest `timeoutMs` after the call. */
  readonly result: Promise<UserCodeResult<T>>;
  /** Settles when the function itself has settled (later than `result` after a timeout). */
  readonly done: Promise<void>;
}

class Timeout extends Error {}

/** An error as recorded on a tick or evaluation. */
export function userErrorInfo(error: unknown): ErrorInfo {
  if (isArcoError(error)) return { code: error.code, message: error.message, errorClass: 'ArcoError', stack: error.stack ?? null, retryable: error.retryable };
  if (error instanceof Error) return { code: 'USER_CODE_ERROR', message: error.message, errorClass: error.name, stack: error.stack ?? null, retryable: true };
  return { code: 'USER_CODE_ERROR', message: String(error), errorClass: null, stack: null, retryable: true };
}

/** Calls `fn` behind the boundary. @param what names the function in a timeout message. */
export function runUserCode<T>(what: string, timeoutMs: number, fn: (signal: AbortSignal) => T | Promise<T>): UserCodeRun<T> {
  const controller = new AbortController();
  const call = (async () => fn(controller.signal))();
  const done = call.then(
    () => undefined,
    () => undefined,
  );
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new Timeout());
    }, timeoutMs);
  });
  const result = Promise.race([call, timeout]).then(
    (value): UserCodeResult<T> => ({ ok: true, value }),
    (error: unknown): UserCodeResult<T> =>
      error instanceof Timeout
        ? { ok: false, error: { code: 'USER_CODE_TIMEOUT', message: `${what} ran longer than its ${timeoutMs} ms time limit`, errorClass: null, stack: null, retryable: true } }
        : { ok: false, error: userErrorInfo(error) },
  );
  void result.finally(() => clearTimeout(timer));
  return { result, done };
}
