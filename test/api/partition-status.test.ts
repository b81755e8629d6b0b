/**
 * Partition status over the HTTP API (PST-07, PST-08): `GET /api/v1/assets/{key}/partitions` with a
 * key holding a slash (percent-encoded), a selector narrowing it, runs and backfills over the
 * partitions in a status, and the refusals a caller can branch on.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { http, startServer, type TestServer } from '../helpers/server.js';
import { waitForRun } from '../helpers/project.js';

const SOURCE = `import { defineAsset, defineDefinitions, dailyPartitions } from 'arco-flow';
const days = defineAsset({ key: 'events/daily', partitions: dailyPartitions({ start: '2024-01-01', end: '2024-01-09' }), compute: async (ctx) => {
  if (ctx.partitionKey === '2024-01-03') throw new Error('no data');
  return { metadata: { rows: 7 } };
} });
const plain = defineAsset({ key: 'plain', compute: async () => ({}) });
export default defineDefinitions({ assets: [days, plain] });
`;

const STATUS = `/api/v1/assets/${encodeURIComponent('events/daily')}/partitions`;

describe('partition status over HTTP', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer(SOURCE, { daemon: true });
    const response = await http(server.url, 'POST', '/api/v1/runs', { selection: ['events/daily'], partition: '2024-01-01...2024-01-04' });
    assert.equal(response.status, 201);
    await waitForRun(server.ctx.store, response.json.run.runId);
  });
  after(() => server.close());

  test('GET /api/v1/assets/{key}/partitions answers counts and key ranges per status for a key with a slash', async () => {
    const response = await http(server.url, 'GET', STATUS);
    assert.equal(response.status, 200);
    assert.equal(response.json.assetKey, 'events/daily');
    assert.deepEqual(response.json.counts, { total: 8, materialized: 3, failed: 1, inProgress: 0, missing: 4 });
    assert.deepEqual(response.json.ranges.MATERIALIZED, [{ start: '2024-01-01', end: '2024-01-02', count: 2 }, { start: '2024-01-04', end: '2024-01-04', count: 1 }]);
    assert.deepEqual(response.json.ranges.MISSING, [{ start: '2024-01-05', end: '2024-01-08', count: 4 }]);
  });

  test('?partition= narrows the view, and one key shows its last materialization', async () => {
    const range = await http(server.url, 'GET', `${STATUS}?partition=2024-01-03...2024-01-05`);
    assert.deepEqual(range.json.counts, { total: 3, materialized: 1, failed: 1, inProgress: 0, missing: 1 });
    const one = await http(server.url, 'GET', `${STATUS}?partition=2024-01-02`);
    assert.equal(one.json.partition.status, 'MATERIALIZED');
    assert.deepEqual(one.json.partition.lastMaterialization.metadata, { rows: 7 });
  });

  test('the unencoded path names the encoded one instead of answering for a missing asset', async () => {
    const response = await http(server.url, 'GET', '/api/v1/assets/events/daily/partitions');
    assert.equal(response.status, 404);
    assert.equal(response.json.details.path, STATUS);
  });

  test('POST /api/v1/runs with status:FAILED and POST /api/v1/backfills with fromStatus MISSING target those partitions', async () => {
    const run = await http(server.url, 'POST', '/api/v1/runs', { selection: ['events/daily'], partition: 'status:FAILED' });
    assert.equal(run.status, 201);
    assert.deepEqual(run.json.run.tasks.map((t: { partitionKey: string }) => t.partitionKey), ['2024-01-03']);
    await waitForRun(server.ctx.store, run.json.run.runId);
    const backfill = await http(server.url, 'POST', '/api/v1/backfills', { selection: 'events/daily', partition: '2024-01-01...2024-01-06', fromStatus: 'MISSING' });
    assert.equal(backfill.status, 201);
    assert.equal(backfill.json.backfill.counts.total, 2);
  });

  test('bad input is refused with a code naming what is valid, and changes nothing', async () => {
    const before = (await http(server.url, 'GET', '/api/v1/runs?limit=100')).json.runs.length;
    const unknownStatus = await http(server.url, 'GET', `${STATUS}?partition=status:GONE`);
    assert.deepEqual([unknownStatus.status, unknownStatus.json.code, unknownStatus.json.details.valid], [400, 'INVALID_PARTITION_SELECTOR', ['MATERIALIZED', 'FAILED', 'IN_PROGRESS', 'MISSING']]);
    const runStatus = await http(server.url, 'POST', '/api/v1/runs', { selection: ['events/daily'], partition: 'status:GONE' });
    assert.deepEqual([runStatus.status, runStatus.json.code], [400, 'INVALID_PARTITION_SELECTOR']);
    const unpartitioned = await http(server.url, 'GET', '/api/v1/assets/plain/partitions?partition=2024-01-01');
    assert.deepEqual([unpartitioned.status, unpartitioned.json.code], [400, 'PARTITION_NOT_APPLICABLE']);
    const unknown = await http(server.url, 'GET', '/api/v1/assets/plian/partitions');
    assert.deepEqual([unknown.status, unknown.json.code, unknown.json.details.suggestions], [400, 'UNKNOWN_ASSET', ['plain']]);
    assert.equal((await http(server.url, 'GET', '/api/v1/runs?limit=100')).json.runs.length, before);
  });
});
