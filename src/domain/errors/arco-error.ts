/**
 * The one error type callers see. Every error that crosses a boundary (API response, CLI exit,
 * worker report) is an `ArcoError` whose `code` comes from the catalogue in `catalog.ts`.
 * Callers branch on `code` and `retryable`, never on `message`.
 */
import { ERROR_CATALOG, type ErrorCode } from './catalog.js';

export type ErrorDetails = Record<string, unknown>;

export class ArcoError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetails | undefined;
  readonly httpStatus: number;
  readonly retryable: boolean;

  constructor(code: ErrorCode, message: string, details?: ErrorDetails) {
    super(message);
    this.name = 'ArcoError';
    this.code = code;
    this.details = details;
    const spec = ERROR_CATALOG[code];
    this.httpStatus = spec.httpStatus;
    this.retryable = spec.retryable;
  }

  /** The wire shape: `{ code, message, details? }`. Never includes a stack. */
  toJSON(): { code: ErrorCode; message: string; details?: ErrorDetails } {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

/** Shorthand used at throw sites: `throw arcoError('UNKNOWN_ASSET', ...)`. */
export function arcoError(code: ErrorCode, message: string, details?: ErrorDetails): ArcoError {
  return new ArcoError(code, message, details);
}

export function isArcoError(value: unknown): value is ArcoError {
  return value instanceof ArcoError;
}

/**
 * A broken invariant: something our own code guarantees did not hold. It is never caught to carry
 * on; it names what was expected and what was found.
 */
export class InvariantError extends Error {
  constructor(expected: string, found: string) {
    super(`invariant broken: expected ${expected}, found ${found}`);
    this.name = 'InvariantError';
  }
}

export function invariant(condition: unknown, expected: string, found: string): asserts condition {
  if (!condition) throw new InvariantError(expected, found);
}
