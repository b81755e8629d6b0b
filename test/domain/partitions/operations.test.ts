import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dailyPartitions, hourlyPartitions, multiPartitions, staticPartitions } from '../../../src/authoring/partitions.js';
import {
  partitionKeyAt,
  partitionKeysBetween,
  partitionRangeOf,
  timeWindowForKey,
  type PartitionsContext,
  type PartitionsDefinition,
} from '../../../src/domain/partitions/index.js';
import { isArcoError } from '../../../src/domain/errors/index.js';

const ctx: PartitionsContext = { nowEpochMs: Date.parse('2024-01-06T00:00:00Z'), dynamicKeys: () => [] };
const daily = dailyPartitions({ start: '2024-01-01' });
const letters = staticPartitions(['a', 'b', 'c', 'd']);
const multi = multiPartitions({ date: daily, letter: staticPartitions(['x', 'y']) });

function rejects(action: () => unknown, code: string, details: Record<string, unknown>): void {
  assert.throws(action, (error: unknown) => {
    assert.ok(isArcoError(error));
    assert.equal(error.code, code);
    for (const [key, value] of Object.entries(details)) assert.deepEqual(error.details?.[key], value, key);
    return true;
  });
}

describe('partitionKeysBetween', () => {
  const table: Array<[string, PartitionsDefinition, string, string, string[]]> = [
    ['static keys in definition order', letters, 'b', 'd', ['b', 'c', 'd']],
    ['one key', letters, 'c', 'c', ['c']],
    ['daily keys', daily, '2024-01-02', '2024-01-04', ['2024-01-02', '2024-01-03', '2024-01-04']],
    ['a slice of the multi order', multi, '2024-01-01|y', '2024-01-02|y', ['2024-01-01|y', '2024-01-02|x', '2024-01-02|y']],
  ];
  for (const [what, definition, start, end, expected] of table) {
    test(`returns ${what}, both ends included`, () => {
      assert.deepEqual(partitionKeysBetween(definition, start, end, ctx), expected);
    });
  }

  test('refuses a range that runs backwards', () => {
    rejects(() => partitionKeysBetween(letters, 'c', 'a', ctx), 'INVALID_PARTITION_RANGE', { start: 'c', end: 'a', reason: 'start is after end' });
  });
  test('refuses an endpoint outside the definition', () => {
    rejects(() => partitionKeysBetween(letters, 'z', 'a', ctx), 'INVALID_PARTITION_RANGE', { reason: 'start is not a partition' });
    rejects(() => partitionKeysBetween(daily, '2024-01-01', '2024-01-06', ctx), 'INVALID_PARTITION_RANGE', { reason: 'end is not a partition' });
  });
});

describe('partitionKeyAt', () => {
  test('refuses positions outside the partitions with UNKNOWN_PARTITION', () => {
    assert.equal(partitionKeyAt(letters, 3, ctx), 'd');
    for (const index of [-1, 4, 1.5]) rejects(() => partitionKeyAt(letters, index, ctx), 'UNKNOWN_PARTITION', { index, count: 4 });
  });
});

describe('partitionRangeOf', () => {
  const table: Array<[string[], { start: string; end: string } | undefined]> = [
    [['c', 'b', 'd', 'b'], { start: 'b', end: 'd' }],
    [['a'], { start: 'a', end: 'a' }],
    [['a', 'c'], undefined],
    [['a', 'zz'], undefined],
    [[], undefined],
  ];
  for (const [keys, expected] of table) {
    test(`${JSON.stringify(keys)} ${expected ? `is the range ${expected.start}...${expected.end}` : 'is not one range'}`, () => {
      assert.deepEqual(partitionRangeOf(keys, letters, ctx), expected);
    });
  }
});

describe('timeWindowForKey', () => {
  test('gives the window of the time dimension of a multi key', () => {
    assert.equal(timeWindowForKey(multi, '2024-01-03|x').start, '2024-01-03T00:00:00+00:00');
  });
  test('refuses definitions without one time dimension with NOT_TIME_PARTITIONED', () => {
    rejects(() => timeWindowForKey(letters, 'a'), 'NOT_TIME_PARTITIONED', { kind: 'static' });
    rejects(() => timeWindowForKey(multiPartitions({ a: letters, b: letters }), 'a|b'), 'NOT_TIME_PARTITIONED', { kind: 'multi' });
    const twoTimes = multiPartitions({ a: daily, b: hourlyPartitions({ start: '2024-01-01-00:00' }) });
    rejects(() => timeWindowForKey(twoTimes, '2024-01-01|2024-01-01-00:00'), 'NOT_TIME_PARTITIONED', { kind: 'multi' });
  });
  test('refuses a malformed multi key with UNKNOWN_PARTITION', () => {
    rejects(() => timeWindowForKey(multi, '2024-01-03'), 'UNKNOWN_PARTITION', { key: '2024-01-03' });
  });
});
