import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  civilFromDays,
  daysFromCivil,
  daysInMonth,
  formatLocalIso,
  localFieldsOfWall,
  wallMsOf,
  weekdayOfDay,
} from '../../../src/domain/cron/civil.js';

describe('calendar arithmetic', () => {
  test('day numbers and dates convert both ways, across centuries and before 1970', () => {
    for (let day = -200_000; day <= 200_000; day += 97) {
      const { year, month, day: dayOfMonth } = civilFromDays(day);
      assert.equal(daysFromCivil(year, month, dayOfMonth), day);
      assert.equal(new Date(day * 86_400_000).getUTCDate(), dayOfMonth);
    }
  });

  test('knows leap years, including century rules', () => {
    assert.deepEqual([1900, 2000, 2024, 2100].map((y) => daysInMonth(y, 2)), [28, 29, 29, 28]);
  });

  test('weekday 0 is Sunday', () => {
    assert.equal(weekdayOfDay(daysFromCivil(2026, 1, 4)), 0);
    assert.equal(weekdayOfDay(daysFromCivil(1969, 12, 31)), 3);
  });

  test('formats local times as ISO-8601 with the offset and no fraction', () => {
    const wall = wallMsOf(2026, 3, 8, 3, 0, 0);
    assert.equal(formatLocalIso(localFieldsOfWall(wall, -7 * 3_600_000)), '2026-03-08T03:00:00-07:00');
    assert.equal(formatLocalIso(localFieldsOfWall(wall, 0)), '2026-03-08T03:00:00+00:00');
    assert.equal(formatLocalIso(localFieldsOfWall(wall, 5.75 * 3_600_000)), '2026-03-08T03:00:00+05:45');
  });

  test('reports day of year and weekday with the fields', () => {
    const fields = localFieldsOfWall(wallMsOf(2024, 12, 31, 23, 59, 58), 0);
    assert.deepEqual(
      [fields.year, fields.month, fields.day, fields.hour, fields.minute, fields.second, fields.dayOfYear, fields.weekday],
      [2024, 12, 31, 23, 59, 58, 366, 2],
    );
  });
});
