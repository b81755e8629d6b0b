/** The refusals both engines give an append whose condition failed: a fence, a version expectation. */
import { arcoError, type ArcoError } from '../domain/errors/index.js';
import type { LeaderFence, VersionExpectation } from './contract.js';

export function fenced(fence: LeaderFence, currentToken: number | undefined): ArcoError {
  return arcoError('LEADER_FENCED', `another daemon took the "${fence.lease}" lease (fencing token ${currentToken ?? 'none'}, this append carried ${fence.token}); nothing was appended`, {
    lease: fence.lease,
    token: fence.token,
    currentToken: currentToken ?? null,
  });
}

/** @throws CONCURRENT_MODIFICATION unless the row stands at the expected version (`actual`: 0 when absent). */
export function checkVersion(expectation: VersionExpectation, actual: number): void {
  if (actual === expectation.version) return;
  throw arcoError('CONCURRENT_MODIFICATION', `${expectation.table} "${expectation.id}" changed while deciding; retry`, {
    table: expectation.table,
    id: expectation.id,
    expectedVersion: expectation.version,
    actualVersion: actual,
  });
}
