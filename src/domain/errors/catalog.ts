/**
 * The catalogue of every error code a caller can see. Each area keeps its codes in its own
 * `codes-*.ts` file so that areas grow without editing one shared list; this file only merges them.
 * A released code is never renamed or reused. `docs/errors.md` lists the same codes (a test keeps
 * both equal).
 */
import { CORE_ERRORS } from './codes-core.js';
import type { ErrorSpec } from './spec.js';

export const ERROR_CATALOG = {
  ...CORE_ERRORS,
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERROR_CATALOG;

export function isErrorCode(value: string): value is ErrorCode {
  return Object.hasOwn(ERROR_CATALOG, value);
}
