/** Partition selections and dynamic partition sets over the HTTP API. */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { http, startServer, type TestServer } from '../helpers/server.js';

const SOURCE = `import { defineAsset, defineDefinitions, staticPartitions, dynamicPartitions, multiPartitions } from 'arco-flow';
const regions = defineAsset({ key: 'regions', partitions: staticPartitions(['eu', 'us', 'apac']), compute: async () => {} });
const grid = defineAsset({ key: 'grid', partitions: multiPartitions({ region: staticPartitions(['eu', 'us']), tier: staticPartitions(['a', 'b']) }), compute: async () => {} });
const tenants = defineAsset({ key: 'tenants', partitions: dynamicPartitions('tenants'), compute: async () => {} });
export default defineDefinitions({ assets: [regions, grid, tenants] });
`;

describe('partition selections in run requests', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer(SOURCE);
  });
  after(() => server.close());
  const keys = (body: { run: { tasks: { partitionKey: string }[] } }) => body.run.tasks.map((t) => t.partitionKey);

  const cases: [string, unknown, string[]][] = [
    ['one key', 'us', ['us']],
    ['a comma-separated list, in definition order', 'apac,eu', ['eu', 'apac']],
    ['a list of keys', ['us', 'eu'], ['eu', 'us']],
    ['a range', 'eu...us', ['eu', 'us']],
    ['all partitions', { kind: 'all' }, ['eu', 'us', 'apac']],
    ['a key pattern', { kind: 'filter', pattern: 'a*' }, ['apac']],
  ];
  for (const [what, partition, expected] of cases) {
    test(`accepts ${what}`, async () => {
      const response = await http(server.url, 'POST', '/api/v1/runs', { selection: ['regions'], partition });
      assert.equal(response.status, 201);
      assert.deepEqual(keys(response.json), expected);
    });
  }

  test('a per-dimension filter selects keys of a multi-partitioned asset and tags a single key per dimension', async () => {
    const filtered = await http(server.url, 'POST', '/api/v1/runs', { selection: ['grid'], partition: { kind: 'filter', dimensions: { tier: ['b'] } } });
    assert.deepEqual(keys(filtered.json), ['eu|b', 'us|b']);
    const single = await http(server.url, 'POST', '/api/v1/runs', { selection: ['grid'], partition: 'us|a' });
    assert.equal(single.json.run.tags['arco/partition'], 'us|a');
    assert.equal(single.json.run.tags['arco/partition/region'], 'us');
    assert.equal(single.json.run.tags['arco/partition/tier'], 'a');
  });

  test('the same selection in another order is the same run under one runKey', async () => {
    const first = await http(server.url, 'POST', '/api/v1/runs', { selection: ['regions'], partition: ['us', 'eu'], runKey: 'sel-order' });
    const second = await http(server.url, 'POST', '/api/v1/runs', { selection: ['regions'], partition: 'eu,us', runKey: 'sel-order' });
    assert.equal(second.status, 200);
    assert.equal(second.json.run.runId, first.json.run.runId);
  });

  test('an unknown key, a malformed range or an unknown dimension is refused with its code', async () => {
    const refused: [string, unknown, string][] = [
      ['regions', 'mars', 'UNKNOWN_PARTITION'],
      ['regions', 'eu...', 'INVALID_PARTITION_SELECTOR'],
      ['grid', { kind: 'filter', dimensions: { planet: ['x'] } }, 'INVALID_PARTITION_SELECTOR'],
      ['regions', { kind: 'nope' }, 'VALIDATION_ERROR'],
    ];
    for (const [asset, partition, code] of refused) {
      const response = await http(server.url, 'POST', '/api/v1/runs', { selection: [asset], partition });
      assert.equal(response.json.code, code, JSON.stringify(partition));
    }
    assert.equal((await http(server.url, 'GET', '/api/v1/runs?tag=arco/partition=mars')).json.runs.length, 0);
  });
});

describe('dynamic partition sets', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer(SOURCE);
  });
  after(() => server.close());

  test('keys are added and removed as events, a retried request (same requestId) is recorded once', async () => {
    const add = await http(server.url, 'POST', '/api/v1/dynamic-partitions/tenants', { op: 'add', keys: ['acme', 'globex'], requestId: 'r1' });
    assert.deepEqual(add.json, { name: 'tenants', keys: ['acme', 'globex'], changed: true });
    await http(server.url, 'POST', '/api/v1/dynamic-partitions/tenants', { op: 'remove', keys: ['acme'], requestId: 'r2' });
    const retried = await http(server.url, 'POST', '/api/v1/dynamic-partitions/tenants', { op: 'add', keys: ['acme', 'globex'], requestId: 'r1' });
    assert.equal(retried.json.changed, false);
    assert.deepEqual(retried.json.keys, ['globex'], 'the retry of r1 did not add acme back');
    assert.deepEqual((await http(server.url, 'GET', '/api/v1/dynamic-partitions/tenants')).json.keys, ['globex']);
    const run = await http(server.url, 'POST', '/api/v1/runs', { selection: ['tenants'], partition: 'globex' });
    assert.equal(run.status, 201);
  });

  test('an unknown set is 404 UNKNOWN_DYNAMIC_PARTITIONS', async () => {
    const response = await http(server.url, 'GET', '/api/v1/dynamic-partitions/suppliers');
    assert.equal(response.status, 404);
    assert.equal(response.json.code, 'UNKNOWN_DYNAMIC_PARTITIONS');
  });
});
