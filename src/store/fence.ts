/** The one refusal both engines give an append fenced by a token its lease no longer carries. */
import { arcoError, type ArcoError } from '../domain/errors/index.js';
import type { LeaderFence } from './contract.js';

export function fenced(fence: LeaderFence, currentToken: number | undefined): ArcoError {
  return arcoError('LEADER_FENCED', `another daemon took the "${fence.lease}" lease (fencing token ${currentToken ?? 'none'}, this append carried ${fence.token}); nothing was appended`, {
    lease: fence.lease,
    token: fence.token,
    currentToken: currentToken ?? null,
  });
}
