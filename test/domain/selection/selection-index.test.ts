import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AssetSelectionIndex, type SelectableAsset } from '../../../src/domain/selection/index.js';
import { InvariantError } from '../../../src/domain/errors/index.js';
import { SAMPLE_INDEX } from './fixtures/sample-graph.js';

const asset = (key: string, deps: string[] = []): SelectableAsset => ({ key, deps, tags: {}, owners: [], kinds: [] });

describe('building the selection index', () => {
  test('ids follow key order whatever the declaration order', () => {
    const index = AssetSelectionIndex.build([asset('b'), asset('a/z'), asset('a')]);
    assert.deepEqual(index.keys, ['a', 'a/z', 'b']);
    assert.equal(index.idOf('b'), 2);
    assert.equal(index.idOf('c'), undefined);
    assert.equal(index.size, 3);
  });

  test('parents and children are stored in both directions, duplicates in deps counted once', () => {
    const index = AssetSelectionIndex.build([asset('a'), asset('b', ['a', 'a']), asset('c', ['a', 'b'])]);
    const neighbours = (adjacency: typeof index.parents, id: number): number[] =>
      Array.from(adjacency.targets.subarray(adjacency.offsets[id], adjacency.offsets[id + 1])).sort();
    assert.deepEqual(neighbours(index.parents, 2), [0, 1]);
    assert.deepEqual(neighbours(index.parents, 1), [0]);
    assert.deepEqual(neighbours(index.children, 0), [1, 2]);
    assert.deepEqual(neighbours(index.children, 2), []);
  });

  test('an empty graph is a valid index that selects nothing', () => {
    const index = AssetSelectionIndex.build([]);
    assert.equal(index.size, 0);
    assert.deepEqual(index.withTag('x', null).ids(), []);
  });

  test('a duplicate key or a dependency outside the graph breaks the caller contract', () => {
    assert.throws(() => AssetSelectionIndex.build([asset('a'), asset('a')]), InvariantError);
    assert.throws(() => AssetSelectionIndex.build([asset('a', ['ghost'])]), InvariantError);
  });

  test('the keys sharing a prefix form one id range', () => {
    assert.deepEqual(SAMPLE_INDEX.prefixRange('raw/'), [3, 5]);
    assert.deepEqual(SAMPLE_INDEX.prefixRange(''), [0, SAMPLE_INDEX.size]);
    assert.deepEqual(SAMPLE_INDEX.prefixRange('zzz'), [SAMPLE_INDEX.size, SAMPLE_INDEX.size]);
  });
});
