/**
 * `defineMultiAsset` and multi-assets in `defineDefinitions`: what a definitions file gets back,
 * and each mistake that fails at load with an error naming the multi-asset.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { defineAsset, defineDefinitions, defineMultiAsset, type MultiAssetOptions } from '../../src/authoring/index.js';

const compute = () => [];
const multi = (options: Partial<MultiAssetOptions> = {}) => defineMultiAsset({ name: 'sales', outputs: [{ key: 'orders' }, { key: 'customers' }], compute, ...options });

describe('defineMultiAsset', () => {
  test('each output is an asset with the multi-asset settings, overridden by its own spec', () => {
    const raw = defineAsset({ key: 'raw', compute: () => undefined });
    const m = multi({ deps: [raw], group: 'sales', codeVersion: '1', tags: { team: 'a' }, outputs: [{ key: 'orders', group: 'orders', codeVersion: '2', deps: ['lookup'] }, { key: 'customers' }] });
    assert.deepEqual(
      m.outputs.map((o) => [o.key, o.deps, o.group, o.codeVersion, o.tags]),
      [
        ['orders', ['raw', 'lookup'], 'orders', '2', { team: 'a' }],
        ['customers', ['raw'], 'sales', '1', { team: 'a' }],
      ],
    );
    assert.deepEqual(m.outputs[0]?.multiAsset?.outputKeys, ['orders', 'customers']);
    assert.equal(m.canSubset, false, 'as Dagster, a multi-asset cannot be subset unless it says so');
  });

  test('a multi-asset with no outputs is INVALID_DEFINITION naming it', () => {
    assert.throws(() => multi({ outputs: [] }), { code: 'INVALID_DEFINITION', message: /multi-asset "sales" has no outputs/, details: { multiAsset: 'sales', field: 'outputs' } });
  });

  test('an output key given twice in one multi-asset is DUPLICATE_ASSET_KEY naming both', () => {
    assert.throws(() => multi({ outputs: [{ key: 'orders' }, { key: 'orders' }] }), {
      code: 'DUPLICATE_ASSET_KEY',
      message: 'multi-asset "sales" names output "orders" more than once',
      details: { asset: 'orders', multiAsset: 'sales' },
    });
  });

  test('an output depending on another output of the same multi-asset is a load error', () => {
    assert.throws(() => multi({ outputs: [{ key: 'orders' }, { key: 'customers', deps: ['orders'] }] }), {
      code: 'INVALID_DEFINITION',
      message: /output "customers" depends on "orders", another output of the same multi-asset/,
      details: { multiAsset: 'sales', asset: 'customers', dependency: 'orders', field: 'outputs.deps' },
    });
  });

  test('an unknown option is INVALID_DEFINITION with the nearest option suggested', () => {
    assert.throws(() => defineMultiAsset({ name: 'sales', outputs: [{ key: 'a' }], compute, can_subset: true } as unknown as MultiAssetOptions), {
      code: 'INVALID_DEFINITION',
      details: { multiAsset: 'sales', field: 'can_subset', suggestions: ['canSubset'] },
    });
  });
});

describe('multi-assets in defineDefinitions', () => {
  test('the outputs of a multi-asset join the definitions as assets others may depend on', () => {
    const m = multi();
    const report = defineAsset({ key: 'report', deps: ['orders'], compute: () => undefined });
    assert.deepEqual(defineDefinitions({ assets: [m, report] }).assets.map((a) => a.key), ['orders', 'customers', 'report']);
  });

  test('an output key that another asset also defines is DUPLICATE_ASSET_KEY naming both definitions', () => {
    const orders = defineAsset({ key: 'orders', compute: () => undefined });
    assert.throws(() => defineDefinitions({ assets: [orders, multi()] }), {
      code: 'DUPLICATE_ASSET_KEY',
      message: 'asset "orders" is defined more than once: by asset "orders" and by multi-asset "sales"',
      details: { asset: 'orders', definitions: ['asset "orders"', 'multi-asset "sales"'] },
    });
  });

  test('a multi-asset named like another asset is a load error (its name is its task key)', () => {
    const sales = defineAsset({ key: 'sales', compute: () => undefined });
    assert.throws(() => defineDefinitions({ assets: [sales, multi()] }), { code: 'INVALID_DEFINITION', message: /multi-asset "sales" has the name of asset "sales"/ });
  });

  test('an output needing an asset downstream of another output of the same multi-asset is DEPENDENCY_CYCLE', () => {
    const mid = defineAsset({ key: 'mid', deps: ['orders'], compute: () => undefined });
    const m = multi({ outputs: [{ key: 'orders' }, { key: 'customers', deps: ['mid'] }] });
    assert.throws(() => defineDefinitions({ assets: [m, mid] }), { code: 'DEPENDENCY_CYCLE', message: /sales -> mid -> sales|mid -> sales -> mid/ });
  });
});
