/**
 * Goal: time-window partitions have Dagster's keys, windows and existence rules, including across
 * DST transitions, and the arithmetic answers (count, membership, position) agree with the list.
 * Method: definitions built with the authoring constructors, a fixed `now` per case, and the
 * expected keys written out (formats as in Dagster's documented examples).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  dailyPartitions,
  hourlyPartitions,
  monthlyPartitions,
  timeWindowPartitions,
  weeklyPartitions,
} from '../../../src/authoring/partitions.js';
import {
  hasPartitionKey,
  partitionCount,
  partitionIndex,
  partitionKeyAt,
  partitionKeys,
  timeWindowForKey,
  type PartitionsContext,
  type PartitionsDefinition,
} from '../../../src/domain/partitions/index.js';
import { isArcoError } from '../../../src/domain/errors/index.js';

const ctx = (now: string): PartitionsContext => ({ nowEpochMs: Date.parse(now), dynamicKeys: () => [] });
const keysAt = (definition: PartitionsDefinition, now: string): string[] => [...partitionKeys(definition, ctx(now))];
const FAR_FUTURE = '2100-01-01T00:00:00Z';

describe('time-window keys and windows (Dagster formats)', () => {
  const table: Array<{ what: string; definition: () => PartitionsDefinition; first: string[]; window: { start: string; end: string } }> = [
    {
      what: 'hourly: %Y-%m-%d-%H:%M',
      definition: () => hourlyPartitions({ start: '2022-03-12-00:00' }),
      first: ['2022-03-12-00:00', '2022-03-12-01:00'],
      window: { start: '2022-03-12T00:00:00+00:00', end: '2022-03-12T01:00:00+00:00' },
    },
    {
      what: 'hourly with minuteOffset 15',
      definition: () => hourlyPartitions({ start: '2022-03-12-00:00', minuteOffset: 15 }),
      first: ['2022-03-12-00:15', '2022-03-12-01:15'],
      window: { start: '2022-03-12T00:15:00+00:00', end: '2022-03-12T01:15:00+00:00' },
    },
    {
      what: 'daily: %Y-%m-%d',
      definition: () => dailyPartitions({ start: '2022-03-12' }),
      first: ['2022-03-12', '2022-03-13'],
      window: { start: '2022-03-12T00:00:00+00:00', end: '2022-03-13T00:00:00+00:00' },
    },
    {
      what: 'daily with hourOffset 16 and minuteOffset 15',
      definition: () => dailyPartitions({ start: '2022-03-12', hourOffset: 16, minuteOffset: 15 }),
      first: ['2022-03-12', '2022-03-13'],
      window: { start: '2022-03-12T16:15:00+00:00', end: '2022-03-13T16:15:00+00:00' },
    },
    {
      what: 'weekly: starts on the Sunday at or after start',
      definition: () => weeklyPartitions({ start: '2022-03-12' }),
      first: ['2022-03-13', '2022-03-20'],
      window: { start: '2022-03-13T00:00:00+00:00', end: '2022-03-20T00:00:00+00:00' },
    },
    {
      what: 'weekly with dayOffset 6 (Saturday) at 03:15',
      definition: () => weeklyPartitions({ start: '2022-03-12', dayOffset: 6, hourOffset: 3, minuteOffset: 15 }),
      first: ['2022-03-12', '2022-03-19'],
      window: { start: '2022-03-12T03:15:00+00:00', end: '2022-03-19T03:15:00+00:00' },
    },
    {
      what: 'monthly: starts on the first of the month at or after start',
      definition: () => monthlyPartitions({ start: '2022-03-12' }),
      first: ['2022-04-01', '2022-05-01'],
      window: { start: '2022-04-01T00:00:00+00:00', end: '2022-05-01T00:00:00+00:00' },
    },
    {
      what: 'monthly with dayOffset 5 at 03:15',
      definition: () => monthlyPartitions({ start: '2022-03-12', dayOffset: 5, hourOffset: 3, minuteOffset: 15 }),
      first: ['2022-04-05', '2022-05-05'],
      window: { start: '2022-04-05T03:15:00+00:00', end: '2022-05-05T03:15:00+00:00' },
    },
    {
      what: 'a custom cron and format',
      definition: () => timeWindowPartitions({ cron: '0 */6 * * *', start: '2024-01-01 05:00', fmt: '%Y%m%d %H' }),
      first: ['20240101 06', '20240101 12'],
      window: { start: '2024-01-01T06:00:00+00:00', end: '2024-01-01T12:00:00+00:00' },
    },
  ];
  for (const row of table) {
    test(row.what, () => {
      const definition = row.definition();
      assert.deepEqual(keysAt(definition, FAR_FUTURE).slice(0, 2), row.first);
      const window = timeWindowForKey(definition, row.first[0] as string);
      assert.deepEqual({ start: window.start, end: window.end }, row.window);
      assert.equal(window.startEpochMs, Date.parse(row.window.start));
      assert.equal(window.endEpochMs, Date.parse(row.window.end));
    });
  }
});

describe('which windows exist', () => {
  const daily = (extra: { endOffset?: number; end?: string } = {}) => dailyPartitions({ start: '2024-01-01', ...extra });
  const table: Array<{ what: string; definition: PartitionsDefinition; now: string; expected: string[] }> = [
    { what: 'only windows that have ended', definition: daily(), now: '2024-01-04T12:00:00Z', expected: ['2024-01-01', '2024-01-02', '2024-01-03'] },
    { what: 'a window ending exactly now exists', definition: daily(), now: '2024-01-04T00:00:00Z', expected: ['2024-01-01', '2024-01-02', '2024-01-03'] },
    { what: 'endOffset 1 adds the window in progress', definition: daily({ endOffset: 1 }), now: '2024-01-04T12:00:00Z', expected: ['2024-01-01', '2024-01-02', '2024-01-03', '2024-01-04'] },
    { what: 'endOffset 2 adds the next window too', definition: daily({ endOffset: 2 }), now: '2024-01-02T12:00:00Z', expected: ['2024-01-01', '2024-01-02', '2024-01-03'] },
    { what: 'endOffset -1 holds back the last ended window', definition: daily({ endOffset: -1 }), now: '2024-01-04T12:00:00Z', expected: ['2024-01-01', '2024-01-02'] },
    { what: 'nothing exists before the first window ends', definition: daily(), now: '2024-01-01T23:59:59Z', expected: [] },
    { what: 'endOffset 1 before the first window starts gives nothing', definition: daily({ endOffset: 1 }), now: '2023-12-31T12:00:00Z', expected: [] },
    { what: 'endOffset 2 before the first window starts gives the first', definition: daily({ endOffset: 2 }), now: '2023-12-31T12:00:00Z', expected: ['2024-01-01'] },
    { what: 'end excludes the window starting at end', definition: daily({ end: '2024-01-04' }), now: FAR_FUTURE, expected: ['2024-01-01', '2024-01-02', '2024-01-03'] },
    { what: 'end caps endOffset', definition: daily({ end: '2024-01-04', endOffset: 5 }), now: '2024-01-03T12:00:00Z', expected: ['2024-01-01', '2024-01-02', '2024-01-03'] },
    { what: 'end bounds window ends: a window straddling end does not exist', definition: daily({ end: '2024-01-03T12:00:00' }), now: FAR_FUTURE, expected: ['2024-01-01', '2024-01-02'] },
    {
      what: 'weekly from 2022-01-01 with end 2022-02-01 has 4 partitions, the last 2022-01-23 (Dagster)',
      definition: weeklyPartitions({ start: '2022-01-01', end: '2022-02-01' }),
      now: FAR_FUTURE,
      expected: ['2022-01-02', '2022-01-09', '2022-01-16', '2022-01-23'],
    },
  ];
  for (const row of table) {
    test(row.what, () => {
      assert.deepEqual(keysAt(row.definition, row.now), row.expected);
      assert.equal(partitionCount(row.definition, ctx(row.now)), row.expected.length);
    });
  }

  test('a key of a window straddling end names no partition and no window', () => {
    const weekly = weeklyPartitions({ start: '2022-01-01', end: '2022-02-01' });
    assert.equal(hasPartitionKey(weekly, '2022-01-23', ctx(FAR_FUTURE)), true);
    assert.equal(hasPartitionKey(weekly, '2022-01-30', ctx(FAR_FUTURE)), false);
    assert.equal(partitionIndex(weekly, '2022-01-30', ctx(FAR_FUTURE)), -1);
    assert.equal(partitionKeyAt(weekly, 3, ctx(FAR_FUTURE)), '2022-01-23');
    assert.throws(() => timeWindowForKey(weekly, '2022-01-30'), (error: unknown) => isArcoError(error) && error.code === 'UNKNOWN_PARTITION');
  });

  test('the first window starts at the first tick at or after start', () => {
    assert.deepEqual(keysAt(dailyPartitions({ start: '2024-01-01T06:00:00' }), '2024-01-05T00:00:00Z'), ['2024-01-02', '2024-01-03', '2024-01-04']);
    assert.deepEqual(keysAt(hourlyPartitions({ start: '2024-01-01T10:30:00' }), '2024-01-01T13:00:00Z'), ['2024-01-01-11:00', '2024-01-01-12:00']);
  });

  test('a ten-year hourly definition counts every hour without listing', () => {
    const definition = hourlyPartitions({ start: '2015-01-01-00:00', timezone: 'America/New_York' });
    const now = ctx('2025-01-01T05:00:00Z');
    assert.equal(partitionCount(definition, now), 3653 * 24);
    assert.equal(partitionKeyAt(definition, 3653 * 24 - 1, now), '2024-12-31-23:00');
    assert.equal(partitionIndex(definition, '2020-11-01-01:00-0500', now), partitionIndex(definition, '2020-11-01-01:00', now) + 1);
  });
});

describe('daylight saving time', () => {
  test('hourly fall-back: the repeated hour\'s second window gets the UTC offset', () => {
    const definition = hourlyPartitions({ start: '2020-10-31-23:00', timezone: 'America/Los_Angeles' });
    assert.deepEqual(keysAt(definition, '2020-11-01T11:00:00Z'), [
      '2020-10-31-23:00',
      '2020-11-01-00:00',
      '2020-11-01-01:00',
      '2020-11-01-01:00-0800',
      '2020-11-01-02:00',
    ]);
    assert.deepEqual(timeWindowForKey(definition, '2020-11-01-01:00'), {
      start: '2020-11-01T01:00:00-07:00',
      end: '2020-11-01T01:00:00-08:00',
      startEpochMs: Date.parse('2020-11-01T08:00:00Z'),
      endEpochMs: Date.parse('2020-11-01T09:00:00Z'),
    });
    assert.equal(timeWindowForKey(definition, '2020-11-01-01:00-0800').end, '2020-11-01T02:00:00-08:00');
  });

  test('hourly fall-back in Europe/Berlin appends +0100', () => {
    const definition = hourlyPartitions({ start: '2020-10-25-01:00', timezone: 'Europe/Berlin' });
    assert.deepEqual(keysAt(definition, '2020-10-25T02:00:00Z'), ['2020-10-25-01:00', '2020-10-25-02:00', '2020-10-25-02:00+0100']);
  });

  test('hourly spring-forward: the missing hour has no partition', () => {
    const definition = hourlyPartitions({ start: '2020-03-08-00:00', timezone: 'America/Los_Angeles' });
    assert.deepEqual(keysAt(definition, '2020-03-08T12:00:00Z'), ['2020-03-08-00:00', '2020-03-08-01:00', '2020-03-08-03:00', '2020-03-08-04:00']);
    assert.equal(timeWindowForKey(definition, '2020-03-08-01:00').end, '2020-03-08T03:00:00-07:00');
    assert.equal(hasPartitionKey(definition, '2020-03-08-02:00', ctx(FAR_FUTURE)), false);
  });

  test('daily windows last 23 and 25 hours on transition days', () => {
    const definition = dailyPartitions({ start: '2020-01-01', timezone: 'America/Los_Angeles' });
    const hours = (key: string): number => {
      const window = timeWindowForKey(definition, key);
      return (window.endEpochMs - window.startEpochMs) / 3_600_000;
    };
    assert.deepEqual([hours('2020-03-08'), hours('2020-11-01'), hours('2020-11-02')], [23, 25, 24]);
  });

  test('a daily window whose start is in the spring gap starts when the gap ends', () => {
    const definition = dailyPartitions({ start: '2020-03-01', hourOffset: 2, timezone: 'America/Los_Angeles' });
    assert.deepEqual(timeWindowForKey(definition, '2020-03-08'), {
      start: '2020-03-08T03:00:00-07:00',
      end: '2020-03-09T02:00:00-07:00',
      startEpochMs: Date.parse('2020-03-08T10:00:00Z'),
      endEpochMs: Date.parse('2020-03-09T09:00:00Z'),
    });
  });

  test('a daily cron in the repeated hour keeps a plain key for its second-occurrence window', () => {
    const definition = timeWindowPartitions({ cron: '30 1 * * *', start: '2020-10-30 00:00', fmt: '%Y-%m-%d %H:%M', timezone: 'America/Los_Angeles' });
    assert.deepEqual(keysAt(definition, '2020-11-03T12:00:00Z'), ['2020-10-30 01:30', '2020-10-31 01:30', '2020-11-01 01:30', '2020-11-02 01:30']);
    assert.equal(timeWindowForKey(definition, '2020-11-01 01:30').start, '2020-11-01T01:30:00-08:00');
  });

  test('southern hemisphere hourly keys (Australia/Sydney, April fall-back)', () => {
    const definition = hourlyPartitions({ start: '2021-04-04-01:00', timezone: 'Australia/Sydney' });
    assert.deepEqual(keysAt(definition, '2021-04-03T17:00:00Z'), ['2021-04-04-01:00', '2021-04-04-02:00', '2021-04-04-02:00+1000']);
  });

  test('Asia/Kolkata hourly windows start at local :00', () => {
    const definition = hourlyPartitions({ start: '2024-01-01-00:00', timezone: 'Asia/Kolkata' });
    assert.equal(timeWindowForKey(definition, '2024-01-01-05:00').start, '2024-01-01T05:00:00+05:30');
  });
});

describe('every key round-trips through fmt (PAR-05)', () => {
  const sixHourly = timeWindowPartitions({ cron: '0 */6 * * *', start: '2024-01-01 05:00', fmt: '%Y%m%d %H' });
  const hourlyLa = hourlyPartitions({ start: '2020-10-31-00:00', timezone: 'America/Los_Angeles' });

  test('every key of a custom fmt names exactly its own window, and reads back to it', () => {
    const cases: Array<[PartitionsDefinition, string]> = [[sixHourly, '2024-02-01T00:00:00Z'], [hourlyLa, '2020-11-03T00:00:00Z']];
    for (const [definition, now] of cases) {
      const keys = keysAt(definition, now);
      assert.ok(keys.length > 48, `${keys.length} keys`);
      assert.equal(new Set(keys).size, keys.length, 'no two windows share a key');
      keys.forEach((key, index) => {
        assert.equal(partitionIndex(definition, key, ctx(now)), index, key);
        const next = keys[index + 1];
        if (next !== undefined) assert.equal(timeWindowForKey(definition, key).endEpochMs, timeWindowForKey(definition, next).startEpochMs, `${key} ends where ${next} starts`);
      });
    }
    assert.deepEqual(keysAt(sixHourly, '2024-01-02T00:00:00Z'), ['20240101 06', '20240101 12', '20240101 18']);
  });

  test('a key that is not exactly a key of the custom fmt is refused', () => {
    const at = ctx('2024-02-01T00:00:00Z');
    for (const key of ['20240101 6', '2024-01-01 06', '20240101 07', '20240101 06 ', '20231231 18']) {
      assert.equal(hasPartitionKey(sixHourly, key, at), false, key);
      assert.throws(() => timeWindowForKey(sixHourly, key), (error: unknown) => isArcoError(error) && error.code === 'UNKNOWN_PARTITION', key);
    }
  });
});

describe('keys must round-trip through fmt', () => {
  const hourly = hourlyPartitions({ start: '2020-01-01-00:00', timezone: 'America/Los_Angeles' });
  const daily = dailyPartitions({ start: '2024-01-01' });
  const table: Array<[PartitionsDefinition, string, boolean]> = [
    [hourly, '2020-11-01-01:00', true],
    [hourly, '2020-11-01-01:00-0800', true],
    [hourly, '2020-11-01-01:00-0700', false],
    [hourly, '2020-11-01-02:00-0800', false],
    [hourly, '2020-3-8-01:00', false],
    [hourly, '2020-03-08-01:30', false],
    [hourly, '2019-12-31-23:00', false],
    [daily, '2024-01-05', true],
    [daily, '2024-1-5', false],
    [daily, '2024-01-05 ', false],
    [daily, '2024-02-30', false],
    [daily, '', false],
  ];
  for (const [definition, key, expected] of table) {
    test(`${expected ? 'accepts' : 'rejects'} ${JSON.stringify(key)} (${definition.kind === 'timeWindow' ? definition.fmt : ''})`, () => {
      assert.equal(hasPartitionKey(definition, key, ctx(FAR_FUTURE)), expected);
      assert.equal(partitionIndex(definition, key, ctx(FAR_FUTURE)) >= 0, expected);
    });
  }

  test('a key whose window has not ended is not a partition yet, but still has a window', () => {
    assert.equal(hasPartitionKey(daily, '2024-01-05', ctx('2024-01-05T12:00:00Z')), false);
    assert.equal(timeWindowForKey(daily, '2024-01-05').start, '2024-01-05T00:00:00+00:00');
  });

  test('timeWindowForKey rejects a key that names no window with UNKNOWN_PARTITION', () => {
    assert.throws(
      () => timeWindowForKey(daily, '2023-12-31'),
      (error: unknown) => isArcoError(error) && error.code === 'UNKNOWN_PARTITION' && error.details?.key === '2023-12-31',
    );
  });
});

describe('stored definitions', () => {
  const stored = { kind: 'timeWindow', cron: '0 0 * * *', start: '2024-01-01T00:00:00+00:00', timezone: 'UTC', fmt: '%Y-%m-%d', endOffset: 0 } as const;
  test('a definition read back from storage answers like the one built', () => {
    const revived: PartitionsDefinition = JSON.parse(JSON.stringify(dailyPartitions({ start: '2024-01-01' })));
    assert.deepEqual(keysAt(revived, '2024-01-03T00:00:00Z'), ['2024-01-01', '2024-01-02']);
    assert.deepEqual(keysAt(stored, '2024-01-03T00:00:00Z'), ['2024-01-01', '2024-01-02']);
  });
  const corrupt: Array<[string, PartitionsDefinition]> = [
    ['start', { ...stored, start: '2024-01-01' }],
    ['end', { ...stored, end: 'soon' }],
    ['cron', { ...stored, cron: '0 0 31 2 *' }],
    ['timezone', { ...stored, timezone: 'Nowhere/Town' }],
    ['fmt', { ...stored, fmt: '%Q' }],
  ];
  for (const [field, definition] of corrupt) {
    test(`a stored definition with a malformed ${field} is INVALID_PARTITIONS_DEFINITION naming it`, () => {
      assert.throws(
        () => partitionCount(definition, ctx(FAR_FUTURE)),
        (error: unknown) => isArcoError(error) && error.code === 'INVALID_PARTITIONS_DEFINITION' && error.details?.field === field,
      );
    });
  }
});

describe('count, membership and positions agree with the list', () => {
  const definitions: Array<[string, PartitionsDefinition, string]> = [
    ['hourly across both 2020 transitions in Los Angeles', hourlyPartitions({ start: '2020-03-01-00:00', timezone: 'America/Los_Angeles' }), '2020-11-10T00:00:00Z'],
    ['daily in Sydney', dailyPartitions({ start: '2020-01-01', timezone: 'Australia/Sydney' }), '2021-06-01T00:00:00Z'],
    ['weekly on Mondays at 02:30 in Berlin', weeklyPartitions({ start: '2019-01-01', dayOffset: 1, hourOffset: 2, minuteOffset: 30, timezone: 'Europe/Berlin' }), '2022-01-01T00:00:00Z'],
    ['monthly on the 31st', monthlyPartitions({ start: '2020-01-01', dayOffset: 31 }), '2024-01-01T00:00:00Z'],
    ['business hours every 20 minutes', timeWindowPartitions({ cron: '*/20 9-17 * * 1-5', start: '2024-01-01', fmt: '%Y-%m-%dT%H:%M', timezone: 'America/New_York' }), '2024-04-01T00:00:00Z'],
  ];
  for (const [what, definition, now] of definitions) {
    test(what, () => {
      const context = ctx(now);
      const keys = keysAt(definition, now);
      assert.equal(partitionCount(definition, context), keys.length);
      assert.equal(new Set(keys).size, keys.length);
      for (let i = 0; i < keys.length; i += Math.max(1, Math.floor(keys.length / 40))) {
        assert.equal(partitionIndex(definition, keys[i] as string, context), i, keys[i]);
        assert.equal(partitionKeyAt(definition, i, context), keys[i]);
      }
      assert.equal(partitionKeyAt(definition, keys.length - 1, context), keys[keys.length - 1]);
    });
  }
});
