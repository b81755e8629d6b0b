/**
 * Goal: the wall-clock counting and indexing shortcuts agree with a minute-by-minute scan.
 * Method: a seeded set of crons (every day rule: all days, weekdays, month days, L, both) is
 * scanned minute by minute over ranges that cross month ends and a leap day; counts and n-th
 * matches must equal the scan.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCronSchedule } from '../../../src/domain/cron/parse.js';
import { wallCountInRange, wallNextInRange, wallNthInRange } from '../../../src/domain/cron/matcher.js';
import { civilFromDays, daysInMonth, weekdayOfDay } from '../../../src/domain/cron/civil.js';

const MINUTE = 60_000;
const crons = [
  '0 * * * *',
  '*/7 3-5 * * *',
  '15 10 * * 1-5',
  '0 0 * * 0',
  '0 12 1,15 * *',
  '0 0 L * *',
  '30 6 13 * 5',
  '0 */6 29 2 *',
  '45 23 * 2 *',
  '0 0 L 2 1',
];

function scan(cron: string, loMs: number, hiMs: number): number[] {
  const e = parseCronSchedule(cron).expressions[0];
  assert.ok(e);
  const out: number[] = [];
  for (let ms = Math.ceil(loMs / MINUTE) * MINUTE; ms < hiMs; ms += MINUTE) {
    const day = Math.floor(ms / 86_400_000);
    const { year, month, day: dom } = civilFromDays(day);
    const minuteOfDay = (ms - day * 86_400_000) / MINUTE;
    if (!e.months.includes(month) || !e.hours.includes(Math.floor(minuteOfDay / 60)) || !e.minutes.includes(minuteOfDay % 60)) continue;
    const byDom = e.daysOfMonth.includes(dom) || (e.lastDayOfMonth && dom === daysInMonth(year, month));
    const byDow = e.daysOfWeek.includes(weekdayOfDay(day));
    const dayOk = e.dayOfMonthRestricted && e.dayOfWeekRestricted ? byDom || byDow : e.dayOfMonthRestricted ? byDom : e.dayOfWeekRestricted ? byDow : true;
    if (dayOk) out.push(ms);
  }
  return out;
}

describe('wall-clock matching', () => {
  const ranges: Array<[string, string]> = [
    ['2024-02-20T10:07:30Z', '2024-03-05T02:00:00Z'],
    ['2023-12-30T23:59:00Z', '2024-01-02T00:01:00Z'],
    ['2024-01-01T00:00:00Z', '2024-04-01T00:00:00Z'],
  ];
  for (const cron of crons) {
    test(`"${cron}" counts and indexes exactly like a minute scan`, () => {
      const e = parseCronSchedule(cron).expressions[0];
      assert.ok(e);
      for (const [from, to] of ranges) {
        const lo = Date.parse(from);
        const hi = Date.parse(to);
        const expected = scan(cron, lo, hi);
        assert.equal(wallCountInRange(e, lo, hi), expected.length, `count ${from}..${to}`);
        assert.equal(wallNextInRange(e, lo, hi), expected[0], `next ${from}`);
        for (const n of [0, 1, Math.floor(expected.length / 2), expected.length - 1, expected.length]) {
          assert.equal(wallNthInRange(e, lo, hi, n), expected[n], `nth ${n} in ${from}..${to}`);
        }
      }
    });
  }
});
