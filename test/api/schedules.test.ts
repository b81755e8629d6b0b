/** The schedules API on a real server over HTTP; ticks are produced by the automation step with a fake clock. */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Automation, FakeClock, createContext } from '../../src/runtime/index.js';
import { http, startServer, type TestServer } from '../helpers/server.js';

const SOURCE = `import { defineAsset, defineDefinitions, defineSchedule } from 'arco-flow';
const a = defineAsset({ key: 'a', compute: async () => {} });
export default defineDefinitions({
  assets: [a],
  schedules: [
    defineSchedule({ name: 'hourly', cron: '0 * * * *', target: [a], defaultStatus: 'running', shouldExecute: (ctx) => !ctx.scheduledExecutionTime.includes('T03:') }),
    defineSchedule({ name: 'nightly', cron: '0 2 * * *', timezone: 'America/Los_Angeles', target: 'key:a', description: 'every night' }),
  ],
});
`;

describe('schedules API', () => {
  let server: TestServer;
  const t0 = Date.parse('2026-03-01T00:30:00Z');
  before(async () => {
    server = await startServer(SOURCE);
    const clock = new FakeClock(t0);
    const automation = new Automation(createContext(server.ctx.store, clock, server.ctx.definitions));
    await automation.runOnce(t0);
    // One iteration per hour, 01:00 to 05:00: four SUCCESS ticks and one SKIPPED (shouldExecute false at 03:00).
    for (let hour = 1; hour <= 5; hour += 1) {
      const now = Date.parse(`2026-03-01T0${hour}:00:00Z`);
      clock.set(now);
      await automation.runOnce(now);
    }
  });
  after(() => server.close());

  test('lists schedules with status, default status, next tick and last tick', async () => {
    const res = await http(server.url, 'GET', '/api/v1/schedules');
    assert.equal(res.status, 200);
    const byName = Object.fromEntries(res.json.schedules.map((s: { name: string }) => [s.name, s]));
    assert.deepEqual(Object.keys(byName), ['hourly', 'nightly']);
    assert.equal(byName.hourly.status, 'RUNNING');
    assert.deepEqual(byName.hourly.lastTick, { epochSeconds: Date.parse('2026-03-01T05:00:00Z') / 1000, local: '2026-03-01T05:00:00+00:00', status: 'SUCCESS', runId: byName.hourly.lastTick.runId });
    assert.ok(byName.hourly.nextTick.epochSeconds * 1000 > Date.now() - 3_600_000, 'the next tick is in the future of the real clock');
    assert.deepEqual([byName.nightly.status, byName.nightly.defaultStatus, byName.nightly.nextTick, byName.nightly.description], ['STOPPED', 'STOPPED', null, 'every night']);
  });

  test('lists ticks newest first with run key, run id and run status; filters by status; pages with a cursor', async () => {
    const all = await http(server.url, 'GET', '/api/v1/schedules/hourly/ticks');
    assert.deepEqual(all.json.ticks.map((t: { local: string; status: string }) => [t.local.slice(11, 13), t.status]), [['05', 'SUCCESS'], ['04', 'SUCCESS'], ['03', 'SKIPPED'], ['02', 'SUCCESS'], ['01', 'SUCCESS']]);
    const success = all.json.ticks[0];
    assert.equal(success.runKey, `sched:hourly:${success.epochSeconds}`);
    assert.equal(success.runStatus, 'QUEUED');
    const run = await http(server.url, 'GET', `/api/v1/runs/${success.runId}`);
    assert.equal(run.json.tags['arco/schedule_name'], 'hourly');
    assert.equal(run.json.tags['arco/scheduled_execution_time'], '2026-03-01T05:00:00+00:00');
    const skipped = await http(server.url, 'GET', '/api/v1/schedules/hourly/ticks?status=SKIPPED');
    assert.deepEqual(skipped.json.ticks.map((t: { skipReason: string; runId: null }) => [t.skipReason, t.runId]), [['shouldExecute returned false', null]]);
    const page1 = await http(server.url, 'GET', '/api/v1/schedules/hourly/ticks?limit=2');
    const page2 = await http(server.url, 'GET', `/api/v1/schedules/hourly/ticks?limit=2&cursor=${page1.json.nextCursor}`);
    const page3 = await http(server.url, 'GET', `/api/v1/schedules/hourly/ticks?limit=2&cursor=${page2.json.nextCursor}`);
    assert.deepEqual([...page1.json.ticks, ...page2.json.ticks, ...page3.json.ticks].map((t: { sequence: number }) => t.sequence), all.json.ticks.map((t: { sequence: number }) => t.sequence));
    assert.equal(page3.json.nextCursor, null);
  });

  test('start and stop are persisted, answer the schedule, and a repeat changes nothing', async () => {
    const started = await http(server.url, 'POST', '/api/v1/schedules/nightly/start');
    assert.equal(started.status, 200);
    assert.deepEqual([started.json.status, started.json.userStatus, started.json.stateVersion], ['RUNNING', 'RUNNING', 1]);
    assert.match(started.json.nextTick.local, /T02:00:00-0[78]:00$/);
    const again = await http(server.url, 'POST', '/api/v1/schedules/nightly/start');
    assert.equal(again.json.stateVersion, 1);
    const stopped = await http(server.url, 'POST', '/api/v1/schedules/nightly/stop');
    assert.deepEqual([stopped.json.status, stopped.json.stateVersion, stopped.json.nextTick], ['STOPPED', 2, null]);
    const events = await http(server.url, 'GET', `/api/v1/sql?q=${encodeURIComponent("SELECT idempotency_key FROM system_events WHERE type = 'ScheduleStateChanged' ORDER BY sequence")}`);
    assert.deepEqual(events.json.rows, [['sched_state:nightly:1'], ['sched_state:nightly:2']]);
  });

  test('previews a schedule and a cron as local times with their UTC offsets', async () => {
    const schedule = await http(server.url, 'GET', `/api/v1/schedules/nightly/preview?from=${encodeURIComponent('2026-03-07T00:00:00-08:00')}&count=3`);
    assert.deepEqual(schedule.json.ticks, ['2026-03-07T02:00:00-08:00', '2026-03-08T03:00:00-07:00', '2026-03-09T02:00:00-07:00']);
    const cron = await http(server.url, 'GET', `/api/v1/schedule-preview?cron=${encodeURIComponent('30 1 * * *')}&timezone=America/Los_Angeles&from=2026-11-01T01:30:00-08:00&count=1`);
    assert.deepEqual(cron.json.ticks, ['2026-11-01T01:30:00-08:00'], 'a tick exactly at FROM is the first');
  });

  const errors: { title: string; method: string; path: string; status: number; code: string }[] = [
    { title: 'an unknown schedule is 404 UNKNOWN_SCHEDULE', method: 'GET', path: '/api/v1/schedules/nope', status: 404, code: 'UNKNOWN_SCHEDULE' },
    { title: 'starting an unknown schedule is 404 UNKNOWN_SCHEDULE', method: 'POST', path: '/api/v1/schedules/nope/start', status: 404, code: 'UNKNOWN_SCHEDULE' },
    { title: 'ticks of an unknown schedule is 404 UNKNOWN_SCHEDULE', method: 'GET', path: '/api/v1/schedules/nope/ticks', status: 404, code: 'UNKNOWN_SCHEDULE' },
    { title: 'an unknown tick status is 400 VALIDATION_ERROR', method: 'GET', path: '/api/v1/schedules/hourly/ticks?status=DONE', status: 400, code: 'VALIDATION_ERROR' },
    { title: 'a malformed cron is 400 INVALID_CRON', method: 'GET', path: '/api/v1/schedule-preview?cron=61%20*%20*%20*%20*', status: 400, code: 'INVALID_CRON' },
    { title: 'an impossible cron is 400 INVALID_CRON', method: 'GET', path: '/api/v1/schedule-preview?cron=0%200%2030%202%20*', status: 400, code: 'INVALID_CRON' },
    { title: 'an unknown timezone is 400 INVALID_TIMEZONE', method: 'GET', path: '/api/v1/schedule-preview?cron=@daily&timezone=Mars/Base', status: 400, code: 'INVALID_TIMEZONE' },
    { title: 'a malformed FROM is 400 VALIDATION_ERROR', method: 'GET', path: '/api/v1/schedule-preview?cron=@daily&from=yesterday', status: 400, code: 'VALIDATION_ERROR' },
  ];
  for (const e of errors) {
    test(`${e.title}, and changes nothing`, async () => {
      const before = await http(server.url, 'GET', `/api/v1/sql?q=${encodeURIComponent('SELECT COUNT(*) FROM system_events')}`);
      const res = await http(server.url, e.method, e.path);
      assert.deepEqual([res.status, res.json.code], [e.status, e.code]);
      const afterCount = await http(server.url, 'GET', `/api/v1/sql?q=${encodeURIComponent('SELECT COUNT(*) FROM system_events')}`);
      assert.deepEqual(afterCount.json.rows, before.json.rows);
    });
  }
});
