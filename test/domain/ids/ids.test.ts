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
  test('the canonical form is JSON with sorted keys, undefined members dropped and undefined array items as null', () => {
    const sortDeep = (v: unknown): unknown =>
      Array.isArray(v)
        ? v.map((x) => (x === undefined ? null : sortDeep(x)))
        : v !== null && typeof v === 'object'
          ? Object.fromEntries(Object.keys(v).sort().flatMap((k) => ((v as Record<string, unknown>)[k] === undefined ? [] : [[k, sortDeep((v as Record<string, unknown>)[k])]])))
          : v;
    const value = { z: [1, undefined, { b: 'é"\n\u0001', a: -0 }], a: { y: null, x: 1.5e-7, skip: undefined }, m: true, '10': 'numeric key', b: [] };
    assert.equal(canonicalJson(value), JSON.stringify(sortDeep(value)));
    assert.equal(canonicalJson([undefined]), '[null]');
    assert.equal(canonicalJson({ a: undefined }), '{}');
    assert.equal(canonicalJson({ '2': 1, '10': 2 }), '{"10":2,"2":1}', 'keys sort as strings, even integer-like ones');
  });

  test('object key order does not change the canonical form; array order does', () => {
    assert.equal(canonicalJson({ b: 1, a: { d: 2, c: 3 } }), canonicalJson({ a: { c: 3, d: 2 }, b: 1 }));
    assert.notEqual(canonicalJson([1, 2]), canonicalJson([2, 1]));
  });
});
