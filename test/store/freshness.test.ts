/**
 * Recorded freshness on both engines: a change proposed twice (two daemons, one read) is recorded
 * once; the latest materialization of any partition is what freshness reads; and rebuilding the
 * projections re-folds `asset_freshness` from the ledger (a deleted or corrupted row comes back).
 */
import { describe } from 'node:test';
import assert from 'node:assert/strict';
import { dailyPartitions, defineAsset, defineDefinitions } from '../../src/authoring/index.js';
import { decideFreshnessChanges } from '../../src/controllers/index.js';
import { createUlidFactory, seededRng } from '../../src/domain/ids/index.js';
import { draft, idempotencyKeys, stampEvents, type EventDraft } from '../../src/events/index.js';
import { FakeClock, FreshnessRunner, createContext, indexDefinitions, recordFreshnessChanges, requestRun } from '../../src/runtime/index.js';
import type { Store } from '../../src/store/index.js';
import { skippable } from '../helpers/skippable.js';
import { storeEngines } from '../helpers/store-engines.js';

const NOW = Date.parse('2026-03-10T12:00:00Z');
const MINUTE = 60_000;
const compute = async () => {};
const defs = indexDefinitions(
  'definitions.ts',
  defineDefinitions({
    assets: [
      defineAsset({ key: 'hourly_report', compute, freshness: { failAfter: '1h', warnAfter: '30m' } }),
      defineAsset({ key: 'events', compute, partitions: dailyPartitions({ start: '2026-01-01' }), freshness: { maxLagMinutes: 120 } }),
      defineAsset({ key: 'no_policy', compute }),
    ],
  }),
);

const engines = await storeEngines('arco-freshness-');

function stamp(drafts: readonly EventDraft[], nowEpochMs: number, seed: number) {
  return stampEvents(drafts, { ulid: createUlidFactory(seededRng(seed)), nowEpochMs });
}

/** Requests a run of one asset (partition) and records its materialization, stamped at `atMs`. */
async function materialize(store: Store, assetKey: string, partitionKey: string | null, atMs: number): Promise<void> {
  const { run } = await requestRun(createContext(store, new FakeClock(atMs), defs, atMs), { selection: [assetKey], partition: partitionKey });
  const taskKey = run.tasks[0]?.taskKey ?? '';
  const materialized = draft(
    'AssetMaterialized',
    { runId: run.runId, taskKey, attempt: 1, assetKey, partitionKey, dataVersion: 'v1', codeVersion: null, metadata: {}, partitionWindow: null, provenance: null },
    idempotencyKeys.assetMaterialized(run.runId, taskKey, 1),
    run.runId,
  );
  await store.ledger.append(stamp([materialized], atMs, atMs));
}

for (const engine of engines) {
  const { test, before, after } = skippable(engine.skip);
  describe(`recorded freshness on ${engine.name}`, () => {
    let store: Store;
    before(async () => {
      store = await engine.open();
    });
    after(async () => {
      await store.close();
      await engine.cleanup();
    });

    test('a change two daemons decide from the same read is recorded once', async () => {
      await materialize(store, 'hourly_report', null, NOW - 45 * MINUTE);
      const latest = await store.assets.latestMaterializedAt(['hourly_report']);
      const read = {
        subjects: [{ assetKey: 'hourly_report', policy: { kind: 'time_window', failAfterMinutes: 60, warnAfterMinutes: 30 } as const, lastMaterialization: latest.get('hourly_report') ?? null }],
        recorded: new Map((await store.assets.listFreshnessStates()).map((r) => [r.assetKey, r])),
        nowEpochMs: NOW,
      };
      const first = await store.ledger.append(stamp(decideFreshnessChanges(read), NOW, 1));
      const second = await store.ledger.append(stamp(decideFreshnessChanges(read), NOW + 5, 2));
      assert.deepEqual([first.appended.length, second.appended.length, second.duplicates], [1, 0, ['freshness:hourly_report:1']]);
      const recorded = await store.assets.listAssetFreshness();
      assert.deepEqual(recorded.map((r) => [r.assetKey, r.state, r.stateVersion, r.previousState, r.lagMinutes]), [['hourly_report', 'WARN', 1, null, 45]]);
      assert.deepEqual(await store.assets.getAssetFreshness('hourly_report'), recorded[0]);
      assert.equal(await store.assets.getAssetFreshness('no_policy'), undefined);
      assert.deepEqual(await store.assets.listFreshnessStates(), [{ assetKey: 'hourly_report', state: 'WARN', stateVersion: 1 }]);
    });

    test('freshness reads the latest materialization of any partition, and each change bumps the version', async () => {
      await materialize(store, 'events', '2026-03-05', NOW - 300 * MINUTE);
      await materialize(store, 'events', '2026-03-01', NOW - 10 * MINUTE);
      const latest = await store.assets.latestMaterializedAt(['events', 'no_policy', 'events']);
      assert.deepEqual([...latest.keys()], ['events'], 'an asset never materialized has no entry');
      const [newest] = await store.assets.listMaterializations('events', 1);
      assert.equal(newest?.partitionKey, '2026-03-01');
      assert.deepEqual(latest.get('events'), { sequence: newest?.sequence, materializedAt: new Date(NOW - 10 * MINUTE).toISOString() }, 'the newest materialization, not the newest partition key');
      const ctx = createContext(store, new FakeClock(NOW), defs, 1);
      assert.equal(await recordFreshnessChanges(ctx, NOW), 1, 'events is recorded PASS; hourly_report stays WARN');
      assert.equal(await recordFreshnessChanges(ctx, NOW), 0, 'nothing changed since');
      assert.equal(await recordFreshnessChanges(ctx, NOW + 60 * MINUTE), 1, 'hourly_report is now 105 minutes old: FAIL');
      const recorded = await store.assets.listAssetFreshness();
      assert.deepEqual(recorded.map((r) => [r.assetKey, r.state, r.stateVersion, r.previousState]), [
        ['events', 'PASS', 1, null],
        ['hourly_report', 'FAIL', 2, 'WARN'],
      ]);
    });

    test('rebuilding the projections folds asset_freshness again from the ledger: a deleted or damaged row comes back', async () => {
      const before = await store.assets.listAssetFreshness();
      const hash = await store.admin.projectionHash();
      await engine.exec(`DELETE FROM asset_freshness WHERE id = 'events'`);
      await engine.exec(`UPDATE asset_freshness SET state = 'PASS', state_version = 9, doc = replace(doc, '"FAIL"', '"PASS"') WHERE id = 'hourly_report'`);
      const damaged = await store.assets.listAssetFreshness();
      assert.deepEqual(damaged.map((r) => [r.assetKey, r.state]), [['hourly_report', 'PASS']], 'the damage is visible before the rebuild');
      assert.notEqual(await store.admin.projectionHash(), hash);
      const rebuilt = await store.admin.rebuildProjections();
      assert.equal(rebuilt.hash, hash);
      assert.deepEqual(await store.assets.listAssetFreshness(), before);
    });

    test("two daemons' runners record each change once; a runner that lost the race reads the records anew and records the next change", async () => {
      // No timed reload: only losing the race may make b read the records anew.
      const runner = (seed: number) => new FreshnessRunner(createContext(store, new FakeClock(NOW), defs, seed), { reloadMs: 24 * 60 * MINUTE });
      const [a, b] = [runner(11), runner(12)];
      const t1 = NOW + 61 * MINUTE;
      await a.evaluateIfDue(t1);
      await b.evaluateIfDue(t1);
      await materialize(store, 'hourly_report', null, t1);
      await a.evaluateIfDue(t1 + MINUTE);
      await b.evaluateIfDue(t1 + MINUTE);
      const states = async () => (await store.assets.listFreshnessStates()).find((s) => s.assetKey === 'hourly_report');
      assert.deepEqual(await states(), { assetKey: 'hourly_report', state: 'PASS', stateVersion: 3 }, 'the runner catches the new materialization up without a full load');
      await b.evaluateIfDue(t1 + 31 * MINUTE);
      assert.deepEqual(await states(), { assetKey: 'hourly_report', state: 'WARN', stateVersion: 4 }, 'b, behind after its duplicate, recorded the next change');
      const events = await store.ledger.readEvents({ afterSequence: 0, limit: 1000 });
      const versions = events.flatMap((e) => (e.type === 'AssetFreshnessChanged' && e.payload.assetKey === 'hourly_report' ? [e.payload.stateVersion] : []));
      assert.deepEqual(versions, [1, 2, 3, 4], 'each change once');
    });
  });
}
