import { defineErrors } from './spec.js';

/** Codes of asset selection parsing (resolution reuses the core UNKNOWN_ASSET). */
export const SELECTION_ERRORS = defineErrors({
  SELECTION_SYNTAX_ERROR: {
    httpStatus: 400,
    retryable: false,
    summary: 'An asset selection parses in neither the current nor the legacy syntax; details give text, column (1-based), expected and found.',
  },
});
