/**
 * The run-retry step on both engines: its cursor starts at the ledger's end, a run that fails
 * afterwards is retried once with its lineage, and the next pass (the cursor moved past it)
 * requests nothing. Method: definitions indexed in-process, the attempt dispatched by the pure
 * coordinator and its failure applied as a worker's report, with no worker process.
 */
import { describe } from 'node:test';
import assert from 'node:assert/strict';
import { defineAsset, defineDefinitions } from '../../src/authoring/index.js';
import { decideRunProgress } from '../../src/controllers/index.js';
import { applyAttemptReport, commit, createContext, FakeClock, indexDefinitions, requestRun, retryFailedRuns, RUN_RETRIES_CURSOR } from '../../src/runtime/index.js';
import type { Store } from '../../src/store/index.js';
import { skippable } from '../helpers/skippable.js';
import { storeEngines } from '../helpers/store-engines.js';

const NOW = Date.parse('2026-03-10T12:00:00Z');
const a = defineAsset({ key: 'a', compute: () => {} });
const defs = indexDefinitions('definitions.ts', defineDefinitions({ assets: [a], instance: { runRetries: { max: 1 } } }));
const engines = await storeEngines('arco-run-retries-');

for (const engine of engines) {
  const { test, before, after } = skippable(engine.skip);
  describe(`run retries on ${engine.name}`, () => {
    let store: Store;
    before(async () => {
      store = await engine.open();
    });
    after(async () => {
      await store.close();
      await engine.cleanup();
    });

    test('a run that fails after the step first ran is retried once, and the next pass requests nothing', async () => {
      const ctx = createContext(store, new FakeClock(NOW), defs, 3);
      assert.deepEqual(await retryFailedRuns(ctx), { requested: [] });
      assert.equal(await store.leases.readCursor(RUN_RETRIES_CURSOR), await store.ledger.lastSequence());
      const { run } = await requestRun(ctx, { selection: ['a'] });
      const steps = decideRunProgress({ runs: [run], nowEpochMs: NOW, freeWorkerSlots: ['w/0'], heartbeats: new Map(), attemptLeaseMs: 60_000, maxConcurrentRuns: null, ids: ctx.ids });
      for (const step of steps) await commit(ctx, step.drafts, NOW, [{ table: 'runs', id: step.runId, version: step.expectVersion }]);
      const attemptId = (await store.runs.getRun(run.runId))?.tasks[0]?.attempts[0]?.attemptId ?? '';
      const error = { code: 'USER_CODE_ERROR', message: 'boom', errorClass: 'Error', stack: null, retryable: false };
      await applyAttemptReport(ctx, { kind: 'finished', runId: run.runId, taskKey: 'a', attemptId, outcome: 'FAILED', error, durationMs: 1, dataVersion: null, metadata: {} });
      assert.equal((await store.runs.getRun(run.runId))?.status, 'FAILURE');

      const first = await retryFailedRuns(ctx);
      assert.equal(first.requested.length, 1);
      const retry = await store.runs.getRun(first.requested[0] as string);
      assert.equal(retry?.runKey, `retry:${run.runId}`);
      assert.equal(retry?.tags['arco/retry_number'], '1');
      assert.equal(retry?.parentRunId, run.runId);
      assert.deepEqual(await retryFailedRuns(ctx), { requested: [] });
    });
  });
}
