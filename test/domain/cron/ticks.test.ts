/**
 * Goal: prove that schedules tick at Dagster's instants across daylight-saving transitions.
 * Method: tables of (timezone, cron, from, expected local ticks) around the 2026 transitions of a
 * northern zone (America/Los_Angeles, Europe/Berlin), a southern zone (Australia/Sydney), zones
 * with non-whole-hour offsets (Asia/Kolkata, Asia/Kathmandu, Australia/Adelaide) and UTC; then a
 * cross-check that the arithmetic helpers (count, n-th tick forward and backward) agree with
 * plain iteration over a whole year of each zone.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  countTicks,
  cronTicks,
  nthTickBefore,
  nthTickFrom,
  parseCronSchedule,
  tickSequence,
} from '../../../src/domain/cron/index.js';
import { isArcoError } from '../../../src/domain/errors/index.js';

function ticks(cron: string | string[], timezone: string, from: string, count: number, inclusive = true): string[] {
  const out: string[] = [];
  for (const tick of cronTicks(parseCronSchedule(cron), timezone, Date.parse(from), { inclusive })) {
    out.push(tick.local);
    if (out.length === count) break;
  }
  return out;
}

interface Row {
  readonly title: string;
  readonly tz: string;
  readonly cron: string | string[];
  readonly from: string;
  readonly expected: string[];
}

const dstTable: Row[] = [
  // America/Los_Angeles: spring forward 2026-03-08 02:00 -> 03:00, fall back 2026-11-01 02:00 -> 01:00.
  { title: 'Los Angeles: a daily tick inside the spring gap fires once at the end of the gap', tz: 'America/Los_Angeles', cron: '30 2 * * *', from: '2026-03-07T00:00:00-08:00', expected: ['2026-03-07T02:30:00-08:00', '2026-03-08T03:00:00-07:00', '2026-03-09T02:30:00-07:00'] },
  { title: 'Los Angeles: a daily tick in the repeated hour fires once, at the second occurrence', tz: 'America/Los_Angeles', cron: '30 1 * * *', from: '2026-10-31T00:00:00-07:00', expected: ['2026-10-31T01:30:00-07:00', '2026-11-01T01:30:00-08:00', '2026-11-02T01:30:00-08:00'] },
  { title: 'Los Angeles: a daily tick after the repeated hour is not moved', tz: 'America/Los_Angeles', cron: '30 2 * * *', from: '2026-10-31T12:00:00-07:00', expected: ['2026-11-01T02:30:00-08:00'] },
  { title: 'Los Angeles: hourly ticks skip the missing hour', tz: 'America/Los_Angeles', cron: '0 * * * *', from: '2026-03-08T00:00:00-08:00', expected: ['2026-03-08T00:00:00-08:00', '2026-03-08T01:00:00-08:00', '2026-03-08T03:00:00-07:00', '2026-03-08T04:00:00-07:00'] },
  { title: 'Los Angeles: hourly ticks fire at both occurrences of the repeated hour', tz: 'America/Los_Angeles', cron: '0 * * * *', from: '2026-11-01T00:00:00-07:00', expected: ['2026-11-01T00:00:00-07:00', '2026-11-01T01:00:00-07:00', '2026-11-01T01:00:00-08:00', '2026-11-01T02:00:00-08:00'] },
  { title: 'Los Angeles: 15-minute ticks skip the missing hour', tz: 'America/Los_Angeles', cron: '*/15 * * * *', from: '2026-03-08T01:30:00-08:00', expected: ['2026-03-08T01:30:00-08:00', '2026-03-08T01:45:00-08:00', '2026-03-08T03:00:00-07:00', '2026-03-08T03:15:00-07:00'] },
  { title: 'Los Angeles: 15-minute ticks repeat the whole repeated hour', tz: 'America/Los_Angeles', cron: '*/15 * * * *', from: '2026-11-01T01:30:00-07:00', expected: ['2026-11-01T01:30:00-07:00', '2026-11-01T01:45:00-07:00', '2026-11-01T01:00:00-08:00', '2026-11-01T01:15:00-08:00', '2026-11-01T01:30:00-08:00'] },
  { title: 'Los Angeles: @daily is untouched by a transition at 02:00', tz: 'America/Los_Angeles', cron: '@daily', from: '2026-03-07T12:00:00-08:00', expected: ['2026-03-08T00:00:00-08:00', '2026-03-09T00:00:00-07:00'] },
  { title: 'Los Angeles: a weekly tick in the gap fires at the end of the gap', tz: 'America/Los_Angeles', cron: '30 2 * * 0', from: '2026-03-01T03:00:00-08:00', expected: ['2026-03-08T03:00:00-07:00', '2026-03-15T02:30:00-07:00'] },
  { title: 'Los Angeles: a monthly tick in the gap fires at the end of the gap', tz: 'America/Los_Angeles', cron: '30 2 8 * *', from: '2026-02-09T00:00:00-08:00', expected: ['2026-03-08T03:00:00-07:00', '2026-04-08T02:30:00-07:00'] },
  { title: 'Los Angeles: a monthly tick in the repeated hour fires at the second occurrence', tz: 'America/Los_Angeles', cron: '30 1 1 * *', from: '2026-10-02T00:00:00-07:00', expected: ['2026-11-01T01:30:00-08:00', '2026-12-01T01:30:00-08:00'] },
  { title: 'Los Angeles: a twice-daily cron is not sub-daily: once in the repeated hour', tz: 'America/Los_Angeles', cron: '0 1,13 * * *', from: '2026-10-31T14:00:00-07:00', expected: ['2026-11-01T01:00:00-08:00', '2026-11-01T13:00:00-08:00'] },
  { title: 'Los Angeles: minutes within one repeated hour fire only at the second occurrence', tz: 'America/Los_Angeles', cron: '*/30 1 * * *', from: '2026-11-01T00:00:00-07:00', expected: ['2026-11-01T01:00:00-08:00', '2026-11-01T01:30:00-08:00', '2026-11-02T01:00:00-08:00'] },
  { title: 'Los Angeles: several ticks inside the gap collapse into one at its end', tz: 'America/Los_Angeles', cron: '*/15 2 * * *', from: '2026-03-08T00:00:00-08:00', expected: ['2026-03-08T03:00:00-07:00', '2026-03-09T02:00:00-07:00'] },
  // Europe/Berlin: spring forward 2026-03-29 02:00 -> 03:00, fall back 2026-10-25 03:00 -> 02:00.
  { title: 'Berlin: a daily 02:30 tick fires at 03:00 on the spring day', tz: 'Europe/Berlin', cron: '30 2 * * *', from: '2026-03-28T12:00:00+01:00', expected: ['2026-03-29T03:00:00+02:00', '2026-03-30T02:30:00+02:00'] },
  { title: 'Berlin: a daily 02:30 tick fires once, in winter time, on the fall day', tz: 'Europe/Berlin', cron: '30 2 * * *', from: '2026-10-24T12:00:00+02:00', expected: ['2026-10-25T02:30:00+01:00', '2026-10-26T02:30:00+01:00'] },
  { title: 'Berlin: hourly skips 02:00 in spring', tz: 'Europe/Berlin', cron: '0 * * * *', from: '2026-03-29T00:00:00+01:00', expected: ['2026-03-29T00:00:00+01:00', '2026-03-29T01:00:00+01:00', '2026-03-29T03:00:00+02:00', '2026-03-29T04:00:00+02:00'] },
  { title: 'Berlin: hourly fires 02:00 twice in autumn', tz: 'Europe/Berlin', cron: '0 * * * *', from: '2026-10-25T01:00:00+02:00', expected: ['2026-10-25T01:00:00+02:00', '2026-10-25T02:00:00+02:00', '2026-10-25T02:00:00+01:00', '2026-10-25T03:00:00+01:00'] },
  { title: 'Berlin: 15-minute ticks go back to 02:00 after 02:45 summer time', tz: 'Europe/Berlin', cron: '*/15 * * * *', from: '2026-10-25T02:45:00+02:00', expected: ['2026-10-25T02:45:00+02:00', '2026-10-25T02:00:00+01:00', '2026-10-25T02:15:00+01:00'] },
  // Australia/Sydney (southern hemisphere): fall back 2026-04-05 03:00 -> 02:00, spring forward 2026-10-04 02:00 -> 03:00.
  { title: 'Sydney: a daily 02:30 tick fires at 03:00 on the October spring day', tz: 'Australia/Sydney', cron: '30 2 * * *', from: '2026-10-03T12:00:00+10:00', expected: ['2026-10-04T03:00:00+11:00', '2026-10-05T02:30:00+11:00'] },
  { title: 'Sydney: a daily 02:30 tick fires once, in standard time, on the April fall day', tz: 'Australia/Sydney', cron: '30 2 * * *', from: '2026-04-04T12:00:00+11:00', expected: ['2026-04-05T02:30:00+10:00', '2026-04-06T02:30:00+10:00'] },
  { title: 'Sydney: hourly fires 02:00 twice in April', tz: 'Australia/Sydney', cron: '0 * * * *', from: '2026-04-05T01:00:00+11:00', expected: ['2026-04-05T01:00:00+11:00', '2026-04-05T02:00:00+11:00', '2026-04-05T02:00:00+10:00', '2026-04-05T03:00:00+10:00'] },
  { title: 'Sydney: hourly skips 02:00 in October', tz: 'Australia/Sydney', cron: '0 * * * *', from: '2026-10-04T01:00:00+10:00', expected: ['2026-10-04T01:00:00+10:00', '2026-10-04T03:00:00+11:00'] },
  { title: 'Sydney: 15-minute ticks skip the missing hour', tz: 'Australia/Sydney', cron: '*/15 * * * *', from: '2026-10-04T01:45:00+10:00', expected: ['2026-10-04T01:45:00+10:00', '2026-10-04T03:00:00+11:00', '2026-10-04T03:15:00+11:00'] },
  // Non-whole-hour offsets tick at local :00.
  { title: 'Kolkata (+05:30): hourly ticks at local :00', tz: 'Asia/Kolkata', cron: '0 * * * *', from: '2026-03-08T09:10:00Z', expected: ['2026-03-08T15:00:00+05:30', '2026-03-08T16:00:00+05:30'] },
  { title: 'Kolkata: a daily 02:30 tick is unaffected (no DST)', tz: 'Asia/Kolkata', cron: '30 2 * * *', from: '2026-03-08T00:00:00+05:30', expected: ['2026-03-08T02:30:00+05:30', '2026-03-09T02:30:00+05:30'] },
  { title: 'Kathmandu (+05:45): hourly ticks at local :00', tz: 'Asia/Kathmandu', cron: '0 * * * *', from: '2026-03-08T09:10:00Z', expected: ['2026-03-08T15:00:00+05:45', '2026-03-08T16:00:00+05:45'] },
  { title: 'Adelaide (+10:30 -> +09:30): hourly ticks at local :00 through the fall back', tz: 'Australia/Adelaide', cron: '0 * * * *', from: '2026-04-05T01:00:00+10:30', expected: ['2026-04-05T01:00:00+10:30', '2026-04-05T02:00:00+10:30', '2026-04-05T02:00:00+09:30', '2026-04-05T03:00:00+09:30'] },
  // UTC and calendar rules.
  { title: 'UTC: offsets print as +00:00', tz: 'UTC', cron: '0 * * * *', from: '2026-01-01T00:30:00Z', expected: ['2026-01-01T01:00:00+00:00', '2026-01-01T02:00:00+00:00'] },
  { title: 'UTC: L is the last day of each month, leap February included', tz: 'UTC', cron: '0 0 L * *', from: '2024-01-15T00:00:00Z', expected: ['2024-01-31T00:00:00+00:00', '2024-02-29T00:00:00+00:00', '2024-03-31T00:00:00+00:00', '2024-04-30T00:00:00+00:00'] },
  { title: 'UTC: February 29th comes every four years', tz: 'UTC', cron: '0 0 29 2 *', from: '2024-03-01T00:00:00Z', expected: ['2028-02-29T00:00:00+00:00', '2032-02-29T00:00:00+00:00'] },
  { title: 'UTC: day-of-week 7 is Sunday', tz: 'UTC', cron: '0 0 * * 7', from: '2026-01-01T00:00:00Z', expected: ['2026-01-04T00:00:00+00:00', '2026-01-11T00:00:00+00:00'] },
  { title: 'UTC: day-of-month and day-of-week both set means either', tz: 'UTC', cron: '0 0 1 * 1', from: '2026-02-20T00:00:00Z', expected: ['2026-02-23T00:00:00+00:00', '2026-03-01T00:00:00+00:00', '2026-03-02T00:00:00+00:00'] },
  { title: 'UTC: day steps count from the 1st', tz: 'UTC', cron: '0 0 */10 * *', from: '2026-01-02T00:00:00Z', expected: ['2026-01-11T00:00:00+00:00', '2026-01-21T00:00:00+00:00', '2026-01-31T00:00:00+00:00', '2026-02-01T00:00:00+00:00'] },
  { title: 'UTC: a list of crons is their union, a shared instant once', tz: 'UTC', cron: ['0 9 * * *', '0 9 * * 1', '30 12 * * 6'], from: '2026-01-02T10:00:00Z', expected: ['2026-01-03T09:00:00+00:00', '2026-01-03T12:30:00+00:00', '2026-01-04T09:00:00+00:00', '2026-01-05T09:00:00+00:00'] },
  { title: 'Berlin: a weekday/weekend union across the spring transition', tz: 'Europe/Berlin', cron: ['0 9 * * 1-5', '0 12 * * 0,6'], from: '2026-03-27T00:00:00Z', expected: ['2026-03-27T09:00:00+01:00', '2026-03-28T12:00:00+01:00', '2026-03-29T12:00:00+02:00', '2026-03-30T09:00:00+02:00'] },
];

/** Each row exercises one piece of five-field cron syntax, in one field, by the ticks it yields (SCH-01). */
const fieldSyntaxTable: Row[] = [
  { title: 'a minute step */20 ticks at minutes 0, 20 and 40 of every hour', tz: 'UTC', cron: '*/20 * * * *', from: '2026-01-01T10:05:00Z', expected: ['2026-01-01T10:20:00+00:00', '2026-01-01T10:40:00+00:00', '2026-01-01T11:00:00+00:00', '2026-01-01T11:20:00+00:00'] },
  { title: 'an hour range 9-11 ticks at 09:00, 10:00 and 11:00 each day', tz: 'UTC', cron: '0 9-11 * * *', from: '2026-01-01T00:00:00Z', expected: ['2026-01-01T09:00:00+00:00', '2026-01-01T10:00:00+00:00', '2026-01-01T11:00:00+00:00', '2026-01-02T09:00:00+00:00'] },
  { title: 'a stepped hour range 8-20/6 ticks at 08:00, 14:00 and 20:00', tz: 'UTC', cron: '0 8-20/6 * * *', from: '2026-01-01T09:00:00Z', expected: ['2026-01-01T14:00:00+00:00', '2026-01-01T20:00:00+00:00', '2026-01-02T08:00:00+00:00'] },
  { title: 'a minute list 5,35 ticks at :05 and :35', tz: 'UTC', cron: '5,35 * * * *', from: '2026-01-01T10:00:00Z', expected: ['2026-01-01T10:05:00+00:00', '2026-01-01T10:35:00+00:00', '2026-01-01T11:05:00+00:00'] },
  { title: 'a day-of-month list 1,15 ticks on the 1st and the 15th', tz: 'UTC', cron: '0 0 1,15 * *', from: '2026-01-02T00:00:00Z', expected: ['2026-01-15T00:00:00+00:00', '2026-02-01T00:00:00+00:00', '2026-02-15T00:00:00+00:00'] },
  { title: 'month names JAN,JUL tick only in January and July', tz: 'UTC', cron: '0 0 1 JAN,JUL *', from: '2026-01-02T00:00:00Z', expected: ['2026-07-01T00:00:00+00:00', '2027-01-01T00:00:00+00:00'] },
  { title: 'day-of-week names MON-FRI tick on weekdays only', tz: 'UTC', cron: '0 9 * * MON-FRI', from: '2026-01-02T10:00:00Z', expected: ['2026-01-05T09:00:00+00:00', '2026-01-06T09:00:00+00:00', '2026-01-07T09:00:00+00:00', '2026-01-08T09:00:00+00:00', '2026-01-09T09:00:00+00:00', '2026-01-12T09:00:00+00:00'] },
  { title: 'a day-of-week list sat,sun in lower case ticks on weekends only', tz: 'UTC', cron: '30 7 * * sat,sun', from: '2026-01-01T00:00:00Z', expected: ['2026-01-03T07:30:00+00:00', '2026-01-04T07:30:00+00:00', '2026-01-10T07:30:00+00:00'] },
];

describe('five-field cron syntax: steps, ranges, lists and names', () => {
  for (const row of fieldSyntaxTable) {
    test(row.title, () => {
      assert.deepEqual(ticks(row.cron, row.tz, row.from, row.expected.length), row.expected);
    });
  }
});

describe('cronTicks', () => {
  for (const row of dstTable) {
    test(row.title, () => {
      assert.deepEqual(ticks(row.cron, row.tz, row.from, row.expected.length), row.expected);
    });
  }

  test('includes a tick exactly at the start instant by default and skips it when exclusive', () => {
    const from = '2026-01-01T09:00:00Z';
    assert.deepEqual(ticks('0 9 * * *', 'UTC', from, 1), ['2026-01-01T09:00:00+00:00']);
    assert.deepEqual(ticks('0 9 * * *', 'UTC', from, 1, false), ['2026-01-02T09:00:00+00:00']);
  });

  test('gives the same instant as epoch milliseconds, epoch seconds and local text', () => {
    const [tick] = cronTicks(parseCronSchedule('0 * * * *'), 'America/Los_Angeles', Date.parse('2026-11-01T09:30:00Z'));
    assert.ok(tick);
    assert.equal(tick.epochMs, Date.parse('2026-11-01T10:00:00Z'));
    assert.equal(tick.epochSeconds, tick.epochMs / 1000);
    assert.equal(Date.parse(tick.local), tick.epochMs);
    assert.equal(tick.local, '2026-11-01T02:00:00-08:00');
  });

  test('rejects an unknown timezone with INVALID_TIMEZONE', () => {
    assert.throws(
      () => cronTicks(parseCronSchedule('@daily'), 'Mars/Olympus_Mons', 0).next(),
      (error: unknown) => isArcoError(error) && error.code === 'INVALID_TIMEZONE' && error.details?.timezone === 'Mars/Olympus_Mons',
    );
  });

  test('answers 10,000 schedules one next tick each without delay', () => {
    // Not a timing assertion (timings belong to benchmarks): this proves each step is bounded work
    // by running it at scale over many different crons and zones.
    const zones = ['UTC', 'America/Los_Angeles', 'Europe/Berlin', 'Australia/Sydney', 'Asia/Kolkata'];
    let seen = 0;
    for (let i = 0; i < 10_000; i += 1) {
      const schedule = parseCronSchedule(`${i % 60} ${i % 24} * * ${i % 7}`);
      const next = cronTicks(schedule, zones[i % zones.length] as string, Date.UTC(2026, 0, 1) + i * 3_600_000).next();
      if (!next.done) seen += 1;
    }
    assert.equal(seen, 10_000);
  });
});

describe('tick arithmetic agrees with iteration', () => {
  const cases: [title: string, cron: string, tz: string][] = [
    ['hourly ticks in Los Angeles: count, n-th tick and n-th tick back match a year of iteration', '0 * * * *', 'America/Los_Angeles'],
    ['ticks every 20 minutes in Berlin: count, n-th tick and n-th tick back match a year of iteration', '*/20 * * * *', 'Europe/Berlin'],
    ['a daily 02:30 tick in Los Angeles: count, n-th tick and n-th tick back match a year of iteration', '30 2 * * *', 'America/Los_Angeles'],
    ['twice-daily ticks in Sydney: count, n-th tick and n-th tick back match a year of iteration', '0 1,13 * * *', 'Australia/Sydney'],
    ['15-minute ticks within 02:00 in Berlin: count, n-th tick and n-th tick back match a year of iteration', '*/15 2 * * *', 'Europe/Berlin'],
    ['weekly Monday ticks in Adelaide: count, n-th tick and n-th tick back match a year of iteration', '0 0 * * 1', 'Australia/Adelaide'],
    ['last-day-of-month ticks in Los Angeles: count, n-th tick and n-th tick back match a year of iteration', '30 1 L * *', 'America/Los_Angeles'],
    ['ticks on the 1st, the 15th or a Friday in Kolkata: count, n-th tick and n-th tick back match a year of iteration', '0 0 1,15 * 5', 'Asia/Kolkata'],
    ['Sunday ticks in March and October in Berlin: count, n-th tick and n-th tick back match a year of iteration', '0 3 * 3,10 0', 'Europe/Berlin'],
  ];
  for (const [title, cron, tz] of cases) {
    test(title, () => {
      const expression = parseCronSchedule(cron).expressions[0];
      assert.ok(expression);
      const sequence = tickSequence(expression, tz);
      const fromMs = Date.parse('2026-01-01T00:00:00Z');
      const toMs = Date.parse('2027-01-01T00:00:00Z');
      const all: number[] = [];
      for (const tick of cronTicks(parseCronSchedule(cron), tz, fromMs)) {
        if (tick.epochMs >= toMs) break;
        all.push(tick.epochMs);
      }
      assert.equal(countTicks(sequence, fromMs, toMs), all.length);
      const probes = [0, 1, Math.floor(all.length / 3), Math.floor(all.length / 2), all.length - 1];
      for (const n of probes) {
        assert.equal(nthTickFrom(sequence, fromMs, n), all[n], `nthTickFrom ${n}`);
        assert.equal(nthTickBefore(sequence, toMs, n), all[all.length - 1 - n], `nthTickBefore ${n}`);
        assert.equal(countTicks(sequence, fromMs, all[n] as number), n, `count up to tick ${n}`);
      }
    });
  }
});
