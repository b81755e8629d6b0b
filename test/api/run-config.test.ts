/**
 * Run config checked against the config schemas of the assets a run materializes (Dagster's
 * config validation before launch), on a real server over HTTP. The definitions declare a schema
 * by hand, with the Standard Schema interface zod and others implement, since a test project's
 * file cannot import this repository's node_modules.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { http, startServer, type TestServer } from '../helpers/server.js';
import { waitForRun } from '../helpers/project.js';

const DEFINITIONS = `import { dailyPartitions, defineAsset, defineDefinitions } from 'arco-flow';
// { rows: a positive whole number, tables?: { name: string }[] }, as a Standard Schema.
const reportConfig = {
  '~standard': {
    version: 1,
    vendor: 'test',
    validate(value) {
      const issues = [];
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return { issues: [{ message: 'expected an object' }] };
      if (!Number.isInteger(value.rows) || value.rows <= 0) issues.push({ message: 'expected a positive whole number', path: ['rows'] });
      (value.tables ?? []).forEach((t, i) => { if (typeof t?.name !== 'string') issues.push({ message: 'expected a string', path: ['tables', { key: i }, 'name'] }); });
      return issues.length > 0 ? { issues } : { value };
    },
  },
};
const raw = defineAsset({ key: 'raw', compute: async () => ({}) });
const report = defineAsset({ key: 'report', deps: [raw], config: reportConfig, compute: async (ctx) => ({ metadata: { rows: ctx.config.rows } }) });
const daily = defineAsset({ key: 'daily', partitions: dailyPartitions({ start: '2024-01-01' }), config: reportConfig, compute: async () => ({}) });
export default defineDefinitions({ assets: [raw, report, daily] });
`;

describe('run config and asset config schemas', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer(DEFINITIONS, { daemon: true });
  });
  after(() => server.close());

  const events = async () => (await http(server.url, 'GET', '/api/v1/events?limit=1000')).json.events.length as number;

  test('a run whose config does not fit the schema of an asset it materializes is refused with INVALID_RUN_CONFIG naming the asset and the field, and nothing is recorded', async () => {
    const before = await events();
    const refused = await http(server.url, 'POST', '/api/v1/runs', { selection: ['report'], config: { rows: 'many', tables: [{ name: 'a' }, { label: 'b' }] } });
    assert.equal(refused.status, 400, refused.text);
    assert.equal(refused.json.code, 'INVALID_RUN_CONFIG');
    assert.match(refused.json.message, /asset "report": field "rows": expected a positive whole number \(and 1 more problem\(s\)\)/);
    assert.equal(refused.json.details.asset, 'report');
    assert.equal(refused.json.details.field, 'rows');
    assert.deepEqual(refused.json.details.issues, [
      { field: 'rows', message: 'expected a positive whole number' },
      { field: 'tables[1].name', message: 'expected a string' },
    ]);
    // The launchpad's plan gives the error the launch would.
    const plan = await http(server.url, 'POST', '/api/v1/run-plans', { selection: 'report', config: { rows: 0 } });
    assert.equal(plan.status, 400, plan.text);
    assert.equal(plan.json.code, 'INVALID_RUN_CONFIG');
    assert.equal(await events(), before, 'nothing was recorded');
    assert.equal((await http(server.url, 'GET', '/api/v1/runs')).json.runs.length, 0);
  });

  test('a run whose config fits is requested and its assets see the config; a run of assets without a schema takes any config', async () => {
    const fits = await http(server.url, 'POST', '/api/v1/runs', { selection: ['report'], config: { rows: 3 } });
    assert.equal(fits.status, 201, fits.text);
    assert.equal((await waitForRun(server.ctx.store, fits.json.run.runId)).status, 'SUCCESS');
    const asset = await http(server.url, 'GET', '/api/v1/assets/report');
    assert.deepEqual(asset.json.latestMaterialization.metadata, { rows: 3 });
    // Only the schemas of what the run materializes count: raw has none.
    const anyConfig = await http(server.url, 'POST', '/api/v1/runs', { selection: ['raw'], config: { rows: 'many' } });
    assert.equal(anyConfig.status, 201, anyConfig.text);
    // Ended before the next test, which counts every event appended while it runs.
    assert.equal((await waitForRun(server.ctx.store, anyConfig.json.run.runId)).status, 'SUCCESS');
    // A closure that pulls report in brings its schema with it.
    const downstream = await http(server.url, 'POST', '/api/v1/runs', { selection: ['raw'], includeDownstream: true, config: { rows: 'many' } });
    assert.equal(downstream.status, 400, downstream.text);
    assert.equal(downstream.json.code, 'INVALID_RUN_CONFIG');
  });

  test('a backfill whose config does not fit the schema of an asset it materializes is refused when it is created, and no backfill is recorded', async () => {
    const before = await events();
    const refused = await http(server.url, 'POST', '/api/v1/backfills', { selection: ['daily'], partition: '2024-01-01...2024-01-03', config: { rows: -2 } });
    assert.equal(refused.status, 400, refused.text);
    assert.equal(refused.json.code, 'INVALID_RUN_CONFIG');
    assert.deepEqual([refused.json.details.asset, refused.json.details.field], ['daily', 'rows']);
    assert.equal(await events(), before, 'nothing was recorded');
    assert.equal((await http(server.url, 'GET', '/api/v1/backfills')).json.backfills.length, 0);
    const fits = await http(server.url, 'POST', '/api/v1/backfills', { selection: ['daily'], partition: '2024-01-01...2024-01-03', config: { rows: 2 } });
    assert.equal(fits.status, 201, fits.text);
  });
});
