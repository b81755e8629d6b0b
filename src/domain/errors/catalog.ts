/**
 * The catalogue of every error code a caller can see. Each area keeps its codes in its own
 * `codes-*.ts` file so that areas grow without editing one shared list; this file only merges them.
 * A released code is never renamed or reused. `docs/errors.md` lists the same codes (a test keeps
 * both equal).
 */
import { CORE_ERRORS } from './codes-core.js';
import { DEFINITIONS_ERRORS } from './codes-definitions.js';
import { LEDGER_ERRORS } from './codes-ledger.js';
import { RUN_ERRORS } from './codes-runs.js';
import { CLI_ERRORS } from './codes-cli.js';
import { PARITY_ERRORS } from './codes-parity.js';
import { SELECTION_ERRORS } from './codes-selection.js';
import { CRON_ERRORS } from './codes-cron.js';
import { PARTITIONS_ERRORS } from './codes-partitions.js';
import { AUTOMATION_ERRORS } from './codes-automation.js';
import { BACKFILL_ERRORS } from './codes-backfills.js';
import { ACCESS_ERRORS } from './codes-access.js';
import type { ErrorSpec } from './spec.js';

export const ERROR_CATALOG = {
  ...CORE_ERRORS,
  ...DEFINITIONS_ERRORS,
  ...LEDGER_ERRORS,
  ...RUN_ERRORS,
  ...CLI_ERRORS,
  ...PARITY_ERRORS,
  ...SELECTION_ERRORS,
  ...CRON_ERRORS,
  ...PARTITIONS_ERRORS,
  ...AUTOMATION_ERRORS,
  ...BACKFILL_ERRORS,
  ...ACCESS_ERRORS,
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERROR_CATALOG;

export function isErrorCode(value: string): value is ErrorCode {
  return Object.hasOwn(ERROR_CATALOG, value);
}
