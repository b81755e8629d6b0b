/**
 * A mistyped command or option is answered with the nearest one (commander's suggestions, on by
 * default), and a mistyped asset with the nearest asset key, before anything runs.
 */
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { arco } from '../helpers/cli.js';
import { tempProject } from '../helpers/project.js';

describe('the CLI suggests what was meant', () => {
  const project = tempProject(`import { defineAsset, defineDefinitions, dailyPartitions } from 'arco-flow';
const orders = defineAsset({ key: 'orders', compute: async () => {} });
const days = defineAsset({ key: 'days', partitions: dailyPartitions({ start: '2024-01-01' }), compute: async () => {} });
export default defineDefinitions({ assets: [orders, days] });
`);
  after(() => project.remove());

  test('an unknown command suggests the nearest command', () => {
    const result = arco(['scheduel']);
    assert.notEqual(result.status, 0);
    assert.match(result.stderr, /unknown command 'scheduel'\s+\(Did you mean schedule\?\)/);
  });

  test('an unknown option suggests the nearest option', () => {
    const result = arco(['run', '--selct', 'orders']);
    assert.notEqual(result.status, 0);
    assert.match(result.stderr, /unknown option '--selct'\s+\(Did you mean --select\?\)/);
  });

  test('a misspelled asset suggests the nearest asset key', () => {
    const result = arco(['run', '--project', project.dir, '--select', 'order']);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /UNKNOWN_ASSET: unknown asset "order".*did you mean "orders"\?/);
  });

  test('a partitioned asset run without a partition says to pass --partition', () => {
    const result = arco(['run', '--project', project.dir, '--select', 'days']);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /PARTITION_REQUIRED: .*--partition/);
  });
});
