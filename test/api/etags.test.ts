/**
 * Conditional GETs (issue 17: live updates by polling with ETags): a read answers with a validator;
 * asked again with it, an unchanged resource is an empty 304 and a changed one a full 200 with a
 * new validator. Writes and errors are never answered from a validator.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { http, startServer, TWO_ASSETS, type TestServer } from '../helpers/server.js';

const servers: TestServer[] = [];
after(async () => {
  for (const server of servers) await server.close();
});

test('a poll of an unchanged run list is an empty 304; after a run is requested it is a 200 with a new ETag', async () => {
  const server = await startServer(TWO_ASSETS);
  servers.push(server);
  const first = await http(server.url, 'GET', '/api/v1/runs');
  assert.equal(first.status, 200);
  const etag = first.headers.get('etag');
  assert.match(etag ?? '', /^W\/"[\w-]+"$/);
  assert.equal(first.headers.get('cache-control'), 'no-cache', 'browsers revalidate every poll instead of reusing a stale list');

  const again = await http(server.url, 'GET', '/api/v1/runs', undefined, { 'if-none-match': etag as string });
  assert.equal(again.status, 304);
  assert.equal(again.text, '', 'nothing is sent for an unchanged list');

  const requested = await http(server.url, 'POST', '/api/v1/runs', { selection: ['raw/events'] }, { 'if-none-match': etag as string });
  assert.equal(requested.status, 201, 'a write is never answered from a validator');

  const changed = await http(server.url, 'GET', '/api/v1/runs', undefined, { 'if-none-match': etag as string });
  assert.equal(changed.status, 200);
  assert.notEqual(changed.headers.get('etag'), etag);
  assert.equal(changed.json.runs.length, 1);
});

test('errors carry no validator: an unknown run is a 404 even when If-None-Match says *', async () => {
  const server = await startServer(TWO_ASSETS);
  servers.push(server);
  const res = await http(server.url, 'GET', '/api/v1/runs/run_01ARZ3NDEKTSV4RRFFQ69G5FAV', undefined, { 'if-none-match': '*' });
  assert.equal(res.status, 404);
  assert.equal(res.headers.get('etag'), null);
});
