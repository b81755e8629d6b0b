/**
 * Gate M1 — run identity. A runKey names one run forever: concurrent and repeated requests with
 * the same key and parameters get that run; different parameters are refused with
 * RUN_KEY_CONFLICT and the refusal is recorded once; a rejected request reserves nothing.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { TWO_ASSETS, http, startServer, type TestServer } from '../../helpers/server.js';

describe('run identity over the HTTP API', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer(TWO_ASSETS);
  });
  after(() => server.close());

  test('50 concurrent requests with one runKey create exactly one run', async () => {
    const body = { selection: ['raw/events'], runKey: 'concurrent-1', tags: { team: 'data' } };
    const responses = await Promise.all(Array.from({ length: 50 }, () => http(server.url, 'POST', '/api/v1/runs', body)));
    const runIds = new Set(responses.map((r) => r.json.run.runId));
    assert.equal(runIds.size, 1);
    assert.equal(responses.filter((r) => r.status === 201).length, 1, 'one request created it');
    assert.equal(responses.filter((r) => r.status === 200 && r.json.existing === true).length, 49, 'the others got it back');
    const listed = await http(server.url, 'GET', '/api/v1/runs?tag=arco/run_key=concurrent-1');
    assert.equal(listed.json.runs.length, 1);
  });

  test('the same runKey with the same parameters in another order returns the existing run', async () => {
    const first = await http(server.url, 'POST', '/api/v1/runs', { selection: ['raw/events', 'clean/events'], runKey: 'same', config: { a: 1, b: 2 } });
    const second = await http(server.url, 'POST', '/api/v1/runs', { config: { b: 2, a: 1 }, runKey: 'same', selection: ['clean/events', 'raw/events'] });
    assert.equal(first.status, 201);
    assert.equal(second.status, 200);
    assert.equal(second.json.existing, true);
    assert.equal(second.json.run.runId, first.json.run.runId);
  });

  test('the same runKey with different parameters is 409 RUN_KEY_CONFLICT, recorded once however often it is retried', async () => {
    const created = await http(server.url, 'POST', '/api/v1/runs', { selection: ['raw/events'], runKey: 'conflicting', tags: { v: '1' } });
    const conflicts = [];
    for (let i = 0; i < 3; i += 1) conflicts.push(await http(server.url, 'POST', '/api/v1/runs', { selection: ['raw/events'], runKey: 'conflicting', tags: { v: '2' } }));
    for (const c of conflicts) {
      assert.equal(c.status, 409);
      assert.equal(c.json.code, 'RUN_KEY_CONFLICT');
      assert.equal(c.json.details.conflictType, 'FINGERPRINT_MISMATCH');
      assert.equal(c.json.details.existingRunId, created.json.run.runId);
      assert.equal(c.json.details.existingStatus, 'QUEUED');
      assert.equal(c.json.details.existingCreatedAt, created.json.run.createdAt);
      assert.deepEqual(c.json.details.differingFields, ['tags']);
      assert.notEqual(c.json.details.requestedFingerprint, c.json.details.existingFingerprint);
    }
    const recorded = await http(server.url, 'GET', '/api/v1/run-key-conflicts?runKey=conflicting');
    assert.equal(recorded.json.conflicts.length, 1);
    const sql = await http(server.url, 'GET', `/api/v1/sql?q=${encodeURIComponent("SELECT run_key, existing_run_id FROM system_run_key_conflicts WHERE run_key = 'conflicting'")}`);
    assert.deepEqual(sql.json.rows, [['conflicting', created.json.run.runId]]);
  });

  test('a rejected request never reserves its runKey', async () => {
    const rejected = await http(server.url, 'POST', '/api/v1/runs', { selection: ['raw/events'], runKey: 'after-reject', tags: { 'arco/parent_run_id': 'x' } });
    assert.equal(rejected.status, 400);
    assert.equal(rejected.json.code, 'RESERVED_TAG');
    const unknown = await http(server.url, 'POST', '/api/v1/runs', { selection: ['nope'], runKey: 'after-reject' });
    assert.equal(unknown.status, 400);
    const accepted = await http(server.url, 'POST', '/api/v1/runs', { selection: ['clean/events'], runKey: 'after-reject' });
    assert.equal(accepted.status, 201);
  });

  test('runs requested with a runKey carry the arco/run_key tag', async () => {
    const created = await http(server.url, 'POST', '/api/v1/runs', { selection: ['raw/events'], runKey: 'tagged' });
    assert.equal(created.json.run.tags['arco/run_key'], 'tagged');
  });
});
