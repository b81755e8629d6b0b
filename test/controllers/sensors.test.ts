/**
 * The sensor controller as tables: when a sensor is due, what an evaluation appends (in what
 * order, under which keys), and how the fold moves cursor, state version and failures.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dynamicPartitions } from '../../src/authoring/index.js';
import {
  decideDynamicPartitionsChange,
  decideSensorCursorReset,
  decideSensorEvaluation,
  decideSensorStatus,
  decideSensorSync,
  sensorDelaySeconds,
  sensorDueAtMs,
  type SensorEvaluationInput,
  type SensorOutcomeSpec,
  type SensorRunRequestSpec,
} from '../../src/controllers/index.js';
import { sha256Hex } from '../../src/domain/ids/index.js';
import type { EventDraft, PayloadOf } from '../../src/events/index.js';
import type { RunProjection, SensorState } from '../../src/fold/index.js';
import { planningOf, sensorStateOf } from '../helpers/automation.js';
import { makeIds } from '../helpers/runs.js';

const T = Date.parse('2026-01-01T12:00:00Z');
const definition = (kind: 'poll' | 'push' = 'poll', defaultStatus: 'RUNNING' | 'STOPPED' = 'RUNNING'): PayloadOf<'SensorDefinitionSynced'>['definition'] => ({
  kind,
  assetKeys: ['a'],
  minimumIntervalSeconds: 30,
  defaultStatus,
});
const synced = (kind: 'poll' | 'push' = 'poll', defaultStatus: 'RUNNING' | 'STOPPED' = 'RUNNING') => decideSensorSync([{ name: 'files', definition: definition(kind, defaultStatus) }], new Map());

function state(batches: (readonly [number, readonly EventDraft[]])[] = [], kind: 'poll' | 'push' = 'poll'): SensorState {
  return sensorStateOf('files', [[T - 60_000, synced(kind)], ...batches]);
}

const request = (overrides: Partial<SensorRunRequestSpec> = {}): SensorRunRequestSpec => ({ runKey: null, partitionKey: null, tags: {}, config: {}, assetKeys: null, ...overrides });
const ok = (result: Partial<{ runRequests: SensorRunRequestSpec[]; cursor: string | null; skipReason: string | null; dynamicPartitions: { name: string | null; add: string[]; remove: string[] }[] }>): SensorOutcomeSpec => ({
  kind: 'ok',
  result: { runRequests: [], cursor: undefined, skipReason: null, dynamicPartitions: [], ...result },
});

function input(overrides: Partial<SensorEvaluationInput> = {}): SensorEvaluationInput {
  return {
    sensorName: 'files',
    assetKeys: ['a'],
    mode: 'poll',
    messageId: null,
    state: state(),
    startedAtMs: T,
    durationMs: 12,
    outcome: ok({}),
    logs: [],
    holders: new Map(),
    dynamicSets: { known: [], ofTarget: [] },
    planning: planningOf({ a: [] }, T),
    ids: makeIds(),
    nowEpochMs: T + 12,
    ...overrides,
  };
}

const evaluated = (drafts: readonly EventDraft[]) => {
  const record = drafts.find((d) => d.type === 'SensorEvaluated');
  if (record?.type !== 'SensorEvaluated') throw new Error('no SensorEvaluated');
  return record;
};

describe('when a sensor is due', () => {
  const delays: [title: string, interval: number, failures: number, expected: number][] = [
    ['a 30 s sensor with no failures waits its interval, 30 s', 30, 0, 30],
    ['a 30 s sensor after one failure still waits 30 s', 30, 1, 30],
    ['a 30 s sensor after two consecutive failures waits 60 s', 30, 2, 60],
    ['a 30 s sensor after three consecutive failures waits 120 s', 30, 3, 120],
    ['a 30 s sensor after eight consecutive failures waits one hour, the cap', 30, 8, 3600],
    ['a 1000 s sensor after four consecutive failures waits one hour, the cap', 1000, 4, 3600],
  ];
  for (const [title, interval, failures, expected] of delays) {
    test(title, () => {
      assert.equal(sensorDelaySeconds(interval, failures), expected);
    });
  }

  test('a running sensor never evaluated is due at once; a stopped or push sensor is never due', () => {
    assert.equal(sensorDueAtMs(state()), 0);
    assert.equal(sensorDueAtMs(sensorStateOf('files', [[T, decideSensorSync([{ name: 'files', definition: definition('poll', 'STOPPED') }], new Map())]])), null);
    assert.equal(sensorDueAtMs(state([], 'push')), null);
  });

  test('after an evaluation it is due minimumIntervalSeconds after the evaluation started', () => {
    const { drafts } = decideSensorEvaluation(input());
    assert.equal(sensorDueAtMs(state([[T, drafts]])), T + 30_000);
  });

  test('after failures it backs off from the last evaluation', () => {
    const fail: SensorOutcomeSpec = { kind: 'error', error: { code: 'USER_CODE_ERROR', message: 'x', errorClass: null, stack: null, retryable: true } };
    const first = decideSensorEvaluation(input({ outcome: fail })).drafts;
    const afterOne = state([[T, first]]);
    const second = decideSensorEvaluation(input({ state: afterOne, outcome: fail, startedAtMs: T + 30_000 })).drafts;
    const afterTwo = state([[T, first], [T + 30_000, second]]);
    assert.deepEqual([afterTwo.consecutiveFailures, sensorDueAtMs(afterTwo)], [2, T + 30_000 + 60_000]);
  });
});

describe('deciding an evaluation', () => {
  test('run requests become runs keyed sensor:{name}:{key}, tagged, appended after the evaluation is decided, on the state version read', () => {
    const decision = decideSensorEvaluation(input({ outcome: ok({ runRequests: [request({ runKey: 'f1' }), request({ runKey: 'f2', tags: { team: 'x' } })], cursor: 'f2' }) }));
    assert.deepEqual(decision.drafts.map((d) => [d.type, d.idempotencyKey]), [
      ['RunRequested', 'run:sensor:files:f1'],
      ['RunRequested', 'run:sensor:files:f2'],
      ['SensorEvaluated', `sensor_eval:files:poll:${T / 1000}:${sha256Hex('')}`],
    ]);
    const run = decision.drafts[1];
    assert.ok(run?.type === 'RunRequested');
    assert.deepEqual(run.payload.tags, { team: 'x', 'arco/sensor_name': 'files', 'arco/run_key': 'sensor:files:f2' });
    assert.equal(run.payload.trigger.kind, 'sensor');
    const record = evaluated(decision.drafts);
    assert.deepEqual(
      [record.payload.status, record.payload.cursorBefore, record.payload.cursorAfter, record.payload.expectedStateVersion, record.payload.durationMs],
      ['SUCCESS', null, 'f2', 0, 12],
    );
    assert.deepEqual(decision.expect, { table: 'sensor_states', id: 'files', version: 0 });
  });

  test('requests with the same key in one evaluation collapse to the first', () => {
    const decision = decideSensorEvaluation(input({ outcome: ok({ runRequests: [request({ runKey: 'k', tags: { n: '1' } }), request({ runKey: 'k', tags: { n: '2' } }), request()] }) }));
    const runs = decision.drafts.filter((d) => d.type === 'RunRequested');
    assert.equal(runs.length, 2);
    assert.ok(runs[0]?.type === 'RunRequested' && runs[0].payload.tags.n === '1');
  });

  test('a key used by any earlier run of the sensor requests nothing, whatever that run became; the evaluation is SKIPPED', () => {
    const holder = { runId: 'run_EARLIER', runKey: 'sensor:files:k', status: 'FAILURE', fingerprint: 'other' } as RunProjection;
    const decision = decideSensorEvaluation(input({ outcome: ok({ runRequests: [request({ runKey: 'k', config: { changed: true } })] }), holders: new Map([['sensor:files:k', holder]]) }));
    assert.deepEqual(decision.drafts.map((d) => d.type), ['SensorEvaluated']);
    const record = evaluated(decision.drafts);
    assert.deepEqual(record.payload.runs, [{ runKey: 'sensor:files:k', runId: 'run_EARLIER', existing: true, partitionKey: null }]);
    assert.deepEqual([record.payload.status, record.payload.skipReason], ['SKIPPED', 'every run request was already made (run keys: sensor:files:k)']);
  });

  test('no run requests: SKIPPED with the skip reason, and the cursor still moves', () => {
    const record = evaluated(decideSensorEvaluation(input({ outcome: ok({ skipReason: 'no new files', cursor: 'c9' }) })).drafts);
    assert.deepEqual([record.payload.status, record.payload.skipReason, record.payload.cursorAfter], ['SKIPPED', 'no new files', 'c9']);
  });

  const failures: { title: string; outcome: SensorOutcomeSpec; code: string }[] = [
    { title: 'a sensor that throws fails the evaluation with USER_CODE_ERROR: no run, no cursor move', outcome: { kind: 'error', error: { code: 'USER_CODE_ERROR', message: 'boom', errorClass: 'Error', stack: null, retryable: true } }, code: 'USER_CODE_ERROR' },
    { title: 'a run request with a reserved tag fails the evaluation with RESERVED_TAG: no run, no cursor move', outcome: ok({ runRequests: [request({ tags: { 'arco/partition': 'x' } })], cursor: 'moved' }), code: 'RESERVED_TAG' },
    { title: 'a run request without a target fails the evaluation with INVALID_EVALUATION_RESULT: no run, no cursor move', outcome: ok({ runRequests: [request({ assetKeys: [] })] }), code: 'INVALID_EVALUATION_RESULT' },
    { title: 'a change to a dynamic partitions set no asset uses fails the evaluation with UNKNOWN_DYNAMIC_PARTITIONS: no run, no cursor move', outcome: ok({ dynamicPartitions: [{ name: 'nope', add: ['x'], remove: [] }] }), code: 'UNKNOWN_DYNAMIC_PARTITIONS' },
  ];
  for (const f of failures) {
    test(f.title, () => {
      const base = state([[T - 30_000, decideSensorCursorReset(state(), 'c0')]]);
      const decision = decideSensorEvaluation(input({ state: base, outcome: f.outcome }));
      assert.deepEqual(decision.drafts.map((d) => d.type), ['SensorEvaluated']);
      const record = evaluated(decision.drafts);
      assert.deepEqual([record.payload.status, record.payload.error?.code, record.payload.cursorAfter, record.payload.runs], ['FAILURE', f.code, 'c0', []]);
    });
  }

  test('dynamic partitions requests apply before the run requests of the same evaluation', () => {
    const regions = dynamicPartitions('regions');
    const planning = planningOf({ r: [] }, T, { r: regions }, { regions: ['eu'] });
    const decision = decideSensorEvaluation(
      input({
        assetKeys: ['r'],
        planning,
        dynamicSets: { known: ['regions'], ofTarget: ['regions'] },
        outcome: ok({ dynamicPartitions: [{ name: null, add: ['us', 'eu'], remove: [] }], runRequests: [request({ runKey: 'us', partitionKey: 'us' })] }),
      }),
    );
    assert.deepEqual(decision.drafts.map((d) => d.type), ['DynamicPartitionsChanged', 'RunRequested', 'SensorEvaluated']);
    const change = decision.drafts[0];
    assert.ok(change?.type === 'DynamicPartitionsChanged');
    assert.match(change.idempotencyKey, new RegExp(`^dynparts:regions:add:${sha256Hex(JSON.stringify(['eu', 'us']))}:[0-9a-f]{32}$`));
    assert.ok(decision.drafts[1]?.type === 'RunRequested' && decision.drafts[1].payload.tasks[0]?.taskKey === 'r[us]');
  });

  test('the STALE alternative keeps the evaluation key, requests no run and leaves the cursor', () => {
    const decision = decideSensorEvaluation(input({ outcome: ok({ runRequests: [request({ runKey: 'k' })], cursor: 'new' }) }));
    const stale = decision.stale;
    assert.ok(stale?.type === 'SensorEvaluated');
    assert.equal(stale.idempotencyKey, evaluated(decision.drafts).idempotencyKey);
    assert.deepEqual([stale.payload.status, stale.payload.runs, stale.payload.cursorAfter], ['STALE', [], null]);
  });

  test('a push evaluation is keyed by its message, takes no compare-and-swap, and keys keyless requests by the message', () => {
    const decision = decideSensorEvaluation(input({ mode: 'push', messageId: 'm-1', state: state([], 'push'), outcome: ok({ runRequests: [request(), request({ runKey: 'own' })] }) }));
    assert.deepEqual(decision.drafts.map((d) => d.idempotencyKey), ['run:sensor:files:msg:m-1:0', 'run:sensor:files:own', 'sensor_eval:files:msg:m-1']);
    assert.deepEqual([decision.expect, decision.stale], [null, null]);
  });
});

describe('the sensor state fold', () => {
  test('the cursor moves on SUCCESS and SKIPPED, never on FAILURE; every non-STALE poll evaluation bumps the state version', () => {
    const s0 = state();
    const success = decideSensorEvaluation(input({ state: s0, outcome: ok({ runRequests: [request({ runKey: 'a' })], cursor: 'c1' }) })).drafts;
    const s1 = state([[T, success]]);
    assert.deepEqual([s1.cursor, s1.stateVersion, s1.lastEvaluationAt], ['c1', 1, '2026-01-01T12:00:00.000Z']);
    const failure = decideSensorEvaluation(input({ state: s1, startedAtMs: T + 30_000, outcome: { kind: 'error', error: { code: 'X', message: 'x', errorClass: null, stack: null, retryable: true } } })).drafts;
    const s2 = state([[T, success], [T + 30_000, failure]]);
    assert.deepEqual([s2.cursor, s2.stateVersion, s2.consecutiveFailures], ['c1', 2, 1]);
    const skipped = decideSensorEvaluation(input({ state: s2, startedAtMs: T + 60_000, outcome: ok({ cursor: 'c3' }) })).drafts;
    const s3 = state([[T, success], [T + 30_000, failure], [T + 60_000, skipped]]);
    assert.deepEqual([s3.cursor, s3.stateVersion, s3.consecutiveFailures], ['c3', 3, 0]);
    const stale = decideSensorEvaluation(input({ state: s2, startedAtMs: T + 61_000, outcome: ok({ cursor: 'lost' }) })).stale as EventDraft;
    const s4 = state([[T, success], [T + 30_000, failure], [T + 60_000, skipped], [T + 61_000, [stale]]]);
    assert.deepEqual([s4.cursor, s4.stateVersion], ['c3', 3], 'a STALE evaluation changes nothing');
  });

  test('a sensor starts in its default status: STOPPED unless its definition sets RUNNING', () => {
    const plain = sensorStateOf('files', [[T, synced('poll', 'STOPPED')]]);
    const running = sensorStateOf('files', [[T, synced('poll', 'RUNNING')]]);
    assert.deepEqual([plain.status, plain.userStatus, running.status, running.userStatus], ['STOPPED', null, 'RUNNING', null]);
  });

  test('an operator toggle overrides the default status, also when a changed definition is synced again', () => {
    const stop = decideSensorStatus(sensorStateOf('files', [[T, synced('poll', 'RUNNING')]]), 'STOPPED');
    const resynced = decideSensorSync([{ name: 'files', definition: { ...definition('poll', 'RUNNING'), minimumIntervalSeconds: 60 } }], new Map([['files', sensorStateOf('files', [[T, synced('poll', 'RUNNING')], [T + 1, stop]])]]));
    assert.equal(resynced.length, 1, 'the changed definition is synced');
    const after = sensorStateOf('files', [[T, synced('poll', 'RUNNING')], [T + 1, stop], [T + 2, resynced]]);
    assert.deepEqual([after.status, after.userStatus], ['STOPPED', 'STOPPED']);
  });

  test('start, stop and reset-cursor take the next state version; a repeat of the status changes nothing', () => {
    const stopped = sensorStateOf('files', [[T, synced('poll', 'STOPPED')]]);
    assert.deepEqual(decideSensorStatus(stopped, 'STOPPED'), []);
    const start = decideSensorStatus(stopped, 'RUNNING');
    assert.deepEqual(start.map((d) => d.idempotencyKey), ['sensor_state:files:1']);
    const running = sensorStateOf('files', [[T, synced('poll', 'STOPPED')], [T + 1, start]]);
    const reset = decideSensorCursorReset(running, 'from-here');
    const after = sensorStateOf('files', [[T, synced('poll', 'STOPPED')], [T + 1, start], [T + 2, reset]]);
    assert.deepEqual([after.status, after.userStatus, after.cursor, after.stateVersion], ['RUNNING', 'RUNNING', 'from-here', 2]);
  });
});

describe('dynamic partitions changes', () => {
  test('adding present keys or removing absent ones appends nothing; the key hashes the sorted keys and names the request', () => {
    assert.deepEqual(decideDynamicPartitionsChange({ name: 'regions', op: 'add', keys: ['eu'], requestId: 'r1' }, ['eu']), []);
    assert.deepEqual(decideDynamicPartitionsChange({ name: 'regions', op: 'remove', keys: ['us'], requestId: 'r1' }, ['eu']), []);
    const [added] = decideDynamicPartitionsChange({ name: 'regions', op: 'add', keys: ['us', 'ap', 'us'], requestId: 'r1' }, ['eu']);
    assert.equal(added?.idempotencyKey, `dynparts:regions:add:${sha256Hex(JSON.stringify(['ap', 'us']))}:r1`);
    assert.deepEqual(added?.type === 'DynamicPartitionsChanged' && added.payload.keys, ['us', 'ap']);
  });

  const forbiddenKeys: [title: string, key: string][] = [
    ['an empty dynamic partition key is INVALID_PARTITION_KEY', ''],
    ['a dynamic partition key containing | is INVALID_PARTITION_KEY', 'a|b'],
    ['a dynamic partition key containing a comma is INVALID_PARTITION_KEY', 'a,b'],
    ['a dynamic partition key containing ... is INVALID_PARTITION_KEY', 'a...b'],
    ['a dynamic partition key containing [ and ] is INVALID_PARTITION_KEY', '[x]'],
  ];
  for (const [title, key] of forbiddenKeys) {
    test(title, () => {
      assert.throws(() => decideDynamicPartitionsChange({ name: 'regions', op: 'add', keys: [key], requestId: 'r' }, []), { code: 'INVALID_PARTITION_KEY' });
    });
  }
});
