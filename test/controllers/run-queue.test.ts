/**
 * Run queue limits, decided by the pure run coordinator: tag concurrency limits on the runs in
 * progress (per value, key only, per unique value) and pool slot limits on the tasks running. A run
 * or task held back by a full limit never holds back the ones behind it, and a place is free again
 * as soon as the run or attempt holding it is over, however it ended.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decideRunProgress, PoolSlots } from '../../src/controllers/index.js';
import { poolSlotsInUse, TagLimitCounter } from '../../src/domain/runs/index.js';
import { advanceRun } from '../../src/controllers/index.js';
import type { RunProjection } from '../../src/fold/index.js';
import { T0, coordinatorInput, iso, makeIds, requestedRun, statuses } from '../helpers/runs.js';

let seed = 100;
const queued = (tags: Record<string, string>, at: number, spec: { pools?: Record<string, string>; dag?: Record<string, readonly string[]> } = {}) =>
  requestedRun({ dag: spec.dag ?? { a: [] }, tags, at, ids: makeIds((seed += 1)), ...(spec.pools ? { pools: spec.pools } : {}) }).run;

function startedIds(runs: readonly RunProjection[], now: number, overrides = {}): string[] {
  return decideRunProgress(coordinatorInput(runs, now, overrides))
    .filter((s) => s.drafts.some((d) => d.type === 'RunStarted'))
    .map((s) => s.runId);
}

/** Applies one coordinator decision to every run it touched. */
function advance(runs: readonly RunProjection[], now: number, overrides = {}): RunProjection[] {
  const steps = decideRunProgress(coordinatorInput(runs, now, overrides));
  return runs.map((run) => {
    const drafts = steps.find((s) => s.runId === run.runId)?.drafts ?? [];
    return drafts.length === 0 ? run : advanceRun(run, drafts, iso(now));
  });
}

describe('tag concurrency limits', () => {
  test('a limit on one tag value admits that many runs with it, and the runs behind them without it still start', () => {
    const a = queued({ team: 'data' }, T0);
    const b = queued({ team: 'data' }, T0 + 1);
    const c = queued({ team: 'web' }, T0 + 2);
    const d = queued({}, T0 + 3);
    const started = startedIds([a, b, c, d], T0 + 10, { tagConcurrencyLimits: [{ key: 'team', value: 'data', limit: 1 }] });
    assert.deepEqual(started, [a.runId, c.runId, d.runId]);
  });

  test('a limit on a key alone counts every value together; per unique value gives each value its own limit', () => {
    const runs = [queued({ db: 'x' }, T0), queued({ db: 'y' }, T0 + 1), queued({ db: 'x' }, T0 + 2), queued({ db: 'z' }, T0 + 3)];
    assert.deepEqual(startedIds(runs, T0 + 10, { tagConcurrencyLimits: [{ key: 'db', limit: 2 }] }), [runs[0]!.runId, runs[1]!.runId]);
    assert.deepEqual(startedIds(runs, T0 + 10, { tagConcurrencyLimits: [{ key: 'db', limit: 1, perUniqueValue: true }] }), [runs[0]!.runId, runs[1]!.runId, runs[3]!.runId]);
  });

  test('runs in progress count against the limit, and a run that ends frees its place for the next one', () => {
    const first = queued({ team: 'data' }, T0);
    const second = queued({ team: 'data' }, T0 + 1);
    const limits = { tagConcurrencyLimits: [{ key: 'team', value: 'data', limit: 1 }] };
    const runs = advance([first, second], T0 + 10, limits);
    assert.deepEqual(runs.map((r) => r.status), ['STARTED', 'QUEUED']);
    assert.deepEqual(startedIds(runs, T0 + 20, limits), [], 'the second waits while the first is in progress');
    const ended = { ...runs[0]!, status: 'FAILURE' as const };
    assert.deepEqual(startedIds([ended, runs[1]!], T0 + 30, limits), [second.runId]);
  });

  test('priority order holds within the limit: the higher-priority run takes the only place', () => {
    const old = queued({ team: 'data' }, T0);
    const urgent = queued({ team: 'data', 'arco/priority': '9' }, T0 + 5);
    assert.deepEqual(startedIds([old, urgent], T0 + 10, { tagConcurrencyLimits: [{ key: 'team', value: 'data', limit: 1 }] }), [urgent.runId]);
  });

  test('a full limit says what the run waits for', () => {
    const counter = new TagLimitCounter([{ key: 'team', value: 'data', limit: 2 }, { key: 'db', limit: 1, perUniqueValue: true }], [{ team: 'data' }, { team: 'data', db: 'pg' }]);
    assert.equal(counter.blockingLimit({ team: 'data' }), 'tag team=data: 2/2 runs');
    assert.equal(counter.blockingLimit({ db: 'pg' }), 'tag db=pg: 1/1 runs');
    assert.equal(counter.blockingLimit({ db: 'mysql' }), undefined);
  });
});

describe('pools', () => {
  test('tasks of a pool take its slots across runs; the others still get worker slots', () => {
    const runs = [0, 1, 2].map((i) => queued({}, T0 + i, { dag: { load: [], other: [] }, pools: { load: 'warehouse' } }));
    const next = advance(runs, T0 + 10, { poolLimits: new Map([['warehouse', 2]]), freeWorkerSlots: ['w0', 'w1', 'w2', 'w3', 'w4', 'w5'] });
    const loads = next.map((r) => statuses(r)['load']);
    assert.deepEqual(loads, ['DISPATCHED', 'DISPATCHED', 'READY']);
    assert.deepEqual(next.map((r) => statuses(r)['other']), ['DISPATCHED', 'DISPATCHED', 'DISPATCHED']);
  });

  test('a slot is free again once the attempt holding it is over, and a pool without a limit is unlimited', () => {
    const runs = [0, 1].map((i) => queued({}, T0 + i, { pools: { a: 'db' } }));
    let next = advance(runs, T0 + 10, { poolLimits: new Map([['db', 1]]) });
    assert.deepEqual(next.map((r) => statuses(r)['a']), ['DISPATCHED', 'READY']);
    // The first run's attempt is lost and its run canceled: the slot goes to the second run's task.
    next = [{ ...next[0]!, tasks: next[0]!.tasks.map((t) => ({ ...t, status: 'FAILED' as const })) }, next[1]!];
    next = advance(next, T0 + 20, { poolLimits: new Map([['db', 1]]) });
    assert.equal(statuses(next[1]!)['a'], 'DISPATCHED');
    const unlimited = advance([0, 1, 2].map((i) => queued({}, T0 + i, { pools: { a: 'db' } })), T0 + 10, { poolLimits: new Map() });
    assert.deepEqual(unlimited.map((r) => statuses(r)['a']), ['DISPATCHED', 'DISPATCHED', 'DISPATCHED']);
  });

  test('a pool without a limit of its own gets the default limit; a limit set for the pool, even unlimited, wins over it', () => {
    const three = (pool: string) => [0, 1, 2].map((i) => queued({}, T0 + i, { pools: { a: pool } }));
    const defaulted = advance(three('db'), T0 + 10, { poolLimits: new Map(), defaultPoolLimit: 1 });
    assert.deepEqual(defaulted.map((r) => statuses(r)['a']), ['DISPATCHED', 'READY', 'READY']);
    const own = advance(three('db'), T0 + 10, { poolLimits: new Map([['db', 2]]), defaultPoolLimit: 1 });
    assert.deepEqual(own.map((r) => statuses(r)['a']), ['DISPATCHED', 'DISPATCHED', 'READY']);
    const setUnlimited = advance(three('db'), T0 + 10, { poolLimits: new Map([['db', Number.POSITIVE_INFINITY]]), defaultPoolLimit: 1 });
    assert.deepEqual(setUnlimited.map((r) => statuses(r)['a']), ['DISPATCHED', 'DISPATCHED', 'DISPATCHED']);
  });
});

describe('pools held per run (pools.granularity: run)', () => {
  const run = { poolGranularity: 'run' as const };
  test('a run holds one slot of its pool however many of its tasks use it; the next run waits, with all its tasks, until the first ends', () => {
    const runs = [0, 1].map((i) => queued({}, T0 + i, { dag: { load: [], load2: [], other: [] }, pools: { load: 'warehouse', load2: 'warehouse' } }));
    const limits = { ...run, poolLimits: new Map([['warehouse', 1]]), freeWorkerSlots: ['w0', 'w1', 'w2', 'w3', 'w4', 'w5'] };
    let next = advance(runs, T0 + 10, limits);
    assert.deepEqual(next.map((r) => [statuses(r)['load'], statuses(r)['load2'], statuses(r)['other']]), [
      ['DISPATCHED', 'DISPATCHED', 'DISPATCHED'],
      ['READY', 'READY', 'READY'],
    ]);
    // Its pooled tasks done, the first run still holds the slot while it is in progress.
    const done = (r: RunProjection, keys: string[]) => ({ ...r, tasks: r.tasks.map((t) => (keys.includes(t.taskKey) ? { ...t, status: 'SUCCEEDED' as const } : t)) });
    next = advance([done(next[0]!, ['load', 'load2']), next[1]!], T0 + 20, limits);
    assert.deepEqual(Object.values(statuses(next[1]!)), ['READY', 'READY', 'READY'], 'the second run waits while the first is in progress');
    next = advance([{ ...next[0]!, status: 'SUCCESS' as const }, next[1]!], T0 + 30, limits);
    assert.deepEqual(Object.values(statuses(next[1]!)), ['DISPATCHED', 'DISPATCHED', 'DISPATCHED'], 'the first ended: the second takes the slot');
  });

  test('per task, the same runs share the slot task by task instead', () => {
    const runs = [0, 1].map((i) => queued({}, T0 + i, { dag: { load: [], other: [] }, pools: { load: 'warehouse' } }));
    const next = advance(runs, T0 + 10, { poolLimits: new Map([['warehouse', 1]]), freeWorkerSlots: ['w0', 'w1', 'w2', 'w3'] });
    assert.deepEqual(next.map((r) => [statuses(r)['load'], statuses(r)['other']]), [
      ['DISPATCHED', 'DISPATCHED'],
      ['READY', 'DISPATCHED'],
    ]);
  });

  test('a run waiting for its pools says so for its ready tasks, and pool counts are per run', () => {
    const runs = [0, 1].map((i) => queued({}, T0 + i, { dag: { load: [], load2: [] }, pools: { load: 'warehouse', load2: 'warehouse' } }));
    const next = advance(runs, T0 + 10, { ...run, poolLimits: new Map([['warehouse', 1]]) });
    const pools = new PoolSlots(new Map([['warehouse', 1]]), next, null, 'run');
    assert.equal(pools.taskWait(next[1]!, 'warehouse'), 'pool warehouse: 1/1 in use');
    assert.equal(pools.taskWait(next[0]!, 'warehouse'), undefined, 'the holder dispatches its other tasks freely');
    assert.deepEqual([...poolSlotsInUse(next, 'run')], [['warehouse', 1]]);
    assert.deepEqual([...poolSlotsInUse(next, 'task')], [['warehouse', 2]]);
  });
});
