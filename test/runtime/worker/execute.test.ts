/**
 * Goal: an error that is not worth retrying (a validation or configuration error raised by Arco's
 * own checks inside asset code) reaches the run coordinator as non-retryable and fails the task at
 * once, while an ordinary user error is retried (SEMANTICS §3, PRD-10). Method: run real asset code
 * through the worker's `executeAttempt`, hand its error to the coordinator exactly as a worker
 * report does, and read the task's state.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dailyPartitions, defineAsset, type AssetDefinition } from '../../../src/authoring/index.js';
import { advanceRun, decideAttemptReport } from '../../../src/controllers/index.js';
import type { ErrorInfo } from '../../../src/events/index.js';
import type { RunProjection } from '../../../src/fold/index.js';
import { executeAttempt } from '../../../src/runtime/worker/execute.js';
import type { DispatchEnvelope } from '../../../src/runtime/worker/protocol.js';
import { T0, iso, requestedRun, step } from '../../helpers/runs.js';

async function errorOf(asset: AssetDefinition): Promise<ErrorInfo> {
  const envelope: DispatchEnvelope = {
    runId: 'run_1',
    taskKey: asset.key,
    assetKey: asset.key,
    partitionKey: null,
    partitionKeys: [],
    partitionKeyRange: null,
    attempt: 1,
    attemptId: 'attempt_1',
    config: {},
    codeVersion: null,
    deadlineAt: null,
  };
  const hooks = { log: () => {}, signal: new AbortController().signal, abortReason: () => undefined, nowMs: () => 0 };
  const result = await executeAttempt(asset, envelope, hooks);
  assert.equal(result.outcome, 'FAILED');
  assert.ok(result.error);
  return result.error;
}

/** The task's status after its first attempt reports `error`, with three retries left. */
function statusAfter(error: ErrorInfo): string {
  let run: RunProjection = step(requestedRun({ dag: { a: [] }, retry: { a: { maxRetries: 3 } } }).run, T0).run;
  const task = run.tasks[0]!;
  const attempt = task.attempts.find((a) => a.attempt === task.attempt)!;
  const report = { kind: 'finished', runId: run.runId, taskKey: 'a', attemptId: attempt.attemptId, outcome: 'FAILED', error, durationMs: 5, dataVersion: null, metadata: {} } as const;
  run = advanceRun(run, decideAttemptReport(run, report, { nowEpochMs: T0 + 1, upstreamDataVersions: {} }), iso(T0 + 1));
  return run.tasks[0]!.status;
}

describe('errors from asset code, as the worker reports them', () => {
  test('a validation error raised inside asset code arrives non-retryable and fails the task without a retry', async () => {
    const asset = defineAsset({ key: 'a', compute: async () => void dailyPartitions({ start: 'not a date' }) });
    const error = await errorOf(asset);
    assert.equal(error.code, 'INVALID_PARTITIONS_DEFINITION');
    assert.equal(error.retryable, false);
    assert.equal(statusAfter(error), 'FAILED');
  });

  test('a configuration error raised inside asset code arrives non-retryable and fails the task without a retry', async () => {
    const asset = defineAsset({ key: 'a', compute: async () => void defineAsset({ key: 'inner', compute: 'not a function' as never }) });
    const error = await errorOf(asset);
    assert.equal(error.code, 'INVALID_DEFINITION');
    assert.equal(error.retryable, false);
    assert.equal(statusAfter(error), 'FAILED');
  });

  test('an ordinary error thrown by asset code is USER_CODE_ERROR, retryable, and waits for its retry', async () => {
    const asset = defineAsset({ key: 'a', compute: async () => { throw new Error('flaky source'); } });
    const error = await errorOf(asset);
    assert.deepEqual([error.code, error.retryable, error.message], ['USER_CODE_ERROR', true, 'flaky source']);
    assert.equal(statusAfter(error), 'RETRY_WAIT');
  });
});
