/**
 * Asset sensors and run-status sensors in a real daemon with workers: an asset sensor fires once
 * per new materialization of its asset (cursor: the materialization's ledger sequence); a
 * run-status sensor fires once per run reaching its status (cursor: the ledger position it read
 * to), and neither fires again after the daemon restarts. The clock is fake; runs really execute.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Daemon, FakeClock, createContext, loadDefinitions, requestRun, type LoadedDefinitions, type RuntimeContext } from '../../src/runtime/index.js';
import { openSqliteStore, type Store } from '../../src/store/index.js';
import { tempProject, waitForRun } from '../helpers/project.js';

const SOURCE = `import { defineAsset, defineAssetSensor, defineDefinitions, defineRunFailureSensor, defineRunStatusSensor, defineSensor } from 'arco-flow';
const raw = defineAsset({ key: 'raw', compute: async () => ({ metadata: { rows: 2 } }) });
const clean = defineAsset({ key: 'clean', compute: async () => {} });
const boom = defineAsset({ key: 'boom', compute: async () => { throw new Error('bad data'); } });
const alert = defineAsset({ key: 'alert', compute: async () => {} });
export default defineDefinitions({
  assets: [raw, clean, boom, alert],
  sensors: [
    defineAssetSensor({ name: 'on_raw', asset: raw, target: [clean], minimumIntervalSeconds: 30, defaultStatus: 'running' }),
    defineRunStatusSensor({ name: 'on_failure', runStatus: 'FAILURE', minimumIntervalSeconds: 30, defaultStatus: 'running', evaluate: (ctx, run) => {
      ctx.log.warn('run ' + run.runId + ' failed: ' + run.assetKeys.join(','));
      return { runRequests: [{ runKey: run.runId, target: [alert], tags: { failed_run: run.runId } }] };
    } }),
    defineRunFailureSensor({ name: 'failure_detail', minimumIntervalSeconds: 30, defaultStatus: 'running', evaluate: (ctx, run) => {
      ctx.log.info(JSON.stringify({ runId: run.runId, status: run.status, failure: run.failure }));
      return { skipReason: 'noted ' + run.runId };
    } }),
    defineSensor({ name: 'reader', minimumIntervalSeconds: 30, defaultStatus: 'running', evaluate: async (ctx) => {
      const latest = await ctx.instance.latestMaterialization('raw');
      const boom = await ctx.instance.partitionStatuses('boom');
      const since = await ctx.instance.materializations('raw', { afterSequence: 0 });
      return { skipReason: JSON.stringify({ raw: latest?.metadata ?? null, boom: boom.map((p) => p.status), count: since.length }) };
    } }),
  ],
});
`;

async function until<T>(read: () => Promise<T | undefined>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('asset and run-status sensors in the daemon', () => {
  const project = tempProject(SOURCE);
  const db = join(project.dir, 'arco.db');
  const clock = new FakeClock(Date.parse('2026-04-01T00:00:00Z'));
  let definitions: LoadedDefinitions;
  let store: Store;
  let ctx: RuntimeContext;
  let daemon: Daemon;
  const start = async () => {
    store = openSqliteStore({ path: db });
    ctx = createContext(store, clock, definitions);
    daemon = new Daemon(ctx, { tickMs: 20, workers: 1 });
    daemon.start();
  };
  const evaluations = async (name: string) => (await store.automation.listSensorHistory({ sensorName: name, limit: 100 })).filter((e) => e.kind === 'evaluation');
  /** Moves the clock past the interval and waits for one more evaluation of `name`. */
  const nextEvaluation = async (name: string) => {
    const count = (await evaluations(name)).length;
    clock.advance(30_000);
    return until(async () => {
      const list = await evaluations(name);
      return list.length > count ? list[0] : undefined;
    }, `an evaluation of ${name}`);
  };

  before(async () => {
    definitions = await loadDefinitions(project.file);
    await start();
    const started = async (name: string) => (await evaluations(name)).length > 0;
    await until(async () => ((await started('on_failure')) && (await started('on_raw')) && (await started('failure_detail')) ? true : undefined), 'the first evaluations');
  });
  after(async () => {
    await daemon.stop();
    await store.close();
    project.remove();
  });

  test('a run-status sensor starts watching from now: its first evaluation fires for nothing', async () => {
    const [first] = await evaluations('on_failure');
    assert.deepEqual([first?.status, first?.runs], ['SKIPPED', []]);
    assert.match(first?.skipReason ?? '', /watching runs that finish after ledger sequence \d+/);
  });

  test('an asset sensor fires once per new materialization, keyed by its ledger sequence', async () => {
    const { run } = await requestRun(ctx, { selection: ['raw'] });
    assert.equal((await waitForRun(store, run.runId)).status, 'SUCCESS');
    const fired = await nextEvaluation('on_raw');
    const [materialization] = await store.assets.listMaterializations('raw', 1);
    assert.deepEqual([fired.status, fired.cursorAfter, fired.runs.map((r) => r.runKey)], ['SUCCESS', String(materialization?.sequence), [`sensor:on_raw:${materialization?.sequence}`]]);
    const downstream = await waitForRun(store, fired.runs[0]?.runId as string);
    assert.deepEqual([downstream.status, downstream.assetKeys, downstream.tags['arco/sensor_name']], ['SUCCESS', ['clean'], 'on_raw']);
    const quiet = await nextEvaluation('on_raw');
    assert.deepEqual([quiet.status, quiet.runs], ['SKIPPED', []], 'no new materialization: nothing fires');
  });

  test('a run-status sensor fires once for a run that failed, with the run', async () => {
    const { run } = await requestRun(ctx, { selection: ['boom'] });
    assert.equal((await waitForRun(store, run.runId)).status, 'FAILURE');
    const fired = await nextEvaluation('on_failure');
    assert.deepEqual([fired.status, fired.runs.map((r) => r.runKey)], ['SUCCESS', [`sensor:on_failure:${run.runId}`]]);
    assert.deepEqual(fired.logs, [{ level: 'warn', message: `run ${run.runId} failed: boom` }]);
    const alert = await waitForRun(store, fired.runs[0]?.runId as string);
    assert.deepEqual([alert.assetKeys, alert.tags.failed_run], [['alert'], run.runId]);
  });

  test('sensor functions read materializations and partition status through ctx.instance', async () => {
    const read = await nextEvaluation('reader');
    assert.deepEqual(JSON.parse(read.skipReason ?? 'null'), { raw: { rows: 2 }, boom: ['FAILED'], count: 1 });
  });

  test('after a daemon restart neither sensor fires again for what it already saw', async () => {
    await daemon.stop();
    await store.close();
    await start();
    const failure = await nextEvaluation('on_failure');
    const asset = await nextEvaluation('on_raw');
    assert.deepEqual([failure.status, failure.runs, asset.status, asset.runs], ['SKIPPED', [], 'SKIPPED', []]);
    const alerts = await store.runs.listRuns({ tags: [['arco/sensor_name', 'on_failure']], limit: 10 });
    const cleans = await store.runs.listRuns({ tags: [['arco/sensor_name', 'on_raw']], limit: 10 });
    assert.deepEqual([alerts.length, cleans.length], [1, 1]);
  });

  test("a run-failure sensor fires once for a run that failed, with the run's failure: each failed task and its error", async () => {
    const { run } = await requestRun(ctx, { selection: ['boom', 'raw'] });
    assert.equal((await waitForRun(store, run.runId)).status, 'FAILURE');
    type Noted = { runId: string; status: string; failure: { message: string; failedTaskCount: number; tasks: { taskKey: string; attempts: number; error: { code: string; message: string } | null }[] } | null };
    const noted = async (): Promise<Noted[]> =>
      (await evaluations('failure_detail')).flatMap((e) => e.logs.map((l) => JSON.parse(l.message) as Noted)).filter((n) => n.runId === run.runId);
    for (let i = 0; i < 3 && (await noted()).length === 0; i += 1) await nextEvaluation('failure_detail');
    const [seen, ...again] = await noted();
    assert.deepEqual(again, [], 'once');
    assert.equal(seen?.status, 'FAILURE');
    assert.deepEqual(seen?.failure?.tasks.map((t) => [t.taskKey, t.attempts, t.error?.code, t.error?.message]), [['boom', 1, 'USER_CODE_ERROR', 'bad data']], 'raw succeeded: only boom is named');
    assert.equal(seen?.failure?.failedTaskCount, 1);
    assert.equal(seen?.failure?.message, 'boom failed with USER_CODE_ERROR: bad data');
    await nextEvaluation('failure_detail');
    assert.equal((await noted()).length, 1, 'not again at the next evaluation');
  });

  test('an asset sensor evaluated after several new materializations fires once for each, oldest first, and its cursor moves to the last', async () => {
    // Whatever earlier tests left unseen is seen first.
    await nextEvaluation('on_raw');
    for (let i = 0; i < 3; i += 1) {
      const { run } = await requestRun(ctx, { selection: ['raw'] });
      assert.equal((await waitForRun(store, run.runId)).status, 'SUCCESS');
    }
    const materialized = (await store.assets.listMaterializations('raw', 3)).map((m) => m.sequence).sort((a, b) => a - b);
    const fired = await nextEvaluation('on_raw');
    assert.deepEqual([fired.status, fired.cursorAfter], ['SUCCESS', String(materialized[2])]);
    assert.deepEqual(fired.runs.map((r) => r.runKey), materialized.map((sequence) => `sensor:on_raw:${sequence}`));
    const again = await nextEvaluation('on_raw');
    assert.deepEqual([again.status, again.runs], ['SKIPPED', []], 'none of them fires again');
  });
});

const MONITORED_SOURCE = `import { defineAsset, defineDefinitions, defineRunStatusSensor } from 'arco-flow';
const boom = defineAsset({ key: 'boom', compute: async () => { throw new Error('bad data'); } });
const bang = defineAsset({ key: 'bang', compute: async () => { throw new Error('bad input'); } });
const alert = defineAsset({ key: 'alert', compute: async () => {} });
const fire = (ctx, run) => ({ runRequests: [{ runKey: run.runId, target: [alert] }] });
export default defineDefinitions({
  assets: [boom, bang, alert],
  sensors: [
    defineRunStatusSensor({ name: 'any_failure', runStatus: 'FAILURE', minimumIntervalSeconds: 30, defaultStatus: 'running', evaluate: fire }),
    defineRunStatusSensor({ name: 'boom_failure', runStatus: 'FAILURE', monitoredTarget: [boom], minimumIntervalSeconds: 30, defaultStatus: 'running', evaluate: fire }),
  ],
});
`;

/**
 * Goal: a run-status sensor with a monitored target fires only for runs of that target, and a
 * sensor fires once for each of several runs that failed between two evaluations. Method: a real
 * daemon; runs fail before the fake clock moves, so one evaluation sees all of them.
 */
describe('run-status sensors: monitored target and several runs per evaluation', () => {
  const project = tempProject(MONITORED_SOURCE);
  const clock = new FakeClock(Date.parse('2026-04-01T00:00:00Z'));
  let store: Store;
  let ctx: RuntimeContext;
  let daemon: Daemon;
  const evaluations = async (name: string) => (await store.automation.listSensorHistory({ sensorName: name, limit: 100 })).filter((e) => e.kind === 'evaluation');
  const fired = async (name: string) => (await evaluations(name)).flatMap((e) => e.runs.map((r) => r.runKey));
  /** Moves the clock past the interval and waits until both sensors evaluated once more. */
  const evaluateBoth = async () => {
    const counts = [(await evaluations('any_failure')).length, (await evaluations('boom_failure')).length];
    clock.advance(30_000);
    await until(async () => ((await evaluations('any_failure')).length > counts[0]! && (await evaluations('boom_failure')).length > counts[1]! ? true : undefined), 'an evaluation of each sensor');
  };
  const failedRun = async (asset: string) => {
    const { run } = await requestRun(ctx, { selection: [asset] });
    assert.equal((await waitForRun(store, run.runId)).status, 'FAILURE');
    return run.runId;
  };

  before(async () => {
    store = openSqliteStore({ path: join(project.dir, 'arco.db') });
    ctx = createContext(store, clock, await loadDefinitions(project.file));
    daemon = new Daemon(ctx, { tickMs: 20, workers: 1 });
    daemon.start();
    await until(async () => ((await evaluations('any_failure')).length > 0 && (await evaluations('boom_failure')).length > 0 ? true : undefined), 'the first evaluations');
  });
  after(async () => {
    await daemon.stop();
    await store.close();
    project.remove();
  });

  test('a run-status sensor with a monitored target ignores failed runs of assets outside it', async () => {
    const bang = await failedRun('bang');
    await evaluateBoth();
    assert.deepEqual(await fired('any_failure'), [`sensor:any_failure:${bang}`], 'the unmonitored sensor saw the failure');
    assert.deepEqual(await fired('boom_failure'), [], 'the sensor monitoring boom did not fire for bang');
    const [latest] = await evaluations('boom_failure');
    assert.equal(latest?.status, 'SKIPPED');
  });

  test('two runs that failed between evaluations fire the run-status sensor twice, once for each run', async () => {
    const first = await failedRun('boom');
    const second = await failedRun('boom');
    const before = (await fired('boom_failure')).length;
    await evaluateBoth();
    const [latest] = await evaluations('boom_failure');
    assert.deepEqual([latest?.status, latest?.runs.map((r) => r.runKey)], ['SUCCESS', [`sensor:boom_failure:${first}`, `sensor:boom_failure:${second}`]]);
    assert.equal((await fired('boom_failure')).length, before + 2);
    const alerts = await store.runs.listRuns({ tags: [['arco/sensor_name', 'boom_failure']], limit: 10 });
    assert.equal(alerts.length, 2, 'one alert run per failed run');
  });
});
