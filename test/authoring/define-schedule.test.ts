/** defineSchedule, scheduleFromPartitions and their resolution by defineDefinitions: bad definitions fail at load, naming the schedule. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  dailyPartitions,
  defineAsset,
  defineDefinitions,
  defineSchedule,
  defineSensor,
  scheduleFromPartitions,
  staticPartitions,
  type ScheduleOptions,
} from '../../src/authoring/index.js';

const a = defineAsset({ key: 'raw/a', group: 'raw', compute: async () => {} });
const b = defineAsset({ key: 'b', deps: [a], compute: async () => {} });
const daily = defineAsset({ key: 'daily', partitions: dailyPartitions({ start: '2024-01-01', timezone: 'Europe/Berlin', hourOffset: 2 }), compute: async () => {} });
const regions = defineAsset({ key: 'regions', partitions: staticPartitions(['eu', 'us']), compute: async () => {} });
const base: ScheduleOptions = { name: 'nightly', cron: '0 2 * * *', target: [b] };

describe('defineSchedule', () => {
  const invalid: { title: string; options: unknown; code: string; details: Record<string, unknown> }[] = [
    { title: 'a name that is not letters, digits and _', options: { ...base, name: 'night:ly' }, code: 'INVALID_SCHEDULE', details: { schedule: 'night:ly', field: 'name' } },
    { title: 'an unknown option', options: { ...base, crontab: 'x' }, code: 'INVALID_SCHEDULE', details: { schedule: 'nightly', field: 'crontab' } },
    { title: 'a malformed cron', options: { ...base, cron: '0 2 * *' }, code: 'INVALID_CRON', details: { schedule: 'nightly' } },
    { title: 'an impossible cron', options: { ...base, cron: '0 0 30 2 *' }, code: 'INVALID_CRON', details: { schedule: 'nightly' } },
    { title: 'an unknown timezone', options: { ...base, timezone: 'Mars/Olympus' }, code: 'INVALID_TIMEZONE', details: { schedule: 'nightly' } },
    { title: 'maxCatchupTicks below 1', options: { ...base, maxCatchupTicks: 0 }, code: 'INVALID_SCHEDULE', details: { field: 'maxCatchupTicks' } },
    { title: 'a non-function shouldExecute', options: { ...base, shouldExecute: true }, code: 'INVALID_SCHEDULE', details: { field: 'shouldExecute' } },
    { title: 'an empty target list', options: { ...base, target: [] }, code: 'INVALID_SCHEDULE', details: { field: 'target' } },
    { title: 'a defaultStatus other than running or stopped', options: { ...base, defaultStatus: 'on' }, code: 'INVALID_SCHEDULE', details: { field: 'defaultStatus' } },
  ];
  for (const c of invalid) {
    test(`${c.title} is ${c.code}`, () => {
      assert.throws(() => defineSchedule(c.options as ScheduleOptions), (error: { code: string; details: Record<string, unknown> }) => {
        assert.equal(error.code, c.code);
        for (const [k, v] of Object.entries(c.details)) assert.equal(error.details[k], v, k);
        return true;
      });
    });
  }

  test('defaults: UTC, stopped, no partition, catch-up 5, no skipIfRunning, 60 s limit', () => {
    const s = defineSchedule(base);
    assert.deepEqual(
      [s.timezone, s.defaultStatus, s.partition, s.maxCatchupTicks, s.skipIfRunning, s.timeoutMs, s.target],
      ['UTC', 'STOPPED', 'none', 5, false, 60_000, ['b']],
    );
  });
});

describe('schedules resolved by defineDefinitions', () => {
  test('a selection target resolves to its asset keys, sorted', () => {
    const defs = defineDefinitions({ assets: [a, b], schedules: [defineSchedule({ ...base, target: 'group:raw or key:b' })] });
    assert.deepEqual(defs.schedules[0]?.assetKeys, ['b', 'raw/a']);
  });

  const invalid: { title: string; schedules: () => unknown[]; code: string; details: Record<string, unknown> }[] = [
    { title: 'a target naming an unknown asset', schedules: () => [defineSchedule({ ...base, target: ['nope'] })], code: 'UNKNOWN_ASSET', details: { key: 'nope', schedule: 'nightly' } },
    { title: 'a malformed selection', schedules: () => [defineSchedule({ ...base, target: 'key:(' })], code: 'SELECTION_SYNTAX_ERROR', details: { schedule: 'nightly' } },
    { title: 'a selection matching nothing', schedules: () => [defineSchedule({ ...base, target: 'group:none' })], code: 'INVALID_SCHEDULE', details: { field: 'target' } },
    { title: 'two schedules with one name', schedules: () => [defineSchedule(base), defineSchedule(base)], code: 'DUPLICATE_AUTOMATION_NAME', details: { name: 'nightly' } },
    { title: 'a partitioned target without a partition option', schedules: () => [defineSchedule({ ...base, target: [daily] })], code: 'INVALID_SCHEDULE', details: { field: 'partition' } },
    { title: "'previous window' over static partitions", schedules: () => [defineSchedule({ ...base, target: [regions], partition: 'previous window' })], code: 'INVALID_SCHEDULE', details: { field: 'partition' } },
    { title: 'a partition option on an unpartitioned target', schedules: () => [defineSchedule({ ...base, partition: () => 'x' })], code: 'INVALID_SCHEDULE', details: { field: 'partition' } },
    { title: 'something that is not a schedule', schedules: () => [{ name: 'nightly' }], code: 'INVALID_DEFINITION', details: { field: 'schedules.0' } },
  ];
  for (const c of invalid) {
    test(`${c.title} fails at load with ${c.code}`, () => {
      assert.throws(() => defineDefinitions({ assets: [a, b, daily, regions], schedules: c.schedules() as never }), (error: { code: string; details: Record<string, unknown> }) => {
        assert.equal(error.code, c.code);
        for (const [k, v] of Object.entries(c.details)) assert.equal(error.details[k], v, k);
        return true;
      });
    });
  }

  test('a schedule and a sensor may not share a name', () => {
    const sensor = defineSensor({ name: 'nightly', evaluate: () => {} });
    assert.throws(() => defineDefinitions({ assets: [b, a], schedules: [defineSchedule(base)], sensors: [sensor] }), { code: 'DUPLICATE_AUTOMATION_NAME' });
  });
});

describe('scheduleFromPartitions', () => {
  test("ticks on the partitions' cron in their timezone and targets the previous window", () => {
    const defs = defineDefinitions({ assets: [daily], schedules: [scheduleFromPartitions([daily], { name: 'daily_job' })] });
    const s = defs.schedules[0];
    assert.deepEqual([s?.cron.source, s?.timezone, s?.partition, s?.assetKeys], ['0 2 * * *', 'Europe/Berlin', 'previous window', ['daily']]);
  });

  test('with a selection target the partitions come from the selected assets at load', () => {
    const defs = defineDefinitions({ assets: [daily, a], schedules: [scheduleFromPartitions('key:daily', { name: 'daily_job', maxCatchupTicks: 2 })] });
    assert.deepEqual([defs.schedules[0]?.cron.source, defs.schedules[0]?.maxCatchupTicks], ['0 2 * * *', 2]);
  });

  test('given partitions that differ from the target’s fail at load', () => {
    const other = dailyPartitions({ start: '2020-01-01' });
    assert.throws(() => defineDefinitions({ assets: [daily], schedules: [scheduleFromPartitions([daily], { name: 'x', partitions: other })] }), { code: 'INVALID_SCHEDULE' });
  });
});
