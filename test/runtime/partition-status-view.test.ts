/**
 * Partition status end to end (SEMANTICS §8, PST-01..05, PST-07, PST-08): real runs on a daemon
 * with worker processes materialize and fail partitions; the status view, and runs and backfills
 * over the partitions in a status, read what they left. Tests run in order and share one store:
 * each builds on the runs of the ones before.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { isArcoError } from '../../src/domain/errors/index.js';
import { cancelRun, createBackfill, createContext, describePartitionStatus, FakeClock, loadDefinitions, requestRun, type PartitionStatusView, type RuntimeContext } from '../../src/runtime/index.js';
import { openSqliteStore, type Store } from '../../src/store/index.js';
import { startDaemon, tempProject, waitForRun, type Running } from '../helpers/project.js';

const SOURCE = `import { defineAsset, defineDefinitions, dailyPartitions, staticPartitions } from 'arco-flow';
type Config = { fail?: string[]; sleepMs?: number } | null;
const days = defineAsset({ key: 'days', codeVersion: 'c1', partitions: dailyPartitions({ start: '2026-01-01', end: '2026-01-11' }), compute: async (ctx) => {
  const config = ctx.config as Config;
  if (config?.sleepMs) await new Promise((resolve) => setTimeout(resolve, config.sleepMs));
  if (config?.fail?.includes(ctx.partitionKey ?? '')) throw new Error('boom ' + ctx.partitionKey);
  return { metadata: { rows: 3 } };
} });
const regions = defineAsset({ key: 'regions', partitions: staticPartitions(['ap', 'eu', 'us']), compute: async () => ({}) });
const plain = defineAsset({ key: 'plain', compute: async () => ({}) });
export default defineDefinitions({ assets: [days, regions, plain] });
`;

async function rejects(action: () => Promise<unknown>, code: string, details: Record<string, unknown> = {}): Promise<void> {
  await assert.rejects(action, (error: unknown) => {
    assert.ok(isArcoError(error), String(error));
    assert.equal(error.code, code, error.message);
    for (const [key, value] of Object.entries(details)) assert.deepEqual(error.details?.[key], value, key);
    return true;
  });
}

const rangesText = (view: PartitionStatusView) =>
  Object.fromEntries(Object.entries(view.ranges).map(([status, ranges]) => [status, ranges.map((r) => (r.start === r.end ? r.start : `${r.start}...${r.end}`))]));

describe('partition status end to end', () => {
  const project = tempProject(SOURCE);
  const storePath = join(project.dir, 'arco.db');
  let running: Running | undefined;
  let queuedStore: Store;
  let ctx: RuntimeContext;
  const status = (asset: string, partition?: string) => describePartitionStatus(running?.ctx ?? ctx, asset, { partition }, Date.now());

  async function materialize(partition: string, config: Record<string, unknown> = {}, expected = 'SUCCESS', selection = ['days']) {
    const { run } = await requestRun(ctx, { selection, partition, config: config as never });
    const done = await waitForRun(ctx.store, run.runId);
    assert.equal(done.status, expected);
    return done;
  }

  before(async () => {
    queuedStore = openSqliteStore({ path: storePath });
    ctx = createContext(queuedStore, new FakeClock(Date.now()), await loadDefinitions(project.file), 7);
  });
  after(async () => {
    await running?.stop();
    await queuedStore.close();
    project.remove();
  });

  test('a partition is IN_PROGRESS from the moment a run for it is queued, and MISSING again once that run ends unmaterialized', async () => {
    // No daemon yet: the run stays QUEUED until it is canceled.
    const { run } = await requestRun(ctx, { selection: ['days'], partition: '2026-01-02...2026-01-03' });
    let view = await status('days');
    assert.deepEqual(view.counts, { total: 10, materialized: 0, failed: 0, inProgress: 2, missing: 8 });
    assert.deepEqual(rangesText(view).IN_PROGRESS, ['2026-01-02...2026-01-03']);
    await cancelRun(ctx, run.runId);
    view = await status('days');
    assert.deepEqual(view.counts, { total: 10, materialized: 0, failed: 0, inProgress: 0, missing: 10 });
    assert.deepEqual(rangesText(view).MISSING, ['2026-01-01...2026-01-10']);
  });

  test('counts and key ranges per status after partitions materialize and one fails', async () => {
    running = await startDaemon(project.file, storePath);
    ctx = running.ctx;
    await materialize('2026-01-01...2026-01-04', { fail: ['2026-01-03'] }, 'FAILURE');
    await materialize('2026-01-07');
    const view = await status('days');
    assert.deepEqual(view.counts, { total: 10, materialized: 4, failed: 1, inProgress: 0, missing: 5 });
    assert.deepEqual(rangesText(view), {
      MATERIALIZED: ['2026-01-01...2026-01-02', '2026-01-04', '2026-01-07'],
      FAILED: ['2026-01-03'],
      IN_PROGRESS: [],
      MISSING: ['2026-01-05...2026-01-06', '2026-01-08...2026-01-10'],
    });
    assert.equal(view.partition, null);
  });

  test('one partition shows its last materialization (run, time, data version, code version, metadata) and last failure', async () => {
    const done = await ctx.store.runs.listRuns({ limit: 1 });
    const one = await status('days', '2026-01-07');
    assert.equal(one.counts.total, 1);
    assert.equal(one.partition?.status, 'MATERIALIZED');
    assert.equal(one.partition?.lastMaterialization?.runId, done[0]?.runId);
    assert.equal(one.partition?.lastMaterialization?.codeVersion, 'c1');
    assert.deepEqual(one.partition?.lastMaterialization?.metadata, { rows: 3 });
    assert.match(one.partition?.lastMaterialization?.dataVersion ?? '', /^[0-9a-f]{16,}$/);
    assert.match(one.partition?.lastMaterialization?.materializedAt ?? '', /^\d{4}-\d\d-\d\dT/);
    const failed = await status('days', '2026-01-03');
    assert.deepEqual([failed.partition?.status, failed.partition?.lastMaterialization, failed.partition?.lastFailure?.code], ['FAILED', null, 'USER_CODE_ERROR']);
  });

  test('a FAILED partition becomes MATERIALIZED again when a later run succeeds, and a materialized one FAILED when a later run fails', async () => {
    await materialize('2026-01-03');
    await materialize('2026-01-01', { fail: ['2026-01-01'] }, 'FAILURE');
    const view = await status('days', '2026-01-01...2026-01-04');
    assert.deepEqual(view.counts, { total: 4, materialized: 3, failed: 1, inProgress: 0, missing: 0 });
    assert.deepEqual(rangesText(view), { MATERIALIZED: ['2026-01-02...2026-01-04'], FAILED: ['2026-01-01'], IN_PROGRESS: [], MISSING: [] });
    const first = await status('days', '2026-01-01');
    assert.equal(first.partition?.status, 'FAILED');
    assert.ok(first.partition?.lastMaterialization, 'the earlier materialization is still shown');
  });

  test('a partition is IN_PROGRESS while its run is running and MATERIALIZED once it succeeded', async () => {
    const { run } = await requestRun(ctx, { selection: ['days'], partition: '2026-01-05', config: { sleepMs: 1500 } });
    await waitForRun(ctx.store, run.runId, 30_000, (r) => r.status === 'STARTED');
    assert.equal((await status('days', '2026-01-05')).partition?.status, 'IN_PROGRESS');
    assert.equal((await waitForRun(ctx.store, run.runId)).status, 'SUCCESS');
    assert.equal((await status('days', '2026-01-05')).partition?.status, 'MATERIALIZED');
  });

  test('static partitions are counted and ranged in definition order', async () => {
    await materialize('eu', {}, 'SUCCESS', ['regions']);
    const view = await status('regions');
    assert.deepEqual(view.counts, { total: 3, materialized: 1, failed: 0, inProgress: 0, missing: 2 });
    assert.deepEqual(rangesText(view), { MATERIALIZED: ['eu'], FAILED: [], IN_PROGRESS: [], MISSING: ['ap', 'us'] });
  });

  test('an unpartitioned asset reads as one partition with its last materialization', async () => {
    const { run } = await requestRun(ctx, { selection: ['plain'] });
    await waitForRun(ctx.store, run.runId);
    const view = await status('plain');
    assert.deepEqual([view.partitioned, view.counts.materialized, view.partition?.status, view.partition?.lastMaterialization?.runId], [false, 1, 'MATERIALIZED', run.runId]);
  });

  test('a run with status:FAILED materializes exactly the failed partitions', async () => {
    const { run } = await requestRun(ctx, { selection: ['days'], partition: 'status:FAILED' });
    assert.deepEqual(run.tasks.map((t) => t.partitionKey), ['2026-01-01']);
    assert.equal((await waitForRun(ctx.store, run.runId)).status, 'SUCCESS');
    assert.equal((await status('days')).counts.failed, 0);
  });

  test('a run with status:MISSING materializes exactly the missing partitions', async () => {
    const before = await status('days');
    assert.deepEqual(rangesText(before).MISSING, ['2026-01-06', '2026-01-08...2026-01-10']);
    const { run } = await requestRun(ctx, { selection: ['days'], partition: 'status:missing' });
    assert.deepEqual(run.tasks.map((t) => t.partitionKey), ['2026-01-06', '2026-01-08', '2026-01-09', '2026-01-10']);
    assert.equal((await waitForRun(ctx.store, run.runId)).status, 'SUCCESS');
    assert.deepEqual((await status('days')).counts, { total: 10, materialized: 10, failed: 0, inProgress: 0, missing: 0 });
  });

  test('a backfill over status:MISSING,FAILED holds their key ranges, and --from-status narrows a selector', async () => {
    await materialize('2026-01-02...2026-01-03', { fail: ['2026-01-02', '2026-01-03'] }, 'FAILURE');
    const { backfill } = await createBackfill(ctx, { selection: 'regions', partition: 'status:MISSING,FAILED', requestId: 'bf-missing' });
    assert.equal(backfill.counts.total, 2);
    const again = await createBackfill(ctx, { selection: 'regions', partition: 'status:MISSING,FAILED', requestId: 'bf-missing' });
    assert.deepEqual([again.existing, again.backfill.backfillId], [true, backfill.backfillId]);
    const narrowed = await createBackfill(ctx, { selection: 'days', partition: '2026-01-03...2026-01-10', fromStatus: 'FAILED', requestId: 'bf-failed' });
    assert.equal(narrowed.backfill.counts.total, 1);
    assert.deepEqual(narrowed.backfill.partition, { kind: 'range', start: '2026-01-03', end: '2026-01-10' });
    const units = (await ctx.store.backfills.getBackfill(narrowed.backfill.backfillId))?.units;
    assert.deepEqual(units?.map((u) => u.selection), [{ kind: 'ranges', ranges: [{ start: '2026-01-03', end: '2026-01-03' }] }]);
  });

  describe('bad input changes nothing and names what is valid', () => {
    test('an unknown status', async () => {
      const runs = (await ctx.store.runs.listRuns({ limit: 100 })).length;
      await rejects(() => requestRun(ctx, { selection: ['days'], partition: 'status:BROKEN' }), 'INVALID_PARTITION_SELECTOR', {
        status: 'BROKEN',
        valid: ['MATERIALIZED', 'FAILED', 'IN_PROGRESS', 'MISSING'],
      });
      await rejects(() => createBackfill(ctx, { selection: 'days', fromStatus: 'LOST' }), 'INVALID_PARTITION_SELECTOR', { status: 'LOST' });
      await rejects(() => status('days', 'status:NOPE'), 'INVALID_PARTITION_SELECTOR', { status: 'NOPE' });
      assert.equal((await ctx.store.runs.listRuns({ limit: 100 })).length, runs);
    });
    test('a selector for an unpartitioned asset', async () => {
      await rejects(() => status('plain', '2026-01-01'), 'PARTITION_NOT_APPLICABLE', { asset: 'plain' });
      await rejects(() => requestRun(ctx, { selection: ['plain'], partition: 'status:MISSING' }), 'PARTITION_NOT_APPLICABLE');
      await rejects(() => createBackfill(ctx, { selection: 'plain', partition: 'status:FAILED' }), 'PARTITION_NOT_APPLICABLE');
    });
    test('an unknown asset, with the nearest keys', async () => {
      await rejects(() => status('dayz'), 'UNKNOWN_ASSET', { suggestions: ['days'] });
    });
    test('a status nothing is in', async () => {
      await rejects(() => requestRun(ctx, { selection: ['regions'], partition: 'status:FAILED' }), 'INVALID_PARTITION_SELECTOR', { reason: 'selects no partition' });
      await rejects(() => createBackfill(ctx, { selection: 'regions', partition: 'status:FAILED' }), 'BACKFILL_EMPTY');
    });
    test('a key that is not a partition, with the nearest keys', async () => {
      await rejects(() => status('regions', 'eo'), 'UNKNOWN_PARTITION', { key: 'eo' });
    });
  });
});
