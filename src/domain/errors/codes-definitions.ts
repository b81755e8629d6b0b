import { defineErrors } from './spec.js';

/** Codes raised while loading and validating a definitions file. */
export const DEFINITIONS_ERRORS = defineErrors({
  INVALID_ASSET_KEY: { httpStatus: 400, retryable: false, summary: 'An asset key is not "/"-separated segments of [A-Za-z0-9_]+.' },
  DUPLICATE_ASSET_KEY: { httpStatus: 400, retryable: false, summary: 'Two assets in the definitions share a key.' },
  UNKNOWN_DEPENDENCY: { httpStatus: 400, retryable: false, summary: 'An asset depends on a key that is not defined.' },
  DEPENDENCY_CYCLE: { httpStatus: 400, retryable: false, summary: 'Assets depend on each other in a cycle; details give its path.' },
  INVALID_DEFINITION: { httpStatus: 400, retryable: false, summary: 'A definition has a wrong field (e.g. compute is not a function); details name it.' },
  NOT_A_DEPENDENCY: { httpStatus: 400, retryable: false, summary: 'Two assets named together have no direct dependency between them.' },
  DUPLICATE_ASSET_CHECK: { httpStatus: 400, retryable: false, summary: 'Two asset checks on the same asset share a name; details name the asset and the check.' },
  DEFINITIONS_LOAD_FAILED: { httpStatus: 400, retryable: false, summary: 'The definitions file could not be found or imported.' },
});
