import { defineErrors } from './spec.js';

/** Codes of partitions definitions, partition keys, selectors and partition mappings. */
export const PARTITIONS_ERRORS = defineErrors({
  INVALID_PARTITIONS_DEFINITION: { httpStatus: 400, retryable: false, summary: 'A partitions definition is malformed; details name the field and the reason.' },
  UNKNOWN_PARTITION: { httpStatus: 400, retryable: false, summary: 'A partition key (or index) is not in the partitions definition; details name it.' },
  INVALID_PARTITION_RANGE: { httpStatus: 400, retryable: false, summary: 'A partition range has an endpoint outside the definition or starts after it ends; details name the endpoints and the reason.' },
  INVALID_PARTITION_SELECTOR: { httpStatus: 400, retryable: false, summary: 'A partition selector is malformed or names an unknown dimension; details name the reason.' },
  INVALID_PARTITION_MAPPING: { httpStatus: 400, retryable: false, summary: 'A partition mapping cannot connect these two partitions definitions; details name the mapping and the reason.' },
  NONEXISTENT_UPSTREAM_PARTITION: { httpStatus: 400, retryable: false, summary: 'A partition depends on upstream partitions that do not exist; details list them.' },
  NOT_TIME_PARTITIONED: { httpStatus: 400, retryable: false, summary: 'A time window was asked of a partitions definition without a time dimension.' },
});
