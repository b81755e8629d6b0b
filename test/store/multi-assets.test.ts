/**
 * Multi-asset runs on both engines: a run requested through the real command path plans one task
 * per partition of the multi-asset, a worker's success records a materialization per output and a
 * final failure marks every output FAILED; then the runs, asset partition and partition status rows
 * are deleted or corrupted behind the store's back, and a rebuild must bring back exactly what the
 * live fold wrote.
 */
import { describe } from 'node:test';
import assert from 'node:assert/strict';
import { defineDefinitions, defineMultiAsset, staticPartitions } from '../../src/authoring/index.js';
import { decideAttemptReport, decideRunProgress } from '../../src/controllers/index.js';
import { createUlidFactory, seededRng } from '../../src/domain/ids/index.js';
import { stampEvents, type EventDraft } from '../../src/events/index.js';
import type { RunProjection } from '../../src/fold/index.js';
import { FakeClock, createContext, indexDefinitions, requestRun } from '../../src/runtime/index.js';
import type { Store } from '../../src/store/index.js';
import { coordinatorInput } from '../helpers/runs.js';
import { skippable } from '../helpers/skippable.js';
import { storeEngines } from '../helpers/store-engines.js';

const NOW = Date.parse('2026-03-10T12:00:00Z');
const defs = indexDefinitions(
  'definitions.ts',
  defineDefinitions({
    assets: [defineMultiAsset({ name: 'regional', partitions: staticPartitions(['eu', 'us']), outputs: [{ key: 'r/a' }, { key: 'r/b' }], compute: () => [] })],
  }),
);

const engines = await storeEngines('arco-multi-assets-');
const stamp = (drafts: readonly EventDraft[], seed: number) => stampEvents(drafts, { ulid: createUlidFactory(seededRng(seed)), nowEpochMs: NOW });

/** Requests the run, dispatches its tasks, and reports `eu` succeeded and `us` failed for good. */
async function runOnce(store: Store): Promise<string> {
  const ctx = createContext(store, new FakeClock(NOW), defs, 1);
  const { run } = await requestRun(ctx, { selection: ['r/b'], partition: 'eu,us' });
  const step = decideRunProgress(coordinatorInput([run], NOW)).flatMap((s) => s.drafts);
  await store.ledger.append(stamp(step, 2));
  let current = (await store.runs.getRun(run.runId)) as RunProjection;
  for (const [i, task] of current.tasks.entries()) {
    const ok = task.partitionKey === 'eu';
    const drafts = decideAttemptReport(
      current,
      {
        kind: 'finished',
        runId: run.runId,
        taskKey: task.taskKey,
        attemptId: task.attempts[0]!.attemptId,
        outcome: ok ? 'SUCCEEDED' : 'FAILED',
        error: ok ? null : { code: 'USER_CODE_ERROR', message: 'down', errorClass: 'Error', stack: null, retryable: false },
        durationMs: 3,
        dataVersion: null,
        metadata: {},
        ...(ok ? { outputs: { 'r/a': { dataVersion: 'a1', metadata: {} }, 'r/b': { dataVersion: 'b1', metadata: { rows: 2 } } } } : {}),
      },
      { nowEpochMs: NOW + 1, upstreamDataVersions: {} },
    );
    await store.ledger.append(stamp(drafts, 10 + i));
    current = (await store.runs.getRun(run.runId)) as RunProjection;
  }
  return run.runId;
}

for (const engine of engines) {
  const { test, before, after } = skippable(engine.skip);
  describe(`multi-asset runs on ${engine.name}`, () => {
    let store: Store;
    let runId: string;
    before(async () => {
      store = await engine.open();
      runId = await runOnce(store);
    });
    after(async () => {
      await store.close();
      await engine.cleanup();
    });

    test('one task per partition materializes every output, and a failed one marks every output FAILED', async () => {
      const run = await store.runs.getRun(runId);
      assert.deepEqual(run?.assetKeys, ['r/a', 'r/b'], 'the run records the output its multi-asset added');
      assert.deepEqual(run?.tasks.map((t) => [t.taskKey, t.status, t.outputs?.map((o) => o.assetKey)]), [
        ['regional[eu]', 'SUCCEEDED', ['r/a', 'r/b']],
        ['regional[us]', 'FAILED', ['r/a', 'r/b']],
      ]);
      for (const key of ['r/a', 'r/b']) {
        const row = await store.assets.getAssetPartitionStatus(key);
        assert.deepEqual([row?.materialized.keys, row?.failed.keys], [['eu'], ['us']], key);
      }
      assert.equal((await store.assets.getAssetPartition('r/b', 'eu'))?.lastMaterialization?.dataVersion, 'b1');
    });

    test('rebuilding re-folds multi-asset runs and statuses identically', async () => {
      const live = [await store.runs.getRun(runId), await store.assets.getAssetPartitionStatus('r/a'), await store.assets.getAssetPartition('r/b', 'us')];
      const hash = await store.admin.projectionHash();
      await engine.exec(`DELETE FROM asset_partition_status WHERE id = 'r/a'`);
      await engine.exec(`DELETE FROM asset_partitions WHERE id = 'r/b[us]'`);
      await engine.exec(`DELETE FROM runs WHERE id = '${runId}'`);
      assert.notEqual(await store.admin.projectionHash(), hash);
      const rebuilt = await store.admin.rebuildProjections();
      assert.equal(rebuilt.hash, hash);
      assert.deepEqual([await store.runs.getRun(runId), await store.assets.getAssetPartitionStatus('r/a'), await store.assets.getAssetPartition('r/b', 'us')], live);
    });
  });
}
