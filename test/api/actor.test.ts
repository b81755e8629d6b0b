/**
 * Who made each write (PRD-36): every event an accepted request appends carries the caller in its
 * envelope (`actor`): the API token's name, `local` for the CLI on the store, `anonymous` while
 * access control is off. The daemon's own decisions carry none. Read back through `GET /api/v1/events`
 * and the `system_events` SQL view, so an operator can answer "who stopped this schedule?".
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTokenOp, invokeOperation, stopScheduleOp, type OperationContext } from '../../src/operations/index.js';
import { http, startServer, type TestServer } from '../helpers/server.js';

const SOURCE = `import { defineAsset, defineDefinitions, defineSchedule, defineSensor } from 'arco-flow';
const raw = defineAsset({ key: 'raw', compute: async () => {} });
export default defineDefinitions({
  assets: [raw],
  schedules: [defineSchedule({ name: 'nightly', cron: '0 2 * * *', target: [raw] })],
  sensors: [defineSensor({ name: 'watch', target: [raw], evaluate: async () => ({ skipReason: 'nothing new' }) })],
});
`;

interface LedgerEvent {
  readonly sequence: number;
  readonly type: string;
  readonly actor?: string;
}

let server: TestServer;
let local: OperationContext;
/** Alice's bearer header, once the first test created her token. */
let auth: Record<string, string> = {};

before(async () => {
  server = await startServer(SOURCE, { daemon: true });
  local = { store: server.ctx.store, runtime: async () => server.ctx, actor: 'local' };
});
after(() => server.close());

async function eventsAfter(sequence: number, headers: Record<string, string> = {}): Promise<LedgerEvent[]> {
  const res = await http(server.url, 'GET', `/api/v1/events?after=${sequence}&limit=1000`, undefined, headers);
  assert.equal(res.status, 200, res.text);
  return res.json.events as LedgerEvent[];
}

test('every event of an accepted write records who asked: anonymous, then the token’s name, and local for the CLI on the store', async () => {
  const start = await server.ctx.store.ledger.lastSequence();
  const anonymous = await http(server.url, 'POST', '/api/v1/runs', { selection: ['raw'], runKey: 'anon' });
  assert.equal(anonymous.status, 201, anonymous.text);
  const requested = (await eventsAfter(start)).filter((e) => e.type === 'RunRequested');
  assert.equal(requested.length, 1);
  assert.equal(requested[0]?.actor, 'anonymous');

  const { token } = await invokeOperation(local, createTokenOp, { role: 'operator', name: 'ops-alice' });
  auth = { authorization: `Bearer ${token}` };
  const before = await server.ctx.store.ledger.lastSequence();
  const run = await http(server.url, 'POST', '/api/v1/runs', { selection: ['raw'], runKey: 'alice' }, auth);
  assert.equal(run.status, 201, run.text);
  assert.equal((await http(server.url, 'POST', `/api/v1/runs/${run.json.run.runId}/cancel`, {}, auth)).status, 200);
  assert.equal((await http(server.url, 'POST', '/api/v1/schedules/nightly/start', undefined, auth)).status, 200);
  assert.equal((await http(server.url, 'POST', '/api/v1/sensors/watch/start', undefined, auth)).status, 200);
  // The daemon's decisions interleave (it starts the run); every event with an actor is Alice's.
  const since = (await eventsAfter(before, auth)).filter((e) => e.actor !== undefined);
  for (const event of since) assert.equal(event.actor, 'ops-alice', `${event.type} #${event.sequence}`);
  const types = new Set(since.map((e) => e.type));
  for (const type of ['RunRequested', 'RunCancelRequested', 'ScheduleStateChanged', 'SensorStateChanged']) assert.ok(types.has(type), `${type} records its requester`);

  const beforeLocal = await server.ctx.store.ledger.lastSequence();
  await invokeOperation(local, stopScheduleOp, { name: 'nightly' });
  const q = `SELECT type, actor FROM system_events WHERE sequence > ${beforeLocal} AND type LIKE 'Schedule%'`;
  const sql = await http(server.url, 'GET', `/api/v1/sql?q=${encodeURIComponent(q)}`, undefined, auth);
  assert.equal(sql.status, 200, sql.text);
  assert.ok(sql.json.rows.length >= 1, 'stopping the schedule appended an event');
  for (const [type, actor] of sql.json.rows as [string, string][]) assert.equal(actor, 'local', type);
});

test('the daemon’s own decisions carry no actor', async () => {
  const run = await http(server.url, 'POST', '/api/v1/runs', { selection: ['raw'], runKey: 'daemon-made' }, auth);
  assert.equal(run.status, 201, run.text);
  const runId = run.json.run.runId as string;
  let events: LedgerEvent[] = [];
  while (!events.some((e) => e.type === 'RunFinished')) {
    await new Promise((r) => setTimeout(r, 50));
    events = (await http(server.url, 'GET', `/api/v1/events?runId=${runId}&limit=1000`, undefined, auth)).json.events as LedgerEvent[];
  }
  const started = events.filter((e) => e.type === 'RunStarted' || e.type === 'TaskDispatched' || e.type === 'RunFinished');
  assert.equal(started.length, 3);
  for (const event of started) assert.equal(event.actor, undefined, `${event.type} #${event.sequence}`);
  assert.equal(events.find((e) => e.type === 'RunRequested')?.actor, 'ops-alice');
});

test('API tokens record who created and who revoked them', async () => {
  const { token } = await invokeOperation(local, createTokenOp, { role: 'admin', name: 'root-bob' });
  const bob = { authorization: `Bearer ${token}` };
  const created = await http(server.url, 'POST', '/api/v1/tokens', { role: 'viewer', name: 'dashboard' }, bob);
  assert.equal(created.status, 201, created.text);
  assert.equal((await http(server.url, 'POST', '/api/v1/tokens/dashboard/revoke', undefined, bob)).status, 200);
  const list = await http(server.url, 'GET', '/api/v1/tokens', undefined, bob);
  const byName = new Map((list.json.tokens as { name: string; createdBy: string | null; revokedBy: string | null }[]).map((t) => [t.name, [t.createdBy, t.revokedBy]]));
  assert.deepEqual(byName.get('root-bob'), ['local', null]);
  assert.deepEqual(byName.get('dashboard'), ['root-bob', 'root-bob']);
});
