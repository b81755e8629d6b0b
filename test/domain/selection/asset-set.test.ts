import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AssetSet } from '../../../src/domain/selection/asset-set.js';

describe('asset sets', () => {
  // Sizes around the 32-bit word boundary, where stray bits past the last id would show up.
  for (const size of [0, 1, 31, 32, 33, 64, 100]) {
    test(`a full set of ${size} assets holds exactly ids 0..${size - 1} and its complement is empty`, () => {
      const full = AssetSet.full(size);
      assert.deepEqual(full.ids(), Array.from({ length: size }, (_, i) => i));
      assert.deepEqual(full.invert().ids(), []);
    });
  }

  test('ids come back in ascending order, bit 31 of a word included', () => {
    assert.deepEqual(AssetSet.of(70, [69, 31, 0, 32, 63, 5]).ids(), [0, 5, 31, 32, 63, 69]);
  });

  test('and, or and subtract combine in place and leave the other set alone', () => {
    const a = AssetSet.of(40, [1, 2, 35]);
    const b = AssetSet.of(40, [2, 3, 35]);
    assert.deepEqual(a.copy().and(b).ids(), [2, 35]);
    assert.deepEqual(a.copy().or(b).ids(), [1, 2, 3, 35]);
    assert.deepEqual(a.copy().subtract(b).ids(), [1]);
    assert.deepEqual(b.ids(), [2, 3, 35]);
    assert.deepEqual(a.ids(), [1, 2, 35]);
  });

  test('a copy does not share members with its original', () => {
    const a = AssetSet.of(10, [1]);
    const b = a.copy();
    b.add(2);
    assert.equal(a.has(2), false);
    assert.equal(b.has(2), true);
  });
});
