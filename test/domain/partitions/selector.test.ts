import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dailyPartitions, hourlyPartitions, multiPartitions, staticPartitions } from '../../../src/authoring/partitions.js';
import {
  canonicalPartitionSelector,
  parsePartitionSelector,
  resolvePartitionSelector,
  resolveSelectorWithOpenWindows,
  type PartitionSelector,
  type PartitionsContext,
} from '../../../src/domain/partitions/index.js';
import { isArcoError } from '../../../src/domain/errors/index.js';

const ctx: PartitionsContext = { nowEpochMs: Date.parse('2024-01-04T00:00:00Z'), dynamicKeys: () => [] };
const daily = dailyPartitions({ start: '2024-01-01' });
const regions = staticPartitions(['us-east', 'us-west', 'eu-central']);
const multi = multiPartitions({ date: daily, region: regions });

function rejects(action: () => unknown, code: string, details: Record<string, unknown>): void {
  assert.throws(action, (error: unknown) => {
    assert.ok(isArcoError(error));
    assert.equal(error.code, code);
    for (const [key, value] of Object.entries(details)) assert.deepEqual(error.details?.[key], value, key);
    return true;
  });
}

describe('parsePartitionSelector', () => {
  const table: Array<[string | string[], PartitionSelector]> = [
    ['2024-01-01...2024-01-03', { kind: 'range', start: '2024-01-01', end: '2024-01-03' }],
    ['2024-01-01', { kind: 'explicit', keys: ['2024-01-01'] }],
    [['b', 'a'], { kind: 'explicit', keys: ['b', 'a'] }],
    ['2024-01-01|us-east...2024-01-02|eu-central', { kind: 'range', start: '2024-01-01|us-east', end: '2024-01-02|eu-central' }],
  ];
  for (const [input, expected] of table) {
    test(`reads ${JSON.stringify(input)} as ${expected.kind}`, () => {
      assert.deepEqual(parsePartitionSelector(input), expected);
    });
  }
  for (const input of ['', 'a...', '...b', 'a...b...c', ['a', '']]) {
    test(`refuses ${JSON.stringify(input)} with INVALID_PARTITION_SELECTOR`, () => {
      rejects(() => parsePartitionSelector(input), 'INVALID_PARTITION_SELECTOR', {});
    });
  }
});

describe('resolvePartitionSelector', () => {
  test('explicit keys come back in definition order without repeats', () => {
    assert.deepEqual(
      resolvePartitionSelector(regions, { kind: 'explicit', keys: ['eu-central', 'us-east', 'eu-central'] }, ctx),
      ['us-east', 'eu-central'],
    );
  });
  test('an explicit key that does not exist is UNKNOWN_PARTITION naming it', () => {
    rejects(() => resolvePartitionSelector(daily, { kind: 'explicit', keys: ['2024-01-01', '2024-01-09'] }, ctx), 'UNKNOWN_PARTITION', { key: '2024-01-09' });
  });
  test('a range resolves inclusively and checks its endpoints', () => {
    assert.deepEqual(resolvePartitionSelector(daily, parsePartitionSelector('2024-01-02...2024-01-03'), ctx), ['2024-01-02', '2024-01-03']);
    rejects(() => resolvePartitionSelector(daily, parsePartitionSelector('2024-01-03...2024-01-02'), ctx), 'INVALID_PARTITION_RANGE', { reason: 'start is after end' });
    rejects(() => resolvePartitionSelector(daily, parsePartitionSelector('2023-12-31...2024-01-02'), ctx), 'INVALID_PARTITION_RANGE', { start: '2023-12-31' });
  });
  test('all is every existing key', () => {
    assert.deepEqual(resolvePartitionSelector(daily, { kind: 'all' }, ctx), ['2024-01-01', '2024-01-02', '2024-01-03']);
  });
  test('a dimension filter keeps the chosen values of each dimension, in definition order', () => {
    assert.deepEqual(
      resolvePartitionSelector(multi, { kind: 'filter', dimensions: { region: ['eu-central', 'us-east'], date: ['2024-01-03', '2024-01-02'] } }, ctx),
      ['2024-01-02|us-east', '2024-01-02|eu-central', '2024-01-03|us-east', '2024-01-03|eu-central'],
    );
  });
  test('a pattern filter matches whole keys with * as a wildcard', () => {
    assert.deepEqual(resolvePartitionSelector(regions, { kind: 'filter', pattern: 'us-*' }, ctx), ['us-east', 'us-west']);
    assert.deepEqual(resolvePartitionSelector(multi, { kind: 'filter', dimensions: { date: ['2024-01-01'] }, pattern: '*west' }, ctx), ['2024-01-01|us-west']);
    assert.deepEqual(resolvePartitionSelector(regions, { kind: 'filter', pattern: 'us' }, ctx), []);
  });
  test('a filter naming an unknown dimension is INVALID_PARTITION_SELECTOR', () => {
    rejects(() => resolvePartitionSelector(multi, { kind: 'filter', dimensions: { country: ['fr'] } }, ctx), 'INVALID_PARTITION_SELECTOR', { dimension: 'country' });
    rejects(() => resolvePartitionSelector(regions, { kind: 'filter', dimensions: { region: ['us-east'] } }, ctx), 'INVALID_PARTITION_SELECTOR', { dimension: 'region' });
  });
});

describe('resolveSelectorWithOpenWindows (keys given to a partition mapping)', () => {
  const hourly = hourlyPartitions({ start: '2021-05-05-00:00' });
  const midMay8 = { ...ctx, nowEpochMs: Date.parse('2021-05-08T12:00:00Z') };
  test('an hourly range 2021-05-07-05:00...2021-05-09-09:00 names every hour of it, also those not closed at now', () => {
    const keys = resolveSelectorWithOpenWindows(hourly, parsePartitionSelector('2021-05-07-05:00...2021-05-09-09:00'), midMay8);
    assert.equal(keys.length, 19 + 24 + 10);
    assert.deepEqual([keys[0], keys[keys.length - 1]], ['2021-05-07-05:00', '2021-05-09-09:00']);
  });
  test('explicit keys of windows not closed at now are kept, in input order without repeats', () => {
    assert.deepEqual(resolveSelectorWithOpenWindows(hourly, parsePartitionSelector('2021-05-09-01:00,2021-05-07-00:00,2021-05-09-01:00'), midMay8), [
      '2021-05-09-01:00',
      '2021-05-07-00:00',
    ]);
    assert.deepEqual(resolveSelectorWithOpenWindows(multi, parsePartitionSelector('2024-01-09|us-east'), ctx), ['2024-01-09|us-east']);
  });
  test('a key or endpoint that names no partition is still refused', () => {
    rejects(() => resolveSelectorWithOpenWindows(hourly, parsePartitionSelector('2021-05-04-23:00'), midMay8), 'UNKNOWN_PARTITION', { key: '2021-05-04-23:00' });
    rejects(() => resolveSelectorWithOpenWindows(multi, parsePartitionSelector('2024-01-09|apac'), ctx), 'UNKNOWN_PARTITION', { key: '2024-01-09|apac' });
    rejects(() => resolveSelectorWithOpenWindows(hourly, parsePartitionSelector('2021-05-09-09:00...2021-05-07-05:00'), midMay8), 'INVALID_PARTITION_RANGE', { reason: 'start is after end' });
  });
  test('all names only the partitions that exist', () => {
    assert.deepEqual(resolveSelectorWithOpenWindows(daily, { kind: 'all' }, ctx), ['2024-01-01', '2024-01-02', '2024-01-03']);
  });
});

describe('canonicalPartitionSelector', () => {
  test('does not depend on the order or repeats of the input', () => {
    const a = canonicalPartitionSelector({ kind: 'explicit', keys: ['b', 'a', 'b'] });
    const b = canonicalPartitionSelector({ kind: 'explicit', keys: ['a', 'b'] });
    assert.deepEqual(a, { kind: 'explicit', keys: ['a', 'b'] });
    assert.equal(JSON.stringify(a), JSON.stringify(b));
  });
  test('sorts filter dimensions and values and keeps the pattern', () => {
    const one = canonicalPartitionSelector({ kind: 'filter', dimensions: { region: ['us', 'eu', 'us'], date: ['2024-01-02', '2024-01-01'] }, pattern: '*' });
    const two = canonicalPartitionSelector({ kind: 'filter', pattern: '*', dimensions: { date: ['2024-01-01', '2024-01-02'], region: ['eu', 'us'] } });
    assert.equal(JSON.stringify(one), JSON.stringify(two));
    assert.deepEqual(one, { kind: 'filter', dimensions: { date: ['2024-01-01', '2024-01-02'], region: ['eu', 'us'] }, pattern: '*' });
  });
  test('keeps ranges and all as they are', () => {
    assert.deepEqual(canonicalPartitionSelector({ kind: 'range', start: 'a', end: 'b' }), { kind: 'range', start: 'a', end: 'b' });
    assert.deepEqual(canonicalPartitionSelector({ kind: 'all' }), { kind: 'all' });
  });
});
