/**
 * Run monitoring decided purely with a fixed clock: max runtime (tag over setting), runs stuck
 * starting, and runs stuck canceling.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { advanceRun, decideCancel, decideRunMonitoring, type RunMonitoringInput } from '../../src/controllers/index.js';
import type { RunProjection } from '../../src/fold/index.js';
import { T0, iso, requestedRun, statuses, step, types } from '../helpers/runs.js';

const SETTINGS = { startTimeoutSeconds: 180, cancelTimeoutSeconds: 180, maxRuntimeSeconds: null };

function monitor(run: RunProjection, now: number, overrides: Partial<RunMonitoringInput> = {}) {
  const steps = decideRunMonitoring({ runs: [run], nowEpochMs: now, settings: SETTINGS, freeWorkerSlots: 2, ...overrides });
  const drafts = steps.find((s) => s.runId === run.runId)?.drafts ?? [];
  return { drafts, run: advanceRun(run, drafts, iso(now)) };
}

/** A STARTED run whose task `a` was dispatched at T0. */
function runningRun(tags: Record<string, string> = {}): RunProjection {
  return step(requestedRun({ dag: { a: [] }, tags }).run, T0).run;
}

describe('max runtime', () => {
  test('a run in progress for its arco/max_runtime is canceled with the reason "max runtime 60 s exceeded"', () => {
    const run = runningRun({ 'arco/max_runtime': '60' });
    assert.deepEqual(monitor(run, T0 + 59_999).drafts, []);
    const after = monitor(run, T0 + 60_000);
    assert.deepEqual(types(after.drafts), ['RunCancelRequested']);
    assert.equal(after.run.status, 'CANCELING');
    assert.equal(after.run.cancelReason, 'max runtime 60 s exceeded');
  });

  test('without the tag the maxRuntimeSeconds setting applies, and the tag overrides it', () => {
    const settings = { ...SETTINGS, maxRuntimeSeconds: 10 };
    assert.equal(monitor(runningRun(), T0 + 10_000, { settings }).run.cancelReason, 'max runtime 10 s exceeded');
    assert.deepEqual(monitor(runningRun({ 'arco/max_runtime': '30' }), T0 + 10_000, { settings }).drafts, []);
  });

  test('a run without a max runtime is never canceled for its runtime', () => {
    assert.deepEqual(monitor(runningRun(), T0 + 86_400_000).drafts, []);
  });
});

describe('start timeout', () => {
  /** Started at T0 with no worker slot free, so nothing was dispatched. */
  const undispatched = () => step(requestedRun({ dag: { a: [], b: ['a'] } }).run, T0, { freeWorkerSlots: [] }).run;

  test('a run STARTED longer than startTimeoutSeconds with nothing dispatched while slots were free ends FAILURE with the reason', () => {
    const run = undispatched();
    assert.equal(run.status, 'STARTED');
    assert.deepEqual(monitor(run, T0 + 179_999).drafts, []);
    const after = monitor(run, T0 + 180_000);
    assert.equal(after.run.status, 'FAILURE');
    assert.equal(after.run.failureReason, 'run monitoring: no task was dispatched within startTimeoutSeconds 180');
    assert.deepEqual(statuses(after.run), { a: 'CANCELED', b: 'CANCELED' });
  });

  test('a run waiting only because every worker slot is busy is not failed', () => {
    assert.deepEqual(monitor(undispatched(), T0 + 600_000, { freeWorkerSlots: 0 }).drafts, []);
  });

  test('a run that dispatched a task is not failed by the start timeout', () => {
    assert.deepEqual(monitor(runningRun(), T0 + 600_000).drafts, []);
  });
});

describe('cancel timeout', () => {
  test('a run CANCELING longer than cancelTimeoutSeconds ends CANCELED with its open attempt finished CANCELED', () => {
    const run = runningRun();
    const canceling = advanceRun(run, decideCancel(run, 'canceled by request', T0 + 1000), iso(T0 + 1000));
    assert.equal(canceling.status, 'CANCELING');
    assert.deepEqual(monitor(canceling, T0 + 180_999).drafts, []);
    const after = monitor(canceling, T0 + 181_000);
    assert.deepEqual(types(after.drafts), ['TaskAttemptFinished', 'RunFinished']);
    assert.equal(after.run.status, 'CANCELED');
    assert.equal(after.run.tasks[0]?.attempts[0]?.outcome, 'CANCELED');
    assert.equal(after.run.cancelReason, 'canceled by request');
  });
});
