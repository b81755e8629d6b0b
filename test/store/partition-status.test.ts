/**
 * Partition status on both engines (PST-06): the fold keeps each asset's materialized and failed
 * partitions in the append, reads back by asset, and a rebuild drops and re-folds it from the
 * ledger. Method: runs requested through the real command path, their materializations and final
 * failures appended as a worker's reports would leave them; then rows of `asset_partition_status`
 * are deleted and corrupted behind the store's back, and the rebuild must bring back exactly what
 * the live fold wrote (a rebuild that did nothing would keep the damage).
 */
import { describe } from 'node:test';
import assert from 'node:assert/strict';
import { dailyPartitions, defineAsset, defineDefinitions, staticPartitions } from '../../src/authoring/index.js';
import { createUlidFactory, seededRng } from '../../src/domain/ids/index.js';
import { stampEvents, type EventDraft } from '../../src/events/index.js';
import type { AssetPartitionStatusRow } from '../../src/fold/index.js';
import { FakeClock, createContext, describePartitionStatus, indexDefinitions, requestRun } from '../../src/runtime/index.js';
import type { Store } from '../../src/store/index.js';
import { finishedDraft, materializedDraft } from '../helpers/partition-status.js';
import { skippable } from '../helpers/skippable.js';
import { storeEngines } from '../helpers/store-engines.js';

const NOW = Date.parse('2026-03-10T12:00:00Z');
const compute = async () => {};
const defs = indexDefinitions(
  'definitions.ts',
  defineDefinitions({
    assets: [
      defineAsset({ key: 'days', compute, partitions: dailyPartitions({ start: '2026-01-01' }) }),
      defineAsset({ key: 'regions', compute, partitions: staticPartitions(['ap', 'eu', 'us']) }),
    ],
  }),
);

const engines = await storeEngines('arco-partition-status-');

const stamp = (drafts: readonly EventDraft[], seed: number) => stampEvents(drafts, { ulid: createUlidFactory(seededRng(seed)), nowEpochMs: NOW });

/** Requests a run over `partition` of `assetKey`, then records each task as materialized or finally failed. */
async function runOver(store: Store, assetKey: string, partition: string, failed: readonly string[], seed: number): Promise<void> {
  const ctx = createContext(store, new FakeClock(NOW), defs, seed);
  const { run } = await requestRun(ctx, { selection: [assetKey], partition });
  const drafts = run.tasks.flatMap((t) => {
    const ref = { assetKey, partitionKey: t.partitionKey, window: t.partitionWindow, runId: run.runId };
    return failed.includes(t.partitionKey ?? '') ? [finishedDraft(ref)] : [materializedDraft(ref), finishedDraft(ref, 'SUCCEEDED')];
  });
  await store.ledger.append(stamp(drafts, seed));
}

for (const engine of engines) {
  const { test, before, after } = skippable(engine.skip);
  describe(`partition status on ${engine.name}`, () => {
    let store: Store;
    before(async () => {
      store = await engine.open();
      await runOver(store, 'days', '2026-01-01...2026-01-06', ['2026-01-04'], 1);
      await runOver(store, 'days', '2026-01-02', ['2026-01-02'], 2);
      await runOver(store, 'days', '2026-01-10...2026-01-11', [], 3);
      await runOver(store, 'regions', 'eu,us', ['us'], 4);
    });
    after(async () => {
      await store.close();
      await engine.cleanup();
    });

    test('the fold keeps each asset\'s materialized windows merged and its failed partitions apart', async () => {
      const day = (d: number) => Date.parse(`2026-01-${String(d).padStart(2, '0')}T00:00:00Z`);
      const days = await store.assets.getAssetPartitionStatus('days');
      assert.deepEqual(days?.materialized, { windows: [[day(1), day(2)], [day(3), day(4)], [day(5), day(7)], [day(10), day(12)]], keys: [] });
      assert.deepEqual(days?.failed, { windows: [[day(2), day(3)], [day(4), day(5)]], keys: [] });
      const regions = await store.assets.getAssetPartitionStatus('regions');
      assert.deepEqual([regions?.materialized.keys, regions?.failed.keys], [['eu'], ['us']]);
      assert.deepEqual((await store.assets.listAssetPartitionStatuses()).map((r) => r.assetKey), ['days', 'regions']);
      assert.equal(await store.assets.getAssetPartitionStatus('nothing'), undefined);
    });

    test('rebuilding re-folds partition status identically: deleted and corrupted rows come back as the live fold wrote them', async () => {
      const live: (AssetPartitionStatusRow | undefined)[] = [await store.assets.getAssetPartitionStatus('days'), await store.assets.getAssetPartitionStatus('regions')];
      const hash = await store.admin.projectionHash();
      const ctx = createContext(store, new FakeClock(NOW), defs, 9);
      const view = await describePartitionStatus(ctx, 'days', {}, NOW);
      const damaged = JSON.stringify({ ...live[1], materialized: { windows: [], keys: ['ap', 'eu', 'us'] }, failed: { windows: [], keys: [] } });
      await engine.exec(`DELETE FROM asset_partition_status WHERE id = 'days'`);
      await engine.exec(`UPDATE asset_partition_status SET doc = '${damaged}' WHERE id = 'regions'`);
      assert.equal(await engine.count('asset_partition_status'), 1);
      assert.equal(await store.assets.getAssetPartitionStatus('days'), undefined);
      assert.deepEqual((await store.assets.getAssetPartitionStatus('regions'))?.materialized.keys, ['ap', 'eu', 'us']);
      assert.notEqual(await store.admin.projectionHash(), hash);

      const rebuilt = await store.admin.rebuildProjections();
      assert.equal(rebuilt.hash, hash);
      assert.equal(await engine.count('asset_partition_status'), 2);
      assert.deepEqual([await store.assets.getAssetPartitionStatus('days'), await store.assets.getAssetPartitionStatus('regions')], live);
      assert.deepEqual(await describePartitionStatus(ctx, 'days', {}, NOW), view);
      assert.deepEqual(view.counts, { total: 68, materialized: 6, failed: 2, inProgress: 0, missing: 60 });
    });
  });
}
