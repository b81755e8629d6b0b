/**
 * The daemon's run-monitoring step on a real store with a fake clock: a run stuck starting is
 * failed with its reason, a run stuck canceling is canceled with its open attempt, and each is
 * decided once (a second pass on the settled state appends nothing).
 */
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { decideRunProgress } from '../../src/controllers/index.js';
import { FakeClock } from '../../src/runtime/clock.js';
import { commit, createContext, type RuntimeContext } from '../../src/runtime/context.js';
import { loadDefinitions } from '../../src/runtime/definitions-loader.js';
import { cancelRun, requestRun } from '../../src/runtime/run-commands.js';
import { monitorRuns } from '../../src/runtime/run-monitor.js';
import { openSqliteStore } from '../../src/store/index.js';
import { tempProject } from '../helpers/project.js';

const T0 = Date.parse('2026-03-01T00:00:00.000Z');
const SOURCE = `
import { defineAsset, defineDefinitions } from 'arco-flow';
const a = defineAsset({ key: 'a', compute: async () => {} });
export default defineDefinitions({ assets: [a], instance: { runMonitoring: { startTimeoutSeconds: 60, cancelTimeoutSeconds: 30 } } });
`;

/** Coordinates the store's active runs once at `now`, with the given worker slots (no worker runs them). */
async function coordinate(ctx: RuntimeContext, now: number, slots: string[]): Promise<void> {
  const runs = await ctx.store.runs.listActiveRuns();
  const steps = decideRunProgress({ runs, nowEpochMs: now, freeWorkerSlots: slots, heartbeats: new Map(), attemptLeaseMs: 3_600_000, maxConcurrentRuns: null, ids: ctx.ids });
  for (const step of steps) await commit(ctx, step.drafts, now, [{ table: 'runs', id: step.runId, version: step.expectVersion }]);
}

describe('run monitoring step', () => {
  const project = tempProject(SOURCE);
  after(() => project.remove());

  async function open(name: string) {
    const clock = new FakeClock(T0);
    const store = openSqliteStore({ path: join(project.dir, `${name}.db`) });
    return { clock, store, ctx: createContext(store, clock, await loadDefinitions(project.file), 1) };
  }

  test('a run started with nothing dispatched past startTimeoutSeconds ends FAILURE with the reason, once', async () => {
    const { clock, store, ctx } = await open('start');
    try {
      const { run } = await requestRun(ctx, { selection: ['a'] });
      await coordinate(ctx, T0, []);
      assert.equal((await store.runs.getRun(run.runId))?.status, 'STARTED');
      assert.deepEqual(await monitorRuns(ctx, T0 + 59_000, 1), []);
      clock.set(T0 + 60_000);
      const appended = await monitorRuns(ctx, T0 + 60_000, 1);
      assert.deepEqual(appended.map((e) => e.type), ['TaskCanceled', 'RunFinished']);
      const failed = await store.runs.getRun(run.runId);
      assert.equal(failed?.status, 'FAILURE');
      assert.equal(failed?.failureReason, 'run monitoring: no task was dispatched within startTimeoutSeconds 60');
      assert.deepEqual(await monitorRuns(ctx, T0 + 61_000, 1), []);
    } finally {
      await store.close();
    }
  });

  test('a run CANCELING past cancelTimeoutSeconds ends CANCELED with its open attempt finished CANCELED', async () => {
    const { clock, store, ctx } = await open('cancel');
    try {
      const { run } = await requestRun(ctx, { selection: ['a'] });
      await coordinate(ctx, T0, ['nobody/0']);
      clock.set(T0 + 1000);
      assert.equal((await cancelRun(ctx, run.runId)).status, 'CANCELING');
      assert.deepEqual(await monitorRuns(ctx, T0 + 30_999, 1), []);
      const appended = await monitorRuns(ctx, T0 + 31_000, 1);
      assert.deepEqual(appended.map((e) => e.type), ['TaskAttemptFinished', 'RunFinished']);
      const canceled = await store.runs.getRun(run.runId);
      assert.equal(canceled?.status, 'CANCELED');
      assert.equal(canceled?.tasks[0]?.attempts[0]?.outcome, 'CANCELED');
      assert.equal(canceled?.cancelReason, 'canceled by request');
    } finally {
      await store.close();
    }
  });
});
