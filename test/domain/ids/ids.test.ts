import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalJson, createUlidFactory, seededRng, ulidTime } from '../../../src/domain/ids/index.js';

describe('ulids', () => {
  test('ids from one factory sort in creation order, even within one millisecond', () => {
    const ulid = createUlidFactory(seededRng(1));
    const ids = [ulid(1000), ulid(1000), ulid(1000), ulid(1001), ulid(999)];
    assert.deepEqual([...ids].sort(), ids);
  });

  test('an id carries the millisecond it was made at', () => {
    const at = Date.parse('2026-11-21T12:00:00.123Z');
    assert.equal(ulidTime(createUlidFactory(seededRng(2))(at)), at);
  });

  test('the same seed yields the same ids (replayable simulations)', () => {
    const a = createUlidFactory(seededRng('s'));
    const b = createUlidFactory(seededRng('s'));
    assert.equal(a(5), b(5));
  });
});

describe('canonical json', () => {
  test('object key order does not change the canonical form; array order does', () => {
    assert.equal(canonicalJson({ b: 1, a: { d: 2, c: 3 } }), canonicalJson({ a: { c: 3, d: 2 }, b: 1 }));
    assert.notEqual(canonicalJson([1, 2]), canonicalJson([2, 1]));
  });
});
