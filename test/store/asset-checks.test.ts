/**
 * Asset check results on both engines, driven through the real run commands without worker
 * processes: the coordinator dispatches, and each attempt's report is applied as a worker would
 * send it. Proves the latest result per (asset, check, partition), that a check's failed task
 * leaves its asset partition's status alone, and that rebuilding the projections re-folds
 * `asset_check_results` from the ledger (a deleted or damaged row comes back).
 */
import { describe } from 'node:test';
import assert from 'node:assert/strict';
import { defineAsset, defineAssetCheck, defineDefinitions, staticPartitions } from '../../src/authoring/index.js';
import { decideRunProgress, type CheckOutcome } from '../../src/controllers/index.js';
import { isTerminalRun } from '../../src/domain/runs/index.js';
import { FakeClock, applyAttemptReport, commit, createContext, indexDefinitions, latestAssetCheckResults, requestRun, type RuntimeContext } from '../../src/runtime/index.js';
import type { Store } from '../../src/store/index.js';
import { sensorInstance } from '../../src/runtime/automation/sensor-instance.js';
import { makeIds } from '../helpers/runs.js';
import { skippable } from '../helpers/skippable.js';
import { storeEngines } from '../helpers/store-engines.js';

const NOW = Date.parse('2026-03-10T12:00:00Z');
const compute = async () => {};
const orders = defineAsset({ key: 'orders', compute, partitions: staticPartitions(['eu', 'us']) });
const summary = defineAsset({ key: 'summary', deps: [orders], compute, partitions: staticPartitions(['eu', 'us']) });
const checkCompute = () => ({ passed: true });
const defs = indexDefinitions(
  'definitions.ts',
  defineDefinitions({
    assets: [orders, summary],
    assetChecks: [defineAssetCheck({ asset: orders, name: 'rows', blocking: true, compute: checkCompute }), defineAssetCheck({ asset: orders, name: 'schema', compute: checkCompute })],
  }),
);

type Outcome = { check?: CheckOutcome; fail?: string };

/** Runs the run to its end: every task succeeds, except as `outcomes` (by task key) say. */
async function drive(ctx: RuntimeContext, runId: string, outcomes: Readonly<Record<string, Outcome>>): Promise<void> {
  for (let i = 0; i < 20; i += 1) {
    const runs = await ctx.store.runs.listActiveRuns();
    const run = runs.find((r) => r.runId === runId);
    if (!run || isTerminalRun(run.status)) return;
    const steps = decideRunProgress({ runs: [run], nowEpochMs: NOW, freeWorkerSlots: ['w0', 'w1', 'w2', 'w3', 'w4', 'w5'], heartbeats: new Map(), attemptLeaseMs: 60_000, maxConcurrentRuns: null, ids: makeIds(i + 3) });
    for (const s of steps) await commit(ctx, s.drafts, NOW, [{ table: 'runs', id: s.runId, version: s.expectVersion }]);
    const after = await ctx.store.runs.getRun(runId);
    for (const task of after?.tasks ?? []) {
      if (task.status !== 'DISPATCHED') continue;
      const attempt = task.attempts[task.attempts.length - 1]!;
      const o = outcomes[task.taskKey] ?? {};
      await applyAttemptReport(ctx, { kind: 'started', runId, taskKey: task.taskKey, attemptId: attempt.attemptId, workerId: attempt.workerId });
      await applyAttemptReport(ctx, {
        kind: 'finished',
        runId,
        taskKey: task.taskKey,
        attemptId: attempt.attemptId,
        outcome: o.fail ? 'FAILED' : 'SUCCEEDED',
        error: o.fail ? { code: 'USER_CODE_ERROR', message: o.fail, errorClass: 'Error', stack: null, retryable: true } : null,
        durationMs: 1,
        dataVersion: null,
        metadata: {},
        check: task.checkName === null ? null : (o.check ?? { passed: true, severity: 'ERROR', metadata: {} }),
      });
    }
  }
  throw new Error(`run ${runId} did not end`);
}

const engines = await storeEngines('arco-checks-');

for (const engine of engines) {
  const { test, before, after } = skippable(engine.skip);
  describe(`asset check results on ${engine.name}`, () => {
    let store: Store;
    let ctx: RuntimeContext;
    before(async () => {
      store = await engine.open();
      ctx = createContext(store, new FakeClock(NOW), defs, 5);
    });
    after(async () => {
      await store.close();
      await engine.cleanup();
    });

    test('the latest result of each check is kept per partition; a later run replaces it', async () => {
      const first = await requestRun(ctx, { selection: ['orders', 'summary'], partition: 'eu,us' });
      await drive(ctx, first.run.runId, { 'orders[us]#rows': { check: { passed: false, severity: 'ERROR', metadata: { missing: 4 } } } });
      const done = await store.runs.getRun(first.run.runId);
      const statusOf = (key: string) => done?.tasks.find((t) => t.taskKey === key);
      assert.deepEqual([statusOf('summary[eu]')?.status, statusOf('summary[us]')?.status], ['SUCCEEDED', 'SKIPPED']);
      assert.deepEqual(statusOf('summary[us]')?.skipCause, { taskKey: 'orders[us]#rows', status: 'CHECK_FAILED', finishedAt: new Date(NOW).toISOString() });
      const results = await latestAssetCheckResults(store, 'orders');
      assert.deepEqual(results.map((r) => [r.checkName, r.partitionKey, r.status, r.blocking]), [
        ['rows', 'eu', 'SUCCEEDED', true],
        ['rows', 'us', 'FAILED', true],
        ['schema', 'eu', 'SUCCEEDED', false],
        ['schema', 'us', 'SUCCEEDED', false],
      ]);
      const second = await requestRun(ctx, { selection: [], checks: ['orders#rows'], partition: 'us' });
      await drive(ctx, second.run.runId, {});
      const [latest] = await latestAssetCheckResults(store, 'orders', { checkName: 'rows', partitionKey: 'us' });
      assert.deepEqual([latest?.status, latest?.runId], ['SUCCEEDED', second.run.runId]);
    });

    test("a sensor reads an asset's latest check results through ctx.instance.checkResults", async () => {
      const rows = await sensorInstance(store).checkResults('orders', 'rows');
      assert.deepEqual(rows.map((r) => [r.checkName, r.partitionKey, r.status, r.severity]), [
        ['rows', 'eu', 'SUCCEEDED', 'ERROR'],
        ['rows', 'us', 'SUCCEEDED', 'ERROR'],
      ]);
      assert.equal((await sensorInstance(store).checkResults('orders')).length, 4, 'every check when no name is given');
    });

    test("a check whose task failed is EXECUTION_FAILED and leaves its asset partition's status as it was", async () => {
      const { run } = await requestRun(ctx, { selection: ['orders'], partition: 'eu' });
      await drive(ctx, run.runId, { 'orders[eu]#schema': { fail: 'boom' } });
      const [schema] = await latestAssetCheckResults(store, 'orders', { checkName: 'schema', partitionKey: 'eu' });
      assert.deepEqual([schema?.status, schema?.passed, schema?.error], ['EXECUTION_FAILED', null, { code: 'USER_CODE_ERROR', message: 'boom' }]);
      const partition = await store.assets.getAssetPartition('orders', 'eu');
      assert.equal(partition?.lastFailure, null, 'no failure recorded for the asset partition');
      const status = await store.assets.getAssetPartitionStatus('orders');
      assert.deepEqual(status?.failed, { windows: [], keys: [] });
      assert.deepEqual(status?.materialized.keys, ['eu', 'us']);
    });

    test('rebuilding the projections folds asset_check_results again from the ledger: a deleted or damaged row comes back', async () => {
      const before = await latestAssetCheckResults(store, 'orders');
      const hash = await store.admin.projectionHash();
      await engine.exec(`DELETE FROM asset_check_results WHERE id = 'orders#rows[eu]'`);
      await engine.exec(`UPDATE asset_check_results SET status = 'SUCCEEDED', doc = replace(doc, '"EXECUTION_FAILED"', '"SUCCEEDED"') WHERE id = 'orders#schema[eu]'`);
      const damaged = await latestAssetCheckResults(store, 'orders');
      assert.equal(damaged.length, before.length - 1, 'the damage is visible before the rebuild');
      assert.notEqual(await store.admin.projectionHash(), hash);
      const rebuilt = await store.admin.rebuildProjections();
      assert.equal(rebuilt.hash, hash);
      assert.deepEqual(await latestAssetCheckResults(store, 'orders'), before);
    });
  });
}
