/**
 * The run coordinator, driven as a pure function with a fixed clock: admission, dispatch, retries,
 * timeouts, lost workers, skips with attribution, cancel and run completion.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decideAttemptReport, decideCancel, decideRunProgress, advanceRun, WORKER_LOSS_RETRIES_MAX } from '../../src/controllers/index.js';
import type { RunProjection } from '../../src/fold/index.js';
import { T0, coordinatorInput, iso, requestedRun, statuses, step, types } from '../helpers/runs.js';

const DIAMOND = { a: [], b: ['a'], c: ['a'], d: ['b', 'c'] } as const;

/** Reports the current attempt of `taskKey` as started (its user code runs) at `now`. */
function start(run: RunProjection, taskKey: string, now: number): RunProjection {
  const task = run.tasks.find((t) => t.taskKey === taskKey)!;
  const attempt = task.attempts.find((a) => a.attempt === task.attempt)!;
  const drafts = decideAttemptReport(run, { kind: 'started', runId: run.runId, taskKey, attemptId: attempt.attemptId, workerId: 'w0' }, { nowEpochMs: now, upstreamDataVersions: {} });
  return advanceRun(run, drafts, iso(now));
}

/** Reports the current attempt of `taskKey` as finished with `outcome` at `now`. */
function finish(run: RunProjection, taskKey: string, outcome: 'SUCCEEDED' | 'FAILED', now: number, retryable = true): RunProjection {
  const task = run.tasks.find((t) => t.taskKey === taskKey)!;
  const attempt = task.attempts.find((a) => a.attempt === task.attempt)!;
  const drafts = decideAttemptReport(
    run,
    {
      kind: 'finished',
      runId: run.runId,
      taskKey,
      attemptId: attempt.attemptId,
      outcome,
      error: outcome === 'FAILED' ? { code: 'USER_CODE_ERROR', message: 'boom', errorClass: 'Error', stack: null, retryable } : null,
      durationMs: 5,
      dataVersion: null,
      metadata: {},
    },
    { nowEpochMs: now, upstreamDataVersions: {} },
  );
  return advanceRun(run, drafts, iso(now));
}

describe('admission', () => {
  test('starts a queued run and dispatches its root tasks in the same decision', () => {
    const { run } = requestedRun({ dag: DIAMOND });
    const next = step(run, T0);
    assert.deepEqual(types(next.drafts), ['RunStarted', 'TaskDispatched']);
    assert.deepEqual(statuses(next.run), { a: 'DISPATCHED', b: 'BLOCKED', c: 'BLOCKED', d: 'BLOCKED' });
  });

  test('holds runs in the queue beyond maxConcurrentRuns, higher arco/priority first, then oldest first', () => {
    const older = requestedRun({ dag: { a: [] }, at: T0 }).run;
    const newer = requestedRun({ dag: { a: [] }, at: T0 + 1000, ids: undefined }).run;
    const urgent = requestedRun({ dag: { a: [] }, at: T0 + 2000, tags: { 'arco/priority': '5' } }).run;
    const steps = decideRunProgress(coordinatorInput([older, newer, urgent], T0 + 3000, { maxConcurrentRuns: 2 }));
    const started = steps.filter((s) => s.drafts.some((d) => d.type === 'RunStarted')).map((s) => s.runId);
    assert.deepEqual(started, [urgent.runId, older.runId]);
  });

  test('deciding and folding leave the run they were given as it was (a store hands out its kept rows to them)', () => {
    const { run } = requestedRun({ dag: DIAMOND });
    const given = JSON.stringify(run);
    const steps = decideRunProgress(coordinatorInput([run], T0));
    const next = advanceRun(run, steps[0]?.drafts ?? [], iso(T0));
    assert.equal(JSON.stringify(run), given);
    assert.notEqual(next.tasks[0], run.tasks[0]);
    assert.notEqual(next.tasks[0]?.attempts, run.tasks[0]?.attempts);
    assert.equal(next.tasks[0]?.status, 'DISPATCHED');
  });

  test('dispatches no more attempts than there are free worker slots', () => {
    const { run } = requestedRun({ dag: { a: [], b: [], c: [] } });
    const next = step(run, T0, { freeWorkerSlots: ['w0', 'w1'] });
    assert.equal(next.drafts.filter((d) => d.type === 'TaskDispatched').length, 2);
    assert.equal(next.run.tasks.filter((t) => t.status === 'READY').length, 1);
  });
});

describe('dependencies and completion', () => {
  test('a task becomes ready only when every upstream task in the run succeeded', () => {
    let { run } = step(requestedRun({ dag: DIAMOND }).run, T0);
    run = finish(run, 'a', 'SUCCEEDED', T0 + 10);
    run = step(run, T0 + 20).run;
    run = finish(run, 'b', 'SUCCEEDED', T0 + 30);
    assert.equal(statuses(run).d, 'BLOCKED');
    run = finish(run, 'c', 'SUCCEEDED', T0 + 40);
    assert.equal(statuses(run).d, 'READY');
  });

  test('the run ends SUCCESS when every task succeeded', () => {
    let { run } = step(requestedRun({ dag: { a: [], b: ['a'] } }).run, T0);
    run = finish(run, 'a', 'SUCCEEDED', T0 + 1);
    run = step(run, T0 + 2).run;
    run = finish(run, 'b', 'SUCCEEDED', T0 + 3);
    assert.equal(run.status, 'SUCCESS');
    assert.equal(run.finishedAt, iso(T0 + 3));
  });
});

describe('skip attribution', () => {
  test('skips every downstream task of a failed task transitively and names the failed task', () => {
    let { run } = step(requestedRun({ dag: DIAMOND }).run, T0);
    run = finish(run, 'a', 'FAILED', T0 + 5);
    assert.deepEqual(statuses(run), { a: 'FAILED', b: 'SKIPPED', c: 'SKIPPED', d: 'SKIPPED' });
    assert.deepEqual(run.tasks.find((t) => t.taskKey === 'd')!.skipCause, { taskKey: 'a', status: 'FAILED', finishedAt: iso(T0 + 5) });
    assert.equal(run.status, 'FAILURE');
  });

  const attributionOrders: [title: string, deps: readonly string[]][] = [
    ['attributes a skip to the earliest failure when edges are declared b then c', ['b', 'c']],
    ['attributes a skip to the earliest failure when edges are declared c then b', ['c', 'b']],
  ];
  for (const [title, order] of attributionOrders) {
    test(title, () => {
      const dag = { a: [], b: ['a'], c: ['a'], d: [...order] };
      let { run } = step(requestedRun({ dag }).run, T0);
      run = finish(run, 'a', 'SUCCEEDED', T0 + 1);
      run = step(run, T0 + 2).run;
      run = finish(run, 'c', 'FAILED', T0 + 10);
      run = finish(run, 'b', 'FAILED', T0 + 20);
      assert.deepEqual(run.tasks.find((t) => t.taskKey === 'd')!.skipCause, { taskKey: 'c', status: 'FAILED', finishedAt: iso(T0 + 10) });
    });
  }

  test('breaks a tie in failure time by task key', () => {
    let { run } = step(requestedRun({ dag: { x: [], y: [], z: ['y', 'x'] } }).run, T0);
    run = finish(run, 'y', 'FAILED', T0 + 10);
    run = finish(run, 'x', 'FAILED', T0 + 10);
    assert.equal(run.tasks.find((t) => t.taskKey === 'z')!.skipCause?.taskKey, 'x');
  });

  test('breaks a tie in failure time by task key whatever the order of the task deps in the plan', () => {
    // The planner sorts an asset's parents, but a partitioned input's deps follow the partitions
    // definition's order, so settling must not rely on the order of `deps`.
    let { run } = step(requestedRun({ dag: { x: [], y: [], z: ['x', 'y'] } }).run, T0);
    run = { ...run, tasks: run.tasks.map((t) => (t.taskKey === 'z' ? { ...t, deps: ['y', 'x'] } : t)) };
    run = finish(run, 'y', 'FAILED', T0 + 10);
    run = finish(run, 'x', 'FAILED', T0 + 10);
    assert.equal(run.tasks.find((t) => t.taskKey === 'z')!.skipCause?.taskKey, 'x');
  });
});

describe('retries', () => {
  test('a failed attempt with retries left waits delayMs, then runs as attempt 2', () => {
    let { run } = step(requestedRun({ dag: { a: [] }, retry: { a: { maxRetries: 1, delayMs: 1000 } } }).run, T0);
    run = finish(run, 'a', 'FAILED', T0 + 100);
    assert.equal(statuses(run).a, 'RETRY_WAIT');
    assert.equal(run.tasks[0]!.retryAt, iso(T0 + 1100));
    assert.equal(step(run, T0 + 1099).drafts.length, 0, 'not dispatched before the retry is due');
    const due = step(run, T0 + 1100);
    assert.deepEqual(types(due.drafts), ['TaskDispatched']);
    assert.equal(due.run.tasks[0]!.attempt, 2);
  });

  test('the task fails for good once maxRetries retries were spent', () => {
    let { run } = step(requestedRun({ dag: { a: [] }, retry: { a: { maxRetries: 1 } } }).run, T0);
    run = finish(run, 'a', 'FAILED', T0 + 1);
    run = step(run, T0 + 2).run;
    run = finish(run, 'a', 'FAILED', T0 + 3);
    assert.equal(statuses(run).a, 'FAILED');
    assert.equal(run.status, 'FAILURE');
  });

  test('a non-retryable error is not retried even with retries left', () => {
    let { run } = step(requestedRun({ dag: { a: [] }, retry: { a: { maxRetries: 3 } } }).run, T0);
    run = finish(run, 'a', 'FAILED', T0 + 1, false);
    assert.equal(statuses(run).a, 'FAILED');
  });

  test('exponential backoff doubles the delay per failed attempt', () => {
    let { run } = step(requestedRun({ dag: { a: [] }, retry: { a: { maxRetries: 3, delayMs: 100, backoff: 'exponential' } } }).run, T0);
    const delays: number[] = [];
    let now = T0;
    for (let i = 0; i < 3; i += 1) {
      run = finish(run, 'a', 'FAILED', now);
      delays.push(Date.parse(run.tasks[0]!.retryAt!) - now);
      now = Date.parse(run.tasks[0]!.retryAt!);
      run = step(run, now).run;
    }
    assert.deepEqual(delays, [100, 200, 400]);
  });
});

describe('timeouts and lost workers', () => {
  test('an attempt past its deadline fails with TIMEOUT', () => {
    let { run } = step(requestedRun({ dag: { a: [] }, timeoutMs: { a: 500 } }).run, T0);
    const next = step(run, T0 + 500);
    run = next.run;
    assert.equal(statuses(run).a, 'FAILED');
    assert.equal(run.tasks[0]!.attempts[0]!.error?.code, 'TIMEOUT');
  });

  test('an attempt without heartbeats for the lease is lost and dispatched again after a short backoff, without spending maxRetries', () => {
    let { run } = step(requestedRun({ dag: { a: [] } }).run, T0);
    run = step(run, T0 + 15_000).run;
    assert.equal(run.tasks[0]!.attempts[0]!.error?.code, 'WORKER_LOST');
    assert.equal(run.tasks[0]!.infrastructureRetries, 1);
    assert.deepEqual([statuses(run).a, run.tasks[0]!.retryAt], ['RETRY_WAIT', iso(T0 + 15_500)]);
    run = step(run, T0 + 15_500).run;
    assert.equal(statuses(run).a, 'DISPATCHED');
    assert.equal(run.tasks[0]!.attempt, 2);
  });

  test('a user-code failure after a lost worker still has every one of maxRetries', () => {
    let { run } = step(requestedRun({ dag: { a: [] }, retry: { a: { maxRetries: 1, delayMs: 1000 } } }).run, T0);
    run = step(run, T0 + 15_000).run; // the first attempt is lost
    run = step(run, T0 + 15_500).run; // and dispatched again after the backoff
    assert.deepEqual([run.tasks[0]!.infrastructureRetries, run.tasks[0]!.attempt], [1, 2]);
    run = finish(run, 'a', 'FAILED', T0 + 16_000);
    assert.equal(statuses(run).a, 'RETRY_WAIT', 'the lost attempt did not spend the one retry');
    assert.equal(run.tasks[0]!.retryAt, iso(T0 + 17_000));
  });

  test('attempts lost before their code started are retried past the cap for started ones, backing off, without failing the task', () => {
    let { run } = step(requestedRun({ dag: { a: [] } }).run, T0);
    let now = T0;
    const waits: number[] = [];
    for (let i = 0; i < WORKER_LOSS_RETRIES_MAX + 2; i += 1) {
      now += 15_000;
      run = step(run, now).run; // lost before any 'started' report: the daemon died under a starting worker
      waits.push(Date.parse(run.tasks[0]!.retryAt!) - now);
      now = Date.parse(run.tasks[0]!.retryAt!);
      run = step(run, now).run;
    }
    assert.equal(statuses(run).a, 'DISPATCHED', 'five losses before start do not fail the task');
    assert.deepEqual(waits, [500, 1_000, 2_000, 4_000, 8_000]);
    run = finish(run, 'a', 'SUCCEEDED', now + 1);
    assert.equal(run.status, 'SUCCESS');
  });

  test('a worker killed by a signal under a running attempt is retried without spending maxRetries', () => {
    let { run } = step(requestedRun({ dag: { a: [] } }).run, T0);
    run = start(run, 'a', T0 + 1);
    const attempt = run.tasks[0]!.attempts[0]!;
    const killed = decideAttemptReport(
      run,
      {
        kind: 'finished',
        runId: run.runId,
        taskKey: 'a',
        attemptId: attempt.attemptId,
        outcome: 'FAILED',
        error: { code: 'WORKER_KILLED', message: 'worker process was killed (SIGKILL)', errorClass: null, stack: null, retryable: true },
        durationMs: 5,
        dataVersion: null,
        metadata: {},
      },
      { nowEpochMs: T0 + 2, upstreamDataVersions: {} },
    );
    run = advanceRun(run, killed, iso(T0 + 2));
    assert.deepEqual([statuses(run).a, run.tasks[0]!.infrastructureRetries], ['RETRY_WAIT', 1], 'maxRetries is 0, yet the task is retried');
  });

  test('heartbeats keep an attempt alive past the lease', () => {
    const { run } = step(requestedRun({ dag: { a: [] } }).run, T0);
    const attemptId = run.tasks[0]!.attempts[0]!.attemptId;
    const next = step(run, T0 + 20_000, { heartbeats: new Map([[attemptId, T0 + 10_000]]) });
    assert.equal(next.drafts.length, 0);
  });

  test('a dead worker loses its attempt at once', () => {
    const { run } = step(requestedRun({ dag: { a: [] } }).run, T0);
    const next = step(run, T0 + 1, { isWorkerDead: () => true });
    assert.equal(next.run.tasks[0]!.attempts[0]!.error?.code, 'WORKER_LOST');
  });

  test('stops dispatching a task again once the workers of its started attempts were lost more often than the cap allows', () => {
    let { run } = step(requestedRun({ dag: { a: [] } }).run, T0);
    let now = T0;
    for (let i = 0; i <= WORKER_LOSS_RETRIES_MAX; i += 1) {
      run = start(run, 'a', now + 1); // the user code started, then its worker was lost
      now += 15_000;
      run = step(run, now).run;
      if (run.tasks[0]!.retryAt) {
        now = Date.parse(run.tasks[0]!.retryAt);
        run = step(run, now).run;
      }
    }
    assert.equal(statuses(run).a, 'FAILED');
    assert.equal(run.tasks[0]!.attempts.length, WORKER_LOSS_RETRIES_MAX + 1);
  });
});

describe('cancel', () => {
  test('canceling a queued run cancels every task and ends it CANCELED at once', () => {
    const { run } = requestedRun({ dag: DIAMOND });
    const after = advanceRun(run, decideCancel(run, 'operator', T0), iso(T0));
    assert.equal(after.status, 'CANCELED');
    assert.ok(after.tasks.every((t) => t.status === 'CANCELED'));
  });

  test('canceling a started run waits for the running attempt, then ends CANCELED', () => {
    let { run } = step(requestedRun({ dag: DIAMOND }).run, T0);
    run = advanceRun(run, decideCancel(run, 'operator', T0 + 1), iso(T0 + 1));
    assert.equal(run.status, 'CANCELING');
    assert.deepEqual(statuses(run), { a: 'DISPATCHED', b: 'CANCELED', c: 'CANCELED', d: 'CANCELED' });
    assert.equal(step(run, T0 + 2).drafts.filter((d) => d.type === 'TaskDispatched').length, 0, 'nothing new is dispatched');
    run = finish(run, 'a', 'FAILED', T0 + 3);
    assert.equal(statuses(run).a, 'FAILED', 'no retry while canceling');
    assert.equal(run.status, 'CANCELED');
  });

  test('canceling a finished run is refused with RUN_NOT_CANCELABLE', () => {
    let { run } = step(requestedRun({ dag: { a: [] } }).run, T0);
    run = finish(run, 'a', 'SUCCEEDED', T0 + 1);
    assert.throws(() => decideCancel(run, 'late', T0 + 2), { code: 'RUN_NOT_CANCELABLE' });
  });
});
