/**
 * The token scoped to one attempt (DESIGN.md principle 5): minted when the attempt is handed to a
 * worker process, sent with it, and required on every report about it. A report is accepted only
 * for the attempt its process is running (else ATTEMPT_MISMATCH) and only with that attempt's token
 * (else ATTEMPT_TOKEN_REFUSED), so neither a late report of an earlier attempt nor a message forged
 * under another attempt's token is ever recorded. Tokens live in memory only: a worker outliving its
 * daemon has nobody to report to.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { arcoError, type ArcoError } from '../../domain/errors/index.js';

/** 256 bits: not guessable within an attempt's lifetime. */
const TOKEN_BYTES = 32;

export interface ScopedAttempt {
  readonly attemptId: string;
  readonly attemptToken: string;
}

export function mintAttemptToken(): string {
  return randomBytes(TOKEN_BYTES).toString('hex');
}

/** Undefined when `report` may be recorded for `current`; otherwise why not. */
export function refuseReport(current: ScopedAttempt | undefined, report: ScopedAttempt): ArcoError | undefined {
  if (current?.attemptId !== report.attemptId) {
    return arcoError('ATTEMPT_MISMATCH', `a report for attempt ${report.attemptId} came from a worker running ${current?.attemptId ?? 'no attempt'}; not recorded`, {
      reportedAttemptId: report.attemptId,
      runningAttemptId: current?.attemptId ?? null,
    });
  }
  const expected = Buffer.from(current.attemptToken);
  const presented = Buffer.from(report.attemptToken);
  if (expected.length !== presented.length || !timingSafeEqual(expected, presented)) {
    return arcoError('ATTEMPT_TOKEN_REFUSED', `a report for attempt ${report.attemptId} carried another token than the one it was dispatched with; not recorded`, {
      attemptId: report.attemptId,
    });
  }
  return undefined;
}
