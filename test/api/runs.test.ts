/** The runs, assets and events API on a real server over HTTP. */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { TWO_ASSETS, http, startServer, type TestServer } from '../helpers/server.js';

describe('runs API', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer(TWO_ASSETS, { daemon: true });
  });
  after(() => server.close());

  async function waitTerminal(runId: string) {
    for (let i = 0; i < 400; i += 1) {
      const run = await http(server.url, 'GET', `/api/v1/runs/${runId}`);
      if (['SUCCESS', 'FAILURE', 'CANCELED'].includes(run.json.status)) return run.json;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('run did not finish');
  }

  test('a requested run executes and its tasks, attempts and materializations are readable', async () => {
    const created = await http(server.url, 'POST', '/api/v1/runs', { selection: 'key:raw/*', includeDownstream: true });
    assert.equal(created.status, 201);
    assert.deepEqual(created.json.run.assetKeys, ['raw/events', 'clean/events']);
    const run = await waitTerminal(created.json.run.runId);
    assert.equal(run.status, 'SUCCESS');
    const tasks = await http(server.url, 'GET', `/api/v1/runs/${run.runId}/tasks`);
    assert.deepEqual(tasks.json.tasks.map((t: { taskKey: string; attempts: unknown[] }) => [t.taskKey, t.attempts.length]), [['raw/events', 1], ['clean/events', 1]]);
    const asset = await http(server.url, 'GET', '/api/v1/assets/raw/events');
    assert.equal(asset.json.latestMaterialization.runId, run.runId);
    assert.deepEqual(asset.json.latestMaterialization.metadata, { rows: 3 });
  });

  test('logs are returned as a page, and with follow=true as an NDJSON stream that ends with the run', async () => {
    const created = await http(server.url, 'POST', '/api/v1/runs', { selection: ['raw/events'] });
    const runId = created.json.run.runId;
    const streamed = await http(server.url, 'GET', `/api/v1/runs/${runId}/logs?follow=true`);
    assert.equal(streamed.headers.get('content-type'), 'application/x-ndjson');
    const lines = streamed.text.trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(lines.map((l) => l.message), ['hi']);
    const page = await http(server.url, 'GET', `/api/v1/runs/${runId}/logs`);
    assert.deepEqual(page.json.logs.map((l: { message: string }) => l.message), ['hi']);
    const after = await http(server.url, 'GET', `/api/v1/runs/${runId}/logs?after=${page.json.nextAfter}`);
    assert.deepEqual(after.json.logs, []);
  });

  test('lists runs newest first with a stable cursor and filters', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i += 1) ids.push((await http(server.url, 'POST', '/api/v1/runs', { selection: ['clean/events'], tags: { batch: 'list-test' } })).json.run.runId);
    const first = await http(server.url, 'GET', '/api/v1/runs?limit=2&tag=batch=list-test');
    assert.deepEqual(first.json.runs.map((r: { runId: string }) => r.runId), [ids[2], ids[1]]);
    const second = await http(server.url, 'GET', `/api/v1/runs?limit=2&tag=batch=list-test&cursor=${first.json.nextCursor}`);
    assert.deepEqual(second.json.runs.map((r: { runId: string }) => r.runId), [ids[0]]);
    assert.equal(second.json.nextCursor, null);
    const bad = await http(server.url, 'GET', '/api/v1/runs?status=NOPE');
    assert.equal(bad.status, 400);
    assert.equal(bad.json.code, 'VALIDATION_ERROR');
  });

  test('canceling a finished run is 409 RUN_NOT_CANCELABLE', async () => {
    const created = await http(server.url, 'POST', '/api/v1/runs', { selection: ['raw/events'] });
    const done = await waitTerminal(created.json.run.runId);
    const refused = await http(server.url, 'POST', `/api/v1/runs/${done.runId}/cancel`, {});
    assert.equal(refused.status, 409);
    assert.equal(refused.json.code, 'RUN_NOT_CANCELABLE');
  });

  test('the event ledger is readable with a cursor, optionally for one run', async () => {
    const page = await http(server.url, 'GET', '/api/v1/events?limit=3');
    assert.equal(page.json.events.length, 3);
    const next = await http(server.url, 'GET', `/api/v1/events?limit=3&after=${page.json.nextAfter}`);
    assert.ok(next.json.events[0].sequence > page.json.events[2].sequence);
  });
});

describe('API errors and contract', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer(TWO_ASSETS);
  });
  after(() => server.close());

  const cases: [title: string, method: string, path: string, body: unknown, status: number, code: string, message?: RegExp][] = [
    ['an unknown route is 404 NOT_FOUND', 'GET', '/api/v1/nothing', undefined, 404, 'NOT_FOUND'],
    ['an unknown run is 404 RUN_NOT_FOUND', 'GET', '/api/v1/runs/run_00000000000000000000000000', undefined, 404, 'RUN_NOT_FOUND'],
    ['a body field of the wrong type is 400 VALIDATION_ERROR naming the field', 'POST', '/api/v1/runs', { selection: ['raw/events'], includeUpstream: 'yes' }, 400, 'VALIDATION_ERROR', /body\.includeUpstream/],
    ['an unknown body field is 400 VALIDATION_ERROR', 'POST', '/api/v1/runs', { selection: ['raw/events'], bogus: 1 }, 400, 'VALIDATION_ERROR'],
    ['a malformed selection is 400 SELECTION_SYNTAX_ERROR with its column', 'POST', '/api/v1/runs', { selection: 'key:raw/* and (' }, 400, 'SELECTION_SYNTAX_ERROR', /column/],
    ['a selection matching nothing is 400 EMPTY_SELECTION', 'POST', '/api/v1/runs', { selection: 'key:nothing/*' }, 400, 'EMPTY_SELECTION'],
    ['an unknown asset is 400 UNKNOWN_ASSET', 'POST', '/api/v1/runs', { selection: ['ghost'] }, 400, 'UNKNOWN_ASSET'],
    ['a reserved tag is 400 RESERVED_TAG naming the tag', 'POST', '/api/v1/runs', { selection: ['raw/events'], tags: { 'arco/backfill': 'b' } }, 400, 'RESERVED_TAG', /arco\/backfill/],
    ['a reserved lineage tag is 400 RESERVED_TAG naming the tag', 'POST', '/api/v1/runs', { selection: ['raw/events'], tags: { 'arco/root_run_id': 'run_x' } }, 400, 'RESERVED_TAG', /arco\/root_run_id/],
    ['an arco/max_retries tag that is not a whole number is 400 INVALID_RUN_TAG naming the tag', 'POST', '/api/v1/runs', { selection: ['raw/events'], tags: { 'arco/max_retries': '-1' } }, 400, 'INVALID_RUN_TAG', /arco\/max_retries/],
    ['an arco/retry_on tag other than failure or all is 400 INVALID_RUN_TAG naming the tag', 'POST', '/api/v1/runs', { selection: ['raw/events'], tags: { 'arco/retry_on': 'sometimes' } }, 400, 'INVALID_RUN_TAG', /arco\/retry_on/],
    ['an arco/max_runtime tag of 0 seconds is 400 INVALID_RUN_TAG naming the tag', 'POST', '/api/v1/runs', { selection: ['raw/events'], tags: { 'arco/max_runtime': '0' } }, 400, 'INVALID_RUN_TAG', /arco\/max_runtime/],
    ['an arco/max_concurrent_tasks tag of 0 tasks is 400 INVALID_RUN_TAG naming the tag', 'POST', '/api/v1/runs', { selection: ['raw/events'], tags: { 'arco/max_concurrent_tasks': '0' } }, 400, 'INVALID_RUN_TAG', /arco\/max_concurrent_tasks/],
    ['a rerun of an unknown run is 404 RUN_NOT_FOUND', 'POST', '/api/v1/runs/run_00000000000000000000000000/rerun', { mode: 'fromFailure' }, 404, 'RUN_NOT_FOUND'],
    ['a subset rerun without a selection is 400 VALIDATION_ERROR', 'POST', '/api/v1/runs/run_00000000000000000000000000/rerun', { mode: 'subset' }, 400, 'VALIDATION_ERROR', /selection/],
    ['a full rerun with a selection is 400 VALIDATION_ERROR (a selection is for subset reruns)', 'POST', '/api/v1/runs/run_00000000000000000000000000/rerun', { mode: 'all', selection: ['raw/events'] }, 400, 'VALIDATION_ERROR', /selection/],
    ['a full rerun of an unknown run is 404 RUN_NOT_FOUND', 'POST', '/api/v1/runs/run_00000000000000000000000000/rerun', { mode: 'all' }, 404, 'RUN_NOT_FOUND'],
  ];
  for (const [title, method, path, body, status, code, message] of cases) {
    test(title, async () => {
      const response = await http(server.url, method, path, body);
      assert.equal(response.status, status);
      assert.equal(response.json.code, code);
      assert.equal(typeof response.json.message, 'string');
      assert.deepEqual(Object.keys(response.json).filter((k) => !['code', 'message', 'details'].includes(k)), []);
      assert.doesNotMatch(response.text, /at .*\.ts:\d+/);
      if (message) assert.match(response.json.message, message);
    });
  }

  test('cancel ends a queued run CANCELED at once and cancels every task; canceling again changes nothing', async () => {
    const created = await http(server.url, 'POST', '/api/v1/runs', { selection: ['raw/events', 'clean/events'] });
    assert.equal(created.json.run.status, 'QUEUED');
    const canceled = await http(server.url, 'POST', `/api/v1/runs/${created.json.run.runId}/cancel`, { reason: 'operator' });
    assert.equal(canceled.status, 200);
    assert.equal(canceled.json.status, 'CANCELED');
    assert.deepEqual(canceled.json.tasks.map((t: { status: string; cancelReason: string }) => [t.status, t.cancelReason]), [['CANCELED', 'operator'], ['CANCELED', 'operator']]);
    const again = await http(server.url, 'POST', `/api/v1/runs/${created.json.run.runId}/cancel`, {});
    assert.equal(again.json.code, 'RUN_NOT_CANCELABLE');
  });

  test('a bad request changes nothing', async () => {
    const before = await http(server.url, 'GET', '/api/v1/events?limit=1000');
    await http(server.url, 'POST', '/api/v1/runs', { selection: ['ghost'], runKey: 'x' });
    const after = await http(server.url, 'GET', '/api/v1/events?limit=1000');
    assert.equal(after.json.events.length, before.json.events.length);
  });

  test('the OpenAPI 3.1 document is generated from the route schemas', async () => {
    const doc = await http(server.url, 'GET', '/api/openapi.json');
    assert.equal(doc.json.openapi, '3.1.0');
    for (const path of ['/api/v1/runs', '/api/v1/runs/{runId}', '/api/v1/runs/{runId}/cancel', '/api/v1/runs/{runId}/rerun', '/api/v1/runs/{runId}/logs', '/api/v1/assets', '/api/v1/events', '/api/v1/sql', '/api/v1/run-key-conflicts']) {
      assert.ok(doc.json.paths[path], `documents ${path}`);
    }
    const body = doc.json.paths['/api/v1/runs'].post.requestBody.content['application/json'].schema;
    assert.ok(body.properties.runKey && body.properties.selection, 'the run request body is described');
  });
});

describe('Idempotency-Key', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer(TWO_ASSETS);
  });
  after(() => server.close());

  test('the same key and body returns the first response; another body is 422 IDEMPOTENCY_KEY_REUSED', async () => {
    const headers = { 'idempotency-key': 'req-1' };
    const first = await http(server.url, 'POST', '/api/v1/runs', { selection: ['raw/events'] }, headers);
    const again = await http(server.url, 'POST', '/api/v1/runs', { selection: ['raw/events'] }, headers);
    assert.equal(first.status, 201);
    assert.equal(again.status, 201);
    assert.equal(again.headers.get('idempotent-replayed'), 'true');
    assert.equal(again.json.run.runId, first.json.run.runId);
    const other = await http(server.url, 'POST', '/api/v1/runs', { selection: ['clean/events'] }, headers);
    assert.equal(other.status, 422);
    assert.equal(other.json.code, 'IDEMPOTENCY_KEY_REUSED');
    const runs = await http(server.url, 'GET', '/api/v1/runs');
    assert.equal(runs.json.runs.length, 1, 'only one run was created');
  });

  test('concurrent requests with one key create one run', async () => {
    const headers = { 'idempotency-key': 'req-concurrent' };
    const responses = await Promise.all(Array.from({ length: 10 }, () => http(server.url, 'POST', '/api/v1/runs', { selection: ['clean/events'] }, headers)));
    assert.equal(new Set(responses.map((r) => r.json.run.runId)).size, 1);
  });
});

describe('system SQL', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer(TWO_ASSETS);
    await http(server.url, 'POST', '/api/v1/runs', { selection: ['raw/events', 'clean/events'] });
  });
  after(() => server.close());

  const q = (sql: string) => http(server.url, 'GET', `/api/v1/sql?q=${encodeURIComponent(sql)}`);

  test('reads the documented system views', async () => {
    const runs = await q('SELECT status, task_count FROM system_runs');
    assert.deepEqual(runs.json, { columns: ['status', 'task_count'], rows: [['QUEUED', 2]], truncated: false });
    const tasks = await q('SELECT task_key, status FROM system_tasks ORDER BY task_key');
    assert.deepEqual(tasks.json.rows, [['clean/events', 'BLOCKED'], ['raw/events', 'READY']]);
  });

  for (const [title, sql, code] of [
    ['refuses a write with SQL_REFUSED', "DELETE FROM runs", 'SQL_REFUSED'],
    ['refuses an insert into a view with SQL_REFUSED', "INSERT INTO system_runs (run_id) VALUES ('x')", 'SQL_REFUSED'],
    ['refuses an attached database with SQL_REFUSED', "ATTACH DATABASE '/tmp/x.db' AS x", 'SQL_REFUSED'],
    ['refuses a pragma with SQL_REFUSED', 'PRAGMA table_info(runs)', 'SQL_REFUSED'],
    ['refuses two statements with SQL_REFUSED', 'SELECT 1; SELECT 2', 'SQL_REFUSED'],
    ['refuses a syntax error with SQL_ERROR', 'SELECT FROM WHERE', 'SQL_ERROR'],
  ] as const) {
    test(title, async () => {
      const response = await q(sql);
      assert.equal(response.status, 400);
      assert.equal(response.json.code, code);
    });
  }

  test('a refused statement changed nothing', async () => {
    await q('DELETE FROM runs');
    const runs = await q('SELECT COUNT(*) FROM system_runs');
    assert.deepEqual(runs.json.rows, [[1]]);
  });
});
