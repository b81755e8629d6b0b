/**
 * Asset wipes and run deletions on both engines. Goal: what a user reads after a wipe or a
 * deletion (asset list, partition status, staleness, freshness, run lists, logs) says the history
 * is gone, the ledger still holds every event, and the projections equal a replay of it. Method: a
 * store per engine, runs requested and materialized through the real commands with a fixed clock,
 * then wiped or deleted through the same commands the API calls.
 */
import { describe } from 'node:test';
import assert from 'node:assert/strict';
import { dailyPartitions, defineAsset, defineDefinitions } from '../../src/authoring/index.js';
import { isArcoError } from '../../src/domain/errors/index.js';
import { createUlidFactory, seededRng } from '../../src/domain/ids/index.js';
import { draft, idempotencyKeys, stampEvents, type EventDraft } from '../../src/events/index.js';
import {
  FakeClock,
  FreshnessRunner,
  computeStaleness,
  createContext,
  deleteRun,
  describeAssets,
  describePartitionStatus,
  indexDefinitions,
  requestRun,
  wipeAssets,
  type RuntimeContext,
} from '../../src/runtime/index.js';
import type { Store } from '../../src/store/index.js';
import { skippable } from '../helpers/skippable.js';
import { storeEngines } from '../helpers/store-engines.js';

const NOW = Date.parse('2026-03-10T12:00:00Z');
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const compute = async () => {};
const defs = indexDefinitions(
  'definitions.ts',
  defineDefinitions({
    assets: [
      defineAsset({ key: 'report', compute, codeVersion: '1', freshness: { failAfter: '1h' } }),
      defineAsset({ key: 'events', compute, codeVersion: '1', partitions: dailyPartitions({ start: '2026-03-01' }) }),
      defineAsset({ key: 'other', compute, codeVersion: '1' }),
    ],
  }),
);

const engines = await storeEngines('arco-forgetting-');

let stamps = 0;
function stamp(drafts: readonly EventDraft[], atMs: number) {
  stamps += 1;
  return stampEvents(drafts, { ulid: createUlidFactory(seededRng(stamps)), nowEpochMs: atMs });
}

function materializedDraft(runId: string, taskKey: string, assetKey: string, partitionKey: string | null, window: { startMs: number; endMs: number } | null): EventDraft {
  return draft(
    'AssetMaterialized',
    { runId, taskKey, attempt: 1, assetKey, partitionKey, dataVersion: `v-${taskKey}`, codeVersion: '1', metadata: {}, partitionWindow: window, provenance: null },
    idempotencyKeys.assetMaterialized(runId, taskKey, 1),
    runId,
  );
}

let seed = 100;

/** A run of one asset (partition), materialized and SUCCESS at `atMs` (unless `finish` is false). */
async function materialize(store: Store, assetKey: string, partitionKey: string | null, atMs: number, finish = true): Promise<string> {
  seed += 1;
  const { run } = await requestRun(createContext(store, new FakeClock(atMs), defs, seed), { selection: [assetKey], partition: partitionKey });
  const task = run.tasks[0];
  if (!task) throw new Error('a run without a task');
  const drafts = [materializedDraft(run.runId, task.taskKey, assetKey, partitionKey, task.partitionWindow)];
  if (finish) drafts.push(draft('RunFinished', { runId: run.runId, status: 'SUCCESS' }, idempotencyKeys.runFinished(run.runId), run.runId));
  await store.ledger.append(stamp(drafts, atMs));
  return run.runId;
}

async function codeOf(action: () => Promise<unknown>): Promise<string> {
  try {
    await action();
    return 'no error';
  } catch (error) {
    if (isArcoError(error)) return error.code;
    throw error;
  }
}

for (const engine of engines) {
  const { test, before, after } = skippable(engine.skip);
  describe(`asset wipes and run deletions on ${engine.name}`, () => {
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

    test('wiping an asset forgets its materializations: asset list says never, status MISSING, staleness MISSING, freshness UNKNOWN', async () => {
      await materialize(store, 'report', null, NOW - 10 * MINUTE);
      await materialize(store, 'other', null, NOW - 9 * MINUTE);
      const [before] = await describeAssets(store, defs, ['report'], NOW);
      assert.equal(before?.freshness?.state, 'PASS');
      const events = await store.ledger.lastSequence();
      const outcome = await wipeAssets(ctx, { selection: 'report', requestedBy: 'admin-1' });
      assert.deepEqual(outcome.assets, [{ assetKey: 'report', partitionKeys: null, partitionWindows: [] }]);
      const [view, other] = await describeAssets(store, defs, ['report', 'other'], NOW);
      assert.deepEqual([view?.latestMaterialization, view?.freshness?.state], [null, 'UNKNOWN']);
      assert.notEqual(other?.latestMaterialization, null, 'an asset not selected keeps its history');
      assert.deepEqual(await store.assets.listMaterializations('report', 10), []);
      assert.deepEqual(await store.assets.listAssetPartitions('report'), []);
      const status = await describePartitionStatus(ctx, 'report', {}, NOW);
      assert.deepEqual([status.counts.materialized, status.counts.missing, status.partition?.status], [0, 1, 'MISSING']);
      const [staleness] = await computeStaleness(ctx, ['report']);
      assert.equal(staleness?.status, 'MISSING');
      const recorded = (await store.ledger.readEvents({ afterSequence: events, limit: 10 })).map((e) => [e.type, e.payload]);
      assert.deepEqual(recorded, [['AssetWiped', { assetKey: 'report', partitionKeys: null, partitionWindows: [], wipedAt: new Date(NOW).toISOString(), requestedBy: 'admin-1' }]]);
      const materializations = (await store.ledger.readEvents({ afterSequence: 0, limit: 1000 })).filter((e) => e.type === 'AssetMaterialized' && e.payload.assetKey === 'report');
      assert.equal(materializations.length, 1, 'the ledger keeps the materialization: a wipe deletes nothing from it');
    });

    test('wiping some partitions forgets only those: they read MISSING, the others stay MATERIALIZED', async () => {
      for (const day of ['2026-03-01', '2026-03-02', '2026-03-03', '2026-03-04']) await materialize(store, 'events', day, NOW - 8 * MINUTE);
      const outcome = await wipeAssets(ctx, { selection: ['events'], partition: '2026-03-02...2026-03-03' });
      const start = Date.parse('2026-03-02T00:00:00Z');
      assert.deepEqual(outcome.assets, [{ assetKey: 'events', partitionKeys: ['2026-03-02', '2026-03-03'], partitionWindows: [[start, start + 2 * DAY]] }]);
      const status = await describePartitionStatus(ctx, 'events', { partition: '2026-03-01...2026-03-04' }, NOW);
      assert.deepEqual(status.ranges.MATERIALIZED.map((r) => [r.start, r.end]), [
        ['2026-03-01', '2026-03-01'],
        ['2026-03-04', '2026-03-04'],
      ]);
      assert.deepEqual(status.ranges.MISSING.map((r) => [r.start, r.end]), [['2026-03-02', '2026-03-03']]);
      assert.deepEqual((await store.assets.listAssetPartitions('events')).map((p) => p.partitionKey), ['2026-03-01', '2026-03-04']);
      assert.deepEqual((await store.assets.listMaterializations('events', 10)).map((m) => m.partitionKey).sort(), ['2026-03-01', '2026-03-04']);
      const [staleness] = await computeStaleness(ctx, ['events']);
      // Staleness lists materialized partitions and counts the rest MISSING: 9 days have closed by NOW.
      assert.deepEqual(staleness?.partitions.map((p) => [p.partitionKey, p.status]), [['2026-03-01', 'FRESH'], ['2026-03-04', 'FRESH']]);
      assert.deepEqual(staleness?.partitionCounts, { FRESH: 2, STALE: 0, MISSING: 7 });
    });

    test('an unknown asset, an unknown partition or a partition of an unpartitioned asset is refused and records nothing', async () => {
      const events = await store.ledger.lastSequence();
      assert.equal(await codeOf(() => wipeAssets(ctx, { selection: 'nope' })), 'UNKNOWN_ASSET');
      assert.equal(await codeOf(() => wipeAssets(ctx, { selection: 'events', partition: '2025-01-01' })), 'UNKNOWN_PARTITION');
      assert.equal(await codeOf(() => wipeAssets(ctx, { selection: 'events', partition: '2026-03-01...2099-01-01' })), 'INVALID_PARTITION_RANGE');
      assert.equal(await codeOf(() => wipeAssets(ctx, { selection: ['events', 'other'], partition: '2026-03-01' })), 'PARTITION_NOT_APPLICABLE');
      assert.equal(await codeOf(() => wipeAssets(ctx, { selection: 'key:nothing*' })), 'EMPTY_SELECTION');
      const dry = await wipeAssets(ctx, { selection: 'other', dryRun: true });
      assert.deepEqual([dry.dryRun, dry.wipedAt, dry.assets.map((a) => a.assetKey)], [true, null, ['other']]);
      assert.equal(await store.ledger.lastSequence(), events);
      assert.equal((await store.assets.listMaterializations('other', 10)).length, 1, 'a dry run wipes nothing');
    });

    test('a run in progress on a wiped asset is not affected: its later materialization counts', async () => {
      const runId = await materialize(store, 'other', null, NOW - 5 * MINUTE, false);
      const [running] = await store.assets.listMaterializations('other', 1);
      assert.equal(running?.runId, runId);
      // The run is still QUEUED: a second task attempt materializes after the wipe.
      await wipeAssets(ctx, { selection: 'other' });
      assert.deepEqual(await store.assets.listMaterializations('other', 10), []);
      const run = await store.runs.getRun(runId);
      assert.equal(run?.status, 'QUEUED', 'the wipe does not touch the run');
      const task = run?.tasks[0];
      await store.ledger.append(stamp([draft('AssetMaterialized', { runId, taskKey: task?.taskKey ?? '', attempt: 2, assetKey: 'other', partitionKey: null, dataVersion: 'later', codeVersion: '1', metadata: {}, partitionWindow: null, provenance: null }, idempotencyKeys.assetMaterialized(runId, task?.taskKey ?? '', 2), runId)], NOW - MINUTE));
      const [view] = await describeAssets(store, defs, ['other'], NOW);
      assert.deepEqual([view?.latestMaterialization?.runId, view?.latestMaterialization?.dataVersion], [runId, 'later']);
      assert.equal((await describePartitionStatus(ctx, 'other', {}, NOW)).partition?.status, 'IN_PROGRESS', 'its run is still going');
      await store.ledger.append(stamp([draft('RunFinished', { runId, status: 'SUCCESS' }, idempotencyKeys.runFinished(runId), runId)], NOW - MINUTE));
      assert.equal((await describePartitionStatus(ctx, 'other', {}, NOW)).partition?.status, 'MATERIALIZED');
    });

    test('a freshness runner that held the materialization in its cache records UNKNOWN after the wipe', async () => {
      await materialize(store, 'report', null, NOW);
      const runner = new FreshnessRunner(createContext(store, new FakeClock(NOW), defs, 3), { intervalMs: 1, reloadMs: 24 * 60 * MINUTE });
      await runner.evaluateIfDue(NOW + MINUTE);
      const state = async () => (await store.assets.getAssetFreshness('report'))?.state;
      assert.equal(await state(), 'PASS');
      await wipeAssets(ctx, { selection: 'report' });
      await runner.evaluateIfDue(NOW + 2 * MINUTE);
      assert.equal(await state(), 'UNKNOWN');
    });

    test('a deleted run leaves run lists and views, its logs are not served, and what it materialized still counts', async () => {
      const runId = await materialize(store, 'other', null, NOW + MINUTE);
      await store.ledger.append(stamp([draft('TaskLogged', { runId, taskKey: 'other', attempt: 1, seq: 0, level: 'info', message: 'hello', loggedAt: new Date(NOW).toISOString() }, idempotencyKeys.taskLogged(runId, 'other', 1, 0), runId)], NOW + MINUTE));
      assert.equal((await store.logs.listLogs(runId, { limit: 10 })).length, 1);
      const deleted = await deleteRun(ctx, runId, 'admin-1');
      assert.deepEqual(deleted, { runId, deletedAt: new Date(NOW).toISOString() });
      assert.equal(await store.runs.getRun(runId), undefined);
      assert.equal(await codeOf(() => deleteRun(ctx, runId)), 'RUN_NOT_FOUND', 'deleted once; a second delete finds no run');
      assert.ok(!(await store.runs.listRuns({ limit: 100 })).some((r) => r.runId === runId));
      assert.equal(await engine.count(`log_index WHERE id = '${runId}'`), 0);
      const [view] = await describeAssets(store, defs, ['other'], NOW);
      assert.equal(view?.latestMaterialization?.runId, runId, 'the materialization of a deleted run still counts');
      assert.equal((await describePartitionStatus(ctx, 'other', {}, NOW)).partition?.status, 'MATERIALIZED');
      const [last] = (await store.ledger.readEvents({ correlationId: runId, afterSequence: 0, limit: 100 })).slice(-1);
      assert.deepEqual([last?.type, last?.payload], ['RunDeleted', { runId, deletedAt: new Date(NOW).toISOString(), requestedBy: 'admin-1' }]);
    });

    test('a run not yet finished cannot be deleted: RUN_NOT_TERMINAL, nothing recorded', async () => {
      const { run } = await requestRun(ctx, { selection: ['other'] });
      const events = await store.ledger.lastSequence();
      assert.equal(await codeOf(() => deleteRun(ctx, run.runId)), 'RUN_NOT_TERMINAL');
      assert.equal(await store.ledger.lastSequence(), events);
      assert.equal((await store.runs.getRun(run.runId))?.status, 'QUEUED');
    });

    test('the run key of a deleted run stays taken: asking for it again is RUN_KEY_OF_DELETED_RUN', async () => {
      const { run } = await requestRun(ctx, { selection: ['other'], runKey: 'nightly-1' });
      await store.ledger.append(stamp([draft('RunFinished', { runId: run.runId, status: 'SUCCESS' }, idempotencyKeys.runFinished(run.runId), run.runId)], NOW));
      await deleteRun(ctx, run.runId);
      const events = await store.ledger.lastSequence();
      assert.equal(await codeOf(() => requestRun(ctx, { selection: ['other'], runKey: 'nightly-1' })), 'RUN_KEY_OF_DELETED_RUN');
      assert.equal(await store.ledger.lastSequence(), events);
    });

    test('wipes and deletions equal a replay: rebuilding the projections from the ledger gives the same rows, damaged or not', async () => {
      // One batch materializes, wipes and materializes again: the wipe forgets only what came before it.
      const { run } = await requestRun(ctx, { selection: ['events'], partition: '2026-03-05' });
      const task = run.tasks[0];
      if (!task) throw new Error('a run without a task');
      const again = draft('AssetMaterialized', { runId: run.runId, taskKey: task.taskKey, attempt: 2, assetKey: 'events', partitionKey: '2026-03-05', dataVersion: 'second', codeVersion: '1', metadata: {}, partitionWindow: task.partitionWindow, provenance: null }, idempotencyKeys.assetMaterialized(run.runId, task.taskKey, 2), run.runId);
      const wipe = draft('AssetWiped', { assetKey: 'events', partitionKeys: null, partitionWindows: [], wipedAt: new Date(NOW).toISOString(), requestedBy: null }, idempotencyKeys.assetWiped('events', 'batch'), null);
      await store.ledger.append(stamp([materializedDraft(run.runId, task.taskKey, 'events', '2026-03-05', task.partitionWindow), wipe, again], NOW));
      assert.deepEqual((await store.assets.listMaterializations('events', 10)).map((m) => m.dataVersion), ['second']);
      assert.deepEqual((await store.assets.getAssetPartitionStatus('events'))?.materialized.windows, [[Date.parse('2026-03-05T00:00:00Z'), Date.parse('2026-03-06T00:00:00Z')]]);
      const views = async () => ({
        assets: await describeAssets(store, defs, ['report', 'events', 'other'], NOW),
        runs: await store.runs.listRuns({ limit: 100 }),
        wipes: await store.assets.listAssetWipes({ limit: 100 }),
      });
      const hash = await store.admin.projectionHash();
      const before = await views();
      assert.deepEqual(before.wipes.map((w) => [w.assetKey, w.partitionKeys]), [
        ['events', null],
        ['report', null],
        ['other', null],
        ['events', ['2026-03-02', '2026-03-03']],
        ['report', null],
      ]);
      await engine.exec(`DELETE FROM asset_wipes`);
      await engine.exec(`DELETE FROM asset_partition_status`);
      await engine.exec(`UPDATE materializations SET doc = replace(doc, '"second"', '"tampered"')`);
      assert.notEqual(await store.admin.projectionHash(), hash);
      const rebuilt = await store.admin.rebuildProjections();
      assert.equal(rebuilt.hash, hash);
      assert.deepEqual(await views(), before);
    });
  });
}
