/**
 * The log line of each event an operator should hear about (runs, retries, failures, cancels,
 * ticks, evaluations, backfills): a table of events and the exact line and level expected.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { EVENT_VERSION, type EventType, type PayloadOf, type StoredEvent } from '../../../src/events/index.js';
import type { RunProjection } from '../../../src/fold/index.js';
import { describeEvent, formatDuration } from '../../../src/runtime/observability/index.js';
import { T0, iso, requestedRun } from '../../helpers/runs.js';

function event<T extends EventType>(type: T, payload: PayloadOf<T>, correlationId: string | null = null): StoredEvent {
  return { type, payload, eventId: 'e1', version: EVENT_VERSION, at: iso(T0), workspace: 'default', idempotencyKey: 'k', correlationId, causationId: null, sequence: 7 } as StoredEvent;
}

const ERROR = { code: 'USER_CODE_ERROR', message: 'broken', errorClass: 'Error', stack: null, retryable: true };
const attempt = { runId: 'run_1', taskKey: 'b', assetKey: 'b', partitionKey: null, attempt: 1, attemptId: 'att_1', outcome: 'FAILED' as const, error: ERROR, durationMs: 40, retryAt: null, infrastructureRetry: false, partitionWindow: null };
const { run } = requestedRun({ dag: { a: [], b: ['a'] } });
const finished: RunProjection = {
  ...run,
  runId: 'run_1',
  startedAt: iso(T0),
  finishedAt: iso(T0 + 83_000),
  tasks: run.tasks.map((t) => ({ ...t, status: t.taskKey === 'b' ? 'FAILED' : 'SUCCEEDED' })),
};

describe('event log lines', () => {
  const cases: [string, StoredEvent, RunProjection | undefined, string, string][] = [
    ['run started, with its tasks and trigger', event('RunStarted', { runId: 'run_1' }), { ...run, runId: 'run_1' }, 'info', 'run run_1 STARTED (2 tasks) by manual'],
    ['run failed, with its duration and failed tasks', event('RunFinished', { runId: 'run_1', status: 'FAILURE' }), finished, 'error', 'run run_1 FAILURE in 1m 23s (failed: b)'],
    ['run succeeded', event('RunFinished', { runId: 'run_1', status: 'SUCCESS' }), { ...finished, tasks: [] }, 'info', 'run run_1 SUCCESS in 1m 23s'],
    ['cancel requested', event('RunCancelRequested', { runId: 'run_1', reason: 'requested by alice' }), undefined, 'warn', 'run run_1 cancel requested: requested by alice'],
    [
      'attempt failed with a retry left',
      event('TaskAttemptFinished', { ...attempt, resolution: 'RETRY_WAIT', retryAt: '2026-01-01T00:00:10.000Z' }),
      undefined,
      'warn',
      'run run_1 task b attempt 1 FAILED (USER_CODE_ERROR: broken); retry at 2026-01-01T00:00:10.000Z',
    ],
    ['attempt failed with no retry left', event('TaskAttemptFinished', { ...attempt, resolution: 'FAILED' }), undefined, 'error', 'run run_1 task b attempt 1 FAILED (USER_CODE_ERROR: broken); no retry left'],
    [
      'schedule tick skipped',
      event('ScheduleTicked', { scheduleName: 'daily', tickEpochSeconds: 1, tickLocal: '2026-01-01T00:00:00', definitionVersion: 1, status: 'SKIPPED', skipReason: 'a run of this schedule is still running', error: null, runKey: null, runId: null, partitionKey: null }),
      undefined,
      'info',
      'schedule daily tick 2026-01-01T00:00:00 SKIPPED (a run of this schedule is still running)',
    ],
    [
      'sensor evaluation that requested runs',
      event('SensorEvaluated', {
        sensorName: 'files',
        mode: 'poll',
        pollEpochSeconds: 1,
        messageId: null,
        definitionVersion: 1,
        expectedStateVersion: 0,
        status: 'SUCCESS',
        cursorBefore: null,
        cursorAfter: '2',
        skipReason: null,
        error: null,
        runs: [
          { runKey: 'sensor:files:a', runId: 'run_2', partitionKey: null },
          { runKey: 'sensor:files:b', runId: 'run_3', partitionKey: null },
        ],
        dynamicPartitions: [],
        logs: [],
        startedAt: iso(T0),
        durationMs: 5,
      } as unknown as PayloadOf<'SensorEvaluated'>),
      undefined,
      'info',
      'sensor files evaluation SUCCESS requested 2 runs',
    ],
    [
      'backfill state change',
      event('BackfillStateChanged', { backfillId: 'bf_1', stateVersion: 2, fromStatus: 'REQUESTED', status: 'PAUSED', reason: 'paused by alice', error: null } as PayloadOf<'BackfillStateChanged'>),
      undefined,
      'info',
      'backfill bf_1 REQUESTED -> PAUSED (paused by alice)',
    ],
  ];
  for (const [what, e, runOf, level, msg] of cases) {
    test(`${what}: ${level} "${msg}"`, () => {
      const line = describeEvent(e, runOf);
      assert.deepEqual([line?.level, line?.msg], [level, msg]);
    });
  }

  test('a run line carries the run id as a field, for JSON logs', () => {
    assert.equal(describeEvent(event('RunStarted', { runId: 'run_1' }), undefined)?.fields.runId, 'run_1');
  });

  test('an event with nothing to tell an operator has no line', () => {
    assert.equal(describeEvent(event('ScheduleDefinitionSynced', {} as PayloadOf<'ScheduleDefinitionSynced'>), undefined), undefined);
  });

  test('durations read as seconds, then minutes and seconds, then hours and minutes', () => {
    assert.deepEqual([formatDuration(1_234), formatDuration(83_000), formatDuration(7_380_000)], ['1.2s', '1m 23s', '2h 03m']);
  });
});
