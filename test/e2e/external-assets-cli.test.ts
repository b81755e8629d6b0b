/**
 * External assets from the outside: `arco asset report-materialization` and `arco asset observe`
 * on a project store, `POST /api/v1/assets/{key}/materializations` with Idempotency-Key, and a run
 * selecting `*` that leaves the external asset out. Tests run in order on one project store.
 */
import { describe, test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { arco, arcoJson } from '../helpers/cli.js';
import { tempProject } from '../helpers/project.js';
import { http, startServer, type TestServer } from '../helpers/server.js';

const SOURCE = `import { defineAsset, defineDefinitions, defineExternalAsset, staticPartitions } from 'arco-flow';
const orders = defineExternalAsset({ key: 'ext/orders', partitions: staticPartitions(['eu', 'us']), observe: (ctx) => ({ dataVersion: 'seen-' + ctx.partitionKey }) });
const feed = defineExternalAsset({ key: 'ext/feed' });
const clean = defineAsset({ key: 'clean', deps: [feed], compute: async () => ({}) });
export default defineDefinitions({ assets: [orders, feed, clean] });
`;

type Status = { counts: Record<string, number>; partition: { status: string; lastMaterialization: { runId: string | null; dataVersion: string; metadata: unknown } | null } | null };

describe('external assets from the command line', () => {
  const project = tempProject(SOURCE);
  after(() => project.remove());
  const at = ['--project', project.dir];

  test('arco asset report-materialization marks the partition MATERIALIZED in asset status, without a run', () => {
    const reported = arco(['asset', 'report-materialization', 'ext/orders', '--partition', 'eu', '--metadata', '{"rows":120}', '--data-version', 'd1', ...at]);
    assert.equal(reported.status, 0, reported.stderr);
    assert.match(reported.stdout, /reported materialization of ext\/orders \[eu\]: data version d1/);
    const { body } = arcoJson<Status>(['asset', 'status', 'ext/orders', '--partition', 'eu', ...at]);
    assert.equal(body.partition?.status, 'MATERIALIZED');
    assert.deepEqual([body.partition?.lastMaterialization?.runId, body.partition?.lastMaterialization?.dataVersion, body.partition?.lastMaterialization?.metadata], [null, 'd1', { rows: 120 }]);
    const { stdout } = arco(['asset', 'status', 'ext/orders', '--partition', 'eu', ...at]);
    assert.match(stdout, /reported without a run/);
  });

  test('a report for an unknown partition fails naming it and records nothing', () => {
    const bad = arco(['asset', 'report-materialization', 'ext/orders', '--partition', 'mars', ...at]);
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /UNKNOWN_PARTITION/);
    assert.match(bad.stderr, /partition "mars" does not exist/);
    const { body } = arcoJson<Status>(['asset', 'status', 'ext/orders', ...at]);
    assert.deepEqual([body.counts.materialized, body.counts.missing], [1, 1]);
  });

  test('arco asset observe runs observe and records the data version it returns', () => {
    const observed = arco(['asset', 'observe', 'ext/orders', '--partition', 'us', ...at]);
    assert.equal(observed.status, 0, observed.stderr);
    assert.match(observed.stdout, /observed ext\/orders \[us\]: data version seen-us/);
  });

  test('a run of "*" leaves the external assets out; --include-external with only them is EXTERNAL_ASSET_NOT_MATERIALIZABLE', () => {
    const run = arcoJson<{ assetKeys: string[] }>(['run', '--select', '*', '--wait', ...at]);
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(run.body.assetKeys, ['clean']);
    const only = arco(['run', '--select', 'key:ext/*', '--include-external', ...at]);
    assert.notEqual(only.status, 0);
    assert.match(only.stderr, /EXTERNAL_ASSET_NOT_MATERIALIZABLE/);
  });
});

describe('runless materialization reports over HTTP', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer(SOURCE);
  });
  after(async () => server.close());
  const path = `/api/v1/assets/${encodeURIComponent('ext/orders')}/materializations`;

  test('POST /api/v1/assets/{key}/materializations records the report once per Idempotency-Key and changes partition status', async () => {
    const body = { partition: 'us', dataVersion: 'h1', metadata: { by: 'http' } };
    const first = await http(server.url, 'POST', path, body, { 'idempotency-key': 'report-1' });
    assert.equal(first.status, 201, first.text);
    const again = await http(server.url, 'POST', path, body, { 'idempotency-key': 'report-1' });
    assert.equal(again.status, 201);
    assert.equal(again.headers.get('idempotent-replayed'), 'true');
    assert.equal(again.json.reportId, first.json.reportId);
    assert.equal((await server.ctx.store.assets.listMaterializations('ext/orders', 10)).length, 1);
    const status = await http(server.url, 'GET', `/api/v1/assets/${encodeURIComponent('ext/orders')}/partitions?partition=us`);
    assert.equal(status.json.partition.status, 'MATERIALIZED');
  });

  test('an unknown partition is a 400 UNKNOWN_PARTITION that records nothing', async () => {
    const response = await http(server.url, 'POST', path, { partition: 'mars' });
    assert.equal(response.status, 400);
    assert.equal(response.json.code, 'UNKNOWN_PARTITION');
    assert.equal((await server.ctx.store.assets.listMaterializations('ext/orders', 10)).length, 1);
  });
});
