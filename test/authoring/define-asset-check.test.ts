/** `defineAssetCheck` and the `assetChecks` of `defineDefinitions`: mistakes fail at load, naming the check. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { defineAsset, defineAssetCheck, defineDefinitions, type AssetCheckOptions } from '../../src/authoring/index.js';
import { isArcoError } from '../../src/domain/errors/index.js';

const compute = async () => {};
const orders = defineAsset({ key: 'orders', compute });
const check = (options: Partial<AssetCheckOptions> & Record<string, unknown>) =>
  defineAssetCheck({ asset: orders, name: 'row_count', compute: () => ({ passed: true }), ...options } as AssetCheckOptions);

function codeAndDetails(fn: () => unknown): { code: string; message: string; details: Record<string, unknown> } {
  try {
    fn();
  } catch (error) {
    if (isArcoError(error)) return { code: error.code, message: error.message, details: { ...error.details } };
    throw error;
  }
  throw new Error('expected an error');
}

describe('defineAssetCheck', () => {
  test('takes an asset definition or key; blocking defaults to false', () => {
    assert.deepEqual([check({}).assetKey, check({}).blocking, check({ asset: 'raw/events', blocking: true }).assetKey], ['orders', false, 'raw/events']);
  });

  test('an option that does not exist is INVALID_DEFINITION naming the check, with the nearest option', () => {
    const e = codeAndDetails(() => check({ blockng: true }));
    assert.equal(e.code, 'INVALID_DEFINITION');
    assert.match(e.message, /asset check "row_count" on "orders": blockng is not an option; did you mean "blocking"\?/);
    assert.deepEqual([e.details.check, e.details.field, e.details.suggestions], ['row_count', 'blockng', ['blocking']]);
  });

  test('a name outside [A-Za-z0-9_] and a compute that is no function are INVALID_DEFINITION naming the field', () => {
    assert.deepEqual(
      [codeAndDetails(() => check({ name: 'row-count' })), codeAndDetails(() => check({ compute: 'x' as never }))].map((e) => [e.code, e.details.field]),
      [['INVALID_DEFINITION', 'name'], ['INVALID_DEFINITION', 'compute']],
    );
  });
});

describe('assetChecks in defineDefinitions', () => {
  test('a check on an asset that is not defined is UNKNOWN_ASSET naming the check and the nearest asset', () => {
    const e = codeAndDetails(() => defineDefinitions({ assets: [orders], assetChecks: [check({ asset: 'order' })] }));
    assert.equal(e.code, 'UNKNOWN_ASSET');
    assert.match(e.message, /unknown asset "order" checked by asset check "row_count"; did you mean "orders"\?/);
    assert.deepEqual([e.details.key, e.details.check, e.details.suggestions], ['order', 'row_count', ['orders']]);
  });

  test('two checks of one name on the same asset are DUPLICATE_ASSET_CHECK; the same name on two assets is fine', () => {
    const e = codeAndDetails(() => defineDefinitions({ assets: [orders], assetChecks: [check({}), check({})] }));
    assert.deepEqual([e.code, e.details.asset, e.details.check], ['DUPLICATE_ASSET_CHECK', 'orders', 'row_count']);
    const other = defineAsset({ key: 'other', compute });
    assert.equal(defineDefinitions({ assets: [orders, other], assetChecks: [check({}), check({ asset: other })] }).assetChecks.length, 2);
  });

  test('something not made with defineAssetCheck is INVALID_DEFINITION naming its place', () => {
    const e = codeAndDetails(() => defineDefinitions({ assets: [orders], assetChecks: [{ name: 'x' } as never] }));
    assert.deepEqual([e.code, e.details.field], ['INVALID_DEFINITION', 'assetChecks.0']);
  });
});
