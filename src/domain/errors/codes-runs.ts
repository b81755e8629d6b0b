import { defineErrors } from './spec.js';

/** Codes of run requests, run control and worker reports. */
export const RUN_ERRORS = defineErrors({
  RUN_NOT_FOUND: { httpStatus: 404, retryable: false, summary: 'No run has this id.' },
  EMPTY_SELECTION: { httpStatus: 400, retryable: false, summary: 'A run request selects no asset.' },
  RESERVED_TAG: { httpStatus: 400, retryable: false, summary: 'A caller set a tag under the reserved arco/ prefix; details name it.' },
  RUN_KEY_CONFLICT: { httpStatus: 409, retryable: false, summary: 'The runKey already names a run requested with a different fingerprint; details name the differing fields.' },
  PARTITION_REQUIRED: { httpStatus: 400, retryable: false, summary: 'The selection holds partitioned assets but the request names no partition; details list them.' },
  PARTITION_NOT_APPLICABLE: { httpStatus: 400, retryable: false, summary: 'The request names a partition but no selected asset is partitioned.' },
  RERUN_PARENT_NOT_FINISHED: { httpStatus: 409, retryable: true, summary: 'A run can be rerun only once it has finished.' },
  RERUN_NOTHING_FAILED: { httpStatus: 409, retryable: false, summary: 'A rerun from failure was asked of a run in which every task succeeded.' },
  NOTHING_STALE: { httpStatus: 409, retryable: false, summary: 'A stale-only run was asked, but every selected asset (partition) is FRESH; nothing was requested.' },
  RERUN_SELECTION_OUTSIDE_PARENT: { httpStatus: 400, retryable: false, summary: 'A subset rerun selected assets the parent run did not materialize; details list them.' },
  UNKNOWN_ASSET_CHECK: { httpStatus: 400, retryable: false, summary: 'A run request names an asset check (ASSET#NAME) that is not defined; details name it and the nearest checks.' },
  INVALID_CHECK_RESULT: { httpStatus: 500, retryable: false, summary: 'An asset check returned something other than { passed, severity?, metadata? }; its task failed.' },
  RUN_NOT_CANCELABLE: { httpStatus: 409, retryable: false, summary: 'The run already finished, so it cannot be canceled.' },
  ATTEMPT_MISMATCH: { httpStatus: 409, retryable: false, summary: "A worker reported for an attempt that is not the task's current one; nothing changed." },
  USER_CODE_ERROR: { httpStatus: 500, retryable: true, summary: 'User code threw; the attempt failed with its message and stack.' },
  WORKER_LOST: { httpStatus: 500, retryable: true, summary: 'The worker stopped heartbeating (it died or was cut off); the attempt is lost.' },
  WORKER_EXITED: { httpStatus: 500, retryable: true, summary: 'The worker process exited while running the attempt (e.g. process.exit in user code).' },
  WORKER_KILLED: { httpStatus: 500, retryable: true, summary: 'The worker process was killed by a signal while running the attempt (out of memory, an operator); retried without spending maxRetries.' },
  TIMEOUT: { httpStatus: 500, retryable: true, summary: "The attempt ran longer than its task's timeoutMs." },
  CANCELED: { httpStatus: 409, retryable: false, summary: 'The attempt was aborted because its run was canceled.' },
});
