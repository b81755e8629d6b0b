/**
 * Planning runs with multi-assets: the outputs of one multi-asset and partition are one task, a
 * multi-asset that cannot be subset is planned whole (and the expansion is reported), and
 * dependencies in both directions point at the multi-asset's task. Definitions are real
 * (`defineMultiAsset`, `defineDefinitions`), indexed as the runtime indexes them.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { defineAsset, defineDefinitions, defineMultiAsset, staticPartitions } from '../../../src/authoring/index.js';
import { parsePartitionSelector } from '../../../src/domain/partitions/index.js';
import { expandMultiAssets, planRun, type PlanningContext } from '../../../src/domain/runs/index.js';
import { indexDefinitions } from '../../../src/runtime/definitions-loader.js';

const noop = () => [];
const raw = defineAsset({ key: 'raw', compute: () => undefined });
const lookup = defineAsset({ key: 'lookup', compute: () => undefined });
const sales = defineMultiAsset({
  name: 'sales',
  deps: [raw],
  codeVersion: 'm1',
  outputs: [{ key: 'orders' }, { key: 'customers', deps: [lookup], codeVersion: 'c9' }],
  compute: noop,
});
const report = defineAsset({ key: 'report', deps: ['customers'], compute: () => undefined });
const sides = defineMultiAsset({ name: 'sides', canSubset: true, outputs: [{ key: 'left' }, { key: 'right' }], compute: noop });
const regions = staticPartitions(['eu', 'us']);
const regional = defineMultiAsset({ name: 'regional', partitions: regions, outputs: [{ key: 'r/a' }, { key: 'r/b' }], compute: noop });

const loaded = indexDefinitions('test', defineDefinitions({ assets: [raw, lookup, sales, report, sides, regional] }));
const planning: PlanningContext = { ...loaded, partitions: { nowEpochMs: Date.parse('2024-01-01T00:00:00Z'), dynamicKeys: () => [] } };

describe('multi-asset run planning', () => {
  test('the outputs of one multi-asset are one task that materializes each of them, keyed by the multi-asset name', () => {
    const [task, ...rest] = planRun(['orders', 'customers'], null, planning);
    assert.equal(rest.length, 0);
    assert.equal(task?.taskKey, 'sales');
    assert.equal(task?.assetKey, 'orders');
    assert.equal(task?.codeVersion, 'm1');
    assert.deepEqual(task?.outputs, [
      { assetKey: 'orders', codeVersion: 'm1', inputs: [{ assetKey: 'raw', partitionKeys: null }] },
      { assetKey: 'customers', codeVersion: 'c9', inputs: [{ assetKey: 'lookup', partitionKeys: null }, { assetKey: 'raw', partitionKeys: null }] },
    ]);
    assert.deepEqual(task?.inputs.map((i) => i.assetKey).sort(), ['lookup', 'raw']);
  });

  test('upstream of an output and downstream of an output depend on the multi-asset task', () => {
    const tasks = planRun(['raw', 'lookup', 'orders', 'report'], null, planning);
    assert.deepEqual(
      tasks.map((t) => [t.taskKey, [...t.deps].sort()]),
      [['lookup', []], ['raw', []], ['sales', ['lookup', 'raw']], ['report', ['sales']]],
    );
  });

  test('selecting one output of a multi-asset that cannot be subset plans all its outputs and reports what it added', () => {
    assert.deepEqual(expandMultiAssets(['orders'], planning.multiAssetOf), {
      assetKeys: ['orders', 'customers'],
      expansions: [{ multiAsset: 'sales', selected: ['orders'], added: ['customers'] }],
    });
    assert.deepEqual(planRun(['orders'], null, planning)[0]?.outputs?.map((o) => o.assetKey), ['orders', 'customers']);
  });

  test('a multi-asset that can be subset plans only the selected outputs and reports no expansion', () => {
    assert.deepEqual(expandMultiAssets(['right'], planning.multiAssetOf).expansions, []);
    const [task] = planRun(['right'], null, planning);
    assert.deepEqual([task?.taskKey, task?.assetKey, task?.outputs?.map((o) => o.assetKey)], ['sides', 'right', ['right']]);
  });

  test('a partitioned multi-asset plans one task per partition, each materializing every output', () => {
    const tasks = planRun(['r/a'], parsePartitionSelector('eu,us'), planning);
    assert.deepEqual(
      tasks.map((t) => [t.taskKey, t.partitionKey, t.outputs?.map((o) => o.assetKey)]),
      [
        ['regional[eu]', 'eu', ['r/a', 'r/b']],
        ['regional[us]', 'us', ['r/a', 'r/b']],
      ],
    );
  });

  test('plain assets plan as before: no outputs on their tasks', () => {
    assert.deepEqual(planRun(['raw'], null, planning), [
      { taskKey: 'raw', assetKey: 'raw', partitionKey: null, checkName: null, deps: [], inputs: [], retry: loaded.specOf('raw').retry, timeoutMs: null, codeVersion: null, partitionWindow: null },
    ]);
  });
});
