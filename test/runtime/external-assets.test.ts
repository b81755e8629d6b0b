/**
 * External assets outside runs, on both engines: runless materialization reports change partition
 * status and the latest materialization; observations record the external system's data version,
 * and a child computed from one version turns STALE when a later observation differs. Bad requests
 * (unknown asset, unknown partition) record nothing. A rebuild re-folds the touched projections
 * (materializations, asset partitions with their last observation, partition status) identically.
 * Method: definitions indexed in-process; the child's materialization is appended as a run's
 * report would leave it, recording the external version it read.
 */
import { describe } from 'node:test';
import assert from 'node:assert/strict';
import { defineAsset, defineDefinitions, defineExternalAsset, staticPartitions } from '../../src/authoring/index.js';
import { createUlidFactory, seededRng } from '../../src/domain/ids/index.js';
import { draft, idempotencyKeys, stampEvents } from '../../src/events/index.js';
import {
  FakeClock,
  computeStaleness,
  createContext,
  describePartitionStatus,
  indexDefinitions,
  observeAsset,
  reportMaterialization,
  requestRun,
  type RuntimeContext,
} from '../../src/runtime/index.js';
import type { Store } from '../../src/store/index.js';
import { skippable } from '../helpers/skippable.js';
import { storeEngines } from '../helpers/store-engines.js';

const NOW = Date.parse('2026-03-10T12:00:00Z');
/** What the external system holds now; `observe` reads it. */
let upstreamVersion = 'v1';
const orders = defineExternalAsset({ key: 'ext/orders', observe: () => ({ dataVersion: upstreamVersion, metadata: { source: 's3' } }) });
const regions = defineExternalAsset({ key: 'ext/regions', partitions: staticPartitions(['eu', 'us']) });
const clean = defineAsset({ key: 'clean/orders', deps: [orders], compute: () => {} });
const defs = indexDefinitions('definitions.ts', defineDefinitions({ assets: [orders, regions, clean] }));

const engines = await storeEngines('arco-external-assets-');

/** Appends the child's materialization as a successful attempt of a run records it: it read `ext/orders` at `read`. */
async function materializeClean(ctx: RuntimeContext, read: string): Promise<void> {
  const { run } = await requestRun(ctx, { selection: ['clean/orders'], runKey: `clean-${read}` });
  const payload = {
    runId: run.runId,
    taskKey: 'clean/orders',
    attempt: 1,
    assetKey: 'clean/orders',
    partitionKey: null,
    dataVersion: `clean-of-${read}`,
    codeVersion: null,
    metadata: {},
    partitionWindow: null,
    provenance: { codeVersion: null, userDataVersion: false, inputs: [{ assetKey: 'ext/orders', partitionKey: null, dataVersion: read }] },
  };
  const events = stampEvents([draft('AssetMaterialized', payload, idempotencyKeys.assetMaterialized(run.runId, 'clean/orders', 1), run.runId)], {
    ulid: createUlidFactory(seededRng(read.length)),
    nowEpochMs: NOW,
  });
  await ctx.store.ledger.append(events);
}

for (const engine of engines) {
  const { test, before, after } = skippable(engine.skip);
  describe(`external assets on ${engine.name}`, () => {
    let store: Store;
    let ctx: RuntimeContext;
    before(async () => {
      store = await engine.open();
      ctx = createContext(store, new FakeClock(NOW), defs, 7);
    });
    after(async () => {
      await store.close();
      await engine.cleanup();
    });

    test('a runless report marks the partition MATERIALIZED without any run', async () => {
      const before = await describePartitionStatus(ctx, 'ext/regions', {}, NOW);
      assert.deepEqual(before.counts, { total: 2, materialized: 0, failed: 0, inProgress: 0, missing: 2 });
      const reported = await reportMaterialization(ctx, { assetKey: 'ext/regions', partitionKey: 'eu', dataVersion: 'r1', metadata: { rows: 12 } });
      assert.deepEqual([reported.partitionKey, reported.dataVersion], ['eu', 'r1']);
      const after = await describePartitionStatus(ctx, 'ext/regions', { partition: 'eu' }, NOW);
      assert.deepEqual(after.counts, { total: 1, materialized: 1, failed: 0, inProgress: 0, missing: 0 });
      assert.equal(after.partition?.lastMaterialization?.runId, null);
      assert.deepEqual(after.partition?.lastMaterialization?.metadata, { rows: 12 });
      const [latest] = await store.assets.listMaterializations('ext/regions', 1);
      assert.deepEqual([latest?.runId, latest?.attempt, latest?.dataVersion], [null, null, 'r1']);
      assert.equal((await store.runs.listRuns({ limit: 10 })).length, 0);
    });

    test('a report for an unknown partition or an unknown asset is a request error that records nothing', async () => {
      const sequence = await store.ledger.lastSequence();
      await assert.rejects(reportMaterialization(ctx, { assetKey: 'ext/regions', partitionKey: 'mars' }), { code: 'UNKNOWN_PARTITION', message: /asset "ext\/regions": partition "mars" does not exist/ });
      await assert.rejects(reportMaterialization(ctx, { assetKey: 'ext/regions' }), { code: 'PARTITION_REQUIRED' });
      await assert.rejects(reportMaterialization(ctx, { assetKey: 'ext/nope' }), { code: 'UNKNOWN_ASSET' });
      assert.equal(await store.ledger.lastSequence(), sequence);
    });

    test('a run never plans an external asset: selecting only one is EXTERNAL_ASSET_NOT_MATERIALIZABLE', async () => {
      await assert.rejects(requestRun(ctx, { selection: ['ext/orders'] }), { code: 'EXTERNAL_ASSET_NOT_MATERIALIZABLE', details: { assets: ['ext/orders'] } });
      const { run } = await requestRun(ctx, { selection: ['clean/orders'], includeUpstream: true });
      assert.deepEqual(run.assetKeys, ['clean/orders']);
      assert.deepEqual(run.tasks.map((t) => t.taskKey), ['clean/orders']);
    });

    test('an observation records AssetObserved, and a new observed version makes the child STALE', async () => {
      upstreamVersion = 'v1';
      const first = await observeAsset(ctx, 'ext/orders', null);
      assert.deepEqual([first?.dataVersion, first?.metadata], ['v1', { source: 's3' }]);
      const [observed] = await store.ledger.readEvents({ afterSequence: (first?.sequence ?? 1) - 1, limit: 1 });
      assert.equal(observed?.type, 'AssetObserved');
      await materializeClean(ctx, 'v1');
      const fresh = await computeStaleness(ctx, ['ext/orders', 'clean/orders']);
      assert.deepEqual(fresh.map((s) => s.status), ['FRESH', 'FRESH']);

      upstreamVersion = 'v2';
      await observeAsset(ctx, 'ext/orders', null);
      const [external, child] = await computeStaleness(ctx, ['ext/orders', 'clean/orders']);
      assert.equal(external?.status, 'FRESH');
      assert.equal(child?.status, 'STALE');
      assert.deepEqual(child?.causes.map((c) => [c.category, c.reason, c.dependency?.assetKey]), [['DATA', 'has a new dependency data version', 'ext/orders']]);
    });

    test('observing an asset without observe is ASSET_NOT_OBSERVABLE and records nothing', async () => {
      const sequence = await store.ledger.lastSequence();
      await assert.rejects(observeAsset(ctx, 'clean/orders', null), { code: 'ASSET_NOT_OBSERVABLE' });
      await assert.rejects(observeAsset(ctx, 'ext/regions', 'eu'), { code: 'ASSET_NOT_OBSERVABLE' });
      assert.equal(await store.ledger.lastSequence(), sequence);
    });

    test('rebuilding re-folds reported materializations, observations and partition status identically', async () => {
      const live = [await store.assets.listAssetPartitions(), await store.assets.getAssetPartitionStatus('ext/regions'), await store.assets.listMaterializations('ext/regions', 10)];
      const hash = await store.admin.projectionHash();
      await engine.exec(`DELETE FROM asset_partition_status WHERE id = 'ext/regions'`);
      await engine.exec(`DELETE FROM materializations`);
      await engine.exec(`UPDATE asset_partitions SET doc = REPLACE(doc, '"v2"', '"v9"')`);
      assert.notEqual(await store.admin.projectionHash(), hash);
      const rebuilt = await store.admin.rebuildProjections();
      assert.equal(rebuilt.hash, hash);
      assert.deepEqual(
        [await store.assets.listAssetPartitions(), await store.assets.getAssetPartitionStatus('ext/regions'), await store.assets.listMaterializations('ext/regions', 10)],
        live,
      );
    });
  });
}
