import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { advanceRun, decideAttemptReport, derivedDataVersion } from '../../src/controllers/index.js';
import { T0, iso, requestedRun, step } from '../helpers/runs.js';

describe('worker reports', () => {
  test("rejects a report for an attempt that is not the task's current one with ATTEMPT_MISMATCH", () => {
    const { run } = step(requestedRun({ dag: { a: [] } }).run, T0);
    assert.throws(
      () => decideAttemptReport(run, { kind: 'started', runId: run.runId, taskKey: 'a', attemptId: 'att_other', workerId: 'w0' }, { nowEpochMs: T0, upstreamDataVersions: {} }),
      { code: 'ATTEMPT_MISMATCH' },
    );
  });

  test('rejects a finish report for a task that already finished', () => {
    let { run } = step(requestedRun({ dag: { a: [] } }).run, T0);
    const attemptId = run.tasks[0]!.attempts[0]!.attemptId;
    const report = { kind: 'finished', runId: run.runId, taskKey: 'a', attemptId, outcome: 'SUCCEEDED', error: null, durationMs: 1, dataVersion: null, metadata: {} } as const;
    run = advanceRun(run, decideAttemptReport(run, report, { nowEpochMs: T0 + 1, upstreamDataVersions: {} }), iso(T0 + 1));
    assert.throws(() => decideAttemptReport(run, report, { nowEpochMs: T0 + 2, upstreamDataVersions: {} }), { code: 'ATTEMPT_MISMATCH' });
  });

  test('a started report moves the task to RUNNING', () => {
    const { run } = step(requestedRun({ dag: { a: [] } }).run, T0);
    const attemptId = run.tasks[0]!.attempts[0]!.attemptId;
    const drafts = decideAttemptReport(run, { kind: 'started', runId: run.runId, taskKey: 'a', attemptId, workerId: 'w0' }, { nowEpochMs: T0 + 1, upstreamDataVersions: {} });
    assert.equal(advanceRun(run, drafts, iso(T0 + 1)).tasks[0]!.status, 'RUNNING');
  });

  test('a finished report for an attempt whose start was never reported records its start first, by the worker it was dispatched to', () => {
    const { run } = step(requestedRun({ dag: { a: [] } }).run, T0);
    const { attemptId, workerId } = run.tasks[0]!.attempts[0]!;
    const finished = { kind: 'finished', runId: run.runId, taskKey: 'a', attemptId, outcome: 'SUCCEEDED', error: null, durationMs: 1, dataVersion: null, metadata: {} } as const;
    const drafts = decideAttemptReport(run, finished, { nowEpochMs: T0 + 1, upstreamDataVersions: {} });
    assert.deepEqual(drafts.slice(0, 2).map((d) => d.type), ['TaskAttemptStarted', 'TaskAttemptFinished']);
    const attempt = advanceRun(run, drafts, iso(T0 + 1)).tasks[0]!.attempts[0]!;
    assert.deepEqual([attempt.startedAt, attempt.finishedAt, attempt.workerId, attempt.outcome], [iso(T0 + 1), iso(T0 + 1), workerId, 'SUCCEEDED']);
    // Once its start was reported, the finished report records only its end.
    const running = advanceRun(run, decideAttemptReport(run, { kind: 'started', runId: run.runId, taskKey: 'a', attemptId, workerId }, { nowEpochMs: T0 + 1, upstreamDataVersions: {} }), iso(T0 + 1));
    assert.equal(decideAttemptReport(running, finished, { nowEpochMs: T0 + 2, upstreamDataVersions: {} }).filter((d) => d.type === 'TaskAttemptStarted').length, 0);
  });

  test('a success records a materialization with the user data version when given', () => {
    const { run } = step(requestedRun({ dag: { a: [] } }).run, T0);
    const attemptId = run.tasks[0]!.attempts[0]!.attemptId;
    const drafts = decideAttemptReport(
      run,
      { kind: 'finished', runId: run.runId, taskKey: 'a', attemptId, outcome: 'SUCCEEDED', error: null, durationMs: 1, dataVersion: 'v42', metadata: { rows: 3 } },
      { nowEpochMs: T0 + 1, upstreamDataVersions: {} },
    );
    const materialized = drafts.find((d) => d.type === 'AssetMaterialized');
    assert.ok(materialized && materialized.type === 'AssetMaterialized');
    assert.equal(materialized.payload.dataVersion, 'v42');
    assert.deepEqual(materialized.payload.metadata, { rows: 3 });
  });
});

describe('data versions', () => {
  const { run } = requestedRun({ dag: { a: [], b: ['a'] } });
  const b = run.tasks.find((t) => t.taskKey === 'b')!;

  test('the derived data version changes when an input data version changes', () => {
    assert.notEqual(derivedDataVersion(b, run.runId, { a: 'v1' }), derivedDataVersion(b, run.runId, { a: 'v2' }));
  });

  test('the derived data version is stable for the same code version and inputs across runs', () => {
    assert.equal(derivedDataVersion(b, 'run_x', { a: 'v1' }), derivedDataVersion(b, 'run_y', { a: 'v1' }));
  });

  test('without a code version every run yields a new data version', () => {
    const unversioned = { ...b, codeVersion: null };
    assert.notEqual(derivedDataVersion(unversioned, 'run_x', { a: 'v1' }), derivedDataVersion(unversioned, 'run_y', { a: 'v1' }));
  });
});
