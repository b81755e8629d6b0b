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
  const fieldTable: Array<{ cron: string; field: keyof CronExpression; expected: unknown }> = [
    { cron: '*/15 * * * *', field: 'minutes', expected: [0, 15, 30, 45] },
    { cron: '1-10/2 * * * *', field: 'minutes', expected: [1, 3, 5, 7, 9] },
    { cron: '5/20 * * * *', field: 'minutes', expected: [5, 25, 45] },
    { cron: '0 9,17 * * *', field: 'hours', expected: [9, 17] },
    { cron: '0 0 */2 * *', field: 'daysOfMonth', expected: range(1, 31, 2) },
    { cron: '0 0 * JAN,mar-may *', field: 'months', expected: [1, 3, 4, 5] },
    { cron: '0 0 * * MON-FRI', field: 'daysOfWeek', expected: [1, 2, 3, 4, 5] },
    { cron: '0 0 * * 7', field: 'daysOfWeek', expected: [0] },
    { cron: '0 0 * * 5-7', field: 'daysOfWeek', expected: [0, 5, 6] },
    { cron: '0 0 * * 0,7', field: 'daysOfWeek', expected: [0] },
    { cron: '0 0 * * */2', field: 'daysOfWeek', expected: [0, 2, 4, 6] },
    { cron: '0 0 L * *', field: 'lastDayOfMonth', expected: true },
    { cron: '0 0 15,L * *', field: 'daysOfMonth', expected: [15] },
    { cron: '0 0 ? * 1', field: 'dayOfMonthRestricted', expected: false },
  ];
  for (const { cron, field, expected } of fieldTable) {
    test(`reads "${cron}" ${field} as ${JSON.stringify(expected)}`, () => {
      assert.deepEqual(only(cron)[field], expected);
    });
  }

  const aliasTable: Array<[string, string]> = [
    ['@hourly', '0 * * * *'],
    ['@daily', '0 0 * * *'],
    ['@midnight', '0 0 * * *'],
    ['@weekly', '0 0 * * 0'],
    ['@monthly', '0 0 1 * *'],
    ['@yearly', '0 0 1 1 *'],
    ['@annually', '0 0 1 1 *'],
  ];
  for (const [alias, cron] of aliasTable) {
    test(`treats ${alias} as "${cron}" but keeps the alias as its source`, () => {
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

  const invalidTable: Array<[string | readonly string[], RegExp]> = [
    ['0 0 30 2 *', /no date matches/],
    ['0 0 31 2 *', /no date matches/],
    ['0 0 31 4 *', /no date matches/],
    ['0 0 31 4,6,9,11 *', /no date matches/],
    ['60 * * * *', /outside 0-59/],
    ['* 24 * * *', /outside 0-23/],
    ['* * 0 * *', /outside 1-31/],
    ['* * * 13 *', /outside 1-12/],
    ['* * * * 8', /outside 0-7/],
    ['* * * *', /expected 5 fields/],
    ['0 0 * * * *', /expected 5 fields/],
    ['', /expected 5 fields/],
    ['@fortnightly', /unknown alias/],
    ['5-1 * * * *', /runs backwards/],
    ['*/0 * * * *', /positive integer/],
    ['1,,2 * * * *', /empty list item/],
    ['0 0 * * L', /not a number or a name/],
    ['0 0 * * 1#2', /not a number or a name/],
    ['0 0 * FOO *', /not a number or a name/],
    [[], /empty list/],
  ];
  for (const [cron, reason] of invalidTable) {
    test(`rejects ${JSON.stringify(cron)} with INVALID_CRON naming the reason`, () => {
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
