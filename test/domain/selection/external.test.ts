/**
 * Goal: external (source) assets are left out of every selection that does not name them exactly,
 * as Dagster leaves source assets out of `*`, groups, attributes and traversals, and are selected
 * when named (`key:ext/orders`, a bare name, a list of keys) or when externals are included.
 * Method: one small graph, `ext/orders` (external, group `sales`, tag `tier=gold`, kind `s3`) read
 * by `staging/orders`, read by `marts/revenue`; tables of selection text and expected keys.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AssetSelectionIndex, keysSelection, resolveAssetSelection } from '../../../src/domain/selection/index.js';

const INDEX = AssetSelectionIndex.build([
  { key: 'ext/orders', deps: [], group: 'sales', tags: { tier: 'gold' }, owners: ['team:data'], kinds: ['s3'], external: true },
  { key: 'staging/orders', deps: ['ext/orders'], group: 'sales', tags: { tier: 'gold' }, owners: ['team:data'], kinds: ['s3'] },
  { key: 'marts/revenue', deps: ['staging/orders'], group: 'marts', tags: {}, owners: [], kinds: [] },
]);

type Row = readonly [title: string, selection: string, expected: readonly string[]];

const EXCLUDED: readonly Row[] = [
  ['"*" leaves external assets out', '*', ['marts/revenue', 'staging/orders']],
  ['a key pattern with "*" leaves external assets out', 'key:*/orders', ['staging/orders']],
  ['"group:" leaves external assets out', 'group:sales', ['staging/orders']],
  ['"tag:" leaves external assets out', 'tag:tier=gold', ['staging/orders']],
  ['"kind:" leaves external assets out', 'kind:s3', ['staging/orders']],
  ['"owner:" leaves external assets out', 'owner:"team:data"', ['staging/orders']],
  ['"not" leaves external assets out', 'not key:marts/revenue', ['staging/orders']],
  ['an upstream traversal "+key" does not add external parents', '+key:staging/orders', ['staging/orders']],
  ['an unbounded upstream traversal does not add external ancestors', '+key:marts/revenue', ['marts/revenue', 'staging/orders']],
  ['a legacy "*key" traversal does not add external ancestors', '*marts/revenue', ['marts/revenue', 'staging/orders']],
];

const NAMED: readonly Row[] = [
  ['"key:" with the exact key selects an external asset', 'key:ext/orders', ['ext/orders']],
  ['a legacy bare name selects an external asset', 'ext/orders', ['ext/orders']],
  ['a downstream traversal from a named external asset keeps it and adds its descendants', 'key:ext/orders+', ['ext/orders', 'marts/revenue', 'staging/orders']],
  ['an exact key united with a broad selection keeps the external asset', 'key:ext/orders or group:marts', ['ext/orders', 'marts/revenue']],
];

describe('external assets in selections', () => {
  for (const [title, selection, expected] of EXCLUDED) {
    test(title, () => assert.deepEqual(resolveAssetSelection(selection, INDEX), expected));
  }
  for (const [title, selection, expected] of NAMED) {
    test(title, () => assert.deepEqual(resolveAssetSelection(selection, INDEX), expected));
  }

  test('a list of keys selects an external asset it names', () => {
    assert.deepEqual(resolveAssetSelection(keysSelection(['ext/orders']), INDEX), ['ext/orders']);
  });

  test('includeExternal lets "*", "group:" and traversals select external assets', () => {
    const options = { includeExternal: true };
    assert.deepEqual(resolveAssetSelection('*', INDEX, options), ['ext/orders', 'marts/revenue', 'staging/orders']);
    assert.deepEqual(resolveAssetSelection('group:sales', INDEX, options), ['ext/orders', 'staging/orders']);
    assert.deepEqual(resolveAssetSelection('+key:staging/orders', INDEX, options), ['ext/orders', 'staging/orders']);
  });
});
