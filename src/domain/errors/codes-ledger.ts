import { defineErrors } from './spec.js';

/** Codes of the ledger and the store. */
export const LEDGER_ERRORS = defineErrors({
  CORRUPT_EVENT: { httpStatus: 500, retryable: false, summary: 'A stored event fails its schema or has an unknown type or version; details name its sequence.' },
  CORRUPT_PROJECTION: { httpStatus: 500, retryable: false, summary: 'A stored projection row cannot be read; rebuild the projections from the ledger.' },
  CONCURRENT_MODIFICATION: { httpStatus: 409, retryable: true, summary: 'State changed between read and append; re-read and decide again.' },
  STORE_UNAVAILABLE: { httpStatus: 503, retryable: true, summary: 'The database could not be opened or is busy.' },
  STORE_SCHEMA_NEWER: { httpStatus: 503, retryable: false, summary: 'The store was migrated by a newer Arco Flow than this one; details name both schema versions. Upgrade arco-flow to use it.' },
  LEADER_FENCED: { httpStatus: 409, retryable: false, summary: 'A daemon appended as leader with a fencing token another daemon has since replaced; nothing was appended and it stands by.' },
});
