/**
 * The HTTP server's own limits. Goal: every request fastify or node refuses before a route runs
 * (malformed URL or HTTP, long URL or parameter, large headers or body, another content type, deep
 * or broken JSON) is answered in the `{ code, message, details }` shape with its own status, and
 * appends nothing; a URL long enough for the documented 20,000-character SQL is still served.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { BODY_BYTES_MAX, HEADER_BYTES_MAX, JSON_DEPTH_MAX, URL_BYTES_MAX } from '../../src/api/limits.js';
import { http, startServer, TWO_ASSETS, type TestServer } from '../helpers/server.js';
import { raw } from '../helpers/raw-http.js';

/** Bytes written on a bare socket, and the status line and JSON body answered. */
function socketExchange(url: string, bytes: string): Promise<{ status: number; json: any }> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(target.port), target.hostname);
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
      const body = text.slice(text.indexOf('\r\n\r\n') + 4);
      try {
        resolve({ status, json: JSON.parse(body) });
      } catch {
        reject(new Error(`no JSON answer: ${text.slice(0, 300)}`));
      }
    });
    socket.write(bytes);
  });
}

function nested(depth: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i += 1) value = { a: value };
  return value;
}

describe('HTTP limits and fastify’s own refusals', () => {
  let server: TestServer;
  const lastSequence = () => server.ctx.store.ledger.lastSequence();
  before(async () => {
    server = await startServer(TWO_ASSETS);
  });
  after(() => server.close());

  const shaped = (res: { json: any }) => assert.deepEqual(Object.keys(res.json ?? {}).filter((k) => k !== 'details'), ['code', 'message']);

  test('a URL whose percent-encoding cannot be decoded is 400 MALFORMED_REQUEST', async () => {
    const res = await raw(server.url, 'POST', '/api/v1/runs/%E0%A4%A/cancel', {});
    assert.deepEqual([res.status, res.json?.code], [400, 'MALFORMED_REQUEST']);
    shaped(res);
  });

  test('bytes that are not HTTP are 400 MALFORMED_REQUEST in the error shape', async () => {
    const res = await socketExchange(server.url, 'HELLO THERE\r\n\r\n');
    assert.deepEqual([res.status, res.json.code], [400, 'MALFORMED_REQUEST']);
  });

  test('a path parameter longer than its limit, and a URL longer than its limit, are 414 URI_TOO_LONG', async () => {
    const param = await http(server.url, 'POST', `/api/v1/runs/${'r'.repeat(3_000)}/cancel`);
    assert.deepEqual([param.status, param.json.code], [414, 'URI_TOO_LONG']);
    shaped(param);
    const url = await http(server.url, 'GET', `/api/v1/runs?limit=1&x=${'a'.repeat(URL_BYTES_MAX)}`);
    assert.deepEqual([url.status, url.json.code, url.json.details.limit], [414, 'URI_TOO_LONG', URL_BYTES_MAX]);
  });

  test('the documented 20,000-character SQL fits in the URL even when every character is percent-encoded', async () => {
    const q = `SELECT '${'%'.repeat(20_000 - 9)}'`;
    assert.equal(q.length, 20_000);
    const res = await http(server.url, 'GET', `/api/v1/sql?${new URLSearchParams({ q })}`);
    assert.equal(res.status, 200, res.text.slice(0, 300));
    assert.equal((res.json.rows[0][0] as string).length, 20_000 - 9);
  });

  test('headers larger than the limit are 431 HEADERS_TOO_LARGE in the error shape', async () => {
    const res = await socketExchange(server.url, `GET /api/v1/runs HTTP/1.1\r\nHost: ${new URL(server.url).host}\r\nX-Big: ${'b'.repeat(HEADER_BYTES_MAX)}\r\n\r\n`);
    assert.deepEqual([res.status, res.json.code, res.json.details.limit], [431, 'HEADERS_TOO_LARGE', HEADER_BYTES_MAX]);
  });

  test('a body of another content type is 415 UNSUPPORTED_MEDIA_TYPE and changes nothing', async () => {
    const before = await lastSequence();
    const res = await raw(server.url, 'POST', '/api/v1/runs', { 'content-type': 'text/plain' }, 'selection=raw/events');
    assert.deepEqual([res.status, res.json?.code], [415, 'UNSUPPORTED_MEDIA_TYPE']);
    shaped(res);
    assert.equal(await lastSequence(), before);
  });

  test('a body over the size limit is 413 PAYLOAD_TOO_LARGE and changes nothing', async () => {
    const before = await lastSequence();
    const res = await http(server.url, 'POST', '/api/v1/runs', { selection: ['raw/events'], tags: { big: 'x'.repeat(BODY_BYTES_MAX) } });
    assert.deepEqual([res.status, res.json.code, res.json.details.limit], [413, 'PAYLOAD_TOO_LARGE', BODY_BYTES_MAX]);
    assert.equal(await lastSequence(), before);
  });

  test('a 2,000-deep config is 400 VALIDATION_ERROR naming the depth limit, not a 500, and changes nothing', async () => {
    const before = await lastSequence();
    const res = await http(server.url, 'POST', '/api/v1/runs', { selection: ['raw/events'], config: nested(2_000) });
    assert.deepEqual([res.status, res.json.code, res.json.details], [400, 'VALIDATION_ERROR', { field: 'body', limit: JSON_DEPTH_MAX }]);
    assert.equal(await lastSequence(), before);
  });

  test('a config nested just within the limit is accepted', async () => {
    // The body object is the first level and `config` the second.
    const res = await http(server.url, 'POST', '/api/v1/runs', { selection: ['raw/events'], config: nested(JSON_DEPTH_MAX - 2) });
    assert.equal(res.status, 201, res.text.slice(0, 300));
  });

  test('a body that is not JSON, and a prototype-polluting one, are 400 and change nothing', async () => {
    const before = await lastSequence();
    const broken = await raw(server.url, 'POST', '/api/v1/runs', { 'content-type': 'application/json' }, '{"selection": [');
    assert.deepEqual([broken.status, broken.json?.code], [400, 'VALIDATION_ERROR']);
    const polluting = await raw(server.url, 'POST', '/api/v1/runs', { 'content-type': 'application/json' }, '{"selection": ["raw/events"], "__proto__": {"x": 1}}');
    assert.equal(polluting.status, 400);
    shaped(polluting);
    assert.equal(await lastSequence(), before);
  });
});
