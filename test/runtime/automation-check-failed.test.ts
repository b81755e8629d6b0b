/**
 * `checkFailed()` in the daemon reads the asset checks' recorded results: false while no check of
 * the asset has failed, true once the latest result of one failed, and false again once it passes.
 * Method: the check results are appended as a run's check task records them; the automation step
 * runs on a fake clock.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { draft, idempotencyKeys } from '../../src/events/index.js';
import { Automation, FakeClock, commit, createContext, loadDefinitions, requestRun } from '../../src/runtime/index.js';
import { openSqliteStore } from '../../src/store/index.js';
import { tempProject } from '../helpers/project.js';

const SOURCE = `import { defineAsset, defineAssetCheck, defineDefinitions, checkFailed } from 'arco-flow';
const orders = defineAsset({ key: 'orders', automation: checkFailed(), compute: async () => {} });
const rows = defineAssetCheck({ asset: orders, name: 'row_count', compute: async () => ({ passed: true }) });
export default defineDefinitions({ assets: [orders], assetChecks: [rows] });
`;
const T = Date.parse('2026-03-05T12:00:00Z');

test("checkFailed() is true exactly while the latest result of one of the asset's checks failed", async () => {
  const project = tempProject(SOURCE);
  const store = openSqliteStore({ path: join(project.dir, 'arco.db') });
  const clock = new FakeClock(T);
  const ctx = createContext(store, clock, await loadDefinitions(project.file));
  const automation = new Automation(ctx);
  const recordCheck = async (passed: boolean) => {
    const { run } = await requestRun(ctx, { selection: [], checks: ['orders#row_count'] });
    const runId = run.runId;
    const payload = { runId, taskKey: 'orders#row_count', attempt: 1, assetKey: 'orders', partitionKey: null, checkName: 'row_count', passed, severity: 'ERROR' as const, metadata: {}, blocking: false, evaluatedAt: new Date(clock.now()).toISOString() };
    await commit(ctx, [draft('AssetCheckEvaluated', payload, idempotencyKeys.assetCheckEvaluated(runId, 'orders#row_count', 1), runId)], clock.now());
  };
  const evaluateAt = async (ms: number) => {
    clock.set(ms);
    await automation.runOnce(ms);
    const [latest] = await store.automation.listAutomationEvaluations({ assetKey: 'orders', limit: 1 });
    return latest?.nodes.find((n) => n.label === 'check_failed')?.trueCount;
  };
  try {
    assert.equal(await evaluateAt(T), 0, 'no result yet');
    await recordCheck(false);
    assert.equal(await evaluateAt(T + 30_000), 1, 'the latest result failed');
    await recordCheck(true);
    assert.equal(await evaluateAt(T + 60_000), 0, 'it passes again');
  } finally {
    await automation.stop();
    await store.close();
    project.remove();
  }
});
