/** `arco sensor …` as a user runs it, against a project's store; bad input gets a stable code and a non-zero exit. */
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { arco, arcoJson } from '../helpers/cli.js';
import { tempProject } from '../helpers/project.js';

const SOURCE = `import { defineAsset, defineDefinitions, defineSensor } from 'arco-flow';
const a = defineAsset({ key: 'a', compute: async () => {} });
export default defineDefinitions({
  assets: [a],
  sensors: [
    defineSensor({ name: 'files', target: [a], minimumIntervalSeconds: 45, evaluate: () => ({ skipReason: 'nothing new' }) }),
    defineSensor({ name: 'hook', type: 'push', target: [a], defaultStatus: 'running', evaluate: (ctx) => ({ runRequests: [{ runKey: String(ctx.message.payload) }] }) }),
  ],
});
`;

type SensorJson = { name: string; status: string; cursor: string | null; stateVersion: number; kind: string };

describe('arco sensor', () => {
  const project = tempProject(SOURCE);
  after(() => project.remove());
  const p = ['--project', project.dir];

  test('list shows each sensor with its kind, status and cursor', () => {
    const { status, body } = arcoJson<{ sensors: SensorJson[] }>(['sensor', 'list', ...p]);
    assert.equal(status, 0);
    assert.deepEqual(body.sensors.map((s) => [s.name, s.kind, s.status, s.cursor]), [['files', 'poll', 'STOPPED', null], ['hook', 'push', 'RUNNING', null]]);
  });

  test('start, stop and reset-cursor are persisted and the reset shows in evals', () => {
    assert.equal(arcoJson<SensorJson>(['sensor', 'start', 'files', ...p]).body.status, 'RUNNING');
    const reset = arcoJson<SensorJson>(['sensor', 'reset-cursor', 'files', '--cursor', '2026-01-01', ...p]).body;
    assert.deepEqual([reset.cursor, reset.stateVersion], ['2026-01-01', 2]);
    assert.equal(arcoJson<SensorJson>(['sensor', 'stop', 'files', ...p]).body.status, 'STOPPED');
    const { body } = arcoJson<{ evaluations: { kind: string; change: string; cursorAfter: string | null }[] }>(['sensor', 'evals', 'files', ...p]);
    assert.deepEqual(body.evaluations.map((e) => [e.kind, e.change, e.cursorAfter]), [
      ['state_change', 'STOP', '2026-01-01'],
      ['state_change', 'RESET_CURSOR', '2026-01-01'],
      ['state_change', 'START', null],
    ]);
    const cleared = arcoJson<SensorJson>(['sensor', 'reset-cursor', 'files', ...p]).body;
    assert.equal(cleared.cursor, null, 'without --cursor the cursor is cleared');
    assert.match(arco(['sensor', 'evals', 'files', ...p]).stdout, /RESET_CURSOR/);
  });

  test('push evaluates a message once; the same message id again is a duplicate', () => {
    const first = arcoJson<{ duplicate: boolean; evaluation: { status: string; runs: unknown[] } }>(['sensor', 'push', 'hook', '--message-id', 'm1', '--payload', '"x.csv"', ...p]).body;
    const again = arcoJson<{ duplicate: boolean }>(['sensor', 'push', 'hook', '--message-id', 'm1', '--payload', '"x.csv"', ...p]).body;
    assert.deepEqual([first.duplicate, first.evaluation.status, first.evaluation.runs.length, again.duplicate], [false, 'SUCCESS', 1, true]);
  });

  const errors: { title: string; args: string[]; code: string }[] = [
    { title: 'an unknown sensor', args: ['sensor', 'start', 'nope'], code: 'UNKNOWN_SENSOR' },
    { title: 'evals of an unknown sensor', args: ['sensor', 'evals', 'nope'], code: 'UNKNOWN_SENSOR' },
    { title: 'reset-cursor of an unknown sensor', args: ['sensor', 'reset-cursor', 'nope', '--cursor', 'x'], code: 'UNKNOWN_SENSOR' },
    { title: 'a push to a poll sensor', args: ['sensor', 'push', 'files', '--message-id', 'x'], code: 'SENSOR_NOT_PUSH' },
    { title: 'a push payload that is not JSON', args: ['sensor', 'push', 'hook', '--message-id', 'x', '--payload', '{oops'], code: 'VALIDATION_ERROR' },
  ];
  for (const e of errors) {
    test(`${e.title} is ${e.code} with a non-zero exit`, () => {
      const { status, body } = arcoJson<{ error: { code: string } }>([...e.args, ...p]);
      assert.deepEqual([status, body.error.code], [1, e.code]);
    });
  }

  test('a definitions file with a bad sensor fails to load, naming it', () => {
    const bad = tempProject(SOURCE.replace('minimumIntervalSeconds: 45', 'minimumIntervalSeconds: 0'));
    try {
      const { status, body } = arcoJson<{ error: { code: string; details: { sensor: string; field: string } } }>(['sensor', 'list', '--project', bad.dir]);
      assert.deepEqual([status, body.error.code, body.error.details.sensor, body.error.details.field], [1, 'INVALID_SENSOR', 'files', 'minimumIntervalSeconds']);
    } finally {
      bad.remove();
    }
  });
});

const PREVIEW_SOURCE = `import { defineAsset, defineDefinitions, defineSensor } from 'arco-flow';
const a = defineAsset({ key: 'a', compute: async () => {} });
export default defineDefinitions({
  assets: [a],
  sensors: [
    defineSensor({ name: 'counter', target: [a], evaluate: (ctx) => {
      const n = Number(ctx.cursor ?? '0') + 1;
      ctx.log.info('would request n' + n);
      return { runRequests: [{ runKey: 'n' + n, tags: { n: String(n) } }], cursor: String(n) };
    } }),
    defineSensor({ name: 'broken', target: [a], evaluate: () => ({ cursor: 5 }) }),
    defineSensor({ name: 'reserved', target: [a], evaluate: () => ({ runRequests: [{ runKey: 'r', tags: { 'arco/backfill': 'b' } }] }) }),
    defineSensor({ name: 'unpartitioned', target: [a], evaluate: () => ({ runRequests: [{ runKey: 'p', partitionKey: '2024-01-01' }] }) }),
    defineSensor({ name: 'hook', type: 'push', target: [a], evaluate: () => ({}) }),
  ],
});
`;

type PreviewJson = {
  status: string;
  cursorBefore: string | null;
  cursorAfter: string | null;
  runRequests: { runKey: string | null; assetKeys: string[]; tags: Record<string, string>; alreadyRequested: boolean }[];
  error: { code: string; message: string } | null;
  logs: { level: string; message: string }[];
};

describe('arco sensor cursor and preview', () => {
  const project = tempProject(PREVIEW_SOURCE);
  after(() => project.remove());
  const p = ['--project', project.dir];
  const history = () => arcoJson<{ evaluations: { change: string | null; cursorAfter: string | null }[] }>(['sensor', 'evals', 'counter', ...p]).body.evaluations;

  test('cursor prints the cursor, --set sets it and --delete clears it; each change is in the history', () => {
    assert.equal(arco(['sensor', 'cursor', 'counter', ...p]).stdout.trim(), '(none)');
    const set = arcoJson<{ cursor: string | null }>(['sensor', 'cursor', 'counter', '--set', '41', ...p]);
    assert.deepEqual([set.status, set.body.cursor], [0, '41']);
    assert.equal(arco(['sensor', 'cursor', 'counter', ...p]).stdout.trim(), '41');
    assert.equal(arcoJson<{ cursor: string | null }>(['sensor', 'cursor', 'counter', '--delete', ...p]).body.cursor, null);
    assert.deepEqual(history().map((e) => [e.change, e.cursorAfter]), [['RESET_CURSOR', null], ['RESET_CURSOR', '41']]);
  });

  test('preview evaluates from the current or a given cursor and shows the runs and cursor it would set, recording nothing', () => {
    arcoJson(['sensor', 'cursor', 'counter', '--set', '41', ...p]);
    const before = history().length;
    const current = arcoJson<PreviewJson>(['sensor', 'preview', 'counter', ...p]).body;
    assert.deepEqual(
      [current.status, current.cursorBefore, current.cursorAfter, current.runRequests.map((r) => [r.runKey, r.assetKeys, r.tags, r.alreadyRequested]), current.logs],
      ['SUCCESS', '41', '42', [['sensor:counter:n42', ['a'], { n: '42' }, false]], [{ level: 'info', message: 'would request n42' }]],
    );
    const given = arcoJson<PreviewJson>(['sensor', 'preview', 'counter', '--cursor', '7', ...p]).body;
    assert.deepEqual([given.cursorBefore, given.cursorAfter, given.runRequests[0]?.runKey], ['7', '8', 'sensor:counter:n8']);
    const none = arcoJson<PreviewJson>(['sensor', 'preview', 'counter', '--no-cursor', ...p]).body;
    assert.deepEqual([none.cursorBefore, none.cursorAfter], [null, '1']);
    assert.match(arco(['sensor', 'preview', 'counter', ...p]).stdout, /dry run: nothing recorded[\s\S]*sensor:counter:n42/);
    assert.equal(history().length, before, 'no evaluation was recorded');
    assert.equal(arcoJson<{ cursor: string | null }>(['sensor', 'cursor', 'counter', ...p]).body.cursor, '41', 'the cursor did not move');
    assert.deepEqual(arcoJson<{ runs: unknown[] }>(['runs', ...p]).body.runs, [], 'no run was requested');
  });

  test('preview of a sensor that returns an invalid result shows the error it would fail with', () => {
    const { status, body } = arcoJson<PreviewJson>(['sensor', 'preview', 'broken', ...p]);
    assert.deepEqual([status, body.status, body.error?.code, body.runRequests], [0, 'FAILURE', 'INVALID_EVALUATION_RESULT', []]);
  });

  test("preview of a sensor whose run request the evaluation's planning would refuse shows that failure: a reserved tag, a partition of an unpartitioned target", () => {
    const reserved = arcoJson<PreviewJson>(['sensor', 'preview', 'reserved', ...p]).body;
    assert.deepEqual([reserved.status, reserved.error?.code, reserved.runRequests], ['FAILURE', 'RESERVED_TAG', []]);
    assert.match(reserved.error?.message ?? '', /arco\/backfill/);
    const partition = arcoJson<PreviewJson>(['sensor', 'preview', 'unpartitioned', ...p]).body;
    assert.deepEqual([partition.status, partition.error?.code], ['FAILURE', 'PARTITION_NOT_APPLICABLE']);
    assert.deepEqual(arcoJson<{ runs: unknown[] }>(['runs', ...p]).body.runs, [], 'still no run requested');
  });

  test('preview of a push sensor is VALIDATION_ERROR with a non-zero exit', () => {
    const { status, body } = arcoJson<{ error: { code: string } }>(['sensor', 'preview', 'hook', ...p]);
    assert.deepEqual([status, body.error.code], [1, 'VALIDATION_ERROR']);
  });
});
