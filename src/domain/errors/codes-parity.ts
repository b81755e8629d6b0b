import { defineErrors } from './spec.js';

/** Codes of the parity tool (`arco parity`): the files it reads and the git revisions it compares. */
export const PARITY_ERRORS = defineErrors({
  PARITY_ROOT_NOT_FOUND: { httpStatus: 400, retryable: false, summary: 'No arco-flow package.json was found above the working directory; pass --root; details name the start directory.' },
  PARITY_FILE_NOT_FOUND: { httpStatus: 404, retryable: false, summary: 'A file the parity tool needs (matrix, test report) does not exist; details name the path.' },
  PARITY_REPORT_INVALID: { httpStatus: 400, retryable: false, summary: 'The test report is not JUnit XML; details name the path.' },
  PARITY_REVISION_NOT_FOUND: { httpStatus: 404, retryable: false, summary: 'A git revision given to `arco parity diff` does not name a commit; details name the revision.' },
  PARITY_GIT_FAILED: { httpStatus: 500, retryable: false, summary: 'A git command run by the parity tool failed; details carry the command and its stderr.' },
});
