/**
 * Retention on both engines (PRD-23): with `retention: { ticks: '1h', evaluations: '1h', runs: '1h' }`,
 * a retention pass forgets schedule ticks, sensor evaluations and finished runs older than an hour,
 * keeps what is newer, what is still in progress and each schedule's latest tick, appends nothing
 * when repeated, and leaves projections that a replay of the ledger reproduces exactly.
 * Method: the automation step on a fake clock ticks a schedule every minute and evaluates a sensor;
 * a run is canceled to have a finished one; then the clock moves on and `purgeExpired` runs.
 */
import { describe } from 'node:test';
import assert from 'node:assert/strict';
import { Automation, FakeClock, cancelRun, createContext, loadDefinitions, purgeExpired, requestRun } from '../../src/runtime/index.js';
import type { Store } from '../../src/store/index.js';
import { tempProject } from '../helpers/project.js';
import { skippable } from '../helpers/skippable.js';
import { storeEngines } from '../helpers/store-engines.js';

const SOURCE = `import { defineAsset, defineDefinitions, defineSchedule, defineSensor } from 'arco-flow';
const a = defineAsset({ key: 'a', compute: async () => {} });
export default defineDefinitions({
  assets: [a],
  schedules: [defineSchedule({ name: 'every_minute', cron: '* * * * *', target: [a], defaultStatus: 'running' })],
  sensors: [defineSensor({ name: 'watcher', target: [a], minimumIntervalSeconds: 30, defaultStatus: 'running', evaluate: () => ({ skipReason: 'nothing new' }) })],
  instance: { retention: { ticks: '1h', evaluations: '1h', runs: '1h' } },
});
`;
const T = Date.parse('2026-03-02T00:00:20Z');
const engines = await storeEngines('arco-retention-');

for (const engine of engines) {
  const { test, before, after } = skippable(engine.skip);
  describe(`retention on ${engine.name}`, () => {
    const project = tempProject(SOURCE);
    let store: Store;
    before(async () => {
      store = await engine.open();
    });
    after(async () => {
      await store.close();
      await engine.cleanup();
      project.remove();
    });

    test('forgets ticks, evaluations and finished runs older than kept, keeps the rest and the latest tick, and replays to the same projections', async () => {
      const clock = new FakeClock(T);
      const ctx = createContext(store, clock, await loadDefinitions(project.file));
      const automation = new Automation(ctx);
      for (let minute = 0; minute <= 4; minute += 1) {
        clock.set(T + minute * 60_000);
        await automation.runOnce(clock.now());
      }
      await automation.stop();
      const finished = (await requestRun(ctx, { selection: ['a'] })).run;
      await cancelRun(ctx, finished.runId);
      const ticks = () => store.automation.listScheduleTicks({ scheduleName: 'every_minute', limit: 100 });
      const evaluations = () => store.automation.listSensorHistory({ sensorName: 'watcher', limit: 100 });
      const ticksBefore = await ticks();
      assert.equal(ticksBefore.length, 4);
      assert.ok((await evaluations()).length >= 4);
      const queued = (await store.runs.listRuns({ statuses: ['QUEUED'], limit: 100 })).length;
      assert.equal(queued, 4, 'each tick requested a run, still queued (no daemon)');

      const soon = await purgeExpired(ctx, T + 30 * 60_000);
      assert.deepEqual(soon, { scheduleTicks: 0, sensorHistory: 0, automationEvaluations: 0, runs: 0 }, 'nothing is an hour old yet');

      const later = T + 3 * 3_600_000;
      const report = await purgeExpired(ctx, later);
      assert.deepEqual(report, { scheduleTicks: 3, sensorHistory: report.sensorHistory, automationEvaluations: 0, runs: 1 });
      assert.ok(report.sensorHistory >= 4);
      assert.deepEqual((await ticks()).map((t) => t.epochSeconds), [ticksBefore[0]?.epochSeconds], 'the latest tick stays');
      assert.deepEqual(await evaluations(), []);
      assert.equal(await store.runs.getRun(finished.runId), undefined, 'the finished run is gone');
      assert.equal((await store.runs.listRuns({ statuses: ['QUEUED'], limit: 100 })).length, queued, 'runs in progress stay');

      const sequence = await store.ledger.lastSequence();
      assert.deepEqual(await purgeExpired(ctx, later), { scheduleTicks: 0, sensorHistory: 0, automationEvaluations: 0, runs: 0 });
      assert.equal(await store.ledger.lastSequence(), sequence, 'a repeated pass appends nothing');
      const live = await store.admin.projectionHash();
      assert.equal((await store.admin.rebuildProjections()).hash, live, 'a replay of the ledger gives the same projections');
    });
  });
}
