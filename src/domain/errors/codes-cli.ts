import { defineErrors } from './spec.js';

/** Codes of the command line. */
export const CLI_ERRORS = defineErrors({
  API_UNREACHABLE: { httpStatus: 503, retryable: true, summary: 'The CLI could not reach the Arco Flow API at --url.' },
  PORT_IN_USE: { httpStatus: 409, retryable: false, summary: 'arco dev could not listen: another process holds the address and port.' },
  CONFIRMATION_REQUIRED: { httpStatus: 400, retryable: false, summary: 'A destructive command (asset wipe, run delete) was not confirmed: pass --yes, or answer the prompt in a terminal.' },
  REBUILD_MISMATCH: { httpStatus: 500, retryable: false, summary: 'Replaying the ledger produced a different projection hash than before the rebuild.' },
});
