/**
 * Schedules in a real daemon: the daemon syncs definitions, ticks on a fake clock, and its
 * workers run the tick's run to SUCCESS. User functions that throw or hang fail the tick and never
 * stop the daemon.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Automation, Daemon, FakeClock, createContext, loadDefinitions, type RuntimeContext } from '../../src/runtime/index.js';
import { openSqliteStore, type Store } from '../../src/store/index.js';
import { tempProject, waitForRun } from '../helpers/project.js';

const SOURCE = `import { defineAsset, defineDefinitions, defineSchedule, dailyPartitions } from 'arco-flow';
const a = defineAsset({ key: 'a', compute: async (ctx) => { ctx.log.info('tick run'); } });
const p = defineAsset({ key: 'p', partitions: dailyPartitions({ start: '2026-01-01' }), compute: async () => {} });
export default defineDefinitions({
  assets: [a, p],
  schedules: [
    defineSchedule({ name: 'every_minute', cron: '* * * * *', target: [a], defaultStatus: 'running', tags: { team: 'data' } }),
    defineSchedule({ name: 'throws', cron: '* * * * *', target: [a], defaultStatus: 'running', shouldExecute: () => { throw new Error('user bug'); } }),
    defineSchedule({ name: 'hangs', cron: '* * * * *', target: [a], defaultStatus: 'running', timeoutMs: 200, shouldExecute: () => new Promise(() => {}) }),
    defineSchedule({ name: 'says_yes', cron: '* * * * *', target: [a], defaultStatus: 'running', shouldExecute: () => 'yes' }),
    defineSchedule({ name: 'numeric_partition', cron: '0 0 * * *', target: [p], defaultStatus: 'running', partition: () => 42 }),
    defineSchedule({ name: 'by_function', cron: '0 0 * * *', target: [p], defaultStatus: 'running', partition: (ctx) => ctx.scheduledExecutionTime.slice(0, 10) === '2026-03-02' ? '2026-03-01' : null }),
  ],
});
`;

async function until<T>(read: () => Promise<T | undefined>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('schedules in the daemon', () => {
  const project = tempProject(SOURCE);
  const clock = new FakeClock(Date.parse('2026-03-01T23:59:30Z'));
  let store: Store;
  let ctx: RuntimeContext;
  let daemon: Daemon;
  const problems: string[] = [];

  before(async () => {
    store = openSqliteStore({ path: join(project.dir, 'arco.db') });
    ctx = createContext(store, clock, await loadDefinitions(project.file));
    daemon = new Daemon(ctx, { tickMs: 20, workers: 1, onProblem: (m) => problems.push(m) });
    daemon.start();
    await until(async () => ((await store.automation.listScheduleStates()).length === 6 ? true : undefined), 'the schedules to be synced');
    clock.set(Date.parse('2026-03-02T00:00:05Z'));
  });
  after(async () => {
    await daemon.stop();
    await store.close();
    project.remove();
  });

  test("a tick's run is executed by the workers to SUCCESS and carries the schedule's tags", async () => {
    const runKey = `sched:every_minute:${Date.parse('2026-03-02T00:00:00Z') / 1000}`;
    const requested = await until(() => store.runs.getRunByKey(runKey), 'the tick run');
    const run = await waitForRun(store, requested.runId);
    assert.equal(run.status, 'SUCCESS');
    assert.equal(run.trigger.kind, 'schedule');
    assert.deepEqual(
      [run.tags.team, run.tags['arco/schedule_name'], run.tags['arco/scheduled_execution_time'], run.tags['arco/run_key']],
      ['data', 'every_minute', '2026-03-02T00:00:00+00:00', runKey],
    );
    const [tick] = await store.automation.listScheduleTicks({ scheduleName: 'every_minute', limit: 1 });
    assert.deepEqual([tick?.status, tick?.runId, tick?.runStatus], ['SUCCESS', run.runId, 'SUCCESS']);
  });

  test('a throwing shouldExecute fails the tick with the error and requests no run; the daemon carries on', async () => {
    const tick = await until(async () => (await store.automation.listScheduleTicks({ scheduleName: 'throws', limit: 1 }))[0], 'the failed tick');
    assert.deepEqual([tick.status, tick.error?.code, tick.error?.message, tick.runId], ['FAILURE', 'USER_CODE_ERROR', 'user bug', null]);
    assert.match(tick.error?.stack ?? '', /user bug/);
  });

  test('a shouldExecute that never settles fails the tick with USER_CODE_TIMEOUT', async () => {
    const tick = await until(async () => (await store.automation.listScheduleTicks({ scheduleName: 'hangs', limit: 1 }))[0], 'the timed-out tick');
    assert.deepEqual([tick.status, tick.error?.code], ['FAILURE', 'USER_CODE_TIMEOUT']);
  });

  test('a shouldExecute that returns something other than a boolean fails the tick with INVALID_EVALUATION_RESULT, not retryable', async () => {
    const tick = await until(async () => (await store.automation.listScheduleTicks({ scheduleName: 'says_yes', limit: 1 }))[0], 'the failed tick');
    assert.deepEqual([tick.status, tick.error?.code, tick.error?.retryable, tick.runId], ['FAILURE', 'INVALID_EVALUATION_RESULT', false, null]);
    assert.match(tick.error?.message ?? '', /shouldExecute must return a boolean, got the string "yes"/);
  });

  test('a partition function that returns something other than a key or null fails the tick with INVALID_EVALUATION_RESULT', async () => {
    const tick = await until(async () => (await store.automation.listScheduleTicks({ scheduleName: 'numeric_partition', limit: 1 }))[0], 'the failed tick');
    assert.deepEqual([tick.status, tick.error?.code, tick.error?.retryable, tick.runId], ['FAILURE', 'INVALID_EVALUATION_RESULT', false, null]);
    assert.match(tick.error?.message ?? '', /partition must return a partition key or null, got number/);
  });

  test('a partition function picks the partition the tick runs', async () => {
    const tick = await until(async () => (await store.automation.listScheduleTicks({ scheduleName: 'by_function', limit: 1 }))[0], 'the partitioned tick');
    assert.equal(tick.partitionKey, '2026-03-01');
    const run = await waitForRun(store, tick.runId as string);
    assert.deepEqual(run.tasks.map((t) => t.taskKey), ['p[2026-03-01]']);
    assert.equal(run.status, 'SUCCESS');
    assert.deepEqual(problems, [], 'no iteration failed');
  });
});

describe('definition versions across a change of the definitions file', () => {
  const version = (team: string) => `import { defineAsset, defineDefinitions, defineSchedule } from 'arco-flow';
const a = defineAsset({ key: 'a', compute: async () => {} });
export default defineDefinitions({
  assets: [a],
  schedules: [defineSchedule({ name: 'hourly', cron: '0 * * * *', target: [a], defaultStatus: 'running', tags: { team: '${team}' } })],
});
`;

  test('a changed schedule is synced as version 2 when the daemon loads it, and its next tick records version 2', async () => {
    const project = tempProject(version('data'));
    const store = openSqliteStore({ path: join(project.dir, 'arco.db') });
    try {
      const clock = new FakeClock(Date.parse('2026-03-02T09:30:00Z'));
      const first = new Automation(createContext(store, clock, await loadDefinitions(project.file)));
      await first.runOnce(Date.parse('2026-03-02T09:30:00Z'));
      await first.runOnce(Date.parse('2026-03-02T10:00:05Z'));
      await first.stop();

      // The edited file, as a restarted daemon loads it (a new path: this process already imported the first).
      const edited = join(project.dir, 'definitions-edited.ts');
      writeFileSync(edited, version('finance'));
      const second = new Automation(createContext(store, clock, await loadDefinitions(edited)));
      await second.runOnce(Date.parse('2026-03-02T10:30:00Z'));
      assert.equal((await store.automation.getScheduleState('hourly'))?.definitionVersion, 2);
      await second.runOnce(Date.parse('2026-03-02T11:00:05Z'));
      await second.stop();

      const ticks = await store.automation.listScheduleTicks({ scheduleName: 'hourly', limit: 10 });
      assert.deepEqual(
        ticks.map((t) => [t.local, t.definitionVersion, t.status]),
        [
          ['2026-03-02T11:00:00+00:00', 2, 'SUCCESS'],
          ['2026-03-02T10:00:00+00:00', 1, 'SUCCESS'],
        ],
      );
      const latest = await store.runs.getRunByKey(`sched:hourly:${Date.parse('2026-03-02T11:00:00Z') / 1000}`);
      assert.equal(latest?.tags['team'], 'finance', 'the run of the new version carries its tags');
    } finally {
      await store.close();
      project.remove();
    }
  });
});
