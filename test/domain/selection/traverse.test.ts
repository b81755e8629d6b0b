import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AssetSelectionIndex, type SelectableAsset } from '../../../src/domain/selection/index.js';
import { AssetSet } from '../../../src/domain/selection/asset-set.js';
import { rootsOf, sinksOf, traverse } from '../../../src/domain/selection/traverse.js';

const asset = (key: string, deps: string[] = []): SelectableAsset => ({ key, deps, tags: {}, owners: [], kinds: [] });

// A chain a1 -> a2 -> a3 -> a4 -> a5 with a shortcut a1 -> a4.
const index = AssetSelectionIndex.build([
  asset('a1'),
  asset('a2', ['a1']),
  asset('a3', ['a2']),
  asset('a4', ['a3', 'a1']),
  asset('a5', ['a4']),
]);
const setOf = (...keys: string[]): AssetSet => AssetSet.of(index.size, keys.map((k) => index.idOf(k) as number));
const keysOf = (set: AssetSet): string[] => set.ids().map((id) => index.keys[id] as string);

describe('walking the graph', () => {
  test('depth counts the shortest path, so a shortcut brings an asset within reach sooner', () => {
    assert.deepEqual(keysOf(traverse(index, setOf('a1'), 'downstream', 1)), ['a1', 'a2', 'a4']);
    assert.deepEqual(keysOf(traverse(index, setOf('a1'), 'downstream', 2)), ['a1', 'a2', 'a3', 'a4', 'a5']);
  });

  test('a walk from several assets measures depth from the nearest one', () => {
    assert.deepEqual(keysOf(traverse(index, setOf('a5', 'a3'), 'upstream', 1)), ['a2', 'a3', 'a4', 'a5']);
  });

  test('depth 0 and an empty start select only the start', () => {
    assert.deepEqual(keysOf(traverse(index, setOf('a3'), 'upstream', 0)), ['a3']);
    assert.deepEqual(keysOf(traverse(index, setOf(), 'upstream', 'all')), []);
  });

  test('roots and sinks look through unselected assets in between', () => {
    assert.deepEqual(keysOf(rootsOf(index, setOf('a2', 'a5'))), ['a2']);
    assert.deepEqual(keysOf(sinksOf(index, setOf('a2', 'a5'))), ['a5']);
    assert.deepEqual(keysOf(rootsOf(index, setOf('a3', 'a1'))), ['a1']);
  });
});
