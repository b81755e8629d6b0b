import { defineErrors } from './spec.js';

/** Codes of the kernel: validation, definitions, runs, ledger, store. */
export const CORE_ERRORS = defineErrors({
  VALIDATION_ERROR: { httpStatus: 400, retryable: false, summary: 'An input failed its schema; details name the field.' },
  NOT_FOUND: { httpStatus: 404, retryable: false, summary: 'The route or resource does not exist.' },
  UNKNOWN_ASSET: { httpStatus: 400, retryable: false, summary: 'An asset key named in a request or definition does not exist; details name it.' },
  IDEMPOTENCY_KEY_REUSED: { httpStatus: 422, retryable: false, summary: 'An Idempotency-Key was reused with a different request body.' },
  IDEMPOTENCY_KEY_IN_PROGRESS: { httpStatus: 409, retryable: true, summary: 'A request with this Idempotency-Key is still being processed; retry shortly.' },
  SQL_REFUSED: { httpStatus: 400, retryable: false, summary: 'A system SQL statement was no single read-only query over the system_* views (a write, a pragma, another table, several statements).' },
  SQL_ERROR: { httpStatus: 400, retryable: false, summary: 'The database rejected a system SQL query; details carry its message.' },
  SQL_TIMEOUT: { httpStatus: 400, retryable: false, summary: 'A system SQL query ran longer than its time limit (5 s) and was stopped.' },
  SQL_RESULT_TOO_LARGE: { httpStatus: 400, retryable: false, summary: "A system SQL query's answer exceeded the byte limit (16 MiB); select fewer rows or columns." },
  INTERNAL_ERROR: { httpStatus: 500, retryable: true, summary: 'An unexpected server error; no stack trace leaves the server.' },
});
