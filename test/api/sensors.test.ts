/** The sensors API on a real server over HTTP; poll evaluations come from the automation step on a fake clock. */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Automation, FakeClock, createContext } from '../../src/runtime/index.js';
import { http, startServer, type TestServer } from '../helpers/server.js';

const SOURCE = `import { defineAsset, defineDefinitions, defineSensor, z } from 'arco-flow';
const a = defineAsset({ key: 'a', compute: async () => {} });
export default defineDefinitions({
  assets: [a],
  sensors: [
    defineSensor({ name: 'files', target: [a], minimumIntervalSeconds: 60, defaultStatus: 'running', evaluate: (ctx) => {
      const n = Number(ctx.cursor ?? '0') + 1;
      return { runRequests: [{ runKey: 'file-' + n }], cursor: String(n) };
    } }),
    defineSensor({ name: 'webhook', type: 'push', target: [a], payload: z.object({ path: z.string() }), evaluate: (ctx) => ({ runRequests: [{ runKey: ctx.message.payload.path }] }) }),
  ],
});
`;

describe('sensors API', () => {
  let server: TestServer;
  const t0 = Date.parse('2026-05-01T00:00:00Z');
  const sql = async (q: string) => (await http(server.url, 'GET', `/api/v1/sql?q=${encodeURIComponent(q)}`)).json.rows;
  before(async () => {
    server = await startServer(SOURCE);
    const clock = new FakeClock(t0);
    const automation = new Automation(createContext(server.ctx.store, clock, server.ctx.definitions));
    for (let minute = 0; minute < 3; minute += 1) {
      clock.set(t0 + minute * 60_000);
      await automation.runOnce(t0 + minute * 60_000);
    }
  });
  after(() => server.close());

  test('lists sensors with status, cursor, state version, last and next evaluation; one sensor shows its cursor', async () => {
    const list = await http(server.url, 'GET', '/api/v1/sensors');
    const files = list.json.sensors.find((s: { name: string }) => s.name === 'files');
    assert.deepEqual(
      [files.kind, files.status, files.cursor, files.stateVersion, files.lastEvaluationAt, files.lastEvaluation.status, files.minimumIntervalSeconds],
      ['poll', 'RUNNING', '3', 3, new Date(t0 + 120_000).toISOString(), 'SUCCESS', 60],
    );
    const one = await http(server.url, 'GET', '/api/v1/sensors/files');
    assert.equal(one.json.cursor, '3');
    const webhook = list.json.sensors.find((s: { name: string }) => s.name === 'webhook');
    assert.deepEqual([webhook.kind, webhook.status, webhook.nextEvaluationAt], ['push', 'STOPPED', null]);
  });

  test('lists evaluations newest first with runs requested, cursor before and after, duration; pages with a cursor', async () => {
    const page = await http(server.url, 'GET', '/api/v1/sensors/files/evaluations?limit=2');
    assert.deepEqual(page.json.evaluations.map((e: { cursorBefore: string; cursorAfter: string }) => [e.cursorBefore, e.cursorAfter]), [['2', '3'], ['1', '2']]);
    const [latest] = page.json.evaluations;
    assert.equal(typeof latest.durationMs, 'number');
    const run = await http(server.url, 'GET', `/api/v1/runs/${latest.runs[0].runId}`);
    assert.deepEqual([run.json.tags['arco/sensor_name'], run.json.tags['arco/run_key']], ['files', 'sensor:files:file-3']);
    const rest = await http(server.url, 'GET', `/api/v1/sensors/files/evaluations?limit=2&cursor=${page.json.nextCursor}`);
    assert.deepEqual(rest.json.evaluations.map((e: { cursorAfter: string }) => e.cursorAfter), ['1']);
    assert.equal(rest.json.nextCursor, null);
    const filtered = await http(server.url, 'GET', '/api/v1/sensors/files/evaluations?status=FAILURE');
    assert.deepEqual(filtered.json.evaluations, []);
  });

  test('reset-cursor is recorded and shown; the state version moves', async () => {
    const reset = await http(server.url, 'POST', '/api/v1/sensors/files/reset-cursor', { cursor: '10' });
    assert.deepEqual([reset.status, reset.json.cursor, reset.json.stateVersion], [200, '10', 4]);
    const [entry] = (await http(server.url, 'GET', '/api/v1/sensors/files/evaluations?limit=1')).json.evaluations;
    assert.deepEqual([entry.kind, entry.change, entry.cursorBefore, entry.cursorAfter], ['state_change', 'RESET_CURSOR', '3', '10']);
    const cleared = await http(server.url, 'POST', '/api/v1/sensors/files/reset-cursor');
    assert.equal(cleared.json.cursor, null);
  });

  test('push: 409 while stopped; once started, 201 with the evaluation, then 200 duplicate for the same messageId', async () => {
    const stopped = await http(server.url, 'POST', '/api/v1/sensors/webhook/push', { messageId: 'm1', payload: { path: 'a.csv' } });
    assert.deepEqual([stopped.status, stopped.json.code], [409, 'SENSOR_STOPPED']);
    assert.equal((await http(server.url, 'POST', '/api/v1/sensors/webhook/start')).json.status, 'RUNNING');
    const first = await http(server.url, 'POST', '/api/v1/sensors/webhook/push', { messageId: 'm1', payload: { path: 'a.csv' } });
    assert.deepEqual([first.status, first.json.duplicate, first.json.evaluation.status, first.json.evaluation.messageId], [201, false, 'SUCCESS', 'm1']);
    const again = await http(server.url, 'POST', '/api/v1/sensors/webhook/push', { messageId: 'm1', payload: { path: 'a.csv' } });
    assert.deepEqual([again.status, again.json.duplicate, again.json.evaluation.sequence], [200, true, first.json.evaluation.sequence]);
    assert.deepEqual(await sql("SELECT COUNT(*) FROM system_runs WHERE run_key = 'sensor:webhook:a.csv'"), [[1]]);
  });

  const errors: { title: string; method: string; path: string; body?: unknown; status: number; code: string }[] = [
    { title: 'an unknown sensor', method: 'GET', path: '/api/v1/sensors/nope', status: 404, code: 'UNKNOWN_SENSOR' },
    { title: 'starting an unknown sensor', method: 'POST', path: '/api/v1/sensors/nope/start', status: 404, code: 'UNKNOWN_SENSOR' },
    { title: 'pushing to an unknown sensor', method: 'POST', path: '/api/v1/sensors/nope/push', body: { messageId: 'x' }, status: 404, code: 'UNKNOWN_SENSOR' },
    { title: 'pushing to a poll sensor', method: 'POST', path: '/api/v1/sensors/files/push', body: { messageId: 'x' }, status: 400, code: 'SENSOR_NOT_PUSH' },
    { title: 'a payload against the sensor schema', method: 'POST', path: '/api/v1/sensors/webhook/push', body: { messageId: 'bad', payload: { path: 1 } }, status: 400, code: 'INVALID_PUSH_PAYLOAD' },
    { title: 'a push without messageId', method: 'POST', path: '/api/v1/sensors/webhook/push', body: { payload: {} }, status: 400, code: 'VALIDATION_ERROR' },
    { title: 'a push with an unknown field', method: 'POST', path: '/api/v1/sensors/webhook/push', body: { messageId: 'y', extra: 1 }, status: 400, code: 'VALIDATION_ERROR' },
    { title: 'a reset with a non-string cursor', method: 'POST', path: '/api/v1/sensors/files/reset-cursor', body: { cursor: 5 }, status: 400, code: 'VALIDATION_ERROR' },
    { title: 'an unknown evaluation status', method: 'GET', path: '/api/v1/sensors/files/evaluations?status=MAYBE', status: 400, code: 'VALIDATION_ERROR' },
  ];
  for (const e of errors) {
    test(`${e.title} is ${e.status} ${e.code} and changes nothing`, async () => {
      const before = await sql('SELECT COUNT(*) FROM system_events');
      const res = await http(server.url, e.method, e.path, e.body);
      assert.deepEqual([res.status, res.json.code], [e.status, e.code]);
      assert.deepEqual(await sql('SELECT COUNT(*) FROM system_events'), before);
    });
  }
});
