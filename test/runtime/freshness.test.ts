/**
 * Goal: a freshness policy moves PASS → WARN → FAIL as time passes with no event, back to PASS
 * when the asset materializes again, and each change is recorded once as an
 * AssetFreshnessChanged in the ledger (what `arco events` lists), which a sensor reads through
 * `ctx.instance.freshness` to react once to a FAIL. Method: a
 * real daemon with a worker process and a fake clock moved by hand; the asset views are read at
 * the same clock.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { invokeOperation, listAssetsOp, listEventsOp, type OperationContext } from '../../src/operations/index.js';
import { Daemon, FakeClock, createContext, freshnessOf, loadDefinitions, requestRun, type RuntimeContext } from '../../src/runtime/index.js';
import { openSqliteStore, type Store } from '../../src/store/index.js';
import { tempProject, waitForRun } from '../helpers/project.js';

const SOURCE = `import { defineAsset, defineDefinitions, defineSensor } from 'arco-flow';
const report = defineAsset({ key: 'report', freshness: { failAfter: '1h', warnAfter: '30m' }, compute: async () => {} });
const hourly = defineAsset({ key: 'hourly', freshness: { maxLagMinutes: 60 }, compute: async () => {} });
const plain = defineAsset({ key: 'plain', compute: async () => {} });
// Reacts once to each recorded change of report's freshness (its stateVersion is the cursor) and
// requests an alert run when the change is to FAIL.
const onReportFail = defineSensor({ name: 'on_report_fail', target: [plain], minimumIntervalSeconds: 30, defaultStatus: 'running', evaluate: async (ctx) => {
  const f = await ctx.instance.freshness('report');
  if (f === null || String(f.stateVersion) === ctx.cursor) return { skipReason: 'no freshness change' };
  if (f.state !== 'FAIL') return { cursor: String(f.stateVersion), skipReason: 'report is ' + f.state };
  return { cursor: String(f.stateVersion), runRequests: [{ runKey: 'report_failed:' + f.stateVersion }] };
} });
export default defineDefinitions({ assets: [report, hourly, plain], sensors: [onReportFail] });
`;

const MINUTE = 60_000;

async function until<T>(read: () => Promise<T | undefined>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('freshness in the daemon over time', () => {
  const project = tempProject(SOURCE);
  const clock = new FakeClock(Date.parse('2026-04-01T00:00:00Z'));
  let store: Store;
  let ctx: RuntimeContext;
  let daemon: Daemon;
  const operations = (): OperationContext => ({ store, runtime: async () => ctx });
  /** Waits until the daemon recorded `state` for `asset` (its record at exactly that state). */
  const recorded = (asset: string, state: string) =>
    until(async () => {
      const record = (await store.assets.listAssetFreshness()).find((r) => r.assetKey === asset);
      return record?.state === state ? record : undefined;
    }, `${asset} recorded ${state}`);
  const materialize = async (asset: string) => {
    const { run } = await requestRun(ctx, { selection: [asset] });
    assert.equal((await waitForRun(store, run.runId)).status, 'SUCCESS');
  };
  const freshnessEvents = async () =>
    (await invokeOperation(operations(), listEventsOp, { limit: 1000 })).events
      .filter((e) => e.type === 'AssetFreshnessChanged')
      .map((e) => e.payload as { assetKey: string; state: string; stateVersion: number; previousState: string | null });

  before(async () => {
    store = openSqliteStore({ path: join(project.dir, 'arco.db') });
    ctx = createContext(store, clock, await loadDefinitions(project.file));
    daemon = new Daemon(ctx, { tickMs: 20, workers: 1 });
    daemon.start();
  });
  after(async () => {
    await daemon.stop();
    await store.close();
    project.remove();
  });

  test('an asset never materialized is recorded UNKNOWN at the first evaluation; an asset without a policy is not recorded', async () => {
    await recorded('report', 'UNKNOWN');
    await recorded('hourly', 'UNKNOWN');
    assert.deepEqual((await store.assets.listAssetFreshness()).map((r) => r.assetKey), ['hourly', 'report']);
  });

  test('PASS after a materialization, then WARN at warnAfter and FAIL at failAfter as the clock moves with no event', async () => {
    await materialize('report');
    const materializedAt = clock.now();
    clock.advance(MINUTE);
    await recorded('report', 'PASS');
    clock.set(materializedAt + 30 * MINUTE);
    await recorded('report', 'WARN');
    clock.set(materializedAt + 60 * MINUTE);
    const failed = await recorded('report', 'FAIL');
    assert.deepEqual([failed.lagMinutes, failed.previousState], [60, 'WARN']);
  });

  test('a sensor reading ctx.instance.freshness reacts once to the change to FAIL', async () => {
    const sensorRuns = () => store.runs.listRuns({ tags: [['arco/sensor_name', 'on_report_fail']], limit: 10 });
    const [run] = await until(async () => {
      clock.advance(30_000);
      const runs = await sensorRuns();
      return runs.length > 0 ? runs : undefined;
    }, 'the sensor to request a run');
    assert.equal(run?.runKey, 'sensor:on_report_fail:report_failed:4', 'keyed by the change it reacts to (stateVersion 4: WARN to FAIL)');
    for (let i = 0; i < 3; i += 1) {
      const before = (await store.automation.listSensorHistory({ sensorName: 'on_report_fail', limit: 100 })).length;
      clock.advance(30_000);
      await until(async () => ((await store.automation.listSensorHistory({ sensorName: 'on_report_fail', limit: 100 })).length > before ? true : undefined), 'another evaluation');
    }
    assert.equal((await sensorRuns()).length, 1, 'later evaluations see the same recorded change and request nothing');
    await waitForRun(store, run?.runId ?? '');
  });

  test('PASS again after the next materialization, and each change is in the ledger once, numbered in order', async () => {
    await materialize('report');
    clock.advance(MINUTE);
    await recorded('report', 'PASS');
    assert.deepEqual(
      (await freshnessEvents()).filter((e) => e.assetKey === 'report').map((e) => [e.stateVersion, e.previousState, e.state]),
      [[1, null, 'UNKNOWN'], [2, 'UNKNOWN', 'PASS'], [3, 'PASS', 'WARN'], [4, 'WARN', 'FAIL'], [5, 'FAIL', 'PASS']],
    );
  });

  test('the asset views show the freshness now: a state per policy, none for an asset without one', async () => {
    const start = clock.now();
    clock.advance(45 * MINUTE);
    const { assets } = await invokeOperation(operations(), listAssetsOp, {});
    assert.deepEqual(assets.map((a) => [a.key, a.freshness?.state ?? null]), [['hourly', 'UNKNOWN'], ['plain', null], ['report', 'WARN']]);
    const report = await freshnessOf(store, ctx.definitions, 'report', clock.now());
    assert.ok(report);
    assert.equal(report.failAfterMinutes, 60);
    assert.equal(report.warnAfterMinutes, 30);
    assert.equal(report.nextChangeAt, new Date(Date.parse(report.lastMaterializedAt ?? '') + 60 * MINUTE).toISOString());
    assert.ok(Math.abs((report.lagMinutes ?? 0) - (clock.now() - Date.parse(report.lastMaterializedAt ?? '')) / MINUTE) < 1e-9);
    assert.equal(await freshnessOf(store, ctx.definitions, 'plain', clock.now()), null);
    clock.set(start);
  });
});

const CRON_SOURCE = `import { defineAsset, defineDefinitions } from 'arco-flow';
const daily = defineAsset({ key: 'daily_report', freshness: { deadlineCron: '0 9 * * *', lowerBound: '1h' }, compute: async () => {} });
export default defineDefinitions({ assets: [daily] });
`;

/**
 * Goal: a cron policy passes while the asset materialized in the hour before the latest 09:00
 * deadline, fails at the first deadline it misses with no event in between, and passes again on a
 * late materialization; each change is recorded once. Method: as above, a real daemon and worker
 * with a fake clock moved by hand across two days.
 */
describe('cron freshness in the daemon over time', () => {
  const project = tempProject(CRON_SOURCE);
  const clock = new FakeClock(Date.parse('2026-04-01T08:00:00Z'));
  let store: Store;
  let ctx: RuntimeContext;
  let daemon: Daemon;
  const operations = (): OperationContext => ({ store, runtime: async () => ctx });
  const recorded = (state: string) =>
    until(async () => {
      const record = (await store.assets.listAssetFreshness()).find((r) => r.assetKey === 'daily_report');
      return record?.state === state ? record : undefined;
    }, `daily_report recorded ${state}`);
  const materialize = async () => {
    const { run } = await requestRun(ctx, { selection: ['daily_report'] });
    assert.equal((await waitForRun(store, run.runId)).status, 'SUCCESS');
  };
  const view = () => freshnessOf(store, ctx.definitions, 'daily_report', clock.now());

  before(async () => {
    store = openSqliteStore({ path: join(project.dir, 'arco.db') });
    ctx = createContext(store, clock, await loadDefinitions(project.file));
    daemon = new Daemon(ctx, { tickMs: 20, workers: 1 });
    daemon.start();
  });
  after(async () => {
    await daemon.stop();
    await store.close();
    project.remove();
  });

  test('PASS after a materialization in the window, FAIL at the next deadline it misses with no event, PASS again after a late one', async () => {
    await recorded('UNKNOWN');
    clock.set(Date.parse('2026-04-01T08:30:00Z'));
    await materialize();
    clock.advance(MINUTE);
    await recorded('PASS');

    clock.set(Date.parse('2026-04-01T09:10:00Z'));
    const afterDeadline = await view();
    assert.deepEqual(
      [afterDeadline?.state, afterDeadline?.policy, afterDeadline?.failAfterMinutes, afterDeadline?.nextChangeAt],
      ['PASS', { kind: 'cron', deadlineCron: '0 9 * * *', lowerBoundMinutes: 60, timezone: 'UTC' }, null, '2026-04-02T09:00:00.000Z'],
    );
    clock.set(Date.parse('2026-04-02T08:59:00Z'));
    assert.equal((await view())?.state, 'PASS', "before today's deadline, yesterday's window still holds");

    clock.set(Date.parse('2026-04-02T09:00:00Z'));
    const failed = await recorded('FAIL');
    assert.deepEqual([failed.previousState, failed.lagMinutes], ['PASS', 24 * 60 + 30]);
    assert.equal((await view())?.nextChangeAt, null, 'a missed deadline changes only with a materialization');

    clock.set(Date.parse('2026-04-02T09:20:00Z'));
    await materialize();
    clock.advance(MINUTE);
    await recorded('PASS');
    const events = (await invokeOperation(operations(), listEventsOp, { limit: 1000 })).events
      .filter((e) => e.type === 'AssetFreshnessChanged')
      .map((e) => e.payload as { stateVersion: number; previousState: string | null; state: string })
      .map((e) => [e.stateVersion, e.previousState, e.state]);
    assert.deepEqual(events, [[1, null, 'UNKNOWN'], [2, 'UNKNOWN', 'PASS'], [3, 'PASS', 'FAIL'], [4, 'FAIL', 'PASS']]);
  });
});
