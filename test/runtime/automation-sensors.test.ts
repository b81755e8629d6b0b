/**
 * Poll sensors in the automation step, on a fake clock and a real store: interval from persisted
 * state (also after a restart), no catch-up, cursor handling, failures with backoff, timeouts
 * without overlap, dynamic partitions before runs, result validation, logs and the operator's
 * cursor reset.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Automation, FakeClock, createContext, loadDefinitions, resetSensorCursor, type LoadedDefinitions } from '../../src/runtime/index.js';
import { openSqliteStore, type Store } from '../../src/store/index.js';
import { tempProject } from '../helpers/project.js';

const SOURCE = `import { defineAsset, defineDefinitions, defineSensor, dynamicPartitions } from 'arco-flow';
const raw = defineAsset({ key: 'raw', compute: async () => {} });
const files = defineAsset({ key: 'files', partitions: dynamicPartitions('files'), compute: async () => {} });
const running = { defaultStatus: 'running' };
export default defineDefinitions({
  assets: [raw, files],
  sensors: [
    defineSensor({ name: 'counter', target: [raw], minimumIntervalSeconds: 60, ...running, evaluate: (ctx) => {
      const n = Number(ctx.cursor ?? '0') + 1;
      ctx.log.info('evaluation ' + n + ' after ' + ctx.lastEvaluationAt);
      return { runRequests: [{ runKey: 'n' + n }], cursor: String(n) };
    } }),
    defineSensor({ name: 'flaky', target: [raw], minimumIntervalSeconds: 10, ...running, evaluate: () => { throw new Error('source down'); } }),
    defineSensor({ name: 'hangs', minimumIntervalSeconds: 10, timeoutMs: 100, ...running, evaluate: () => new Promise(() => {}) }),
    defineSensor({ name: 'new_files', target: [files], ...running, evaluate: async (ctx) => ({
      dynamicPartitions: { add: ['f1', 'f2'] },
      runRequests: [{ runKey: 'f1', partitionKey: 'f1' }, { runKey: 'f2', partitionKey: 'f2' }],
      cursor: String((await ctx.instance.dynamicPartitionKeys('files')).length),
    }) }),
    defineSensor({ name: 'bad_result', ...running, evaluate: () => ({ runRequest: [{ runKey: 'x' }] }) }),
    defineSensor({ name: 'bad_cursor', target: [raw], ...running, evaluate: () => ({ runRequests: [{ runKey: 'a' }], cursor: 5 }) }),
    defineSensor({ name: 'bad_run_key', target: [raw], ...running, evaluate: () => ({ runRequests: [{ runKey: 'a' }, { runKey: 7 }] }) }),
    defineSensor({ name: 'bad_requests', target: [raw], ...running, evaluate: () => ({ runRequests: { runKey: 'a' } }) }),
    defineSensor({ name: 'bad_partition_field', target: [raw], ...running, evaluate: () => ({ runRequests: [{ runKey: 'a', partition: '2026-01-01' }] }) }),
    defineSensor({ name: 'not_an_object', target: [raw], ...running, evaluate: () => 'run raw please' }),
  ],
});
`;

describe('poll sensors in the automation step', () => {
  const project = tempProject(SOURCE);
  const T = Date.parse('2026-01-01T12:00:00Z');
  const db = join(project.dir, 'arco.db');
  let definitions: LoadedDefinitions;
  let store: Store;
  let clock: FakeClock;
  let automation: Automation;
  const at = async (ms: number) => {
    clock.set(ms);
    await automation.runOnce(ms);
  };
  const history = (name: string) => store.automation.listSensorHistory({ sensorName: name, limit: 100 });

  before(async () => {
    definitions = await loadDefinitions(project.file);
    store = openSqliteStore({ path: db });
    clock = new FakeClock(T);
    automation = new Automation(createContext(store, clock, definitions, 7));
    await at(T);
  });
  after(async () => {
    await store.close();
    project.remove();
  });

  test('is evaluated at most once per minimumIntervalSeconds, from persisted state, also after a restart; no catch-up', async () => {
    await at(T + 30_000);
    assert.equal((await history('counter')).length, 1, 'not due 30 s later');
    await at(T + 60_000);
    assert.equal((await history('counter')).length, 2, 'due 60 s after the first started');
    // A restart: a new store handle and a new automation step on the same file.
    await store.close();
    store = openSqliteStore({ path: db });
    automation = new Automation(createContext(store, clock, definitions, 8));
    await at(T + 90_000);
    assert.equal((await history('counter')).length, 2, 'the interval survives the restart');
    await at(T + 10 * 3_600_000);
    assert.equal((await history('counter')).length, 3, 'ten hours later: one evaluation, no catch-up');
    const state = await store.automation.getSensorState('counter');
    assert.deepEqual([state?.cursor, state?.stateVersion, state?.lastEvaluationAt], ['3', 3, new Date(T + 10 * 3_600_000).toISOString()]);
  });

  test('each evaluation records its runs, cursor before and after, logs; runs carry arco/sensor_name and arco/run_key', async () => {
    const [latest] = await history('counter');
    assert.deepEqual([latest?.status, latest?.cursorBefore, latest?.cursorAfter, latest?.runs.map((r) => r.runKey)], ['SUCCESS', '2', '3', ['sensor:counter:n3']]);
    assert.deepEqual(latest?.logs, [{ level: 'info', message: `evaluation 3 after ${new Date(T + 60_000).toISOString()}` }]);
    const run = await store.runs.getRun(latest?.runs[0]?.runId as string);
    assert.deepEqual([run?.tags['arco/sensor_name'], run?.tags['arco/run_key'], run?.trigger.kind], ['counter', 'sensor:counter:n3', 'sensor']);
  });

  test('a throwing sensor records FAILURE with the error, keeps its cursor, and backs off exponentially', async () => {
    const failures = (await history('flaky')).map((e) => [e.status, e.error?.code, e.error?.message, e.cursorAfter]);
    assert.ok(failures.length >= 2);
    assert.deepEqual(failures[0], ['FAILURE', 'USER_CODE_ERROR', 'source down', null]);
    const state = await store.automation.getSensorState('flaky');
    const last = Date.parse(state?.lastEvaluationAt as string);
    const wait = 10_000 * 2 ** ((state?.consecutiveFailures ?? 0) - 1);
    await at(last + wait - 1_000);
    assert.equal((await store.automation.getSensorState('flaky'))?.consecutiveFailures, state?.consecutiveFailures, 'not before the backoff');
    await at(last + wait);
    assert.equal((await store.automation.getSensorState('flaky'))?.consecutiveFailures, (state?.consecutiveFailures ?? 0) + 1, 'evaluated once the backoff passed');
  });

  test('a sensor that never settles fails with USER_CODE_TIMEOUT and is not evaluated again while its function is still running', async () => {
    const evaluations = await history('hangs');
    assert.ok(evaluations.length >= 1);
    assert.ok(evaluations.every((e) => e.status === 'FAILURE' && e.error?.code === 'USER_CODE_TIMEOUT'));
    // Due again an hour later, but this process's call has not settled: no second, overlapping call.
    await at(Date.parse((await store.automation.getSensorState('hangs'))?.lastEvaluationAt as string) + 3_600_000);
    assert.equal((await history('hangs')).length, evaluations.length);
  });

  test('dynamic partitions it adds exist before its run requests for them are planned', async () => {
    assert.deepEqual(await store.automation.getDynamicPartitionKeys('files'), ['f1', 'f2']);
    const [first] = (await history('new_files')).reverse();
    assert.equal(first?.status, 'SUCCESS');
    assert.deepEqual(first?.dynamicPartitions, [{ name: 'files', op: 'add', keys: ['f1', 'f2'] }]);
    const runs = await Promise.all((first?.runs ?? []).map((r) => store.runs.getRun(r.runId)));
    assert.deepEqual(runs.map((r) => r?.tasks.map((t) => t.taskKey)), [['files[f1]'], ['files[f2]']]);
    assert.equal(first?.cursorAfter, '0', 'the function ran before its own changes applied');
  });

  test('a result that is not a sensor result fails with INVALID_EVALUATION_RESULT naming the field', async () => {
    const [evaluation] = await history('bad_result');
    assert.deepEqual([evaluation?.status, evaluation?.error?.code], ['FAILURE', 'INVALID_EVALUATION_RESULT']);
    assert.match(evaluation?.error?.message ?? '', /runRequest/);
  });

  const invalidResults: { title: string; sensor: string; field: string }[] = [
    { title: 'a numeric cursor beside a valid run request fails the evaluation naming cursor, and records no run', sensor: 'bad_cursor', field: 'cursor' },
    { title: 'a numeric run key in the second run request fails the evaluation naming runRequests.1.runKey, and records no run', sensor: 'bad_run_key', field: 'runRequests.1.runKey' },
    { title: 'runRequests given as one object instead of a list fails the evaluation naming runRequests, and records no run', sensor: 'bad_requests', field: 'runRequests' },
    { title: 'an unknown field inside a run request fails the evaluation naming runRequests.0.partition, and records no run', sensor: 'bad_partition_field', field: 'runRequests.0.partition' },
    { title: 'a string instead of a result object fails the evaluation naming the result, and records no run', sensor: 'not_an_object', field: '(result)' },
    { title: 'a misspelled result field fails the evaluation naming runRequest, and records no run', sensor: 'bad_result', field: 'runRequest' },
  ];
  for (const { title, sensor, field } of invalidResults) {
    test(title, async () => {
      const evaluations = await history(sensor);
      assert.ok(evaluations.length >= 1);
      for (const e of evaluations) {
        assert.deepEqual([e.status, e.error?.code, e.runs, e.cursorAfter], ['FAILURE', 'INVALID_EVALUATION_RESULT', [], null]);
        assert.ok(e.error?.message.startsWith(`the sensor returned an invalid result: ${field} `), e.error?.message);
      }
      assert.deepEqual(await store.runs.listRuns({ tags: [['arco/sensor_name', sensor]], limit: 10 }), [], 'no run was recorded');
      assert.equal((await store.automation.getSensorState(sensor))?.cursor, null);
    });
  }

  test('reset-cursor is an event in the history, and the next evaluation starts from it', async () => {
    const before = await store.automation.getSensorState('counter');
    await resetSensorCursor(createContext(store, clock, definitions, 9), 'counter', '100');
    const [reset] = await history('counter');
    assert.deepEqual([reset?.kind, reset?.change, reset?.cursorBefore, reset?.cursorAfter], ['state_change', 'RESET_CURSOR', before?.cursor, '100']);
    await at(Date.parse((await store.automation.getSensorState('counter'))?.lastEvaluationAt as string) + 60_000);
    const [next] = await history('counter');
    assert.deepEqual([next?.cursorBefore, next?.cursorAfter, next?.runs[0]?.runKey], ['100', '101', 'sensor:counter:n101']);
  });
});
