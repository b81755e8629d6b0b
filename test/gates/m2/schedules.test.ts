/**
 * Gate M2 — schedule ticks are exactly once. A tick time yields one tick and at most one run,
 * however often it is evaluated: by the same daemon again, by two daemons at once, or by a daemon
 * restarted after a crash between deciding the tick and appending it, or right after appending it.
 *
 * Method: real definitions files and a real SQLite store; time is a FakeClock. Racing daemons are
 * two stores on one file that both decide before either appends (a barrier at the crash point);
 * crashes are real processes killed with SIGKILL at named crash points, then run again.
 */
import { whyRun } from '../../../src/cli/views.js';
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { Automation, FakeClock, createContext, loadDefinitions, setScheduleStatus, type LoadedDefinitions } from '../../../src/runtime/index.js';
import { openSqliteStore, type Store } from '../../../src/store/index.js';
import { tempProject } from '../../helpers/project.js';

const SOURCE = `
import { defineAsset, defineDefinitions, defineSchedule, dailyPartitions, scheduleFromPartitions } from 'arco-flow';
const a = defineAsset({ key: 'a', compute: async () => {} });
const daily = defineAsset({ key: 'daily', partitions: dailyPartitions({ start: '2026-01-01' }), compute: async () => {} });
export default defineDefinitions({
  assets: [a, daily],
  schedules: [
    defineSchedule({ name: 'hourly', cron: '0 * * * *', target: [a], defaultStatus: 'running' }),
    scheduleFromPartitions([daily], { name: 'daily_partitions', defaultStatus: 'running', maxCatchupTicks: 3 }),
  ],
});
`;

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CHILD = fileURLToPath(new URL('./fixtures/automation-child.ts', import.meta.url));
const T_START = Date.parse('2026-03-01T09:30:00Z');
const T_TICK = Date.parse('2026-03-01T10:00:00Z');

function counts(db: string, scheduleName: string): { ticks: Record<number, number>; runs: Record<string, number> } {
  const handle = new Database(db, { readonly: true });
  const ticks = handle
    .prepare("SELECT json_extract(payload, '$.tickEpochSeconds') AS t, COUNT(*) AS n FROM ledger WHERE type = 'ScheduleTicked' AND json_extract(payload, '$.scheduleName') = ? GROUP BY t")
    .all(scheduleName) as { t: number; n: number }[];
  const runs = handle
    .prepare("SELECT json_extract(payload, '$.runKey') AS k, COUNT(*) AS n FROM ledger WHERE type = 'RunRequested' AND json_extract(payload, '$.runKey') LIKE ? GROUP BY k")
    .all(`sched:${scheduleName}:%`) as { k: string; n: number }[];
  handle.close();
  return { ticks: Object.fromEntries(ticks.map((r) => [r.t, r.n])), runs: Object.fromEntries(runs.map((r) => [r.k, r.n])) };
}

describe('schedule ticks are exactly once', () => {
  const project = tempProject(SOURCE);
  let definitions: LoadedDefinitions;
  let n = 0;
  const freshDb = () => join(project.dir, `arco-${(n += 1)}.db`);
  const open = (db: string, now: number) => {
    const store = openSqliteStore({ path: db });
    const clock = new FakeClock(now);
    return { store, clock, ctx: createContext(store, clock, definitions) };
  };
  const stores: Store[] = [];
  before(async () => {
    definitions = await loadDefinitions(project.file);
  });
  after(async () => {
    for (const s of stores) await s.close().catch(() => {});
    project.remove();
  });

  /** A store whose schedules were synced (and so started, defaultStatus running) at T_START. */
  async function startedAt(db: string): Promise<void> {
    const { store, ctx } = open(db, T_START);
    await new Automation(ctx).runOnce(T_START);
    await store.close();
  }

  test('evaluating the same tick time again, in the same and in another process, yields one tick and one run', async () => {
    const db = freshDb();
    await startedAt(db);
    const first = open(db, T_TICK);
    stores.push(first.store);
    const automation = new Automation(first.ctx);
    await automation.runOnce(T_TICK);
    await automation.runOnce(T_TICK);
    await new Automation(first.ctx).runOnce(T_TICK + 5_000);
    const child = spawnSync(process.execPath, ['--import', './src/runtime/loader/register.mjs', CHILD, project.file, db, new Date(T_TICK + 9_000).toISOString()], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(child.status, 0, child.stderr);
    assert.deepEqual(counts(db, 'hourly'), { ticks: { [T_TICK / 1000]: 1 }, runs: { [`sched:hourly:${T_TICK / 1000}`]: 1 } });
  });

  test('two daemons deciding the same tick at once append one tick and one run, which says it was requested by that schedule tick', async () => {
    const db = freshDb();
    await startedAt(db);
    const one = open(db, T_TICK);
    const two = open(db, T_TICK);
    stores.push(one.store, two.store);
    // Both decide before either appends: each waits at the crash point until the other got there.
    let arrived = 0;
    let release: () => void = () => {};
    const bothDecided = new Promise<void>((resolve) => (release = resolve));
    const barrier = async (point: string) => {
      if (point !== 'schedule:decided') return;
      arrived += 1;
      if (arrived === 2) release();
      await bothDecided;
    };
    await Promise.all([new Automation(one.ctx, { crash: barrier }).runOnce(T_TICK), new Automation(two.ctx, { crash: barrier }).runOnce(T_TICK)]);
    assert.equal(arrived, 2, 'both daemons decided the tick');
    assert.deepEqual(counts(db, 'hourly'), { ticks: { [T_TICK / 1000]: 1 }, runs: { [`sched:hourly:${T_TICK / 1000}`]: 1 } });
    const [tick] = await one.store.automation.listScheduleTicks({ scheduleName: 'hourly', limit: 5 });
    const run = await one.store.runs.getRunByKey(`sched:hourly:${T_TICK / 1000}`);
    assert.equal(tick?.runId, run?.runId, 'the tick names the run that exists');
    // What arco status says of it (OPX-24): the schedule and its tick time.
    assert.equal(run && whyRun(run), 'schedule hourly tick 2026-03-01T10:00:00+00:00');
  });

  const crashPoints: [title: string, crashAt: 'schedule:decided' | 'schedule:appended'][] = [
    ['a daemon killed after deciding a tick but before appending it, then restarted, yields one tick and one run for the tick time', 'schedule:decided'],
    ['a daemon killed right after appending a tick and its run, then restarted, yields one tick and one run for the tick time', 'schedule:appended'],
  ];
  for (const [title, crashAt] of crashPoints) {
    test(title, async () => {
      const db = freshDb();
      await startedAt(db);
      const run = (crash?: string) =>
        spawnSync(process.execPath, ['--import', './src/runtime/loader/register.mjs', CHILD, project.file, db, new Date(T_TICK).toISOString(), ...(crash ? [crash] : [])], {
          cwd: ROOT,
          encoding: 'utf8',
        });
      const killed = run(crashAt);
      assert.equal(killed.signal, 'SIGKILL', `the child was killed at ${crashAt}: ${killed.stderr}`);
      const afterCrash = counts(db, 'hourly');
      assert.deepEqual(afterCrash.ticks, crashAt === 'schedule:decided' ? {} : { [T_TICK / 1000]: 1 }, 'a tick and its run are appended together or not at all');
      assert.deepEqual(Object.keys(afterCrash.runs).length, Object.keys(afterCrash.ticks).length);
      const restarted = run();
      assert.equal(restarted.status, 0, restarted.stderr);
      assert.deepEqual(counts(db, 'hourly'), { ticks: { [T_TICK / 1000]: 1 }, runs: { [`sched:hourly:${T_TICK / 1000}`]: 1 } });
    });
  }

  test('a restart after downtime: a plain schedule evaluates only the latest missed tick; the others are recorded as skipped for catch-up', async () => {
    const db = freshDb();
    await startedAt(db);
    const later = Date.parse('2026-03-01T14:10:00Z');
    const { store, ctx } = open(db, later);
    stores.push(store);
    await new Automation(ctx).runOnce(later);
    const ticks = await store.automation.listScheduleTicks({ scheduleName: 'hourly', limit: 10 });
    assert.deepEqual(
      ticks.map((t) => [t.local, t.status]),
      [
        ['2026-03-01T14:00:00+00:00', 'SUCCESS'],
        ['2026-03-01T13:00:00+00:00', 'SKIPPED'],
        ['2026-03-01T12:00:00+00:00', 'SKIPPED'],
        ['2026-03-01T11:00:00+00:00', 'SKIPPED'],
        ['2026-03-01T10:00:00+00:00', 'SKIPPED'],
      ],
    );
    assert.match(ticks[1]?.skipReason ?? '', /catch-up/);
    assert.equal(ticks[0]?.runStatus, 'QUEUED', 'a tick shows the status of its run');
  });

  test('a restart after downtime: a partition-based schedule evaluates up to maxCatchupTicks missed ticks, oldest first, each for its own window', async () => {
    const db = freshDb();
    await startedAt(db);
    const later = Date.parse('2026-03-06T01:00:00Z');
    const { store, ctx } = open(db, later);
    stores.push(store);
    await new Automation(ctx).runOnce(later);
    const ticks = await store.automation.listScheduleTicks({ scheduleName: 'daily_partitions', limit: 10 });
    assert.deepEqual(
      ticks.map((t) => [t.local.slice(0, 10), t.status, t.partitionKey]),
      [
        ['2026-03-06', 'SUCCESS', '2026-03-05'],
        ['2026-03-05', 'SUCCESS', '2026-03-04'],
        ['2026-03-04', 'SUCCESS', '2026-03-03'],
        ['2026-03-03', 'SKIPPED', null],
        ['2026-03-02', 'SKIPPED', null],
      ],
    );
    const oldestFirst = ticks.filter((t) => t.status === 'SUCCESS').sort((a, b) => a.sequence - b.sequence).map((t) => t.partitionKey);
    assert.deepEqual(oldestFirst, ['2026-03-03', '2026-03-04', '2026-03-05'], 'caught-up ticks are appended oldest first');
  });

  test('a stopped schedule produces no ticks, and restarting it never ticks for the stopped period', async () => {
    const db = freshDb();
    await startedAt(db);
    const stopAt = Date.parse('2026-03-01T09:45:00Z');
    const ops = open(db, stopAt);
    stores.push(ops.store);
    await setScheduleStatus(ops.ctx, 'hourly', 'STOPPED');
    const whileStopped = Date.parse('2026-03-01T12:30:00Z');
    await new Automation(ops.ctx).runOnce(whileStopped);
    assert.deepEqual(counts(db, 'hourly').ticks, {});
    ops.clock.set(Date.parse('2026-03-01T12:40:00Z'));
    await setScheduleStatus(ops.ctx, 'hourly', 'RUNNING');
    await new Automation(ops.ctx).runOnce(Date.parse('2026-03-01T13:00:00Z'));
    assert.deepEqual(counts(db, 'hourly').ticks, { [Date.parse('2026-03-01T13:00:00Z') / 1000]: 1 });
  });
});
