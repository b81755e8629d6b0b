/**
 * Canonical JSON and hashing. Fingerprints, idempotency keys and projection hashes are computed
 * over canonical JSON: object keys sorted, no whitespace, `undefined` members dropped. Arrays keep
 * their order; callers sort arrays that are sets before hashing.
 */
import { createHash } from 'node:crypto';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export function canonicalJson(value: unknown): string {
  return JSON.stringify(canonicalize(value));
}

function canonicalize(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => (v === undefined ? null : canonicalize(v)));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const member = (value as Record<string, unknown>)[key];
      if (member !== undefined) out[key] = canonicalize(member);
    }
    return out;
  }
  return value;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** A deterministic number in [0, 1) derived from a string, for jitter and sampling. */
export function hashUnit(text: string): number {
  return parseInt(sha256Hex(text).slice(0, 12), 16) / 2 ** 48;
}
