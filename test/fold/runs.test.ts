/**
 * The runs family folds copy-on-write: a store hands out the run it keeps without copying it, and
 * the coordinator decides on runs it does not own, so a handler that changed the run it was handed
 * would change what every other reader sees.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { advanceRun } from '../../src/controllers/run-state.js';
import { freezeJsonData } from '../../src/domain/ids/index.js';
import { draft, type EventDraft } from '../../src/events/index.js';
import { runsFamily, type RunProjection } from '../../src/fold/index.js';
import { T0, iso, requestedRun } from '../helpers/runs.js';

const ref = (runId: string, taskKey: string, attempt: number) => ({ runId, taskKey, assetKey: taskKey, partitionKey: null, attempt, attemptId: `${taskKey}-${attempt}` });

function finished(runId: string, taskKey: string, outcome: 'SUCCEEDED' | 'FAILED', resolution: 'SUCCEEDED' | 'RETRY_WAIT'): EventDraft {
  return draft(
    'TaskAttemptFinished',
    {
      ...ref(runId, taskKey, 1),
      outcome,
      error: outcome === 'FAILED' ? { code: 'USER_CODE_ERROR', message: 'boom', errorClass: 'Error', stack: null, retryable: true } : null,
      durationMs: 3,
      resolution,
      retryAt: resolution === 'RETRY_WAIT' ? iso(T0 + 60_000) : null,
      infrastructureRetry: false,
      partitionWindow: null,
    },
    `finished:${taskKey}`,
    runId,
  );
}

test('every run event leaves the run it is folded into as it was, and the new run shares the tasks it did not change', () => {
  const requested = requestedRun({ dag: { a: [], b: ['a'], c: [] }, at: T0 });
  const id = requested.run.runId;
  // Frozen: a handler that changed its input would throw here instead of passing unnoticed.
  let run: RunProjection = freezeJsonData(requested.run);
  const fold = (d: EventDraft, unchanged: readonly string[]) => {
    const before = structuredClone(run);
    const after = advanceRun(run, [d], iso(T0 + 1000));
    assert.deepEqual(run, before, `${d.type} changed the run it was handed`);
    assert.equal(after.version, run.version + 1, d.type);
    for (const key of unchanged) {
      assert.equal(after.tasks.find((t) => t.taskKey === key), run.tasks.find((t) => t.taskKey === key), `${d.type} copied task ${key}, which it does not change`);
    }
    // What a store writes reads back through the family's schema as the same run.
    assert.deepEqual(runsFamily.schema.parse(JSON.parse(runsFamily.encode!(after))), after, `${d.type}: the stored document`);
    run = freezeJsonData(after);
  };
  fold(draft('RunStarted', { runId: id }, 'started', id), ['a', 'b', 'c']);
  fold(draft('TaskDispatched', { ...ref(id, 'a', 1), workerId: 'w0', deadlineAt: null }, 'd:a', id), ['b', 'c']);
  fold(draft('TaskAttemptStarted', { ...ref(id, 'a', 1), workerId: 'w0' }, 's:a', id), ['b', 'c']);
  fold(
    draft('AssetMaterialized', { runId: id, taskKey: 'a', attempt: 1, assetKey: 'a', partitionKey: null, dataVersion: 'v1', codeVersion: null, metadata: { rows: 3 }, partitionWindow: null, provenance: null }, 'm:a', id),
    ['b', 'c'],
  );
  fold(finished(id, 'a', 'SUCCEEDED', 'SUCCEEDED'), ['c']);
  assert.equal(run.tasks.find((t) => t.taskKey === 'b')?.status, 'READY', 'a succeeded, so b may run');
  fold(draft('TaskDispatched', { ...ref(id, 'c', 1), workerId: 'w1', deadlineAt: null }, 'd:c', id), ['a', 'b']);
  fold(finished(id, 'c', 'FAILED', 'RETRY_WAIT'), ['a', 'b']);
  fold(
    draft(
      'AssetCheckEvaluated',
      { runId: id, taskKey: 'b', attempt: 1, assetKey: 'b', partitionKey: null, checkName: 'rows', passed: false, severity: 'WARN', metadata: {}, blocking: false, evaluatedAt: iso(T0) },
      'ce:b',
      id,
    ),
    ['a', 'c'],
  );
  fold(draft('RunCancelRequested', { runId: id, reason: 'operator' }, 'cancel', id), ['a', 'b', 'c']);
  fold(draft('TaskSkipped', { runId: id, taskKey: 'b', cause: { taskKey: 'a', status: 'FAILED', finishedAt: null } }, 'skip:b', id), ['a', 'c']);
  fold(draft('TaskCanceled', { runId: id, taskKey: 'c', reason: 'operator' }, 'cancel:c', id), ['a', 'b']);
  fold(draft('RunFinished', { runId: id, status: 'CANCELED' }, 'finished', id), ['a', 'b', 'c']);
  assert.equal(run.status, 'CANCELED');
  assert.equal(run.cancelRequestedAt, undefined, 'a finished run no longer says when it was asked to cancel');
  assert.deepEqual(
    run.tasks.map((t) => [t.taskKey, t.status, t.attempts.map((a) => a.outcome)]),
    [
      ['a', 'SUCCEEDED', ['SUCCEEDED']],
      ['b', 'SKIPPED', []],
      ['c', 'CANCELED', ['FAILED']],
    ],
  );
});
