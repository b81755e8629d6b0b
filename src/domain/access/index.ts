/**
 * API tokens and roles (docs/security.md). A token reads `arco_<id>_<secret>`: the id finds its
 * record without scanning, the secret is compared by its sha256 (the store never holds a secret).
 * Roles are ordered: viewer (reads, SQL) < operator (runs, backfills, schedules, sensors) < admin
 * (tokens, store administration); each may do everything the ones before it may. `worker` stands
 * apart: a remote worker's token (`arco worker --token`) may call the worker protocol's routes and
 * nothing else, so a worker host that is broken into cannot read data, start runs or make tokens;
 * admin may call them too (admin may do everything).
 */
import { sha256Hex } from '../ids/index.js';

export const ROLES = ['viewer', 'operator', 'admin', 'worker'] as const;
export type AccessRole = (typeof ROLES)[number];
/** The ordered roles: each may do everything the ones before it may. */
const ORDERED: readonly AccessRole[] = ['viewer', 'operator', 'admin'];

/** True when a token of role `held` may call an operation that needs `needed`. */
export function roleAllows(held: AccessRole, needed: AccessRole): boolean {
  if (needed === 'worker') return held === 'worker' || held === 'admin';
  if (held === 'worker') return false;
  return ORDERED.indexOf(held) >= ORDERED.indexOf(needed);
}

const TOKEN_PATTERN = /^arco_([0-9a-f]{16})_([0-9a-f]{64})$/;

/** The token a caller is given once: id and secret, both lowercase hex. */
export function formatApiToken(id: string, secret: string): string {
  return `arco_${id}_${secret}`;
}

/** The id and secret of a well-formed token; undefined for anything else. */
export function parseApiToken(token: string): { id: string; secret: string } | undefined {
  const match = TOKEN_PATTERN.exec(token);
  return match ? { id: match[1] as string, secret: match[2] as string } : undefined;
}

/** What the store keeps of a secret. */
export function secretSha256(secret: string): string {
  return sha256Hex(secret);
}

/** Who did a write, as recorded on it: a token's name, or one of these when no token was used. */
export const LOCAL_ACTOR = 'local';
export const ANONYMOUS_ACTOR = 'anonymous';
