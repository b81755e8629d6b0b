/**
 * `GET /metrics`: Prometheus text from the instance's own registry. Goal: after a run, the run is
 * counted by status, the ledger appends that recorded it were timed, the daemon's workers and the
 * registered remote workers are reported, and the route needs a viewer token once the store holds
 * tokens, like every read.
 * Method: a real server, store and daemon in this process, as `arco dev` wires them.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { buildServer } from '../../src/api/index.js';
import { createTokenOp, invokeOperation } from '../../src/operations/index.js';
import { Daemon, InstanceMetrics, createContext, loadDefinitions, systemClock, type RuntimeContext } from '../../src/runtime/index.js';
import { openSqliteStore, type Store } from '../../src/store/index.js';
import { http } from '../helpers/server.js';
import { tempProject, waitForRun } from '../helpers/project.js';

const SOURCE = `import { defineAsset, defineDefinitions } from 'arco-flow';
const raw = defineAsset({ key: 'raw', compute: async () => {} });
const bad = defineAsset({ key: 'bad', compute: async () => { throw new Error('broken'); } });
export default defineDefinitions({ assets: [raw, bad] });
`;

/** The samples of a text exposition, by `name{labels}` as written (no whitespace inside). */
function parseExposition(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    samples.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return samples;
}

describe('GET /metrics', () => {
  const project = tempProject(SOURCE);
  let url: string;
  let ctx: RuntimeContext;
  let stop: () => Promise<void>;

  before(async () => {
    const metrics = new InstanceMetrics();
    const store = metrics.instrument(openSqliteStore({ path: join(project.dir, 'arco.db') }));
    ctx = createContext(store, systemClock, await loadDefinitions(project.file));
    const daemon = new Daemon(ctx, { tickMs: 50, workers: 3 });
    const app = await buildServer({ store, ctx: () => ctx, onRunRequested: () => daemon.wake(), metrics, workers: () => daemon.workerCounts() });
    daemon.start();
    url = await app.listen({ port: 0, host: '127.0.0.1' });
    stop = async () => {
      await app.close();
      await daemon.stop();
      await store.close();
      project.remove();
    };
  });
  after(() => stop());

  test('after runs, /metrics counts them by status and the ledger appends that recorded them', async () => {
    for (const selection of [['raw'], ['bad']]) {
      const res = await http(url, 'POST', '/api/v1/runs', { selection });
      assert.equal(res.status, 201);
      await waitForRun(ctx.store, res.json.run.runId);
    }
    const res = await http(url, 'GET', '/metrics');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    const samples = parseExposition(res.text);
    assert.deepEqual(
      ['SUCCESS', 'FAILURE', 'QUEUED', 'STARTED'].map((status) => samples.get(`arco_runs{status="${status}"}`)),
      [1, 1, 0, 0],
    );
    assert.equal(samples.get('arco_run_queue_depth'), 0);
    assert.ok((samples.get('arco_ledger_append_seconds_count') ?? 0) > 0, 'appends were timed');
    assert.equal(samples.get('arco_ledger_append_seconds_bucket{le="+Inf"}'), samples.get('arco_ledger_append_seconds_count'));
    assert.equal(samples.get('arco_ledger_events_appended_total'), await ctx.store.ledger.lastSequence());
    assert.equal(samples.get('arco_ledger_sequence'), await ctx.store.ledger.lastSequence());
    assert.equal(samples.get('arco_workers{kind="local",state="idle"}'), 3);
    assert.equal(samples.get('arco_workers{kind="local",state="busy"}'), 0);
    assert.equal(samples.get('arco_remote_workers'), 0);
    assert.ok(![...samples.keys()].some((name) => name.startsWith('arco_workers{kind="remote"')), 'no remote slots while none is registered');
  });

  test('once the store holds a token, /metrics needs one (a viewer token is enough)', async () => {
    const local = { store: ctx.store, runtime: async () => ctx, actor: 'local' };
    const viewer = (await invokeOperation(local, createTokenOp, { role: 'viewer', name: 'prometheus' })).token;
    const refused = await http(url, 'GET', '/metrics');
    assert.deepEqual([refused.status, refused.json?.code], [401, 'UNAUTHENTICATED']);
    const allowed = await http(url, 'GET', '/metrics', undefined, { authorization: `Bearer ${viewer}` });
    assert.equal(allowed.status, 200);
    assert.ok(parseExposition(allowed.text).has('arco_runs{status="SUCCESS"}'));
  });
});

describe('GET /metrics without a daemon in the process', () => {
  const project = tempProject(SOURCE);
  let url: string;
  let store: Store;
  let stop: () => Promise<void>;

  before(async () => {
    store = openSqliteStore({ path: join(project.dir, 'arco.db') });
    const ctx = createContext(store, systemClock, await loadDefinitions(project.file));
    // No metrics passed: the server makes its own registry.
    const app = await buildServer({ store, ctx: () => ctx });
    url = await app.listen({ port: 0, host: '127.0.0.1' });
    stop = async () => {
      await app.close();
      await store.close();
      project.remove();
    };
  });
  after(() => stop());

  test('a requested run no daemon admits counts as QUEUED and in the queue depth, and no workers are reported', async () => {
    for (let i = 0; i < 2; i += 1) assert.equal((await http(url, 'POST', '/api/v1/runs', { selection: ['raw'] })).status, 201);
    const samples = parseExposition((await http(url, 'GET', '/metrics')).text);
    assert.deepEqual([samples.get('arco_runs{status="QUEUED"}'), samples.get('arco_run_queue_depth')], [2, 2]);
    // Tasks are counted for runs in progress only: a long queue is counted by its depth, not read whole.
    assert.deepEqual([samples.get('arco_active_tasks{status="READY"}'), samples.get('arco_active_tasks{status="RUNNING"}')], [0, 0]);
    assert.ok(![...samples.keys()].some((name) => name.startsWith('arco_workers{')), 'no local workers in this process and no remote worker registered');
  });

  test('a pool with a limit reports its limit and the slots in use', async () => {
    assert.equal((await http(url, 'POST', '/api/v1/pools/warehouse', { limit: 3 })).status, 200);
    const samples = parseExposition((await http(url, 'GET', '/metrics')).text);
    assert.deepEqual([samples.get('arco_pool_slot_limit{pool="warehouse"}'), samples.get('arco_pool_slots_in_use{pool="warehouse"}')], [3, 0]);
  });

  test('registered remote workers are counted with their slots, busy per attempt dispatched to them; a lost one is not', async () => {
    const now = Date.now();
    const register = (workerId: string, slots: number, seenAtEpochMs: number) =>
      store.workers.registerWorker({ workerId, host: 'elsewhere', pid: 1, slots, heartbeatTimeoutMs: 60_000, registeredAtEpochMs: seenAtEpochMs, seenAtEpochMs });
    await register('rw_metrics0000a', 4, now);
    await register('rw_metrics0000b', 2, now);
    await register('rw_metrics0000c', 8, now - 120_000);
    await store.workers.addDispatches([{ attemptId: 'att_metrics_1', workerId: 'rw_metrics0000a', runId: 'run_x', taskKey: 'raw', envelope: {}, dispatchedAtEpochMs: now }]);
    const samples = parseExposition((await http(url, 'GET', '/metrics')).text);
    assert.equal(samples.get('arco_remote_workers'), 2, 'the worker silent past its heartbeat timeout is not counted');
    assert.deepEqual([samples.get('arco_workers{kind="remote",state="busy"}'), samples.get('arco_workers{kind="remote",state="idle"}')], [1, 5]);
    assert.ok(![...samples.keys()].some((name) => name.startsWith('arco_workers{kind="local"')), 'local slots are reported only by the process that runs them');
  });
});
