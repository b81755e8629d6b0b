/**
 * Daemon liveness (PRD-30): each daemon records, with its heartbeat, when each of its loops last
 * completed, `GET /api/v1/instance` shows it, and `GET /healthz` answers 200 while a daemon leads
 * and its coordinator runs, else 503 naming the problem — what a load balancer or an alert probes.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { http, startServer, TWO_ASSETS, type TestServer } from '../helpers/server.js';

const servers: TestServer[] = [];
after(async () => {
  for (const server of servers) await server.close();
});

test('with no daemon leading, /healthz is 503 and says so', async () => {
  const server = await startServer(TWO_ASSETS);
  servers.push(server);
  const res = await http(server.url, 'GET', '/healthz');
  assert.equal(res.status, 503);
  assert.equal(res.json.healthy, false);
  assert.match(res.json.problems.join('\n'), /no daemon holds the leader lease/);
});

test('with a daemon leading, /healthz is 200 and the instance shows when each of its loops last ran', async () => {
  const server = await startServer(TWO_ASSETS, { daemon: true });
  servers.push(server);
  let health = await http(server.url, 'GET', '/healthz');
  for (let i = 0; i < 100 && health.status !== 200; i += 1) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    health = await http(server.url, 'GET', '/healthz');
  }
  assert.equal(health.status, 200, health.text);
  assert.deepEqual(health.json.problems, []);
  const info = await http(server.url, 'GET', '/api/v1/instance');
  const daemon = info.json.daemons[0] as { role: string; loops: { loop: string; ageMs: number }[] };
  assert.equal(daemon.role, 'leader');
  const loops = new Map(daemon.loops.map((l) => [l.loop, l.ageMs]));
  for (const loop of ['iteration', 'automation', 'coordinator', 'backfills', 'monitoring', 'retries']) {
    assert.ok((loops.get(loop) ?? Number.POSITIVE_INFINITY) < 30_000, `${loop} ran lately: ${daemon.loops.map((l) => l.loop).join(', ')}`);
  }
});
