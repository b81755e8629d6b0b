import { defineErrors } from './spec.js';

/** Codes of backfills: creating one, changing its state, retrying it (SEMANTICS §7). */
export const BACKFILL_ERRORS = defineErrors({
  BACKFILL_NOT_FOUND: { httpStatus: 404, retryable: false, summary: 'No backfill has this id.' },
  BACKFILL_STATE_CONFLICT: { httpStatus: 409, retryable: false, summary: 'The backfill is not in a state this change starts from; details name its current state and state version. Nothing changed.' },
  BACKFILL_REQUEST_CONFLICT: { httpStatus: 409, retryable: false, summary: 'The request id already names a backfill created with different parameters; details name the backfill and the differing fields.' },
  BACKFILL_UNKNOWN_PARTITIONS: { httpStatus: 400, retryable: false, summary: "The partition selector names keys that are not in an asset's partitions definition; details name the asset, up to 10 keys and their count." },
  BACKFILL_UNPARTITIONED_ASSET: { httpStatus: 400, retryable: false, summary: 'A partitioned backfill selects assets without partitions; details list them.' },
  BACKFILL_INVALID_POLICY: { httpStatus: 400, retryable: false, summary: 'The backfill policy or its run limit is not a positive whole number; details name the field.' },
  BACKFILL_EMPTY: { httpStatus: 400, retryable: false, summary: 'The partition selector selects no partition of the backfilled assets.' },
  BACKFILL_DERIVATION_TOO_LARGE: { httpStatus: 400, retryable: false, summary: "Deriving a downstream asset's partitions would map more upstream partitions one by one than a backfill allows; details name the asset, the upstream asset and the limit. Backfill that asset with its own selector." },
  BACKFILL_NOTHING_TO_RETRY: { httpStatus: 409, retryable: false, summary: 'Retry was asked of a backfill that is not finished, or in which every partition materialized; details name its state.' },
});
