/**
 * Gate M2 — sensors have no duplicate effects. A run key launches one run per sensor, ever; of two
 * evaluations on the same state only one applies and the other is recorded STALE with its runs and
 * cursor discarded (also when an operator resets the cursor meanwhile); a pushed message is
 * evaluated once however often it is delivered; a daemon killed mid-evaluation and restarted
 * evaluates once.
 *
 * Method: real definitions and SQLite; a FakeClock; racing evaluations are two stores on one file
 * held at the `sensor:decided` crash point until both decided; kills are real SIGKILLs.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { Automation, FakeClock, createContext, loadDefinitions, pushToSensor, resetSensorCursor, setSensorStatus, type LoadedDefinitions } from '../../../src/runtime/index.js';
import { openSqliteStore, type Store } from '../../../src/store/index.js';
import { tempProject } from '../../helpers/project.js';

const SOURCE = `import { defineAsset, defineDefinitions, defineSensor, z } from 'arco-flow';
const a = defineAsset({ key: 'a', compute: async () => {} });
let calls = 0;
export default defineDefinitions({
  assets: [a],
  sensors: [
    defineSensor({ name: 'fixed_key', target: [a], minimumIntervalSeconds: 30, defaultStatus: 'running', evaluate: (ctx) => ({ runRequests: [{ runKey: 'only-once', config: { cursor: ctx.cursor } }], cursor: String(Number(ctx.cursor ?? 0) + 1) }) }),
    defineSensor({ name: 'per_call', target: [a], minimumIntervalSeconds: 30, evaluate: () => { calls += 1; return { runRequests: [{ runKey: 'call-' + calls }], cursor: 'call-' + calls }; } }),
    defineSensor({ name: 'inbox', type: 'push', target: [a], defaultStatus: 'running', payload: z.object({ file: z.string() }), evaluate: (ctx) => ({ runRequests: [{ tags: { file: ctx.message.payload.file } }] }) }),
  ],
});
`;

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CHILD = fileURLToPath(new URL('./fixtures/automation-child.ts', import.meta.url));
const T = Date.parse('2026-02-01T08:00:00Z');

describe('sensors have no duplicate effects', () => {
  const project = tempProject(SOURCE);
  let definitions: LoadedDefinitions;
  let n = 0;
  const stores: Store[] = [];
  const open = (db: string, now: number) => {
    const store = openSqliteStore({ path: db });
    stores.push(store);
    const clock = new FakeClock(now);
    return { store, clock, ctx: createContext(store, clock, definitions, (n += 1)) };
  };
  const freshDb = () => join(project.dir, `sensors-${(n += 1)}.db`);
  before(async () => {
    definitions = await loadDefinitions(project.file);
  });
  after(async () => {
    for (const s of stores) await s.close().catch(() => {});
    project.remove();
  });

  test('the same run key from two evaluations yields one run, whatever the run became; the second evaluation is SKIPPED', async () => {
    const { store, ctx } = open(freshDb(), T);
    const automation = new Automation(ctx);
    await automation.runOnce(T);
    await automation.runOnce(T + 30_000);
    await new Automation(ctx).runOnce(T + 60_000);
    const runs = await store.runs.listRuns({ tags: [['arco/run_key', 'sensor:fixed_key:only-once']], limit: 10 });
    assert.equal(runs.length, 1);
    const history = await store.automation.listSensorHistory({ sensorName: 'fixed_key', limit: 10 });
    assert.deepEqual(history.map((e) => [e.status, e.runs.map((r) => r.existing)]), [
      ['SKIPPED', [true]],
      ['SKIPPED', [true]],
      ['SUCCESS', [false]],
    ]);
    assert.equal((await store.automation.getSensorState('fixed_key'))?.cursor, '3', 'the cursor moves on SKIPPED');
  });

  test('of two evaluations on one state only one applies; the other is STALE and its runs and cursor are discarded', async () => {
    const db = freshDb();
    const ops = open(db, T - 1_000);
    await setSensorStatus(ops.ctx, 'per_call', 'RUNNING');
    const one = open(db, T);
    const two = open(db, T + 1_000);
    let arrived = 0;
    let release: () => void = () => {};
    const bothDecided = new Promise<void>((resolve) => (release = resolve));
    const barrier = async (point: string) => {
      if (point !== 'sensor:decided') return;
      arrived += 1;
      if (arrived === 2) release();
      await bothDecided;
    };
    await Promise.all([new Automation(one.ctx, { crash: barrier }).runOnce(T), new Automation(two.ctx, { crash: barrier }).runOnce(T + 1_000)]);
    const history = await one.store.automation.listSensorHistory({ sensorName: 'per_call', statuses: ['SUCCESS', 'STALE'], limit: 10 });
    assert.deepEqual(history.map((e) => e.status).sort(), ['STALE', 'SUCCESS']);
    const winner = history.find((e) => e.status === 'SUCCESS');
    const loser = history.find((e) => e.status === 'STALE');
    assert.deepEqual([loser?.runs, loser?.expectedStateVersion], [[], winner?.expectedStateVersion]);
    const state = await one.store.automation.getSensorState('per_call');
    assert.equal(state?.cursor, winner?.cursorAfter, "the winner's cursor");
    const runs = await one.store.runs.listRuns({ tags: [['arco/sensor_name', 'per_call']], limit: 10 });
    assert.deepEqual(runs.map((r) => r.runId), winner?.runs.map((r) => r.runId), "only the winner's run exists");
  });

  test('an operator reset during an evaluation makes the evaluation STALE and keeps the reset cursor', async () => {
    const db = freshDb();
    const { store, ctx } = open(db, T);
    await new Automation(ctx).runOnce(T);
    const operator = open(db, T + 30_000);
    const reset = async (point: string) => {
      if (point === 'sensor:decided') await resetSensorCursor(operator.ctx, 'fixed_key', 'operator');
    };
    await new Automation(open(db, T + 30_000).ctx, { crash: reset }).runOnce(T + 30_000);
    const [latest, operatorChange] = await store.automation.listSensorHistory({ sensorName: 'fixed_key', limit: 2 });
    assert.deepEqual([latest?.status, operatorChange?.change], ['STALE', 'RESET_CURSOR']);
    assert.equal((await store.automation.getSensorState('fixed_key'))?.cursor, 'operator');
  });

  test('a pushed message is evaluated once: a redelivery, even concurrent, answers duplicate and launches nothing', async () => {
    const db = freshDb();
    const { store, ctx } = open(db, T);
    const first = await pushToSensor(ctx, 'inbox', { messageId: 'm-1', payload: { file: 'a.csv' } });
    const again = await pushToSensor(ctx, 'inbox', { messageId: 'm-1', payload: { file: 'a.csv' } });
    assert.deepEqual([first.duplicate, first.evaluation.status, again.duplicate, again.evaluation.sequence], [false, 'SUCCESS', true, first.evaluation.sequence]);
    const concurrent = await Promise.all(Array.from({ length: 8 }, () => pushToSensor(open(db, T).ctx, 'inbox', { messageId: 'm-2', payload: { file: 'b.csv' } })));
    assert.equal(new Set(concurrent.map((c) => c.evaluation.sequence)).size, 1, 'one evaluation of m-2');
    const runs = await store.runs.listRuns({ tags: [['arco/sensor_name', 'inbox']], limit: 20 });
    assert.deepEqual(runs.map((r) => r.tags.file).sort(), ['a.csv', 'b.csv'], 'one run per message');
  });

  test('a bad push changes nothing: unknown sensor, not a push sensor, payload against its schema', async () => {
    const { store, ctx } = open(freshDb(), T);
    const count = async () => (await store.ledger.readEvents({ limit: 1000 })).length;
    const before = await count();
    await assert.rejects(pushToSensor(ctx, 'nope', { messageId: 'x', payload: null }), { code: 'UNKNOWN_SENSOR' });
    await assert.rejects(pushToSensor(ctx, 'fixed_key', { messageId: 'x', payload: null }), { code: 'SENSOR_NOT_PUSH' });
    await assert.rejects(pushToSensor(ctx, 'inbox', { messageId: 'x', payload: { file: 3 } }), (e: { code: string; details: { issues: { field: string }[] } }) => {
      assert.equal(e.code, 'INVALID_PUSH_PAYLOAD');
      assert.equal(e.details.issues[0]?.field, 'payload.file');
      return true;
    });
    assert.equal(await count(), before, 'nothing was appended');
    assert.equal(await store.automation.findPushEvaluation('inbox', 'x'), undefined, 'the rejected message id stays free');
  });

  const crashPoints: [title: string, crashAt: 'sensor:decided' | 'sensor:appended'][] = [
    ['a daemon killed after deciding an evaluation but before appending it, then restarted, evaluates the sensor once', 'sensor:decided'],
    ['a daemon killed right after appending an evaluation and its run, then restarted, evaluates the sensor once', 'sensor:appended'],
  ];
  for (const [title, crashAt] of crashPoints) {
    test(title, async () => {
      const db = freshDb();
      const run = (crash?: string) =>
        spawnSync(process.execPath, ['--import', './src/runtime/loader/register.mjs', CHILD, project.file, db, new Date(T).toISOString(), ...(crash ? [crash] : [])], { cwd: ROOT, encoding: 'utf8' });
      const killed = run(crashAt);
      assert.equal(killed.signal, 'SIGKILL', killed.stderr);
      const restarted = run();
      assert.equal(restarted.status, 0, restarted.stderr);
      const handle = new Database(db, { readonly: true });
      const evaluations = handle.prepare("SELECT COUNT(*) AS n FROM ledger WHERE type = 'SensorEvaluated' AND json_extract(payload, '$.sensorName') = 'fixed_key'").get() as { n: number };
      const runs = handle.prepare("SELECT COUNT(*) AS n FROM ledger WHERE type = 'RunRequested' AND json_extract(payload, '$.runKey') = 'sensor:fixed_key:only-once'").get() as { n: number };
      handle.close();
      assert.deepEqual([evaluations.n, runs.n], [1, 1]);
    });
  }
});
