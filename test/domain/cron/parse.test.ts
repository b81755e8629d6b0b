import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCronSchedule, type CronExpression } from '../../../src/domain/cron/index.js';
import { isArcoError } from '../../../src/domain/errors/index.js';

function only(cron: string): CronExpression {
  const expression = parseCronSchedule(cron).expressions[0];
  assert.ok(expression);
  return expression;
}

function range(from: number, to: number, step = 1): number[] {
  const out: number[] = [];
  for (let v = from; v <= to; v += step) out.push(v);
  return out;
}

describe('parseCronSchedule', () => {
  const fieldTable: [title: string, cron: string, field: keyof CronExpression, expected: unknown][] = [
    ['a minute step */15 fires at minutes 0, 15, 30 and 45', '*/15 * * * *', 'minutes', [0, 15, 30, 45]],
    ['a stepped minute range 1-10/2 fires at minutes 1, 3, 5, 7 and 9', '1-10/2 * * * *', 'minutes', [1, 3, 5, 7, 9]],
    ['a step from a starting minute, 5/20, fires at minutes 5, 25 and 45', '5/20 * * * *', 'minutes', [5, 25, 45]],
    ['an hour list 9,17 fires at 09:00 and 17:00', '0 9,17 * * *', 'hours', [9, 17]],
    ['a day-of-month step */2 counts from the 1st: days 1, 3, 5 … 31', '0 0 */2 * *', 'daysOfMonth', range(1, 31, 2)],
    ['month names are read in any case, alone and in ranges', '0 0 * JAN,mar-may *', 'months', [1, 3, 4, 5]],
    ['a day-of-week name range MON-FRI is Monday to Friday', '0 0 * * MON-FRI', 'daysOfWeek', [1, 2, 3, 4, 5]],
    ['day-of-week 7 means Sunday', '0 0 * * 7', 'daysOfWeek', [0]],
    ['a day-of-week range ending at 7 includes Sunday', '0 0 * * 5-7', 'daysOfWeek', [0, 5, 6]],
    ['day-of-week 0 and 7 in one list are the same Sunday', '0 0 * * 0,7', 'daysOfWeek', [0]],
    ['a day-of-week step */2 counts from Sunday', '0 0 * * */2', 'daysOfWeek', [0, 2, 4, 6]],
    ['L in the day-of-month field means the last day of the month', '0 0 L * *', 'lastDayOfMonth', true],
    ['L in a day-of-month list keeps the other days of the list', '0 0 15,L * *', 'daysOfMonth', [15]],
    ['? in the day-of-month field leaves the days unrestricted', '0 0 ? * 1', 'dayOfMonthRestricted', false],
  ];
  for (const [title, cron, field, expected] of fieldTable) {
    test(title, () => {
      assert.deepEqual(only(cron)[field], expected);
    });
  }

  const aliasTable: [title: string, alias: string, cron: string][] = [
    ['@hourly means "0 * * * *", and the schedule keeps showing @hourly', '@hourly', '0 * * * *'],
    ['@daily means "0 0 * * *", and the schedule keeps showing @daily', '@daily', '0 0 * * *'],
    ['@midnight means "0 0 * * *", and the schedule keeps showing @midnight', '@midnight', '0 0 * * *'],
    ['@weekly means "0 0 * * 0", and the schedule keeps showing @weekly', '@weekly', '0 0 * * 0'],
    ['@monthly means "0 0 1 * *", and the schedule keeps showing @monthly', '@monthly', '0 0 1 * *'],
    ['@yearly means "0 0 1 1 *", and the schedule keeps showing @yearly', '@yearly', '0 0 1 1 *'],
    ['@annually means "0 0 1 1 *", and the schedule keeps showing @annually', '@annually', '0 0 1 1 *'],
  ];
  for (const [title, alias, cron] of aliasTable) {
    test(title, () => {
      const { source: aliasSource, ...aliasFields } = only(alias);
      const { source: _cronSource, ...cronFields } = only(cron);
      assert.equal(aliasSource, alias);
      assert.deepEqual(aliasFields, cronFields);
    });
  }

  test('decides the DST rule from the hour field: only crons firing every hour are sub-daily', () => {
    const table: Array<[string, boolean]> = [
      ['0 * * * *', true],
      ['*/15 * * * *', true],
      ['30 0-23 * * *', true],
      ['0 */1 * * *', true],
      ['0 */2 * * *', false],
      ['0 9,17 * * *', false],
      ['*/15 2 * * *', false],
      ['30 2 * * *', false],
      ['@weekly', false],
    ];
    for (const [cron, expected] of table) assert.equal(only(cron).repeatsEveryHour, expected, cron);
  });

  test('marks day fields restricted only when they narrow the days', () => {
    assert.deepEqual(
      [only('0 0 * * *'), only('0 0 1-31 * 0-7'), only('0 0 1 * *'), only('0 0 * * 1')].map((e) => [e.dayOfMonthRestricted, e.dayOfWeekRestricted]),
      [[false, false], [false, false], [true, false], [false, true]],
    );
  });

  test('a list of crons is kept as a union with its source list', () => {
    const schedule = parseCronSchedule(['0 9 * * 1-5', ' 0  12 * * 0,6 ']);
    assert.deepEqual(schedule.source, ['0 9 * * 1-5', '0  12 * * 0,6']);
    assert.deepEqual(schedule.expressions.map((e) => e.source), ['0 9 * * 1-5', '0 12 * * 0,6']);
  });

  test('the parsed schedule is plain data that survives a JSON round trip', () => {
    const schedule = parseCronSchedule(['*/5 1-3 L JAN-MAR SUN', '@daily']);
    assert.deepEqual(JSON.parse(JSON.stringify(schedule)), schedule);
  });

  test('accepts crons that fire only on leap days', () => {
    assert.deepEqual(only('0 0 29 2 *').daysOfMonth, [29]);
  });

  const invalidTable: [title: string, cron: string | readonly string[], reason: RegExp][] = [
    ['rejects February 30th, a date that never comes', '0 0 30 2 *', /no date matches/],
    ['rejects February 31st, a date that never comes', '0 0 31 2 *', /no date matches/],
    ['rejects April 31st, a date that never comes', '0 0 31 4 *', /no date matches/],
    ['rejects the 31st of months that all have 30 days', '0 0 31 4,6,9,11 *', /no date matches/],
    ['rejects minute 60', '60 * * * *', /outside 0-59/],
    ['rejects hour 24', '* 24 * * *', /outside 0-23/],
    ['rejects day-of-month 0', '* * 0 * *', /outside 1-31/],
    ['rejects month 13', '* * * 13 *', /outside 1-12/],
    ['rejects day-of-week 8', '* * * * 8', /outside 0-7/],
    ['rejects a cron with four fields', '* * * *', /expected 5 fields/],
    ['rejects a cron with six fields (no seconds field)', '0 0 * * * *', /expected 5 fields/],
    ['rejects an empty cron', '', /expected 5 fields/],
    ['rejects an unknown @ alias', '@fortnightly', /unknown alias/],
    ['rejects a range that runs backwards', '5-1 * * * *', /runs backwards/],
    ['rejects a step of zero', '*/0 * * * *', /positive integer/],
    ['rejects an empty item in a list', '1,,2 * * * *', /empty list item/],
    ['rejects L in the day-of-week field', '0 0 * * L', /not a number or a name/],
    ['rejects the n-th weekday form 1#2', '0 0 * * 1#2', /not a number or a name/],
    ['rejects an unknown month name', '0 0 * FOO *', /not a number or a name/],
    ['rejects an empty list of crons', [], /empty list/],
  ];
  for (const [title, cron, reason] of invalidTable) {
    test(title, () => {
      assert.throws(
        () => parseCronSchedule(cron),
        (error: unknown) => {
          assert.ok(isArcoError(error));
          assert.equal(error.code, 'INVALID_CRON');
          assert.match(String(error.details?.reason), reason);
          assert.ok('cron' in (error.details ?? {}));
          return true;
        },
      );
    });
  }

  test('names the failing cron of a list in the error details', () => {
    assert.throws(
      () => parseCronSchedule(['0 0 * * *', '0 0 30 2 *']),
      (error: unknown) => isArcoError(error) && error.details?.cron === '0 0 30 2 *',
    );
  });
});
