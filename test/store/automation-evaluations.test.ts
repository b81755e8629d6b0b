/**
 * Automation condition evaluations on both engines: an evaluation is recorded with every asset's
 * node truths and read back newest first, by asset and page; two daemons evaluating the same state
 * apply one evaluation (the other loses the sensor's compare-and-swap and requests nothing); and
 * rebuilding the projections folds the evaluations and the cursor again from the ledger.
 */
import { describe } from 'node:test';
import assert from 'node:assert/strict';
import { dailyPartitions, defineAsset, defineDefinitions, eager, onMissing } from '../../src/authoring/index.js';
import {
  FakeClock,
  createContext,
  evaluateAutomationConditionSensor,
  indexDefinitions,
  listAutomationEvaluations,
  syncAutomation,
} from '../../src/runtime/index.js';
import type { Store } from '../../src/store/index.js';
import { skippable } from '../helpers/skippable.js';
import { storeEngines } from '../helpers/store-engines.js';

const compute = async () => {};
const days = defineAsset({ key: 'days', partitions: dailyPartitions({ start: '2026-03-01' }), automation: onMissing(), compute });
const defs = indexDefinitions(
  'definitions.ts',
  defineDefinitions({ assets: [days, defineAsset({ key: 'total', deps: [days], automation: eager(), compute }), defineAsset({ key: 'plain', compute })] }),
);
const T1 = Date.parse('2026-03-05T12:00:00Z');
const T2 = Date.parse('2026-03-06T00:00:10Z');
const T3 = Date.parse('2026-03-06T00:00:40Z');

const engines = await storeEngines('arco-automation-evals-');

for (const engine of engines) {
  const { test, before, after } = skippable(engine.skip);
  describe(`automation condition evaluations on ${engine.name}`, () => {
    let store: Store;
    const ctxAt = (now: number, seed = 1) => createContext(store, new FakeClock(now), defs, seed);
    before(async () => {
      store = await engine.open();
      await syncAutomation(ctxAt(T1));
    });
    after(async () => {
      await store.close();
      await engine.cleanup();
    });

    test('two daemons evaluating the same state apply one evaluation: the other loses the compare-and-swap and requests nothing', async () => {
      assert.equal((await evaluateAutomationConditionSensor(ctxAt(T1), { nowEpochMs: T1 })).evaluationId, 1);
      let second: Awaited<ReturnType<typeof evaluateAutomationConditionSensor>> | undefined;
      const first = await evaluateAutomationConditionSensor(ctxAt(T2, 2), {
        nowEpochMs: T2,
        // The first daemon has decided; the second decides and appends before the first appends.
        crash: async (point) => {
          if (point === 'automation:decided' && second === undefined) second = await evaluateAutomationConditionSensor(ctxAt(T2, 3), { nowEpochMs: T2 });
        },
      });
      assert.deepEqual([second?.status, second?.runIds.length, first.status, first.runIds.length], ['SUCCESS', 1, 'STALE', 0]);
      const runs = await store.runs.listRuns({ limit: 10 });
      assert.deepEqual(runs.map((r) => [r.assetKeys.join(','), r.tags['arco/partition'], r.tags['arco/sensor_name']]), [['days', '2026-03-05', 'default_automation_condition_sensor']]);
      assert.equal((await evaluateAutomationConditionSensor(ctxAt(T3), { nowEpochMs: T3 })).evaluationId, 3);
    });

    test('evaluations read back newest first, per asset with its node truths, a page at a time', async () => {
      const page = await listAutomationEvaluations({ store, definitions: defs }, { asset: 'days', limit: 2 });
      assert.deepEqual(page.evaluations.map((e) => e.evaluationId), [3, 2]);
      assert.equal(page.nextCursor, 2);
      const [, requesting] = page.evaluations;
      const asset = requesting?.assets[0];
      assert.deepEqual([asset?.assetKey, asset?.requested, asset?.requestedPartitionKeys, asset?.runs.length], ['days', true, ['2026-03-05'], 1]);
      assert.deepEqual(asset?.nodes[0], { path: '0', label: 'on_missing', kind: 'and', candidateCount: 5, trueCount: 1, truePartitionKeys: ['2026-03-05'], true: true });
      const rest = await listAutomationEvaluations({ store, definitions: defs }, { cursor: 2, limit: 5 });
      assert.deepEqual(rest.evaluations.map((e) => [e.evaluationId, e.assets.map((a) => [a.assetKey, a.requested])]), [[1, [['days', false], ['total', false]]]]);
      assert.equal(rest.nextCursor, null);
      await assert.rejects(listAutomationEvaluations({ store, definitions: defs }, { asset: 'nope', limit: 5 }), { code: 'UNKNOWN_ASSET' });
    });

    test('rebuilding the projections folds the evaluations and the cursor again from the ledger', async () => {
      const hash = await store.admin.projectionHash();
      const cursor = await store.automation.getAutomationCursor();
      const evaluations = await store.automation.listAutomationEvaluations({ limit: 10 });
      await engine.exec(`DELETE FROM automation_evaluations WHERE evaluation_id = 2`);
      await engine.exec(`UPDATE automation_cursor SET evaluation_id = 9, doc = replace(doc, '"evaluationId":3', '"evaluationId":9')`);
      assert.equal((await store.automation.getAutomationCursor())?.evaluationId, 9, 'the damage is visible before the rebuild');
      assert.notEqual(await store.admin.projectionHash(), hash);
      const rebuilt = await store.admin.rebuildProjections();
      assert.equal(rebuilt.hash, hash);
      assert.deepEqual(await store.automation.getAutomationCursor(), cursor);
      assert.deepEqual(await store.automation.listAutomationEvaluations({ limit: 10 }), evaluations);
    });
  });
}
