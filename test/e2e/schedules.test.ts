/**
 * `arco schedule …` as a user runs it: against a project's store, and against a running
 * `arco dev` with --url. Bad input gets a stable error code and a non-zero exit, and changes nothing.
 */
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Automation, FakeClock, createContext, loadDefinitions } from '../../src/runtime/index.js';
import { openSqliteStore } from '../../src/store/index.js';
import { arco, arcoJson, startDev, stopProcess } from '../helpers/cli.js';
import { tempProject } from '../helpers/project.js';

const SOURCE = `import { defineAsset, defineDefinitions, defineSchedule } from 'arco-flow';
const a = defineAsset({ key: 'a', compute: async () => {} });
export default defineDefinitions({
  assets: [a],
  schedules: [defineSchedule({ name: 'nightly', cron: '0 2 * * *', timezone: 'America/Los_Angeles', target: [a] })],
});
`;

describe('arco schedule', () => {
  const project = tempProject(SOURCE);
  after(() => project.remove());
  const p = ['--project', project.dir];

  test('list shows a schedule in its default status (stopped) with no next tick', () => {
    const { status, body } = arcoJson<{ schedules: { name: string; status: string; nextTick: unknown; cron: string; timezone: string }[] }>(['schedule', 'list', ...p]);
    assert.equal(status, 0);
    assert.deepEqual(body.schedules.map((s) => [s.name, s.status, s.nextTick, s.cron, s.timezone]), [['nightly', 'STOPPED', null, '0 2 * * *', 'America/Los_Angeles']]);
  });

  test('start and stop change the persisted status; ticks lists the (empty) history', () => {
    const started = arcoJson<{ status: string; nextTick: { local: string } }>(['schedule', 'start', 'nightly', ...p]);
    assert.equal(started.body.status, 'RUNNING');
    assert.match(started.body.nextTick.local, /T02:00:00-0[78]:00$/);
    assert.equal(arcoJson<{ schedules: { status: string }[] }>(['schedule', 'list', ...p]).body.schedules[0]?.status, 'RUNNING', 'the start was persisted');
    assert.deepEqual(arcoJson(['schedule', 'ticks', 'nightly', ...p]).body, { ticks: [], nextCursor: null });
    assert.equal(arcoJson<{ status: string }>(['schedule', 'stop', 'nightly', ...p]).body.status, 'STOPPED');
    const human = arco(['schedule', 'list', ...p]);
    assert.match(human.stdout, /nightly\s+│\s+STOPPED/);
  });

  test('preview NAME prints the tick times of a defined schedule in its timezone', () => {
    const { body } = arcoJson<{ ticks: string[] }>(['schedule', 'preview', 'nightly', '--from', '2026-03-07T00:00:00-08:00', '--count', '3', ...p]);
    assert.deepEqual(body.ticks, ['2026-03-07T02:00:00-08:00', '2026-03-08T03:00:00-07:00', '2026-03-09T02:00:00-07:00']);
  });

  test('preview --cron prints local ISO times with offsets; a tick exactly at FROM is the first', () => {
    const { status, body } = arcoJson<{ ticks: string[] }>([
      'schedule', 'preview', '--cron', '0 * * * *', '--timezone', 'Asia/Kathmandu', '--from', '2026-01-01T06:00:00+05:45', '--count', '2',
    ]);
    assert.equal(status, 0);
    assert.deepEqual(body.ticks, ['2026-01-01T06:00:00+05:45', '2026-01-01T07:00:00+05:45']);
    const plain = arco(['schedule', 'preview', '--cron', '0 * * * *', '--from', '2026-01-01T00:00:00Z', '--count', '2']);
    assert.equal(plain.stdout, '2026-01-01T00:00:00+00:00\n2026-01-01T01:00:00+00:00\n');
  });

  const errors: { title: string; args: string[]; code: string }[] = [
    { title: 'an unknown schedule', args: ['schedule', 'start', 'nope'], code: 'UNKNOWN_SCHEDULE' },
    { title: 'ticks of an unknown schedule', args: ['schedule', 'ticks', 'nope'], code: 'UNKNOWN_SCHEDULE' },
    { title: 'a malformed cron', args: ['schedule', 'preview', '--cron', '0 0 * *'], code: 'INVALID_CRON' },
    { title: 'an impossible cron', args: ['schedule', 'preview', '--cron', '0 0 30 2 *'], code: 'INVALID_CRON' },
    { title: 'an unknown timezone', args: ['schedule', 'preview', '--cron', '@daily', '--timezone', 'Europe/Atlantis'], code: 'INVALID_TIMEZONE' },
    { title: 'a malformed FROM', args: ['schedule', 'preview', '--cron', '@daily', '--from', 'tomorrow'], code: 'VALIDATION_ERROR' },
    { title: 'neither a name nor --cron', args: ['schedule', 'preview'], code: 'VALIDATION_ERROR' },
  ];
  for (const e of errors) {
    test(`${e.title} is ${e.code} with a non-zero exit`, () => {
      const { status, body } = arcoJson<{ error: { code: string } }>([...e.args, ...p]);
      assert.equal(status, 1);
      assert.equal(body.error.code, e.code);
    });
  }

  test('a definitions file with an impossible cron fails to load, naming the schedule', () => {
    const bad = tempProject(SOURCE.replace("'0 2 * * *'", "'0 0 30 2 *'"));
    try {
      const { status, body } = arcoJson<{ error: { code: string; message: string; details: { schedule: string } } }>(['schedule', 'list', '--project', bad.dir]);
      assert.equal(status, 1);
      assert.equal(body.error.code, 'INVALID_CRON');
      assert.equal(body.error.details.schedule, 'nightly');
    } finally {
      bad.remove();
    }
  });

  test('with --url the same commands go through the API of a running arco dev', async () => {
    const dev = await startDev(p);
    try {
      const url = ['--url', dev.url];
      assert.equal(arcoJson<{ status: string }>(['schedule', 'start', 'nightly', ...url]).body.status, 'RUNNING');
      assert.equal(arcoJson<{ schedules: { status: string }[] }>(['schedule', 'list', ...url]).body.schedules[0]?.status, 'RUNNING');
      assert.deepEqual(arcoJson<{ ticks: string[] }>(['schedule', 'preview', 'nightly', '--from', '2026-11-01T00:00:00-07:00', '--count', '1', ...url]).body.ticks, ['2026-11-01T02:00:00-08:00']);
      assert.equal(arcoJson<{ error: { code: string } }>(['schedule', 'stop', 'nope', ...url]).body.error.code, 'UNKNOWN_SCHEDULE');
    } finally {
      await stopProcess(dev.child);
    }
  });
});

describe('arco schedule ticks over a recorded history', () => {
  const project = tempProject(`import { defineAsset, defineDefinitions, defineSchedule } from 'arco-flow';
const a = defineAsset({ key: 'a', compute: async () => {} });
export default defineDefinitions({
  assets: [a],
  schedules: [
    defineSchedule({ name: 'hourly', cron: '0 * * * *', target: [a], defaultStatus: 'running' }),
    defineSchedule({ name: 'broken', cron: '0 * * * *', target: [a], defaultStatus: 'running', shouldExecute: () => { throw new Error('the warehouse is down'); } }),
  ],
});
`);
  after(() => project.remove());
  const p = ['--project', project.dir];

  test('ticks shows each tick with its run key, run and run status, and a failed tick with its error', async () => {
    // Two hours of ticks, decided by the automation on the project's own store (as arco dev would).
    const store = openSqliteStore({ path: join(project.dir, '.arco', 'arco.db') });
    const automation = new Automation(createContext(store, new FakeClock(Date.parse('2026-03-02T09:30:00Z')), await loadDefinitions(project.file)));
    for (const at of ['2026-03-02T09:30:00Z', '2026-03-02T10:00:05Z', '2026-03-02T11:00:05Z']) await automation.runOnce(Date.parse(at));
    await automation.stop();
    await store.close();

    type Tick = { local: string; status: string; runKey: string | null; runId: string | null; runStatus: string | null; error: { code: string; message: string } | null };
    const ok = arcoJson<{ ticks: Tick[]; nextCursor: number | null }>(['schedule', 'ticks', 'hourly', ...p]);
    assert.equal(ok.status, 0);
    assert.deepEqual(
      ok.body.ticks.map((t) => [t.local, t.status, t.runKey, t.runStatus]),
      [
        ['2026-03-02T11:00:00+00:00', 'SUCCESS', `sched:hourly:${Date.parse('2026-03-02T11:00:00Z') / 1000}`, 'QUEUED'],
        ['2026-03-02T10:00:00+00:00', 'SUCCESS', `sched:hourly:${Date.parse('2026-03-02T10:00:00Z') / 1000}`, 'QUEUED'],
      ],
    );
    assert.ok(ok.body.ticks.every((t) => t.runId?.startsWith('run_')));
    const page = arcoJson<{ ticks: Tick[]; nextCursor: number | null }>(['schedule', 'ticks', 'hourly', '--limit', '1', ...p]).body;
    assert.equal(page.ticks.length, 1);
    const rest = arcoJson<{ ticks: Tick[] }>(['schedule', 'ticks', 'hourly', '--cursor', String(page.nextCursor), ...p]).body;
    assert.deepEqual(rest.ticks.map((t) => t.local), ['2026-03-02T10:00:00+00:00'], 'the cursor continues after the first page');

    const broken = arcoJson<{ ticks: Tick[] }>(['schedule', 'ticks', 'broken', '--status', 'FAILURE', ...p]).body;
    assert.deepEqual(broken.ticks.map((t) => [t.status, t.runId, t.error?.code, t.error?.message]), [
      ['FAILURE', null, 'USER_CODE_ERROR', 'the warehouse is down'],
      ['FAILURE', null, 'USER_CODE_ERROR', 'the warehouse is down'],
    ]);
    const human = arco(['schedule', 'ticks', 'broken', ...p]);
    assert.match(human.stdout, /FAILURE/);
    assert.match(human.stdout, /USER_CODE_ERROR: the warehouse is down/);
  });
});
