import { defineErrors } from './spec.js';

/** Codes of the kernel: validation, definitions, runs, ledger, store. */
export const CORE_ERRORS = defineErrors({
  VALIDATION_ERROR: { httpStatus: 400, retryable: false, summary: 'An input failed its schema; details name the field.' },
  NOT_FOUND: { httpStatus: 404, retryable: false, summary: 'The route or resource does not exist.' },
  UNKNOWN_ASSET: { httpStatus: 400, retryable: false, summary: 'An asset key named in a request or definition does not exist; details name it.' },
  INTERNAL_ERROR: { httpStatus: 500, retryable: true, summary: 'An unexpected server error; no stack trace leaves the server.' },
});
