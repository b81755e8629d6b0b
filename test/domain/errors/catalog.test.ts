import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ERROR_CATALOG } from '../../../src/domain/errors/index.js';

/** Rows of the form `| CODE | 400 | no | summary |` in docs/errors.md. */
function documentedCodes(): Map<string, { http: number; retryable: boolean }> {
  const doc = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');
  const out = new Map<string, { http: number; retryable: boolean }>();
  for (const match of doc.matchAll(/^\|\s*`?([A-Z][A-Z0-9_]+)`?\s*\|\s*(\d{3})\s*\|\s*(yes|no)\s*\|/gm)) {
    out.set(match[1] as string, { http: Number(match[2]), retryable: match[3] === 'yes' });
  }
  return out;
}

describe('error catalogue', () => {
  test('docs/errors.md lists exactly the codes of the catalogue, with the same HTTP status and retryability', () => {
    const documented = documentedCodes();
    const catalogued = Object.entries(ERROR_CATALOG);
    assert.deepEqual([...documented.keys()].sort(), catalogued.map(([code]) => code).sort());
    for (const [code, spec] of catalogued) {
      assert.deepEqual(documented.get(code), { http: spec.httpStatus, retryable: spec.retryable }, code);
    }
  });

  test('every code is UPPER_SNAKE', () => {
    for (const code of Object.keys(ERROR_CATALOG)) assert.match(code, /^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/);
  });
});
