/**
 * The daemon with real worker processes: user code runs in child processes, so failures, exits,
 * hangs and cancels affect one attempt and never the daemon.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { cancelRun, requestRun } from '../../src/runtime/run-commands.js';
import { startDaemon, task, tempProject, waitForRun, type Running } from '../helpers/project.js';
import { allEvents } from '../helpers/ledger-reads.js';

const SOURCE = `
import { defineAsset, defineDefinitions } from 'arco-flow';
const flaky = defineAsset({ key: 'flaky', retry: { maxRetries: 1 }, compute: async (ctx) => {
  if (ctx.attempt === 1) throw new Error('first attempt fails');
  ctx.log.info('second attempt');
  return { metadata: { attempt: ctx.attempt } };
} });
const after = defineAsset({ key: 'after', deps: [flaky], compute: async (ctx) => { ctx.log.info('one'); ctx.log.warn('two'); ctx.log.error('three'); } });
const exits = defineAsset({ key: 'exits', retry: { maxRetries: 1 }, compute: async (ctx) => { if (ctx.attempt === 1) process.exit(3); } });
const hangs = defineAsset({ key: 'hangs', timeoutMs: 400, compute: () => new Promise(() => {}) });
const below = defineAsset({ key: 'below', deps: [hangs], compute: async () => {} });
const waits = defineAsset({ key: 'waits', compute: (ctx) => new Promise((resolve, reject) => {
  ctx.log.info('waiting');
  ctx.signal.addEventListener('abort', () => reject(new Error('aborted')));
}) });
const prints = defineAsset({ key: 'prints', compute: async () => { console.log('rows: 3'); console.error('careful'); process.stdout.write('no newline'); } });
const quick = defineAsset({ key: 'quick', compute: async () => {} });
const slow = defineAsset({ key: 'slow', compute: () => new Promise((resolve) => setTimeout(resolve, 1500)) });
export default defineDefinitions({ assets: [flaky, after, exits, hangs, below, waits, prints, quick, slow] });
`;

describe('daemon with worker processes', () => {
  const project = tempProject(SOURCE);
  let running: Running;

  before(async () => {
    running = await startDaemon(project.file, join(project.dir, 'arco.db'));
  });
  after(async () => {
    await running.stop();
    project.remove();
  });

  test('retries a task that fails once and then runs its downstream to SUCCESS', async () => {
    const { run } = await requestRun(running.ctx, { selection: ['flaky', 'after'] });
    const done = await waitForRun(running.store, run.runId);
    assert.equal(done.status, 'SUCCESS');
    assert.equal(task(done, 'flaky').attempts.length, 2);
    assert.equal(task(done, 'flaky').attempts[0]?.error?.code, 'USER_CODE_ERROR');
    assert.match(task(done, 'flaky').attempts[0]?.error?.stack ?? '', /first attempt fails/);
  });

  test("keeps user code's log lines, in order, in the run's log index", async () => {
    const { run } = await requestRun(running.ctx, { selection: ['flaky', 'after'] });
    await waitForRun(running.store, run.runId);
    const logs = await running.store.logs.listLogs(run.runId, { limit: 100 });
    assert.deepEqual(logs.map((l) => [l.taskKey, l.level, l.message]), [
      ['flaky', 'info', 'second attempt'],
      ['after', 'info', 'one'],
      ['after', 'warn', 'two'],
      ['after', 'error', 'three'],
    ]);
  });

  test("what user code prints to stdout and stderr is kept as the task's log lines, a last unfinished line included", async () => {
    const { run } = await requestRun(running.ctx, { selection: ['prints'] });
    await waitForRun(running.store, run.runId);
    const logs = await running.store.logs.listLogs(run.runId, { limit: 100 });
    assert.deepEqual(logs.map((l) => [l.taskKey, l.level, l.message]), [
      ['prints', 'info', '[stdout] rows: 3'],
      ['prints', 'warn', '[stderr] careful'],
      ['prints', 'info', '[stdout] no newline'],
    ]);
  });

  test('process.exit in user code fails that attempt (WORKER_EXITED), not the daemon', async () => {
    const { run } = await requestRun(running.ctx, { selection: ['exits'] });
    const done = await waitForRun(running.store, run.runId);
    assert.equal(done.status, 'SUCCESS');
    assert.equal(task(done, 'exits').attempts[0]?.error?.code, 'WORKER_EXITED');
  });

  test('an attempt past its timeoutMs is stopped and fails with TIMEOUT; its downstream is skipped', async () => {
    const { run } = await requestRun(running.ctx, { selection: ['hangs', 'below'] });
    const done = await waitForRun(running.store, run.runId);
    assert.equal(done.status, 'FAILURE');
    assert.equal(task(done, 'hangs').attempts[0]?.error?.code, 'TIMEOUT');
    assert.equal(task(done, 'below').status, 'SKIPPED');
    assert.equal(task(done, 'below').skipCause?.taskKey, 'hangs');
  });

  test('canceling a run aborts its running attempt through the AbortSignal and ends CANCELED', async () => {
    const { run } = await requestRun(running.ctx, { selection: ['waits'] });
    // No deadline of its own: earlier tests end worker processes (process.exit), and on a loaded
    // machine a replacement's start-up (loading the definitions) took longer than a 10 s wait.
    await waitForRun(running.store, run.runId, undefined, (r) => task(r, 'waits').status === 'RUNNING');
    await cancelRun(running.ctx, run.runId);
    const done = await waitForRun(running.store, run.runId);
    assert.equal(done.status, 'CANCELED');
    assert.equal(task(done, 'waits').attempts[0]?.outcome, 'CANCELED');
  });

  test('an attempt that ends within moments is recorded by one append, its start with its end; one that runs longer is RUNNING while it runs', async () => {
    const { run } = await requestRun(running.ctx, { selection: ['quick', 'slow'] });
    await waitForRun(running.store, run.runId, undefined, (r) => task(r, 'slow').status === 'RUNNING');
    const done = await waitForRun(running.store, run.runId);
    assert.equal(done.status, 'SUCCESS');
    const events = (await allEvents(running.store)).filter((e) => 'runId' in e.payload && e.payload.runId === run.runId);
    const at = (type: string, taskKey: string) => events.find((e) => e.type === type && 'taskKey' in e.payload && e.payload.taskKey === taskKey);
    const [quickStarted, quickFinished] = [at('TaskAttemptStarted', 'quick'), at('TaskAttemptFinished', 'quick')];
    assert.ok(quickStarted && quickFinished);
    // One append stamps its events with one time, and numbers them in a row.
    assert.equal(quickStarted.at, quickFinished.at, 'the quick attempt started and ended in one append');
    const [slowStarted, slowFinished] = [at('TaskAttemptStarted', 'slow'), at('TaskAttemptFinished', 'slow')];
    assert.ok(slowStarted && slowFinished);
    assert.ok(Date.parse(slowFinished.at) - Date.parse(slowStarted.at) >= 1_000, `the slow attempt's start was recorded while it ran (${slowStarted.at} .. ${slowFinished.at})`);
  });

  test('rebuilding the projections after real runs gives the same hash', async () => {
    const before = await running.store.admin.projectionHash();
    assert.equal((await running.store.admin.rebuildProjections()).hash, before);
  });
});
