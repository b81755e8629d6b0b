export { ArcoError, arcoError, isArcoError, InvariantError, invariant, type ErrorDetails } from './arco-error.js';
export { ERROR_CATALOG, isErrorCode, type ErrorCode } from './catalog.js';
export type { ErrorSpec } from './spec.js';
