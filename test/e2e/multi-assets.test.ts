/**
 * Multi-assets as a user runs them: the real `arco` command on a project whose multi-asset
 * materializes three assets in one compute call (each call is appended to a file, so the test
 * counts them), with a downstream asset on one output. Tests run in order on one project store.
 */
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { arco, arcoJson } from '../helpers/cli.js';
import { tempProject } from '../helpers/project.js';

const SOURCE = `import { appendFileSync } from 'node:fs';
import { defineAsset, defineDefinitions, defineMultiAsset, staticPartitions } from 'arco-flow';
const calls = new URL('./calls.log', import.meta.url);
const raw = defineAsset({ key: 'raw', compute: () => ({}) });
const sales = defineMultiAsset({
  name: 'sales',
  deps: [raw],
  codeVersion: '1',
  outputs: [{ key: 'orders' }, { key: 'customers' }, { key: 'products', codeVersion: 'p2' }],
  compute: (ctx) => {
    appendFileSync(calls, 'sales ' + ctx.selectedAssetKeys.join(',') + '\\n');
    if ((ctx.config as { fail?: boolean } | null)?.fail) throw new Error('source down');
    return ctx.selectedAssetKeys.map((assetKey) => ({ assetKey, metadata: { rows: assetKey.length } }));
  },
});
const report = defineAsset({ key: 'report', deps: ['orders'], compute: () => ({}) });
const sides = defineMultiAsset({
  name: 'sides',
  canSubset: true,
  outputs: [{ key: 'left' }, { key: 'right' }],
  compute: (ctx) => {
    appendFileSync(calls, 'sides ' + ctx.selectedAssetKeys.join(',') + '\\n');
    return Object.fromEntries(ctx.selectedAssetKeys.map((key) => [key, {}]));
  },
});
const partial = defineMultiAsset({ name: 'partial', outputs: [{ key: 'one' }, { key: 'two' }], compute: () => [{ assetKey: 'one' }] });
const regional = defineMultiAsset({
  name: 'regional',
  partitions: staticPartitions(['ap', 'eu', 'us']),
  outputs: [{ key: 'r/a' }, { key: 'r/b' }],
  compute: (ctx) => {
    appendFileSync(calls, 'regional ' + ctx.partitionKey + '\\n');
    if (ctx.partitionKey === 'us') throw new Error('no data');
    return ctx.selectedAssetKeys.map((assetKey) => ({ assetKey }));
  },
});
export default defineDefinitions({ assets: [raw, sales, report, sides, partial, regional] });
`;

interface RunJson {
  status: string;
  assetKeys: string[];
  tasks: { key: string; status: string; outputs?: string[] }[];
  selectionExpanded?: { multiAsset: string; selected: string[]; added: string[] }[];
}
type StatusJson = { partition: { status: string; lastMaterialization: { codeVersion: string | null; metadata: Record<string, unknown> } | null; lastFailure: { code: string } | null } | null };

describe('multi-assets from the command line', () => {
  const project = tempProject(SOURCE);
  after(() => project.remove());
  const at = ['--project', project.dir];
  const calls = (): string[] => (existsSync(join(project.dir, 'calls.log')) ? readFileSync(join(project.dir, 'calls.log'), 'utf8').trim().split('\n') : []);
  const statusOf = (key: string) => arcoJson<StatusJson>(['asset', 'status', key, ...at]).body.partition;

  test('selecting one output of a multi-asset that cannot be subset materializes all its outputs in one compute call, and says so', () => {
    const text = arco(['run', ...at, '--select', 'orders', '--wait']);
    assert.equal(text.status, 0, text.stderr);
    assert.match(text.stdout, /multi-asset sales cannot be subset: also materializing customers, products/);
    assert.deepEqual(calls(), ['sales orders,customers,products']);
    for (const key of ['orders', 'customers', 'products']) assert.equal(statusOf(key)?.status, 'MATERIALIZED', key);
    assert.equal(statusOf('products')?.lastMaterialization?.codeVersion, 'p2');
    assert.deepEqual(statusOf('customers')?.lastMaterialization?.metadata, { rows: 9 });
    const json = arcoJson<RunJson>(['run', ...at, '--select', 'customers', '--wait']);
    assert.deepEqual(json.body.selectionExpanded, [{ multiAsset: 'sales', selected: ['customers'], added: ['orders', 'products'] }]);
    assert.deepEqual(json.body.tasks.map((t) => t.key), ['sales']);
    assert.equal(calls().length, 2);
  });

  test('an asset downstream of one output runs after the multi-asset, and the upstream of the multi-asset before it', () => {
    const { status, body } = arcoJson<RunJson>(['run', ...at, '--select', 'raw', '--include-downstream', '--wait']);
    assert.equal(status, 0);
    assert.equal(body.status, 'SUCCESS');
    assert.deepEqual(body.tasks.map((t) => [t.key, t.status]), [['raw', 'SUCCEEDED'], ['sales', 'SUCCEEDED'], ['report', 'SUCCEEDED']]);
    assert.equal(body.selectionExpanded, undefined, 'nothing was added: every output was selected');
    assert.deepEqual(calls().slice(2), ['sales orders,customers,products']);
    assert.equal(statusOf('report')?.status, 'MATERIALIZED');
  });

  test('a multi-asset that can be subset materializes only the selected outputs, and its compute is told which', () => {
    const { body } = arcoJson<RunJson>(['run', ...at, '--select', 'left', '--wait']);
    assert.equal(body.status, 'SUCCESS');
    assert.equal(body.selectionExpanded, undefined);
    assert.deepEqual(body.tasks.map((t) => t.key), ['sides']);
    assert.equal(calls().at(-1), 'sides left');
    assert.equal(statusOf('left')?.status, 'MATERIALIZED');
    assert.equal(statusOf('right')?.status, 'MISSING');
  });

  test('a failed multi-asset task marks every output FAILED', () => {
    const result = arcoJson<RunJson>(['run', ...at, '--select', 'products', '--config', '{"fail":true}', '--wait']);
    assert.equal(result.body.status, 'FAILURE');
    for (const key of ['orders', 'customers', 'products']) {
      const partition = statusOf(key);
      assert.deepEqual([partition?.status, partition?.lastFailure?.code], ['FAILED', 'USER_CODE_ERROR'], key);
    }
  });

  test('a compute that leaves out an output fails with MULTI_ASSET_RESULT_INVALID and materializes nothing', () => {
    const result = arcoJson<RunJson>(['run', ...at, '--select', 'one', '--wait']);
    assert.equal(result.body.status, 'FAILURE');
    assert.deepEqual([statusOf('one')?.lastFailure?.code, statusOf('two')?.lastFailure?.code], ['MULTI_ASSET_RESULT_INVALID', 'MULTI_ASSET_RESULT_INVALID']);
    assert.deepEqual([statusOf('one')?.status, statusOf('two')?.status], ['FAILED', 'FAILED']);
  });

  test('a backfill of one output of a multi-asset backfills every output, one compute call per partition', () => {
    const before = calls().length;
    const { body } = arcoJson<{ backfill: { status: string; counts: { total: number; materialized: number; failed: number } } }>(['backfill', 'create', ...at, '--select', 'r/a', '--partition', 'ap,eu,us', '--wait']);
    assert.equal(body.backfill.status, 'COMPLETED_FAILED');
    assert.deepEqual([body.backfill.counts.total, body.backfill.counts.materialized, body.backfill.counts.failed], [6, 4, 2]);
    assert.deepEqual(calls().slice(before).sort(), ['regional ap', 'regional eu', 'regional us']);
    const status = arcoJson<{ counts: Record<string, number> }>(['asset', 'status', 'r/b', ...at]).body.counts;
    assert.deepEqual([status['materialized'], status['failed']], [2, 1]);
  });
});
