import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { formatHasOffset, formatTokens, strftime, strptime } from '../../../src/domain/partitions/strftime.js';
import { localFieldsOfWall, wallMsOf } from '../../../src/domain/cron/index.js';

const HOUR = 3_600_000;
// Sunday 2024-03-03 14:05:09 at -08:00 (day 63 of a leap year).
const fields = localFieldsOfWall(wallMsOf(2024, 3, 3, 14, 5, 9), -8 * HOUR);

describe('strftime', () => {
  const table: Array<[string, string]> = [
    ['%Y-%m-%d', '2024-03-03'],
    ['%Y-%m-%d-%H:%M', '2024-03-03-14:05'],
    ['%Y%m%d%H%M%S', '20240303140509'],
    ['%y', '24'],
    ['%b %B', 'Mar March'],
    ['%j', '063'],
    ['%z', '-0800'],
    ['%a %A', 'Sun Sunday'],
    ['%I%p', '02PM'],
    ['100%%', '100%'],
    ['week of %Y-%m-%d', 'week of 2024-03-03'],
  ];
  for (const [fmt, expected] of table) {
    test(`formats "${fmt}" as "${expected}"`, () => {
      assert.equal(strftime(fmt, fields), expected);
    });
  }

  test('prints positive offsets and offsets with minutes like Python', () => {
    const kathmandu = localFieldsOfWall(wallMsOf(2024, 1, 1), 5.75 * HOUR);
    assert.equal(strftime('%z', kathmandu), '+0545');
    assert.equal(strftime('%z', localFieldsOfWall(0, 0)), '+0000');
  });

  test('rejects unsupported directives and a trailing %', () => {
    assert.throws(() => formatTokens('%Y-%Q'), /unsupported directive %Q/);
    assert.throws(() => formatTokens('%Y%'), /lone %/);
  });

  test('knows whether a format prints the offset', () => {
    assert.equal(formatHasOffset('%Y-%m-%d%z'), true);
    assert.equal(formatHasOffset('%Y-%m-%d %%z'), false);
  });
});

describe('strptime', () => {
  const table: Array<[string, string, object | undefined]> = [
    ['%Y-%m-%d', '2024-03-03', { year: 2024, month: 3, day: 3, hour: 0, minute: 0, second: 0 }],
    ['%Y-%m-%d-%H:%M', '2020-11-01-01:00', { year: 2020, month: 11, day: 1, hour: 1, minute: 0, second: 0 }],
    ['%Y-%m-%d-%H:%M%z', '2020-11-01-01:00-0800', { year: 2020, month: 11, day: 1, hour: 1, minute: 0, second: 0, offsetMs: -8 * HOUR }],
    ['%Y-%m-%dT%H:%M%z', '2020-11-01T01:00+05:30', { year: 2020, month: 11, day: 1, hour: 1, minute: 0, second: 0, offsetMs: 5.5 * HOUR }],
    ['%Y-%m-%d', '2024-3-3', { year: 2024, month: 3, day: 3, hour: 0, minute: 0, second: 0 }],
    ['%d %b %Y', '03 mar 2024', { year: 2024, month: 3, day: 3, hour: 0, minute: 0, second: 0 }],
    ['%B %Y', 'March 2024', { year: 2024, month: 3, day: 1, hour: 0, minute: 0, second: 0 }],
    ['%Y-%j', '2024-063', { year: 2024, month: 3, day: 3, hour: 0, minute: 0, second: 0 }],
    ['%y-%m', '68-01', { year: 2068, month: 1, day: 1, hour: 0, minute: 0, second: 0 }],
    ['%y-%m', '69-01', { year: 1969, month: 1, day: 1, hour: 0, minute: 0, second: 0 }],
    ['%I:%M %p', '12:30 AM', { year: 1900, month: 1, day: 1, hour: 0, minute: 30, second: 0 }],
    ['%Y-%m-%d', '2023-02-29', undefined],
    ['%Y-%m-%d', '2024-13-01', undefined],
    ['%Y-%m-%d', '2024-01-01x', undefined],
    ['%Y-%m-%d-%H:%M', '2024-01-01-24:00', undefined],
    ['%a %Y-%m-%d', 'Xyz 2024-01-01', undefined],
  ];
  for (const [fmt, text, expected] of table) {
    test(`reads "${text}" with "${fmt}" as ${expected ? JSON.stringify(expected) : 'no time'}`, () => {
      assert.deepEqual(strptime(fmt, text), expected);
    });
  }
});
