/**
 * Canonical JSON and hashing. Fingerprints, idempotency keys and projection hashes are computed
 * over canonical JSON: object keys sorted, no whitespace, `undefined` members dropped. Arrays keep
 * their order; callers sort arrays that are sets before hashing.
 */
import { createHash } from 'node:crypto';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export function canonicalJson(value: unknown): string {
  return write(value) ?? 'null';
}

/**
 * Writes the canonical form directly, without building a sorted copy first: fingerprints and
 * projection hashes call this for every run and every row. `undefined` (and anything JSON cannot
 * hold, such as a function) is dropped from objects and written as null in arrays, as
 * JSON.stringify does.
 */
function write(value: unknown): string | undefined {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'boolean':
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) {
        let out = '[';
        for (let i = 0; i < value.length; i += 1) out += (i === 0 ? '' : ',') + (write(value[i]) ?? 'null');
        return `${out}]`;
      }
      const record = value as Record<string, unknown>;
      let out = '{';
      let first = true;
      for (const key of Object.keys(record).sort()) {
        const member = write(record[key]);
        if (member === undefined) continue;
        out += `${first ? '' : ','}${JSON.stringify(key)}:${member}`;
        first = false;
      }
      return `${out}}`;
    }
    default:
      return undefined;
  }
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** A deterministic number in [0, 1) derived from a string, for jitter and sampling. */
export function hashUnit(text: string): number {
  return parseInt(sha256Hex(text).slice(0, 12), 16) / 2 ** 48;
}
