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

describe('error code files', () => {
  test('no code is defined in two area files (a later spread would silently replace the earlier one)', async () => {
    const { readdirSync } = await import('node:fs');
    const dir = new URL('../../../src/domain/errors/', import.meta.url);
    const seen = new Map<string, string>();
    const clashes: string[] = [];
    for (const file of readdirSync(dir).filter((f) => f.startsWith('codes-'))) {
      const module = (await import(new URL(file, dir).href)) as Record<string, Record<string, unknown>>;
      for (const codes of Object.values(module)) {
        for (const code of Object.keys(codes)) {
          if (seen.has(code)) clashes.push(`${code} in ${seen.get(code)} and ${file}`);
          seen.set(code, file);
        }
      }
    }
    assert.deepEqual(clashes, []);
    assert.equal(seen.size, Object.keys(ERROR_CATALOG).length);
  });
});
