import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AssetGraph, parseAssetKey } from '../../../src/domain/assets/index.js';

describe('asset graph', () => {
  test('an unknown dependency names the asset and the missing key', () => {
    assert.throws(() => AssetGraph.build([{ key: 'a', deps: ['ghost'] }]), (e: { code: string; details: object }) => {
      assert.equal(e.code, 'UNKNOWN_DEPENDENCY');
      assert.deepEqual(e.details, { asset: 'a', dependency: 'ghost' });
      return true;
    });
  });

  test('a cycle is reported with its path', () => {
    assert.throws(
      () => AssetGraph.build([{ key: 'a', deps: ['c'] }, { key: 'b', deps: ['a'] }, { key: 'c', deps: ['b'] }]),
      (e: { code: string; message: string; details: { cycle: string[] } }) => {
        assert.equal(e.code, 'DEPENDENCY_CYCLE');
        assert.deepEqual(e.details.cycle, ['a', 'b', 'c', 'a']);
        assert.match(e.message, /a -> b -> c -> a/);
        return true;
      },
    );
  });

  test('a duplicate key is reported', () => {
    assert.throws(() => AssetGraph.build([{ key: 'a', deps: [] }, { key: 'a', deps: [] }]), { code: 'DUPLICATE_ASSET_KEY' });
  });

  test('dependency order does not depend on declaration order', () => {
    const one = AssetGraph.build([{ key: 'c', deps: ['a', 'b'] }, { key: 'b', deps: [] }, { key: 'a', deps: [] }]);
    const two = AssetGraph.build([{ key: 'a', deps: [] }, { key: 'b', deps: [] }, { key: 'c', deps: ['b', 'a'] }]);
    assert.deepEqual(one.topologicalOrder, ['a', 'b', 'c']);
    assert.deepEqual(two.topologicalOrder, one.topologicalOrder);
  });

  test('closures follow every level up or down', () => {
    const g = AssetGraph.build([{ key: 'a', deps: [] }, { key: 'b', deps: ['a'] }, { key: 'c', deps: ['b'] }, { key: 'd', deps: [] }]);
    assert.deepEqual([...g.closure(['c'], 'upstream')].sort(), ['a', 'b', 'c']);
    assert.deepEqual([...g.closure(['a'], 'downstream')].sort(), ['a', 'b', 'c']);
  });
});

describe('asset keys', () => {
  for (const key of ['raw/events', 'events', 'a_1/B2/c3']) test(`accepts ${key}`, () => assert.equal(parseAssetKey(key), key));
  for (const key of ['', 'raw/', '/raw', 'raw events', 'raw-events', 'raw//x']) {
    test(`rejects ${JSON.stringify(key)} with INVALID_ASSET_KEY`, () => assert.throws(() => parseAssetKey(key), { code: 'INVALID_ASSET_KEY' }));
  }
});
