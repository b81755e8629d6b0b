/**
 * Backfills under a real daemon with worker processes and a real SQLite store: chunk runs are
 * requested through the one run-key path, advance as runs end, and pause, resume, cancel and retry
 * change what the daemon plans. Goal: prove the backfill lifecycle end to end; method: small daily
 * backfills over assets whose code succeeds, fails for one key, or waits to be aborted.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { isArcoError } from '../../src/domain/errors/index.js';
import {
  backfillChunks,
  backfillStatus,
  cancelBackfill,
  createBackfill,
  getBackfill,
  listBackfills,
  pauseBackfill,
  resumeBackfill,
  retryBackfill,
  type BackfillView,
} from '../../src/runtime/index.js';
import type { Store } from '../../src/store/index.js';
import { startDaemon, tempProject, type Running } from '../helpers/project.js';

const SOURCE = `
import { defineAsset, defineDefinitions, dailyPartitions, hourlyPartitions, weeklyPartitions } from 'arco-flow';
const days = dailyPartitions({ start: '2026-01-01' });
const a = defineAsset({ key: 'a', partitions: days, compute: async () => {} });
const b = defineAsset({ key: 'b', deps: [a], partitions: days, compute: async () => {} });
const flaky = defineAsset({ key: 'flaky', partitions: days, compute: async (ctx) => { if (ctx.partitionKey === '2026-01-03') throw new Error('bad day'); } });
const slow = defineAsset({ key: 'slow', partitions: days, compute: (ctx) => new Promise((resolve, reject) => {
  const timer = setTimeout(resolve, 400);
  ctx.signal.addEventListener('abort', () => { clearTimeout(timer); reject(new Error('aborted')); });
}) });
const hours = defineAsset({ key: 'hours', partitions: hourlyPartitions({ start: '1900-01-01-00:00' }), compute: async () => {} });
const waits = defineAsset({ key: 'waits', partitions: days, compute: (ctx) => new Promise((resolve, reject) => ctx.signal.addEventListener('abort', () => reject(new Error('aborted')))) });
const day = defineAsset({ key: 'day', partitions: dailyPartitions({ start: '2026-01-04', end: '2026-02-01' }), compute: async (ctx) => { if (ctx.partitionKey === '2026-01-13') throw new Error('bad day'); } });
const week = defineAsset({ key: 'week', deps: [day], partitions: weeklyPartitions({ start: '2026-01-04', end: '2026-02-01' }), compute: async () => {} });
export default defineDefinitions({ assets: [a, b, flaky, slow, waits, hours, day, week] });
`;

async function waitFor(store: Store, backfillId: string, until: (b: BackfillView) => boolean, timeoutMs = 30_000): Promise<BackfillView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const backfill = await getBackfill({ store }, { backfillId });
    if (until(backfill)) return backfill;
    if (Date.now() > deadline) throw new Error(`backfill ${backfillId} did not get there in ${timeoutMs} ms: ${JSON.stringify(backfill)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const terminal = (b: BackfillView) => ['CANCELED', 'COMPLETED_SUCCESS', 'COMPLETED_FAILED', 'FAILED'].includes(b.status);

describe('backfills under the daemon', () => {
  const project = tempProject(SOURCE);
  let running: Running;

  before(async () => {
    running = await startDaemon(project.file, join(project.dir, 'arco.db'));
  });
  after(async () => {
    await running.stop();
    project.remove();
  });

  test('a backfill runs its chunks to COMPLETED_SUCCESS with exactly one run per chunk, each keyed backfill:{id}:chunk:{n}', async () => {
    const { backfill, existing } = await createBackfill(running.ctx, {
      selection: ['a', 'b'],
      partition: '2026-01-01...2026-01-05',
      policy: 'multi-run:2',
      maxConcurrentRuns: 2,
      requestId: 'five-days',
    });
    assert.equal(existing, false);
    const done = await waitFor(running.store, backfill.backfillId, terminal);
    assert.equal(done.status, 'COMPLETED_SUCCESS');
    assert.equal(done.chunksPlanned, 3);
    assert.deepEqual(done.counts, { total: 10, planned: 10, materialized: 10, failed: 0, skipped: 0, canceled: 0, inProgress: 0, notStarted: 0 });
    const runs = await running.store.runs.listRuns({ tags: [['arco/backfill', backfill.backfillId]], limit: 100 });
    assert.deepEqual(runs.map((r) => r.runKey).sort(), [0, 1, 2].map((n) => `backfill:${backfill.backfillId}:chunk:${n}`));
    assert.ok(runs.every((r) => r.status === 'SUCCESS'));
    const status = await backfillStatus(running.ctx, { backfillId: backfill.backfillId });
    assert.deepEqual(status.assets.map((a) => [a.assetKey, a.ranges]), [
      ['a', [{ range: '2026-01-01...2026-01-05', state: 'materialized' }]],
      ['b', [{ range: '2026-01-01...2026-01-05', state: 'materialized' }]],
    ]);
  });

  test('creating a backfill again with the same request id returns the same backfill', async () => {
    const again = await createBackfill(running.ctx, { selection: ['a', 'b'], partition: '2026-01-01...2026-01-05', policy: 'multi-run:2', maxConcurrentRuns: 2, requestId: 'five-days' });
    assert.equal(again.existing, true);
    const listed = await listBackfills({ store: running.store }, {});
    assert.equal(listed.backfills.filter((b) => b.clientRequestId === 'five-days').length, 1);
  });

  test('a failed partition ends the backfill COMPLETED_FAILED; retry creates a backfill over exactly that partition, tagged with its parent and root', async () => {
    const { backfill } = await createBackfill(running.ctx, { selection: ['flaky'], partition: '2026-01-01...2026-01-04', policy: 'multi-run:1', maxConcurrentRuns: 4 });
    const done = await waitFor(running.store, backfill.backfillId, terminal);
    assert.equal(done.status, 'COMPLETED_FAILED');
    assert.equal(done.counts.failed, 1);
    const status = await backfillStatus(running.ctx, { backfillId: backfill.backfillId });
    assert.deepEqual(status.assets[0]?.ranges, [
      { range: '2026-01-01...2026-01-02', state: 'materialized' },
      { range: '2026-01-03', state: 'failed' },
      { range: '2026-01-04', state: 'materialized' },
    ]);
    const retry = await retryBackfill(running.ctx, { backfillId: backfill.backfillId });
    assert.equal(retry.existing, false);
    assert.equal(retry.backfill.parentBackfillId, backfill.backfillId);
    assert.equal(retry.backfill.rootBackfillId, backfill.backfillId);
    assert.equal(retry.backfill.counts.total, 1);
    const retried = await waitFor(running.store, retry.backfill.backfillId, terminal);
    const [run] = await running.store.runs.listRuns({ tags: [['arco/backfill', retry.backfill.backfillId]], limit: 10 });
    assert.deepEqual(run?.tasks.map((t) => t.taskKey), ['flaky[2026-01-03]']);
    assert.equal(run?.tags['arco/parent_backfill_id'], backfill.backfillId);
    assert.equal(run?.tags['arco/root_backfill_id'], backfill.backfillId);
    assert.equal(retried.status, 'COMPLETED_FAILED');
    assert.equal((await retryBackfill(running.ctx, { backfillId: backfill.backfillId })).existing, true, 'asking again returns the same retry');
  });

  test('a weekly partition runs only after its seven days materialized; a failed day skips only its week, in a later chunk, and the status shows it skipped', async () => {
    const { backfill } = await createBackfill(running.ctx, { selection: ['day', 'week'], partition: { kind: 'all' }, policy: 'multi-run:2', maxConcurrentRuns: 4 });
    const done = await waitFor(running.store, backfill.backfillId, terminal);
    assert.equal(done.status, 'COMPLETED_FAILED');
    assert.deepEqual(done.counts, { total: 32, planned: 32, materialized: 30, failed: 1, skipped: 1, canceled: 0, inProgress: 0, notStarted: 0 });
    const status = await backfillStatus(running.ctx, { backfillId: backfill.backfillId });
    assert.deepEqual(status.assets.map((a) => [a.assetKey, a.ranges]), [
      ['day', [
        { range: '2026-01-04...2026-01-12', state: 'materialized' },
        { range: '2026-01-13', state: 'failed' },
        { range: '2026-01-14...2026-01-31', state: 'materialized' },
      ]],
      ['week', [
        { range: '2026-01-04', state: 'materialized' },
        { range: '2026-01-11', state: 'skipped' },
        { range: '2026-01-18...2026-01-25', state: 'materialized' },
      ]],
    ]);
    const runs = await running.store.runs.listRuns({ tags: [['arco/backfill', backfill.backfillId]], limit: 100 });
    const weekRuns = runs.filter((r) => r.assetKeys.includes('week')).map((r) => r.tasks.map((t) => t.taskKey).sort()).sort();
    assert.deepEqual(weekRuns, [['week[2026-01-04]'], ['week[2026-01-18]', 'week[2026-01-25]']], 'the week of the failed day is left out of its chunk run; its neighbour runs');
    const events = await running.store.ledger.readEvents({ limit: 100_000 });
    const materializedAt = new Map(events.flatMap((e) => (e.type === 'AssetMaterialized' && e.payload.assetKey === 'day' ? [[e.payload.partitionKey, e.sequence]] : [])));
    for (const e of events) {
      if (e.type !== 'RunRequested' || e.payload.tags['arco/backfill'] !== backfill.backfillId || !e.payload.assetKeys.includes('week')) continue;
      for (const t of e.payload.tasks) {
        const days = Array.from({ length: 7 }, (_, i) => new Date(Date.parse(`${t.partitionKey}T00:00:00Z`) + i * 86_400_000).toISOString().slice(0, 10));
        assert.ok(days.every((d) => (materializedAt.get(d) ?? Infinity) < e.sequence), `${t.taskKey} was requested only after its seven days materialized`);
      }
    }
    const chunks = [];
    for await (const chunk of backfillChunks(running.ctx, backfill.backfillId)) if (chunk.skipReason !== null) chunks.push(chunk.skipReason);
    assert.deepEqual(chunks, ['1 of 2 partitions skipped, first 2026-01-11: upstream partition day[2026-01-13] of week did not materialize in this backfill']);
    const retry = await retryBackfill(running.ctx, { backfillId: backfill.backfillId });
    const retried = await waitFor(running.store, retry.backfill.backfillId, terminal);
    assert.deepEqual([retried.counts.total, retried.counts.failed, retried.counts.skipped], [2, 1, 1], 'a retry selects the failed day and the skipped week only');
  });

  test('pausing stops planning while the chunk run in flight finishes; resuming continues where it stopped', async () => {
    const { backfill } = await createBackfill(running.ctx, { selection: ['slow'], partition: '2026-01-01...2026-01-04', policy: 'multi-run:1', maxConcurrentRuns: 1 });
    const planned = await waitFor(running.store, backfill.backfillId, (b) => b.chunksPlanned >= 1);
    const paused = await pauseBackfill(running.ctx, { backfillId: backfill.backfillId, expectedStateVersion: planned.stateVersion });
    assert.equal(paused.status, 'PAUSED');
    const settled = await waitFor(running.store, backfill.backfillId, (b) => b.runsInFlight.length === 0);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const still = await getBackfill({ store: running.store }, { backfillId: backfill.backfillId });
    assert.equal(still.chunksPlanned, settled.chunksPlanned, 'no chunk planned while paused');
    assert.equal(still.status, 'PAUSED');
    await resumeBackfill(running.ctx, { backfillId: backfill.backfillId });
    const done = await waitFor(running.store, backfill.backfillId, terminal);
    assert.equal(done.status, 'COMPLETED_SUCCESS');
    assert.equal(done.chunksPlanned, 4);
    assert.equal(done.stateVersion, 4);
  });

  test('canceling moves the backfill to CANCELING, cancels its runs in flight, then CANCELED', async () => {
    const { backfill } = await createBackfill(running.ctx, { selection: ['waits'], partition: '2026-01-01...2026-01-06', policy: 'multi-run:1', maxConcurrentRuns: 2 });
    await waitFor(running.store, backfill.backfillId, (b) => b.runsInFlight.length === 2);
    const canceling = await cancelBackfill(running.ctx, { backfillId: backfill.backfillId });
    assert.equal(canceling.status, 'CANCELING');
    const done = await waitFor(running.store, backfill.backfillId, terminal);
    assert.equal(done.status, 'CANCELED');
    const runs = await running.store.runs.listRuns({ tags: [['arco/backfill', backfill.backfillId]], limit: 10 });
    assert.equal(runs.length, 2);
    assert.ok(runs.every((r) => r.status === 'CANCELED'));
    assert.equal(done.counts.notStarted, 4);
  });

  test('a state change requested from a stale state version is BACKFILL_STATE_CONFLICT and appends nothing', async () => {
    const { backfill } = await createBackfill(running.ctx, { selection: ['a'], partition: '2026-01-01', requestId: 'one-day' });
    const done = await waitFor(running.store, backfill.backfillId, terminal);
    const before = await running.store.ledger.lastSequence();
    await assert.rejects(pauseBackfill(running.ctx, { backfillId: backfill.backfillId, expectedStateVersion: 1 }), (e: unknown) =>
      isArcoError(e) && e.code === 'BACKFILL_STATE_CONFLICT' && e.details?.currentStatus === 'COMPLETED_SUCCESS');
    assert.equal(await running.store.ledger.lastSequence(), before);
    assert.deepEqual(await getBackfill({ store: running.store }, { backfillId: backfill.backfillId }), done);
  });

  test('bad input gets a clear error and stores nothing', async () => {
    const before = await running.store.ledger.lastSequence();
    const cases: [Parameters<typeof createBackfill>[1], string][] = [
      [{ selection: ['nope'], partition: '2026-01-01' }, 'UNKNOWN_ASSET'],
      [{ selection: ['a'], partition: '2026-01-01,1999-01-01' }, 'BACKFILL_UNKNOWN_PARTITIONS'],
      [{ selection: ['a'], partition: '2026-01-05...2026-01-02' }, 'INVALID_PARTITION_RANGE'],
      [{ selection: ['a'], partition: '2026-01-01', policy: 'multi-run:0' }, 'BACKFILL_INVALID_POLICY'],
    ];
    for (const [input, code] of cases) {
      await assert.rejects(createBackfill(running.ctx, input), (e: unknown) => isArcoError(e) && e.code === code, code);
    }
    assert.equal(await running.store.ledger.lastSequence(), before);
  });

  test('a single-run backfill materializes the whole selected range in one run', async () => {
    const { backfill } = await createBackfill(running.ctx, { selection: ['a'], partition: '2026-01-01...2026-01-07', policy: 'single-run' });
    const done = await waitFor(running.store, backfill.backfillId, terminal);
    assert.equal(done.status, 'COMPLETED_SUCCESS');
    const runs = await running.store.runs.listRuns({ tags: [['arco/backfill', backfill.backfillId]], limit: 10 });
    assert.equal(runs.length, 1);
    assert.equal(runs[0]?.tasks.length, 7);
    assert.deepEqual([runs[0]?.tags['arco/asset_partition_range_start'], runs[0]?.tags['arco/asset_partition_range_end']], ['2026-01-01', '2026-01-07']);
  });

  test('a backfill over all of a million hourly partitions stores its selector, not its keys', async () => {
    const { backfill } = await createBackfill(running.ctx, { selection: ['hours'], partition: { kind: 'all' }, policy: 'multi-run:100', maxConcurrentRuns: 1 });
    await cancelBackfill(running.ctx, { backfillId: backfill.backfillId });
    assert.ok(backfill.counts.total > 1_000_000, `${backfill.counts.total} partitions`);
    const [created] = (await running.store.ledger.readEvents({ limit: 100_000 })).filter((e) => e.type === 'BackfillCreated' && e.payload.backfillId === backfill.backfillId);
    assert.deepEqual(created?.type === 'BackfillCreated' ? created.payload.units.map((u) => u.selection) : null, [{ kind: 'selector', selector: { kind: 'all' } }]);
    assert.ok(JSON.stringify(created?.payload).length < 2_000, 'the stored backfill holds no list of keys');
    const canceled = await waitFor(running.store, backfill.backfillId, terminal);
    // Its retry selects what never materialized: the whole unplanned stretch, still as ranges, not keys.
    const retry = await retryBackfill(running.ctx, { backfillId: backfill.backfillId });
    assert.ok(retry.backfill.counts.total >= canceled.counts.total - canceled.counts.materialized, `${retry.backfill.counts.total} partitions to retry`);
    const [retried] = (await running.store.ledger.readEvents({ limit: 100_000 })).filter((e) => e.type === 'BackfillCreated' && e.payload.backfillId === retry.backfill.backfillId);
    assert.ok(JSON.stringify(retried?.payload).length < 2_000, 'the retry holds ranges, not keys');
    await cancelBackfill(running.ctx, { backfillId: retry.backfill.backfillId });
    await waitFor(running.store, retry.backfill.backfillId, terminal);
  });

  test('rebuilding the projections after backfills gives the same hash', async () => {
    const before = await running.store.admin.projectionHash();
    assert.equal((await running.store.admin.rebuildProjections()).hash, before);
  });
});
