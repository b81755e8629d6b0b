/**
 * Run retries, max runtime and cancel with real worker processes and a daemon: the instance's
 * `runRetries` setting retries a failed run from failure through its lineage, a run past its
 * `arco/max_runtime` is canceled with the reason recorded, and a task that ignores the abort is
 * killed so the canceled run still ends. Kill safety of the retry step is shown by deciding twice
 * on the same state, as a daemon killed before it recorded its cursor would after a restart.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runView } from '../../src/cli/views.js';
import type { RunProjection } from '../../src/fold/index.js';
import { createContext, type RuntimeContext } from '../../src/runtime/context.js';
import { systemClock } from '../../src/runtime/clock.js';
import { loadDefinitions } from '../../src/runtime/definitions-loader.js';
import { backfillChunks, createBackfill, getBackfill } from '../../src/runtime/backfills.js';
import { cancelRun, requestRun } from '../../src/runtime/run-commands.js';
import { retryFailedRuns } from '../../src/runtime/run-retries.js';
import { openSqliteStore, type Store } from '../../src/store/index.js';
import { startDaemon, tempProject, waitForRun, type Running } from '../helpers/project.js';

function source(instance: string): string {
  return `
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineAsset, defineDefinitions, dailyPartitions } from 'arco-flow';
// Partition 2026-01-02 fails the first time it runs, the others never.
const daily = defineAsset({ key: 'daily', partitions: dailyPartitions({ start: '2026-01-01' }), compute: async (ctx) => {
  const file = join(import.meta.dirname, 'daily-' + ctx.partitionKey);
  const runs = existsSync(file) ? Number(readFileSync(file, 'utf8')) : 0;
  writeFileSync(file, String(runs + 1));
  if (runs === 0 && ctx.partitionKey === '2026-01-02') throw new Error('first run of 2026-01-02 fails');
} });
const fails = defineAsset({ key: 'fails', compute: async () => { throw new Error('always fails'); } });
// Fails the first time it runs (a counter file beside the definitions), then succeeds.
const once = defineAsset({ key: 'once', compute: async () => {
  const file = join(import.meta.dirname, 'once-count');
  const runs = existsSync(file) ? Number(readFileSync(file, 'utf8')) : 0;
  writeFileSync(file, String(runs + 1));
  if (runs === 0) throw new Error('first run fails');
} });
const after = defineAsset({ key: 'after', deps: [once], compute: async () => {} });
const slow = defineAsset({ key: 'slow', compute: (ctx) => new Promise((resolve, reject) => {
  const timer = setTimeout(resolve, 600_000);
  ctx.signal.addEventListener('abort', () => { clearTimeout(timer); reject(new Error('aborted')); });
}) });
// Ignores its abort signal: a busy loop of ten minutes that only a kill ends.
const stubborn = defineAsset({ key: 'stubborn', compute: async (ctx) => {
  ctx.log.info('spinning');
  const end = Date.now() + 600_000;
  while (Date.now() < end) { /* busy */ }
} });
export default defineDefinitions({ assets: [daily, fails, once, after, slow, stubborn], instance: ${instance} });
`;
}

/** Retries of `root` (every run whose root is it), oldest first. */
async function retriesOf(store: Store, rootRunId: string): Promise<RunProjection[]> {
  const runs = await store.runs.listRuns({ tags: [['arco/root_run_id', rootRunId]], limit: 50 });
  return runs.reverse();
}

async function waitForRetry(store: Store, parentRunId: string): Promise<RunProjection> {
  for (let i = 0; i < 600; i += 1) {
    const [retry] = await store.runs.listRuns({ tags: [['arco/parent_run_id', parentRunId]], limit: 1 });
    if (retry) return waitForRun(store, retry.runId);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`run ${parentRunId} was not retried`);
}

describe('run retries and max runtime with a daemon', () => {
  const project = tempProject(source('{ runRetries: { max: 2 } }'));
  let running: Running;

  before(async () => {
    running = await startDaemon(project.file, join(project.dir, 'arco.db'));
  });
  after(async () => {
    await running.stop();
    project.remove();
  });

  test('a run that keeps failing with runRetries max 2 gives exactly three runs linked by lineage tags, the last FAILURE', async () => {
    const { run } = await requestRun(running.ctx, { selection: ['fails'] });
    assert.equal((await waitForRun(running.store, run.runId)).status, 'FAILURE');
    const first = await waitForRetry(running.store, run.runId);
    const second = await waitForRetry(running.store, first.runId);
    // Decide once more on the settled state: the last retry is not retried again.
    await retryFailedRuns(running.ctx);
    const retries = await retriesOf(running.store, run.runId);
    assert.deepEqual(retries.map((r) => r.runId), [first.runId, second.runId]);
    assert.deepEqual(retries.map((r) => [r.tags['arco/retry_number'], r.tags['arco/parent_run_id'], r.runKey, r.status]), [
      ['1', run.runId, `retry:${run.runId}`, 'FAILURE'],
      ['2', first.runId, `retry:${first.runId}`, 'FAILURE'],
    ]);
    assert.equal(runView(second).why, `automatic retry 2 of ${first.runId}`);
  });

  test('an asset that fails once and then succeeds ends with its retry SUCCESS, rerunning only what did not succeed', async () => {
    const { run } = await requestRun(running.ctx, { selection: ['once', 'after'] });
    const failed = await waitForRun(running.store, run.runId);
    assert.equal(failed.status, 'FAILURE');
    const retry = await waitForRetry(running.store, run.runId);
    assert.equal(retry.status, 'SUCCESS');
    assert.deepEqual(retry.tasks.map((t) => [t.taskKey, t.status]), [['once', 'SUCCEEDED'], ['after', 'SUCCEEDED']]);
    assert.equal(retry.tags['arco/rerun_mode'], 'fromFailure');
  });

  test('a backfill whose chunk run fails once and is retried successfully ends COMPLETED_SUCCESS, the chunk ended by the retry', async () => {
    const { backfill } = await createBackfill(running.ctx, { selection: ['daily'], partition: '2026-01-01...2026-01-03', policy: 'multi-run:1', maxConcurrentRuns: 1 });
    let view = await getBackfill(running.ctx, { backfillId: backfill.backfillId });
    for (let i = 0; i < 600 && !['COMPLETED_SUCCESS', 'COMPLETED_FAILED', 'FAILED', 'CANCELED'].includes(view.status); i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      view = await getBackfill(running.ctx, { backfillId: backfill.backfillId });
    }
    assert.equal(view.status, 'COMPLETED_SUCCESS', JSON.stringify(view));
    assert.equal(view.counts.materialized, 3);
    assert.equal(view.counts.failed, 0);
    const chunks = [];
    for await (const chunk of backfillChunks(running.ctx, backfill.backfillId)) chunks.push(chunk);
    const second = chunks.find((c) => c.firstKey === '2026-01-02');
    assert.ok(second?.runId, 'the chunk of 2026-01-02 ran');
    const retry = await waitForRetry(running.store, second.runId);
    assert.equal(retry.status, 'SUCCESS');
    // The step that reserved the retry and the retry step agree on one retry run.
    await retryFailedRuns(running.ctx);
    assert.equal((await running.store.runs.listRuns({ tags: [['arco/parent_run_id', second.runId]], limit: 5 })).length, 1);
  });

  test('a run past its arco/max_runtime is canceled with "max runtime 1 s exceeded" in its output, and is not retried', async () => {
    const { run } = await requestRun(running.ctx, { selection: ['slow'], tags: { 'arco/max_runtime': '1' } });
    const done = await waitForRun(running.store, run.runId);
    assert.equal(done.status, 'CANCELED');
    assert.equal(runView(done).cancelReason, 'max runtime 1 s exceeded');
    await retryFailedRuns(running.ctx);
    assert.deepEqual(await running.store.runs.listRuns({ tags: [['arco/parent_run_id', run.runId]], limit: 1 }), []);
  });

  test('canceling a started run whose task ignores the abort goes CANCELING, then CANCELED once the grace period kills the task', async () => {
    const { run } = await requestRun(running.ctx, { selection: ['stubborn'] });
    await waitForRun(running.store, run.runId, 30_000, (r) => r.tasks[0]?.status === 'RUNNING');
    const canceling = await cancelRun(running.ctx, run.runId);
    assert.equal(canceling.status, 'CANCELING');
    // The task would spin for ten minutes; the wait allows twenty seconds: only the kill ends it.
    const done = await waitForRun(running.store, run.runId, 20_000);
    assert.equal(done.status, 'CANCELED');
    assert.equal(done.tasks[0]?.attempts[0]?.outcome, 'CANCELED');
    assert.equal(done.failureReason, undefined, 'ended by the worker pool, not by run monitoring');
  });
});

describe('run retries after a daemon restart', () => {
  const project = tempProject(source('{ runRetries: { max: 0 } }'));
  after(() => project.remove());

  test('deciding again on the same failed run (the cursor was never written) creates no second retry', async () => {
    const path = join(project.dir, 'arco.db');
    const running = await startDaemon(project.file, path);
    const before = await running.store.ledger.lastSequence();
    const { run } = await requestRun(running.ctx, { selection: ['fails'] });
    assert.equal((await waitForRun(running.store, run.runId)).status, 'FAILURE');
    await running.stop();

    const store = openSqliteStore({ path });
    try {
      const loaded = await loadDefinitions(project.file);
      const base = createContext(store, systemClock, loaded);
      const definitions = { ...loaded.definitions, instance: { ...loaded.definitions.instance, runRetries: { max: 1, retryOn: 'failure' as const } } };
      // A daemon killed after appending the retry and before recording its cursor: each restart
      // reads the cursor from before the failure.
      const killed: RuntimeContext = {
        ...base,
        definitions: { ...loaded, definitions },
        store: { ...store, leases: { ...store.leases, readCursor: async () => before, writeCursor: async () => undefined } } as Store,
      };
      const firstLife = await retryFailedRuns(killed);
      const secondLife = await retryFailedRuns(killed);
      assert.equal(firstLife.requested.length, 1);
      assert.deepEqual(secondLife.requested, []);
      const retries = await store.runs.listRuns({ tags: [['arco/parent_run_id', run.runId]], limit: 10 });
      assert.deepEqual(retries.map((r) => r.runId), firstLife.requested);
    } finally {
      await store.close();
    }
  });
});
