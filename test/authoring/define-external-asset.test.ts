import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { defineAsset, defineDefinitions, defineExternalAsset, eager, staticPartitions } from '../../src/authoring/index.js';

describe('defineExternalAsset', () => {
  test('an external asset is marked external, has no compute, and normal assets may depend on it', () => {
    const orders = defineExternalAsset({ key: 'ext/orders', group: 'sales', partitions: staticPartitions(['eu', 'us']), observe: () => ({ dataVersion: 'v1' }) });
    const clean = defineAsset({ key: 'clean/orders', deps: [orders], compute: () => {} });
    const defs = defineDefinitions({ assets: [orders, clean] });
    assert.equal(defs.assets[0]!.external, true);
    assert.equal(defs.assets[0]!.compute, null);
    assert.equal(typeof defs.assets[0]!.observe, 'function');
    assert.equal(defs.assets[1]!.external, false);
    assert.deepEqual(defs.assets[1]!.deps, ['ext/orders']);
  });

  test('an external asset given a compute is a load error naming the asset and pointing to observe', () => {
    assert.throws(() => defineExternalAsset({ key: 'ext/orders', compute: () => {} } as never), {
      code: 'INVALID_DEFINITION',
      message: /asset "ext\/orders": external assets have no compute; use observe/,
      details: { asset: 'ext/orders', field: 'compute', suggestions: ['observe'] },
    });
  });

  test('an unknown option is a load error with the nearest option suggested', () => {
    assert.throws(() => defineExternalAsset({ key: 'ext/orders', grup: 'sales' } as never), {
      code: 'INVALID_DEFINITION',
      details: { asset: 'ext/orders', field: 'grup', suggestions: ['group'] },
    });
  });

  test('an automation condition on an external asset is a load error naming the asset', () => {
    assert.throws(() => defineExternalAsset({ key: 'ext/orders', automation: eager() } as never), {
      code: 'INVALID_DEFINITION',
      message: /asset "ext\/orders": external assets take no automation condition: Arco never materializes them/,
      details: { asset: 'ext/orders', field: 'automation' },
    });
  });
});
