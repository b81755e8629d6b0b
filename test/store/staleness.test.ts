/**
 * Staleness on both engines: a materialization's provenance is stored as recorded and read back,
 * staleness computed from it is the same on SQLite and PostgreSQL, and rebuilding the projections
 * from the ledger gives the same staleness (nothing of it lives outside the ledger).
 */
import { describe } from 'node:test';
import assert from 'node:assert/strict';
import { defineAsset, defineDefinitions } from '../../src/authoring/index.js';
import { createUlidFactory, seededRng } from '../../src/domain/ids/index.js';
import { draft, idempotencyKeys, stampEvents, type MaterializationProvenance } from '../../src/events/index.js';
import { FakeClock, computeStaleness, createContext, indexDefinitions, requestRun } from '../../src/runtime/index.js';
import { forgetStaleness } from '../../src/runtime/staleness.js';
import type { Store } from '../../src/store/index.js';
import { skippable } from '../helpers/skippable.js';
import { storeEngines } from '../helpers/store-engines.js';

const T0 = Date.parse('2026-03-10T12:00:00Z');
const compute = async () => {};
const defs = indexDefinitions(
  'definitions.ts',
  defineDefinitions({
    assets: [
      defineAsset({ key: 'raw', codeVersion: '1', compute }),
      defineAsset({ key: 'clean', deps: ['raw'], codeVersion: '1', compute }),
      // Enough assets that a whole-graph computation is kept between calls and caught up from the ledger.
      ...Array.from({ length: 60 }, (_, i) => defineAsset({ key: `other_${i}`, compute })),
    ],
  }),
);

const engines = await storeEngines('arco-staleness-');

/** Requests a run of one asset and records its materialization with `provenance`, at `atMs`. */
async function materialize(store: Store, assetKey: string, dataVersion: string, provenance: MaterializationProvenance, atMs: number): Promise<void> {
  const { run } = await requestRun(createContext(store, new FakeClock(atMs), defs, atMs), { selection: [assetKey] });
  const payload = { runId: run.runId, taskKey: assetKey, attempt: 1, assetKey, partitionKey: null, dataVersion, codeVersion: '1', metadata: {}, partitionWindow: null, provenance };
  const event = draft('AssetMaterialized', payload, idempotencyKeys.assetMaterialized(run.runId, assetKey, 1), run.runId);
  await store.ledger.append(stampEvents([event], { ulid: createUlidFactory(seededRng(atMs)), nowEpochMs: atMs }));
}

for (const engine of engines) {
  const { test, before, after } = skippable(engine.skip);
  describe(`staleness on ${engine.name}`, () => {
    let store: Store;
    before(async () => {
      store = await engine.open();
    });
    after(async () => {
      await store.close();
      await engine.cleanup();
    });

    test('provenance is stored as recorded, and a new upstream data version makes the downstream STALE, also after a rebuild', async () => {
      const recorded: MaterializationProvenance = { codeVersion: '1', userDataVersion: false, inputs: [{ assetKey: 'raw', partitionKey: null, dataVersion: 'r1' }] };
      await materialize(store, 'raw', 'r1', { codeVersion: '1', userDataVersion: true, inputs: [] }, T0);
      await materialize(store, 'clean', 'c1', recorded, T0 + 1000);
      const [clean] = await store.assets.listAssetPartitions('clean');
      assert.deepEqual(clean?.lastMaterialization?.provenance, recorded);
      const ctx = createContext(store, new FakeClock(T0 + 5000), defs, 7);
      assert.deepEqual((await computeStaleness(ctx, ['raw', 'clean'])).map((v) => v.status), ['FRESH', 'FRESH']);
      await materialize(store, 'raw', 'r2', { codeVersion: '1', userDataVersion: true, inputs: [] }, T0 + 2000);
      const after = await computeStaleness(ctx, ['raw', 'clean']);
      assert.deepEqual(after.map((v) => [v.assetKey, v.status, v.staleSince]), [
        ['raw', 'FRESH', null],
        ['clean', 'STALE', new Date(T0 + 2000).toISOString()],
      ]);
      await store.admin.rebuildProjections();
      forgetStaleness(store);
      assert.deepEqual(await computeStaleness(ctx, ['raw', 'clean']), after);
    });

    test('the staleness of the whole graph is kept between computations and follows new materializations', async () => {
      const ctx = createContext(store, new FakeClock(T0 + 9000), defs, 8);
      const all = [...defs.graph.keys];
      const statusOf = async (key: string) => (await computeStaleness(ctx, all)).find((v) => v.assetKey === key)?.status;
      assert.equal(await statusOf('clean'), 'STALE');
      await materialize(store, 'clean', 'c2', { codeVersion: '1', userDataVersion: false, inputs: [{ assetKey: 'raw', partitionKey: null, dataVersion: 'r2' }] }, T0 + 3000);
      assert.equal(await statusOf('clean'), 'FRESH');
      await materialize(store, 'raw', 'r3', { codeVersion: '1', userDataVersion: true, inputs: [] }, T0 + 4000);
      assert.equal(await statusOf('clean'), 'STALE');
      assert.equal(await statusOf('other_0'), 'MISSING');
    });
  });
}
