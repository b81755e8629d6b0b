/**
 * Access to the API from a browser and from other hosts: a web page must not be able to change
 * anything through a server on loopback (cross-origin writes, DNS rebinding), whatever tokens exist.
 * Each refusal is checked to append nothing to the ledger.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { raw } from '../helpers/raw-http.js';
import { startServer, type TestServer } from '../helpers/server.js';

const SOURCE = `import { defineAsset, defineDefinitions, defineSchedule, defineSensor } from 'arco-flow';
const a = defineAsset({ key: 'a', compute: async () => {} });
export default defineDefinitions({
  assets: [a],
  schedules: [defineSchedule({ name: 'nightly', cron: '0 2 * * *', target: [a] })],
  sensors: [defineSensor({ name: 'files', target: [a], defaultStatus: 'running', evaluate: async () => ({ runRequests: [] }) })],
});
`;

describe('API access from browsers and other hosts', () => {
  let server: TestServer;
  const events = async () => (await server.ctx.store.ledger.lastSequence());
  before(async () => {
    server = await startServer(SOURCE);
  });
  after(() => server.close());

  // Whole titles, so each can be cited: a bodiless POST is what a web page may send without CORS.
  const writes: { title: string; path: string }[] = [
    { title: 'starting a schedule from another origin (a bodiless POST from a web page) is 403 CROSS_ORIGIN_REFUSED and changes nothing', path: '/api/v1/schedules/nightly/start' },
    { title: 'stopping a sensor from another origin (a bodiless POST from a web page) is 403 CROSS_ORIGIN_REFUSED and changes nothing', path: '/api/v1/sensors/files/stop' },
    { title: 'resetting a cursor from another origin (a bodiless POST from a web page) is 403 CROSS_ORIGIN_REFUSED and changes nothing', path: '/api/v1/sensors/files/reset-cursor' },
  ];
  for (const w of writes) {
    test(w.title, async () => {
      const before = await events();
      const res = await raw(server.url, 'POST', w.path, { origin: 'http://evil.example' });
      assert.deepEqual([res.status, res.json?.code], [403, 'CROSS_ORIGIN_REFUSED']);
      assert.equal(await events(), before);
    });
  }

  test('a write a browser marks Sec-Fetch-Site: cross-site is refused even without an Origin header', async () => {
    const before = await events();
    const res = await raw(server.url, 'POST', '/api/v1/schedules/nightly/start', { 'sec-fetch-site': 'cross-site' });
    assert.deepEqual([res.status, res.json?.code], [403, 'CROSS_ORIGIN_REFUSED']);
    assert.equal(await events(), before);
  });

  test('a write from the server’s own origin, and one with no Origin (a script, the CLI), are accepted', async () => {
    const own = await raw(server.url, 'POST', '/api/v1/schedules/nightly/start', { origin: server.url });
    assert.deepEqual([own.status, own.json?.status], [200, 'RUNNING']);
    const script = await raw(server.url, 'POST', '/api/v1/schedules/nightly/stop', {});
    assert.deepEqual([script.status, script.json?.status], [200, 'STOPPED']);
  });

  test('a read from another origin is answered (a browser keeps it from the page: no CORS header is sent)', async () => {
    const res = await raw(server.url, 'GET', '/api/v1/schedules', { origin: 'http://evil.example' });
    assert.equal(res.status, 200);
  });

  test('a request whose Host is not the bound address (DNS rebinding) is 421 HOST_NOT_ALLOWED and changes nothing', async () => {
    const port = new URL(server.url).port;
    const before = await events();
    const write = await raw(server.url, 'POST', '/api/v1/schedules/nightly/start', { host: `evil.example:${port}` });
    assert.deepEqual([write.status, write.json?.code], [421, 'HOST_NOT_ALLOWED']);
    const read = await raw(server.url, 'GET', '/api/v1/runs', { host: `evil.example:${port}` });
    assert.deepEqual([read.status, read.json?.code], [421, 'HOST_NOT_ALLOWED']);
    const otherPort = await raw(server.url, 'GET', '/api/v1/runs', { host: `127.0.0.1:${Number(port) + 1}` });
    assert.deepEqual([otherPort.status, otherPort.json?.code], [421, 'HOST_NOT_ALLOWED']);
    assert.equal(await events(), before);
  });

  test('loopback names of the bound port are accepted as Host: 127.0.0.1, localhost and [::1]', async () => {
    const port = new URL(server.url).port;
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]) {
      const res = await raw(server.url, 'GET', '/api/v1/schedules', { host });
      assert.equal(res.status, 200, host);
    }
  });
});
