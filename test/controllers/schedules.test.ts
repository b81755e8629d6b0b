/**
 * The schedule controller as tables: a schedule's state folded from its events, a fixed `now`,
 * and the exact ticks owed and events decided.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dailyPartitions } from '../../src/authoring/index.js';
import {
  decideScheduleStatus,
  decideScheduleSync,
  decideScheduleTicks,
  dueScheduleTicks,
  fingerprintOf,
  type ScheduleSpec,
  type TickUserOutcome,
} from '../../src/controllers/index.js';
import { parseCronSchedule } from '../../src/domain/cron/index.js';
import type { EventDraft, PayloadOf } from '../../src/events/index.js';
import type { RunProjection, ScheduleStateRead as ScheduleState } from '../../src/fold/index.js';
import { planningOf, scheduleStateOf } from '../helpers/automation.js';
import { makeIds } from '../helpers/runs.js';

const at = (text: string) => Date.parse(text);

function spec(overrides: Partial<ScheduleSpec> & { cronText?: string | string[] } = {}): ScheduleSpec {
  const { cronText, ...rest } = overrides;
  return {
    name: 'hourly',
    cron: parseCronSchedule(cronText ?? '0 * * * *'),
    timezone: 'UTC',
    assetKeys: ['a'],
    partition: 'none',
    partitionsDefinition: null,
    tags: { team: 'data' },
    config: {},
    maxCatchupTicks: 5,
    skipIfRunning: false,
    ...rest,
  };
}

function definitionOf(s: ScheduleSpec, defaultStatus: 'RUNNING' | 'STOPPED'): PayloadOf<'ScheduleDefinitionSynced'>['definition'] {
  return {
    cron: s.cron.source as string,
    timezone: s.timezone,
    assetKeys: [...s.assetKeys],
    partition: s.partition,
    defaultStatus,
    maxCatchupTicks: s.maxCatchupTicks,
    skipIfRunning: s.skipIfRunning,
    tags: { ...s.tags },
    config: s.config,
  };
}

/** A schedule synced at `startedAt` (running by default), then any further timed events. */
function stateOf(s: ScheduleSpec, startedAt: number, more: (readonly [number, readonly EventDraft[]])[] = [], defaultStatus: 'RUNNING' | 'STOPPED' = 'RUNNING'): ScheduleState {
  const sync = decideScheduleSync([{ name: s.name, definition: definitionOf(s, defaultStatus) }], new Map());
  return scheduleStateOf(s.name, [[startedAt, sync], ...more]);
}

const locals = (ticks: readonly { local: string }[]) => ticks.map((t) => t.local);

describe('which ticks a schedule owes', () => {
  const hourly = spec();
  const partitioned = spec({ partition: 'function' });
  // `next`: when the schedule is due again once these ticks are recorded (null: nothing owed now).
  const cases: { title: string; s: ScheduleSpec; state: () => ScheduleState; now: string; evaluate: string[]; skipped: string[]; next: string | null }[] = [
    {
      title: 'a stopped schedule owes nothing',
      s: hourly,
      state: () => stateOf(hourly, at('2026-01-01T10:30:00Z'), [], 'STOPPED'),
      now: '2026-01-01T15:00:00Z',
      evaluate: [],
      skipped: [],
      next: null,
    },
    {
      title: 'a tick exactly at the start instant counts',
      s: hourly,
      state: () => stateOf(hourly, at('2026-01-01T10:00:00Z')),
      now: '2026-01-01T10:00:00Z',
      evaluate: ['2026-01-01T10:00:00+00:00'],
      skipped: [],
      next: '2026-01-01T11:00:00Z',
    },
    {
      title: 'a tick before the start instant is never evaluated',
      s: hourly,
      state: () => stateOf(hourly, at('2026-01-01T10:00:00.001Z')),
      now: '2026-01-01T10:59:59Z',
      evaluate: [],
      skipped: [],
      next: null,
    },
    {
      title: 'a plain schedule evaluates only the latest missed tick and skips the others for catch-up',
      s: hourly,
      state: () => stateOf(hourly, at('2026-01-01T10:30:00Z')),
      now: '2026-01-01T13:20:00Z',
      evaluate: ['2026-01-01T13:00:00+00:00'],
      skipped: ['2026-01-01T11:00:00+00:00', '2026-01-01T12:00:00+00:00'],
      next: '2026-01-01T14:00:00Z',
    },
    {
      title: 'a partition-based schedule evaluates up to maxCatchupTicks missed ticks, oldest first',
      s: partitioned,
      state: () => stateOf(partitioned, at('2026-01-01T00:30:00Z')),
      now: '2026-01-01T07:00:00Z',
      evaluate: ['03', '04', '05', '06', '07'].map((h) => `2026-01-01T${h}:00:00+00:00`),
      skipped: ['2026-01-01T01:00:00+00:00', '2026-01-01T02:00:00+00:00'],
      next: '2026-01-01T08:00:00Z',
    },
    {
      title: 'a list of crons ticks at the union of their times, each instant once',
      s: spec({ cronText: ['0 * * * *', '30 * * * *', '0 */2 * * *'] }),
      state: () => stateOf(spec({ cronText: ['0 * * * *', '30 * * * *', '0 */2 * * *'] }), at('2026-01-01T10:00:00Z')),
      now: '2026-01-01T11:00:00Z',
      evaluate: ['2026-01-01T11:00:00+00:00'],
      skipped: ['2026-01-01T10:00:00+00:00', '2026-01-01T10:30:00+00:00'],
      next: '2026-01-01T11:30:00Z',
    },
  ];
  for (const c of cases) {
    test(c.title, () => {
      const due = dueScheduleTicks(c.s, c.state(), at(c.now));
      assert.deepEqual({ evaluate: locals(due.evaluate), skipped: locals(due.skippedForCatchUp) }, { evaluate: c.evaluate, skipped: c.skipped });
      assert.equal(due.nextTickMs, c.next === null ? null : at(c.next), 'the next due time');
    });
  }

  test('a tick already recorded is never owed again; the next one is owed at its time', () => {
    const started = at('2026-01-01T10:30:00Z');
    const first = dueScheduleTicks(hourly, stateOf(hourly, started), at('2026-01-01T11:00:00Z'));
    const decided = decideScheduleTicks({
      spec: hourly,
      state: stateOf(hourly, started),
      due: first,
      outcomes: new Map(),
      runsInProgress: [],
      holders: new Map(),
      planning: planningOf({ a: [] }, at('2026-01-01T11:00:00Z')),
      ids: makeIds(),
      nowEpochMs: at('2026-01-01T11:00:00Z'),
    });
    const after = stateOf(hourly, started, [[at('2026-01-01T11:00:00Z'), decided.drafts]]);
    assert.deepEqual(locals(dueScheduleTicks(hourly, after, at('2026-01-01T11:59:59Z')).evaluate), []);
    assert.deepEqual(locals(dueScheduleTicks(hourly, after, at('2026-01-01T12:00:00Z')).evaluate), ['2026-01-01T12:00:00+00:00']);
  });

  test('restarting a stopped schedule never ticks for the stopped period', () => {
    const stopped = stateOf(hourly, at('2026-01-01T10:00:00Z'), []);
    const stop = decideScheduleStatus(stopped, 'STOPPED');
    const whileStopped = stateOf(hourly, at('2026-01-01T10:00:00Z'), [[at('2026-01-01T10:10:00Z'), stop]]);
    assert.deepEqual(locals(dueScheduleTicks(hourly, whileStopped, at('2026-01-01T13:00:00Z')).evaluate), [], 'stopped: nothing');
    const start = decideScheduleStatus(whileStopped, 'RUNNING');
    const restarted = stateOf(hourly, at('2026-01-01T10:00:00Z'), [
      [at('2026-01-01T10:10:00Z'), stop],
      [at('2026-01-01T14:10:00Z'), start],
    ]);
    const due = dueScheduleTicks(hourly, restarted, at('2026-01-01T15:00:00Z'));
    assert.deepEqual({ evaluate: locals(due.evaluate), skipped: locals(due.skippedForCatchUp) }, { evaluate: ['2026-01-01T15:00:00+00:00'], skipped: [] });
  });

  test('after a long outage only the latest 100 skipped-for-catch-up ticks are recorded', () => {
    const minutely = spec({ cronText: '* * * * *' });
    const due = dueScheduleTicks(minutely, stateOf(minutely, at('2026-01-01T00:00:00Z')), at('2026-01-08T00:00:00Z'));
    assert.equal(due.evaluate.length, 1);
    assert.equal(due.skippedForCatchUp.length, 100);
    assert.equal(due.skippedForCatchUp[99]?.local, '2026-01-07T23:59:00+00:00');
  });
});

describe('ticks in daylight-saving transitions (SEMANTICS §4)', () => {
  const cases: { title: string; cron: string; timezone: string; from: string; now: string; ticks: string[] }[] = [
    {
      title: 'a daily tick inside the spring-forward gap fires once at the first instant after it',
      cron: '30 2 * * *',
      timezone: 'America/Los_Angeles',
      from: '2026-03-07T12:00:00Z',
      now: '2026-03-09T12:00:00Z',
      ticks: ['2026-03-08T03:00:00-07:00', '2026-03-09T02:30:00-07:00'],
    },
    {
      title: 'sub-daily ticks inside the spring-forward gap are skipped',
      cron: '30 * * * *',
      timezone: 'America/Los_Angeles',
      from: '2026-03-08T09:00:00Z',
      now: '2026-03-08T11:00:00Z',
      ticks: ['2026-03-08T01:30:00-08:00', '2026-03-08T03:30:00-07:00'],
    },
    {
      title: 'a daily tick in the fall-back overlap fires once, at the second occurrence',
      cron: '30 1 * * *',
      timezone: 'America/Los_Angeles',
      from: '2026-10-31T12:00:00Z',
      now: '2026-11-01T12:00:00Z',
      ticks: ['2026-11-01T01:30:00-08:00'],
    },
    {
      title: 'a sub-daily cron fires at both occurrences of the repeated hour',
      cron: '30 * * * *',
      timezone: 'America/Los_Angeles',
      from: '2026-11-01T08:00:00Z',
      now: '2026-11-01T10:00:00Z',
      ticks: ['2026-11-01T01:30:00-07:00', '2026-11-01T01:30:00-08:00'],
    },
    {
      title: 'a zone with a non-whole-hour offset ticks at local minute :00 for 0 * * * *',
      cron: '0 * * * *',
      timezone: 'Asia/Kolkata',
      from: '2026-01-01T00:00:00Z',
      now: '2026-01-01T01:40:00Z',
      ticks: ['2026-01-01T06:00:00+05:30', '2026-01-01T07:00:00+05:30'],
    },
  ];
  for (const c of cases) {
    test(c.title, () => {
      const s = spec({ cronText: c.cron, timezone: c.timezone, partition: 'function', maxCatchupTicks: 10 });
      const due = dueScheduleTicks(s, stateOf(s, at(c.from)), at(c.now));
      assert.deepEqual(locals(due.evaluate), c.ticks);
    });
  }
});

describe('deciding a tick', () => {
  const now = at('2026-01-01T13:00:30Z');
  const tickSeconds = at('2026-01-01T13:00:00Z') / 1000;
  const hourly = spec();
  const state = () => stateOf(hourly, at('2026-01-01T12:30:00Z'));
  const decide = (overrides: { spec?: ScheduleSpec; outcome?: TickUserOutcome; runsInProgress?: { runId: string; status: string }[]; holder?: RunProjection; state?: ScheduleState; now?: number; dag?: Record<string, string[]> } = {}) => {
    const s = overrides.spec ?? hourly;
    const st = overrides.state ?? state();
    const due = dueScheduleTicks(s, st, overrides.now ?? now);
    return decideScheduleTicks({
      spec: s,
      state: st,
      due,
      outcomes: new Map(overrides.outcome ? due.evaluate.map((t) => [t.epochMs, overrides.outcome as TickUserOutcome]) : []),
      runsInProgress: overrides.runsInProgress ?? [],
      holders: new Map(overrides.holder ? [[overrides.holder.runKey as string, overrides.holder]] : []),
      planning: planningOf(overrides.dag ?? { a: [] }, overrides.now ?? now),
      ids: makeIds(),
      nowEpochMs: overrides.now ?? now,
    });
  };

  test('a tick that runs records SUCCESS and requests its run with run key sched:{name}:{epochSeconds}, in one batch', () => {
    const { drafts, ticks } = decide();
    assert.deepEqual(drafts.map((d) => [d.type, d.idempotencyKey]), [
      ['ScheduleTicked', `sched_tick:hourly:${tickSeconds}`],
      ['RunRequested', `run:sched:hourly:${tickSeconds}`],
    ]);
    const [tick, run] = drafts;
    assert.ok(tick?.type === 'ScheduleTicked' && run?.type === 'RunRequested');
    assert.deepEqual(tick.payload, {
      scheduleName: 'hourly',
      tickEpochSeconds: tickSeconds,
      tickLocal: '2026-01-01T13:00:00+00:00',
      definitionVersion: 1,
      status: 'SUCCESS',
      skipReason: null,
      error: null,
      runKey: `sched:hourly:${tickSeconds}`,
      runId: run.payload.runId,
      partitionKey: null,
    });
    assert.equal(tick.correlationId, run.payload.runId);
    assert.deepEqual(run.payload.tags, {
      team: 'data',
      'arco/schedule_name': 'hourly',
      'arco/scheduled_execution_time': '2026-01-01T13:00:00+00:00',
      'arco/run_key': `sched:hourly:${tickSeconds}`,
    });
    assert.deepEqual(run.payload.trigger, {
      kind: 'schedule',
      detail: { scheduleName: 'hourly', tickEpochSeconds: String(tickSeconds), tickLocal: '2026-01-01T13:00:00+00:00' },
    });
    assert.deepEqual(ticks, [{ epochSeconds: tickSeconds, status: 'SUCCESS', runId: run.payload.runId }]);
  });

  test('a tick of a schedule in another timezone tags its run with arco/scheduled_execution_time in UTC ISO-8601, as Dagster', () => {
    const newYork = spec({ timezone: 'America/New_York' });
    const { drafts } = decide({ spec: newYork, state: stateOf(newYork, at('2026-01-01T12:30:00Z')) });
    const run = drafts.find((d) => d.type === 'RunRequested');
    const tick = drafts.find((d) => d.type === 'ScheduleTicked');
    assert.ok(run?.type === 'RunRequested' && tick?.type === 'ScheduleTicked');
    assert.equal(run.payload.tags['arco/scheduled_execution_time'], '2026-01-01T13:00:00+00:00');
    assert.equal(tick.payload.tickLocal, '2026-01-01T08:00:00-05:00', 'the tick itself keeps its local time');
  });

  const outcomes: { title: string; outcome?: TickUserOutcome; runsInProgress?: { runId: string; status: string }[]; status: string; reason: string | null; code: string | null }[] = [
    { title: 'shouldExecute returning false skips the tick with that reason and no run', outcome: { kind: 'ok', shouldExecute: false, partitionKey: null }, status: 'SKIPPED', reason: 'shouldExecute returned false', code: null },
    {
      title: 'a throwing user function fails the tick with the error and no run',
      outcome: { kind: 'error', error: { code: 'USER_CODE_ERROR', message: 'boom', errorClass: 'Error', stack: 'Error: boom', retryable: true } },
      status: 'FAILURE',
      reason: null,
      code: 'USER_CODE_ERROR',
    },
    {
      title: 'skipIfRunning is ignored when the schedule does not set it',
      runsInProgress: [{ runId: 'run_X', status: 'STARTED' }],
      status: 'SUCCESS',
      reason: null,
      code: null,
    },
  ];
  for (const c of outcomes) {
    test(c.title, () => {
      const { drafts } = decide({ ...(c.outcome ? { outcome: c.outcome } : {}), ...(c.runsInProgress ? { runsInProgress: c.runsInProgress } : {}) });
      const tick = drafts[0];
      assert.ok(tick?.type === 'ScheduleTicked');
      assert.deepEqual([tick.payload.status, tick.payload.skipReason, tick.payload.error?.code ?? null], [c.status, c.reason, c.code]);
      assert.equal(drafts.filter((d) => d.type === 'RunRequested').length, c.status === 'SUCCESS' ? 1 : 0);
    });
  }

  test('skipIfRunning skips the tick while a run of the schedule is in progress, naming the run', () => {
    const { drafts } = decide({ spec: spec({ skipIfRunning: true }), runsInProgress: [{ runId: 'run_01PREVIOUS', status: 'STARTED' }] });
    assert.deepEqual(drafts.map((d) => d.type), ['ScheduleTicked']);
    assert.ok(drafts[0]?.type === 'ScheduleTicked');
    assert.equal(drafts[0].payload.skipReason, 'skipIfRunning: run run_01PREVIOUS of this schedule is still in progress (STARTED)');
  });

  test('skipIfRunning during catch-up: the first owed tick runs, the next ones skip naming its run', () => {
    const s = spec({ partition: 'function', skipIfRunning: true, assetKeys: ['p'] });
    const daily = dailyPartitions({ start: '2026-01-01' });
    const st = stateOf(s, at('2026-01-01T10:30:00Z'));
    const due = dueScheduleTicks(s, st, at('2026-01-01T13:00:00Z'));
    const { ticks, drafts } = decideScheduleTicks({
      spec: s,
      state: st,
      due,
      outcomes: new Map(due.evaluate.map((t) => [t.epochMs, { kind: 'ok', shouldExecute: true, partitionKey: '2026-01-01' } as const])),
      runsInProgress: [],
      holders: new Map(),
      planning: planningOf({ p: [] }, at('2026-01-03T00:00:00Z'), { p: daily }),
      ids: makeIds(),
      nowEpochMs: at('2026-01-01T13:00:00Z'),
    });
    assert.deepEqual(ticks.map((t) => t.status), ['SUCCESS', 'SKIPPED', 'SKIPPED']);
    const skipped = drafts.filter((d) => d.type === 'ScheduleTicked' && d.payload.status === 'SKIPPED');
    assert.ok(skipped.every((d) => d.type === 'ScheduleTicked' && d.payload.skipReason?.includes(ticks[0]?.runId as string)));
  });

  test('ticks skipped for catch-up are recorded SKIPPED with the catch-up reason', () => {
    const { drafts } = decide({ now: at('2026-01-01T15:00:00Z') });
    const ticked = drafts.filter((d) => d.type === 'ScheduleTicked').map((d) => (d.type === 'ScheduleTicked' ? [d.payload.tickLocal.slice(11, 16), d.payload.status, d.payload.skipReason] : []));
    assert.deepEqual(ticked, [
      ['13:00', 'SKIPPED', 'skipped for catch-up: a schedule without partitions evaluates only the latest missed tick'],
      ['14:00', 'SKIPPED', 'skipped for catch-up: a schedule without partitions evaluates only the latest missed tick'],
      ['15:00', 'SUCCESS', null],
    ]);
  });

  test('a tick whose run key already names a run reuses that run and requests nothing new', () => {
    const first = decide();
    const run = first.drafts.find((d) => d.type === 'RunRequested');
    assert.ok(run?.type === 'RunRequested');
    const holder = { runId: run.payload.runId, runKey: run.payload.runKey, fingerprint: run.payload.fingerprint } as RunProjection;
    const { drafts } = decide({ holder });
    assert.deepEqual(drafts.map((d) => d.type), ['ScheduleTicked']);
    assert.ok(drafts[0]?.type === 'ScheduleTicked' && drafts[0].payload.runId === run.payload.runId && drafts[0].payload.status === 'SUCCESS');
  });

  test('a target that cannot be planned fails the tick with the planning error, and requests no run', () => {
    const s = spec({ assetKeys: ['p'] });
    const st = stateOf(s, at('2026-01-01T12:30:00Z'));
    const { drafts } = decideScheduleTicks({
      spec: s,
      state: st,
      due: dueScheduleTicks(s, st, now),
      outcomes: new Map(),
      runsInProgress: [],
      holders: new Map(),
      planning: planningOf({ p: [] }, now, { p: dailyPartitions({ start: '2025-01-01' }) }),
      ids: makeIds(),
      nowEpochMs: now,
    });
    assert.deepEqual(drafts.map((d) => d.type), ['ScheduleTicked']);
    assert.ok(drafts[0]?.type === 'ScheduleTicked' && drafts[0].payload.status === 'FAILURE');
    assert.equal(drafts[0].payload.error?.code, 'PARTITION_REQUIRED');
  });

  test('a tick records the definition version it was evaluated with', () => {
    const s = hourly;
    const v1 = decideScheduleSync([{ name: s.name, definition: definitionOf(s, 'RUNNING') }], new Map());
    const first = scheduleStateOf(s.name, [[at('2026-01-01T12:30:00Z'), v1]]);
    const v2 = decideScheduleSync([{ name: s.name, definition: { ...definitionOf(s, 'RUNNING'), tags: { team: 'ops' } } }], new Map([[s.name, first]]));
    const st = scheduleStateOf(s.name, [
      [at('2026-01-01T12:30:00Z'), v1],
      [at('2026-01-01T12:40:00Z'), v2],
    ]);
    const { drafts } = decide({ state: st });
    assert.ok(drafts[0]?.type === 'ScheduleTicked');
    assert.equal(drafts[0].payload.definitionVersion, 2);
  });
});

describe('partitioned schedules', () => {
  const daily = dailyPartitions({ start: '2019-01-01' });
  const s = spec({ name: 'daily_sales', cronText: '0 0 * * *', assetKeys: ['sales'], partition: 'previous window', partitionsDefinition: daily });
  const run = (now: string, startedAt = '2019-02-27T12:00:00Z', outcome?: TickUserOutcome, sp = s) => {
    const st = stateOf(sp, at(startedAt));
    const due = dueScheduleTicks(sp, st, at(now));
    return decideScheduleTicks({
      spec: sp,
      state: st,
      due,
      outcomes: new Map(outcome ? due.evaluate.map((t) => [t.epochMs, outcome]) : []),
      runsInProgress: [],
      holders: new Map(),
      planning: planningOf({ sales: [] }, at(now), { sales: daily }),
      ids: makeIds(),
      nowEpochMs: at(now),
    }).drafts;
  };

  test('the tick at 2019-02-28 00:00 requests the window that just closed, 2019-02-27', () => {
    const drafts = run('2019-02-28T00:00:10Z');
    const [tick, requested] = drafts;
    assert.ok(tick?.type === 'ScheduleTicked' && requested?.type === 'RunRequested');
    assert.equal(tick.payload.partitionKey, '2019-02-27');
    assert.deepEqual(requested.payload.partition, { kind: 'explicit', keys: ['2019-02-27'] });
    assert.equal(requested.payload.tags['arco/partition'], '2019-02-27');
    assert.deepEqual(requested.payload.tasks.map((t) => t.taskKey), ['sales[2019-02-27]']);
  });

  test('on a definition with endOffset 1 the tick at 2019-02-28 00:00 requests the window in progress, 2019-02-28', () => {
    const withCurrent = dailyPartitions({ start: '2019-01-01', endOffset: 1 });
    const current = spec({ ...s, partitionsDefinition: withCurrent });
    const st = stateOf(current, at('2019-02-27T12:00:00Z'));
    const now = at('2019-02-28T00:00:10Z');
    const due = dueScheduleTicks(current, st, now);
    const drafts = decideScheduleTicks({
      spec: current,
      state: st,
      due,
      outcomes: new Map(),
      runsInProgress: [],
      holders: new Map(),
      planning: planningOf({ sales: [] }, now, { sales: withCurrent }),
      ids: makeIds(),
      nowEpochMs: now,
    }).drafts;
    const [tick, requested] = drafts;
    assert.ok(tick?.type === 'ScheduleTicked' && requested?.type === 'RunRequested');
    assert.equal(tick.payload.partitionKey, '2019-02-28');
    assert.deepEqual(requested.payload.tasks.map((t) => t.taskKey), ['sales[2019-02-28]']);
  });

  test('before the first window has closed the tick is skipped: partition missing', () => {
    const drafts = run('2019-01-01T00:00:10Z', '2018-12-31T12:00:00Z');
    assert.ok(drafts[0]?.type === 'ScheduleTicked');
    assert.deepEqual([drafts[0].payload.status, drafts.length], ['SKIPPED', 1]);
    assert.match(drafts[0].payload.skipReason ?? '', /^partition missing/);
  });

  test('a partition function naming a key that does not exist skips the tick: partition missing', () => {
    const fnSpec = spec({ ...s, partition: 'function', partitionsDefinition: null, cronText: '0 0 * * *' });
    const drafts = run('2019-02-28T00:00:10Z', undefined, { kind: 'ok', shouldExecute: true, partitionKey: '2030-01-01' }, fnSpec);
    assert.ok(drafts[0]?.type === 'ScheduleTicked');
    assert.equal(drafts[0].payload.skipReason, 'partition missing: "2030-01-01" is not a partition of sales');
  });

  test('a partition function returning a partition runs that partition', () => {
    const fnSpec = spec({ ...s, partition: 'function', partitionsDefinition: null, cronText: '0 0 * * *' });
    const drafts = run('2019-02-28T00:00:10Z', undefined, { kind: 'ok', shouldExecute: true, partitionKey: '2019-02-01' }, fnSpec);
    assert.ok(drafts[1]?.type === 'RunRequested');
    assert.deepEqual(drafts[1].payload.partition, { kind: 'explicit', keys: ['2019-02-01'] });
  });

  test('the run of every tick carries the fingerprint of its own request: schedule and partition, never the tick time', () => {
    const fnSpec = spec({ ...s, partition: 'function', partitionsDefinition: null, cronText: '0 0 * * *' });
    const fingerprintAt = (now: string, startedAt: string, key: string) => {
      const requested = run(now, startedAt, { kind: 'ok', shouldExecute: true, partitionKey: key }, fnSpec)[1];
      assert.ok(requested?.type === 'RunRequested');
      const p = requested.payload;
      const fromScratch = fingerprintOf({ ...p, assetKeys: ['sales'], tags: fnSpec.tags, systemTags: {}, trigger: p.trigger, partition: { kind: 'explicit', keys: [key] } });
      assert.equal(p.fingerprint, fromScratch);
      return p.fingerprint;
    };
    const first = fingerprintAt('2019-02-28T00:00:10Z', '2019-02-27T12:00:00Z', '2019-02-01');
    assert.equal(fingerprintAt('2019-03-01T00:00:10Z', '2019-02-28T12:00:00Z', '2019-02-01'), first, 'another tick, same partition: same fingerprint');
    assert.notEqual(fingerprintAt('2019-03-01T00:00:10Z', '2019-02-28T12:00:00Z', '2019-02-02'), first, 'another partition: another fingerprint');
  });
});

describe('schedule status and definition sync', () => {
  const s = spec();
  test('a new schedule is synced as definition version 1; an unchanged one is not synced again; a change is version 2', () => {
    const v1 = decideScheduleSync([{ name: 'hourly', definition: definitionOf(s, 'STOPPED') }], new Map());
    assert.deepEqual(v1.map((d) => [d.type, d.idempotencyKey]), [['ScheduleDefinitionSynced', 'sched_def:hourly:1']]);
    const state = scheduleStateOf('hourly', [[at('2026-01-01T00:00:00Z'), v1]]);
    assert.deepEqual(decideScheduleSync([{ name: 'hourly', definition: definitionOf(s, 'STOPPED') }], new Map([['hourly', state]])), []);
    const changed = decideScheduleSync([{ name: 'hourly', definition: { ...definitionOf(s, 'STOPPED'), cron: '5 * * * *' } }], new Map([['hourly', state]]));
    assert.deepEqual(changed.map((d) => d.idempotencyKey), ['sched_def:hourly:2']);
  });

  test('defaultStatus decides the status until an operator toggles it; the toggle survives definition changes', () => {
    const t0 = at('2026-01-01T00:00:00Z');
    const v1 = decideScheduleSync([{ name: 'hourly', definition: definitionOf(s, 'STOPPED') }], new Map());
    let state = scheduleStateOf('hourly', [[t0, v1]]);
    assert.deepEqual([state.status, state.userStatus, state.runningSince], ['STOPPED', null, null]);
    const start = decideScheduleStatus(state, 'RUNNING');
    assert.deepEqual(start.map((d) => d.idempotencyKey), ['sched_state:hourly:1']);
    state = scheduleStateOf('hourly', [[t0, v1], [t0 + 1000, start]]);
    assert.deepEqual([state.status, state.userStatus, state.runningSince], ['RUNNING', 'RUNNING', '2026-01-01T00:00:01.000Z']);
    assert.deepEqual(decideScheduleStatus(state, 'RUNNING'), [], 'starting a running schedule changes nothing');
    const v2 = decideScheduleSync([{ name: 'hourly', definition: { ...definitionOf(s, 'STOPPED'), cron: '5 * * * *' } }], new Map([['hourly', state]]));
    state = scheduleStateOf('hourly', [[t0, v1], [t0 + 1000, start], [t0 + 5000, v2]]);
    assert.deepEqual([state.status, state.definitionVersion, state.runningSince], ['RUNNING', 2, '2026-01-01T00:00:01.000Z']);
  });

  test('a schedule whose definition sets defaultStatus running is running from its first sync', () => {
    const v1 = decideScheduleSync([{ name: 'hourly', definition: definitionOf(s, 'RUNNING') }], new Map());
    const state = scheduleStateOf('hourly', [[at('2026-01-01T00:00:00Z'), v1]]);
    assert.deepEqual([state.status, state.userStatus, state.runningSince], ['RUNNING', null, '2026-01-01T00:00:00.000Z']);
  });
});
