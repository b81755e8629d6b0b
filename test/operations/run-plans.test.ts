/**
 * planRun (the launchpad's preview) resolves a request exactly as requestRun does and records
 * nothing: the plan names the tasks the run would have, a `status:` selector plans the partitions in
 * that status now, and a bad request gets requestRun's error.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { requestRun } from '../../src/runtime/index.js';
import { http, startServer, type TestServer } from '../helpers/server.js';
import { waitForRun } from '../helpers/project.js';

const SOURCE = `import { defineAsset, defineDefinitions, dailyPartitions } from 'arco-flow';
const raw = defineAsset({ key: 'raw', compute: async () => {} });
const clean = defineAsset({ key: 'clean', deps: [raw], compute: async () => {} });
const days = defineAsset({ key: 'days', partitions: dailyPartitions({ start: '2024-01-01', end: '2024-01-04' }), compute: async () => {} });
export default defineDefinitions({ assets: [raw, clean, days] });
`;

describe('planRun', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer(SOURCE, { daemon: true });
  });
  after(async () => server?.close());

  const events = async () => (await http(server.url, 'GET', '/api/v1/events?limit=1000')).json.events.length as number;

  test('a plan lists the assets and tasks the run would have, with its tags, and records nothing', async () => {
    const before = await events();
    const plan = await http(server.url, 'POST', '/api/v1/run-plans', { selection: 'clean', includeUpstream: true, tags: { team: 'data' } });
    assert.equal(plan.status, 200, plan.text);
    assert.deepEqual(plan.json.assetKeys, ['raw', 'clean']);
    assert.equal(plan.json.taskCount, 2);
    assert.deepEqual(plan.json.tasks.map((t: { taskKey: string }) => t.taskKey), ['raw', 'clean']);
    assert.equal(plan.json.tags.team, 'data');
    assert.equal(await events(), before, 'planning appended nothing');
    assert.equal((await http(server.url, 'GET', '/api/v1/runs')).json.runs.length, 0);
  });

  test('a status: selector plans the partitions in that status now, as the request would', async () => {
    const { run } = await requestRun(server.ctx, { selection: ['days'], partition: '2024-01-02' });
    assert.equal((await waitForRun(server.ctx.store, run.runId)).status, 'SUCCESS');
    const plan = await http(server.url, 'POST', '/api/v1/run-plans', { selection: 'days', partition: 'status:MISSING' });
    assert.equal(plan.status, 200, plan.text);
    assert.deepEqual(plan.json.tasks.map((t: { partitionKey: string }) => t.partitionKey), ['2024-01-01', '2024-01-03']);
  });

  test('a bad selection gets the error requestRun gives, with its column, and records nothing', async () => {
    const before = await events();
    const plan = await http(server.url, 'POST', '/api/v1/run-plans', { selection: 'key:raw and (' });
    assert.equal(plan.status, 400);
    assert.equal(plan.json.code, 'SELECTION_SYNTAX_ERROR');
    assert.match(plan.json.message, /column/);
    assert.equal(await events(), before);
  });
});
