/**
 * Run retries decided purely: which finished runs are requested again, as what request (from
 * failure, lineage tags, the deterministic runKey), and how the tags override the settings.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { advanceRun, decideAttemptReport, decideCancel, decideRunRetry } from '../../src/controllers/index.js';
import type { RunProjection } from '../../src/fold/index.js';
import { T0, iso, requestedRun, step } from '../helpers/runs.js';

const FAILURE_SETTINGS = { max: 2, retryOn: 'failure' } as const;

/** `a -> b`; `a` fails in user code (not retryable, so the task does not retry): the run ends FAILURE. */
function failedRun(tags: Record<string, string> = {}): RunProjection {
  let { run } = step(requestedRun({ dag: { a: [], b: ['a'] }, tags }).run, T0);
  const task = run.tasks.find((t) => t.taskKey === 'a')!;
  const drafts = decideAttemptReport(
    run,
    {
      kind: 'finished',
      runId: run.runId,
      taskKey: 'a',
      attemptId: task.attempts[0]!.attemptId,
      outcome: 'FAILED',
      error: { code: 'USER_CODE_ERROR', message: 'boom', errorClass: 'Error', stack: null, retryable: false },
      durationMs: 5,
      dataVersion: null,
      metadata: {},
    },
    { nowEpochMs: T0 + 10, upstreamDataVersions: {} },
  );
  run = advanceRun(run, drafts, iso(T0 + 10));
  assert.equal(run.status, 'FAILURE');
  return run;
}

/** `a` alone, failed by the system: its attempt exceeded timeoutMs (TIMEOUT). */
function timedOutRun(): RunProjection {
  const first = step(requestedRun({ dag: { a: [] }, timeoutMs: { a: 1000 } }).run, T0).run;
  const run = step(first, T0 + 5000).run;
  assert.equal(run.status, 'FAILURE');
  assert.equal(run.tasks[0]?.attempts[0]?.error?.code, 'TIMEOUT');
  return run;
}

describe('run retries', () => {
  test('a run that failed in user code is retried from failure with lineage tags and the runKey retry:{runId}', () => {
    const run = failedRun({ team: 'data' });
    const decision = decideRunRetry(run, FAILURE_SETTINGS);
    assert.equal(decision.kind, 'retry');
    if (decision.kind !== 'retry') return;
    assert.equal(decision.retryNumber, 1);
    assert.equal(decision.request.runKey, `retry:${run.runId}`);
    assert.deepEqual(decision.request.taskSubset, ['a', 'b']);
    assert.deepEqual(decision.request.tags, { team: 'data' });
    assert.deepEqual(decision.request.systemTags, {
      'arco/parent_run_id': run.runId,
      'arco/root_run_id': run.runId,
      'arco/rerun_mode': 'fromFailure',
      'arco/retry_number': '1',
    });
    assert.equal(decision.request.parentRunId, run.runId);
    assert.equal(decision.request.rootRunId, run.runId);
  });

  test('deciding twice about one failed run gives the same request, so the reservation dedupes it', () => {
    const run = failedRun();
    assert.deepEqual(decideRunRetry(run, FAILURE_SETTINGS), decideRunRetry(run, FAILURE_SETTINGS));
  });

  test('retries are counted along the root: the retry after retry 1 is retry 2, and none follows the last allowed one', () => {
    const second = decideRunRetry(failedRun({ 'arco/retry_number': '1' }), FAILURE_SETTINGS);
    assert.equal(second.kind === 'retry' && second.request.systemTags['arco/retry_number'], '2');
    const last = decideRunRetry(failedRun({ 'arco/retry_number': '2' }), FAILURE_SETTINGS);
    assert.deepEqual(last, { kind: 'none', reason: '2 run retries reached' });
  });

  test('the arco/max_retries tag overrides the setting, and 0 turns retries off for the run', () => {
    assert.equal(decideRunRetry(failedRun({ 'arco/max_retries': '1' }), { max: 0, retryOn: 'failure' }).kind, 'retry');
    assert.equal(decideRunRetry(failedRun({ 'arco/max_retries': '0' }), FAILURE_SETTINGS).kind, 'none');
    assert.equal(decideRunRetry(failedRun(), { max: 0, retryOn: 'failure' }).kind, 'none');
  });

  test('a retry keeps the retry policy tags it was given, so its whole lineage follows them', () => {
    const decision = decideRunRetry(failedRun({ 'arco/max_retries': '3', 'arco/retry_on': 'all', 'arco/max_runtime': '60' }), { max: 0, retryOn: 'failure' });
    assert.equal(decision.kind, 'retry');
    if (decision.kind !== 'retry') return;
    assert.deepEqual(decision.request.tags, { 'arco/max_retries': '3', 'arco/retry_on': 'all', 'arco/max_runtime': '60' });
  });

  test('retryOn failure does not retry a run that only the system failed (TIMEOUT); retryOn all does', () => {
    const run = timedOutRun();
    assert.equal(decideRunRetry(run, { max: 1, retryOn: 'failure' }).kind, 'none');
    assert.equal(decideRunRetry(run, { max: 1, retryOn: 'all' }).kind, 'retry');
  });

  test('the arco/retry_on tag overrides the setting', () => {
    const first = step(requestedRun({ dag: { a: [] }, timeoutMs: { a: 1000 }, tags: { 'arco/retry_on': 'all' } }).run, T0).run;
    const run = step(first, T0 + 5000).run;
    assert.equal(decideRunRetry(run, { max: 1, retryOn: 'failure' }).kind, 'retry');
  });

  test('a canceled run and a successful run are never retried', () => {
    const started = step(requestedRun({ dag: { a: [] } }).run, T0).run;
    const canceling = advanceRun(started, decideCancel(started, 'by hand', T0 + 1), iso(T0 + 1));
    const canceled = step(canceling, T0 + 2).run;
    assert.equal(decideRunRetry({ ...canceled, status: 'CANCELED' }, { max: 3, retryOn: 'all' }).kind, 'none');
    assert.equal(decideRunRetry({ ...started, status: 'SUCCESS' }, { max: 3, retryOn: 'all' }).kind, 'none');
  });
});
