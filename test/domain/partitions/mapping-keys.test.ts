/**
 * Goal: every partition mapping answers "what does this partition read" and "what does this
 * partition feed" as Dagster's mapping of the same name does. Method: small definitions, a fixed
 * now, and the expected keys per direction; missing upstream partitions are checked both as the
 * error of `upstreamPartitionKeys` and as the list of `upstreamPartitions`.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  allPartitionsMapping,
  dailyPartitions,
  hourlyPartitions,
  identityMapping,
  lastPartitionMapping,
  multiPartitions,
  multiPartitionMapping,
  multiToSingleDimensionMapping,
  specificPartitionsMapping,
  staticMapping,
  staticPartitions,
  timeWindowMapping,
  weeklyPartitions,
} from '../../../src/authoring/partitions.js';
import {
  downstreamPartitionKeys,
  upstreamPartitionKeys,
  upstreamPartitions,
  type PartitionsContext,
} from '../../../src/domain/partitions/index.js';
import { isArcoError } from '../../../src/domain/errors/index.js';

const ctx: PartitionsContext = { nowEpochMs: Date.parse('2024-01-05T00:00:00Z'), dynamicKeys: () => [] };
const daily = dailyPartitions({ start: '2024-01-01' });
const hourly = hourlyPartitions({ start: '2024-01-01-00:00' });
const letters = staticPartitions(['a', 'b', 'c']);
const moreLetters = staticPartitions(['a', 'b', 'c', 'd']);
const numbers = staticPartitions(['1', '2', '3']);
const hours = (day: string): string[] => Array.from({ length: 24 }, (_, h) => `${day}-${String(h).padStart(2, '0')}:00`);

function rejects(action: () => unknown, code: string, details: Record<string, unknown> = {}): void {
  assert.throws(action, (error: unknown) => {
    assert.ok(isArcoError(error), String(error));
    assert.equal(error.code, code);
    for (const [key, value] of Object.entries(details)) assert.deepEqual(error.details?.[key], value, key);
    return true;
  });
}

describe('identity mapping', () => {
  test('reads and feeds the same keys, in definition order', () => {
    assert.deepEqual(upstreamPartitionKeys(identityMapping(), moreLetters, letters, ['c', 'a'], ctx), ['a', 'c']);
    assert.deepEqual(downstreamPartitionKeys(identityMapping(), moreLetters, letters, ['d', 'b'], ctx), ['b']);
  });
  test('a key the upstream lacks is a missing upstream partition', () => {
    rejects(() => upstreamPartitionKeys(identityMapping(), letters, moreLetters, ['a', 'd'], ctx), 'NONEXISTENT_UPSTREAM_PARTITION', { keys: ['d'], count: 1 });
    assert.deepEqual(upstreamPartitions(identityMapping(), letters, moreLetters, ['a', 'd'], ctx), { keys: ['a'], nonexistentKeys: ['d'] });
  });
});

describe('time-window mapping', () => {
  const overlap = timeWindowMapping();
  test('a day reads the 24 hours of that day', () => {
    assert.deepEqual(upstreamPartitionKeys(overlap, hourly, daily, ['2024-01-02'], ctx), hours('2024-01-02'));
  });
  test('an hour feeds the day containing it', () => {
    assert.deepEqual(downstreamPartitionKeys(overlap, hourly, daily, ['2024-01-02-13:00'], ctx), ['2024-01-02']);
  });
  test('an hour reads the day containing it, and a day feeds its hours', () => {
    assert.deepEqual(upstreamPartitionKeys(overlap, daily, hourly, ['2024-01-03-05:00', '2024-01-03-06:00'], ctx), ['2024-01-03']);
    assert.deepEqual(downstreamPartitionKeys(overlap, daily, hourly, ['2024-01-04'], ctx), hours('2024-01-04'));
  });
  test('a week reads the days it overlaps, including partial weeks', () => {
    const weekly = weeklyPartitions({ start: '2023-12-31' });
    const later = { ...ctx, nowEpochMs: Date.parse('2024-01-20T00:00:00Z') };
    assert.deepEqual(upstreamPartitionKeys(overlap, daily, weekly, ['2024-01-07'], later), [
      '2024-01-07', '2024-01-08', '2024-01-09', '2024-01-10', '2024-01-11', '2024-01-12', '2024-01-13',
    ]);
    assert.deepEqual(downstreamPartitionKeys(overlap, daily, weekly, ['2024-01-09'], later), ['2024-01-07']);
  });
  test('(-1, -1) reads the previous partition, and the first partition reads nothing', () => {
    const previous = timeWindowMapping({ startOffset: -1, endOffset: -1 });
    assert.deepEqual(upstreamPartitionKeys(previous, daily, daily, ['2024-01-03'], ctx), ['2024-01-02']);
    assert.deepEqual(upstreamPartitionKeys(previous, daily, daily, ['2024-01-01'], ctx), []);
    assert.deepEqual(downstreamPartitionKeys(previous, daily, daily, ['2024-01-02'], ctx), ['2024-01-03']);
    assert.deepEqual(downstreamPartitionKeys(previous, daily, daily, ['2024-01-04'], ctx), []);
  });
  test('offsets are in downstream periods: a day with startOffset -1 reads 48 hours', () => {
    const twoDays = timeWindowMapping({ startOffset: -1 });
    assert.deepEqual(upstreamPartitionKeys(twoDays, hourly, daily, ['2024-01-03'], ctx), [...hours('2024-01-02'), ...hours('2024-01-03')]);
    assert.deepEqual(downstreamPartitionKeys(twoDays, hourly, daily, ['2024-01-02-10:00'], ctx), ['2024-01-02', '2024-01-03']);
  });
  test('endOffset +1 past the last upstream partition is clamped, not missing', () => {
    assert.deepEqual(upstreamPartitionKeys(timeWindowMapping({ endOffset: 1 }), daily, daily, ['2024-01-04'], ctx), ['2024-01-04']);
  });
  test('windows before the upstream start are missing unless allowed', () => {
    const lateUpstream = dailyPartitions({ start: '2024-01-03' });
    rejects(() => upstreamPartitionKeys(overlap, lateUpstream, daily, ['2024-01-02'], ctx), 'NONEXISTENT_UPSTREAM_PARTITION', { keys: ['2024-01-02'] });
    const allowed = timeWindowMapping({ allowNonexistentUpstream: true });
    assert.deepEqual(upstreamPartitionKeys(allowed, lateUpstream, daily, ['2024-01-02', '2024-01-03'], ctx), ['2024-01-03']);
  });
  test('upstream hours that have not ended yet are missing', () => {
    const dailyNow = { ...ctx, nowEpochMs: Date.parse('2024-01-04T12:00:00Z') };
    const dailyAhead = dailyPartitions({ start: '2024-01-01', endOffset: 1 });
    const result = upstreamPartitions(overlap, hourly, dailyAhead, ['2024-01-04'], dailyNow);
    assert.deepEqual(result.keys, hours('2024-01-04').slice(0, 12));
    assert.deepEqual(result.nonexistentKeys, hours('2024-01-04').slice(12));
  });
  test('a downstream window that has not closed at now is mapped, its open upstream hours reported as required but nonexistent', () => {
    const midDay = { ...ctx, nowEpochMs: Date.parse('2024-01-04T12:00:00Z') };
    assert.deepEqual(upstreamPartitions(overlap, hourly, daily, ['2024-01-04'], midDay), {
      keys: hours('2024-01-04').slice(0, 12),
      nonexistentKeys: hours('2024-01-04').slice(12),
    });
    assert.deepEqual(downstreamPartitionKeys(overlap, daily, hourly, ['2024-01-04'], midDay), hours('2024-01-04').slice(0, 12));
  });
  test('mapping never fails on required upstream partitions that do not exist: it returns the existing keys beside them', () => {
    const lateUpstream = dailyPartitions({ start: '2024-01-03' });
    assert.deepEqual(upstreamPartitions(overlap, lateUpstream, daily, ['2024-01-02', '2024-01-03'], ctx), {
      keys: ['2024-01-03'],
      nonexistentKeys: ['2024-01-02'],
    });
  });
  test('a given key that names no window at all is UNKNOWN_PARTITION', () => {
    rejects(() => upstreamPartitions(overlap, hourly, daily, ['2023-12-31'], ctx), 'UNKNOWN_PARTITION', { key: '2023-12-31' });
    rejects(() => upstreamPartitions(overlap, hourly, daily, ['yesterday'], ctx), 'UNKNOWN_PARTITION', { key: 'yesterday' });
  });
  test('a DST day reads its 25 hours, including the repeated one', () => {
    const la = { timezone: 'America/Los_Angeles' };
    const hourlyLa = hourlyPartitions({ start: '2020-10-01-00:00', ...la });
    const dailyLa = dailyPartitions({ start: '2020-10-01', ...la });
    const keys = upstreamPartitionKeys(overlap, hourlyLa, dailyLa, ['2020-11-01'], { ...ctx, nowEpochMs: Date.parse('2020-12-01T00:00:00Z') });
    assert.equal(keys.length, 25);
    assert.deepEqual(keys.slice(0, 4), ['2020-11-01-00:00', '2020-11-01-01:00', '2020-11-01-01:00-0800', '2020-11-01-02:00']);
  });
});

describe('all-partitions mapping', () => {
  test('every downstream partition reads all upstream partitions, and each upstream feeds all', () => {
    assert.deepEqual(upstreamPartitionKeys(allPartitionsMapping(), letters, daily, ['2024-01-01'], ctx), ['a', 'b', 'c']);
    assert.deepEqual(downstreamPartitionKeys(allPartitionsMapping(), letters, numbers, ['b'], ctx), ['1', '2', '3']);
  });
  test('an unpartitioned side reads or feeds everything on the partitioned side', () => {
    assert.deepEqual(upstreamPartitionKeys(allPartitionsMapping(), letters, undefined, [], ctx), ['a', 'b', 'c']);
    assert.deepEqual(downstreamPartitionKeys(allPartitionsMapping(), undefined, numbers, [], ctx), ['1', '2', '3']);
    assert.deepEqual(upstreamPartitionKeys(allPartitionsMapping(), undefined, numbers, ['1'], ctx), []);
  });
  test('no downstream partitions read nothing', () => {
    assert.deepEqual(upstreamPartitionKeys(allPartitionsMapping(), letters, numbers, [], ctx), []);
  });
});

describe('last-partition mapping', () => {
  test('reads the last upstream partition; only that partition feeds downstream', () => {
    assert.deepEqual(upstreamPartitionKeys(lastPartitionMapping(), daily, undefined, [], ctx), ['2024-01-04']);
    assert.deepEqual(upstreamPartitionKeys(lastPartitionMapping(), daily, numbers, ['2'], ctx), ['2024-01-04']);
    assert.deepEqual(downstreamPartitionKeys(lastPartitionMapping(), daily, numbers, ['2024-01-04'], ctx), ['1', '2', '3']);
    assert.deepEqual(downstreamPartitionKeys(lastPartitionMapping(), daily, numbers, ['2024-01-03'], ctx), []);
  });
  test('reads nothing while the upstream has no partitions', () => {
    assert.deepEqual(upstreamPartitionKeys(lastPartitionMapping(), daily, undefined, [], { ...ctx, nowEpochMs: 0 }), []);
  });
});

describe('static mapping', () => {
  const mapping = staticMapping({ a: ['1', '2'], b: '2', c: [] });
  test('a downstream key reads every upstream key mapped to it', () => {
    assert.deepEqual(upstreamPartitionKeys(mapping, letters, numbers, ['2'], ctx), ['a', 'b']);
    assert.deepEqual(upstreamPartitionKeys(mapping, letters, numbers, ['3'], ctx), []);
  });
  test('an upstream key feeds the keys it maps to', () => {
    assert.deepEqual(downstreamPartitionKeys(mapping, letters, numbers, ['b', 'a'], ctx), ['1', '2']);
    assert.deepEqual(downstreamPartitionKeys(mapping, letters, numbers, ['c'], ctx), []);
  });
});

describe('specific-partitions mapping', () => {
  const mapping = specificPartitionsMapping(['c', 'a']);
  test('every downstream partition reads the named upstream keys', () => {
    assert.deepEqual(upstreamPartitionKeys(mapping, letters, daily, ['2024-01-02'], ctx), ['a', 'c']);
  });
  test('a named upstream key feeds every downstream partition; others feed none', () => {
    assert.deepEqual(downstreamPartitionKeys(mapping, letters, numbers, ['a'], ctx), ['1', '2', '3']);
    assert.deepEqual(downstreamPartitionKeys(mapping, letters, numbers, ['b'], ctx), []);
  });
  test('a named key missing from a dynamic or time upstream is a missing upstream partition', () => {
    rejects(() => upstreamPartitionKeys(specificPartitionsMapping(['2030-01-01']), daily, undefined, [], ctx), 'NONEXISTENT_UPSTREAM_PARTITION', { keys: ['2030-01-01'] });
  });
});

describe('multi-to-single-dimension mapping', () => {
  const dateByLetter = multiPartitions({ date: daily, letter: staticPartitions(['x', 'y']) });
  const mapping = multiToSingleDimensionMapping();
  test('a single key reads every multi key with it in the matching dimension', () => {
    assert.deepEqual(upstreamPartitionKeys(mapping, dateByLetter, daily, ['2024-01-02'], ctx), ['2024-01-02|x', '2024-01-02|y']);
    assert.deepEqual(downstreamPartitionKeys(mapping, daily, dateByLetter, ['2024-01-03'], ctx), ['2024-01-03|x', '2024-01-03|y']);
  });
  test('a multi key reads and feeds its value in the matching dimension', () => {
    assert.deepEqual(upstreamPartitionKeys(mapping, daily, dateByLetter, ['2024-01-02|y', '2024-01-02|x'], ctx), ['2024-01-02']);
    assert.deepEqual(downstreamPartitionKeys(mapping, dateByLetter, daily, ['2024-01-01|x', '2024-01-03|y'], ctx), ['2024-01-01', '2024-01-03']);
  });
  test('a named dimension picks among dimensions that both match', () => {
    const lettersTwice = multiPartitions({ first: letters, second: letters });
    const second = multiToSingleDimensionMapping({ dimension: 'second' });
    assert.deepEqual(upstreamPartitionKeys(second, lettersTwice, letters, ['b'], ctx), ['a|b', 'b|b', 'c|b']);
  });
  test('a daily single side aligns with an hourly time dimension by overlap', () => {
    const hourByLetter = multiPartitions({ hour: hourly, letter: staticPartitions(['x']) });
    assert.deepEqual(upstreamPartitionKeys(mapping, hourByLetter, daily, ['2024-01-02'], ctx), hours('2024-01-02').map((h) => `${h}|x`));
    assert.deepEqual(downstreamPartitionKeys(mapping, hourByLetter, daily, ['2024-01-02-07:00|x'], ctx), ['2024-01-02']);
  });
  test('a dimension value the upstream lacks is missing', () => {
    const earlyDaily = dailyPartitions({ start: '2023-12-30' });
    const later = multiPartitions({ date: daily, letter: staticPartitions(['x']) });
    rejects(() => upstreamPartitionKeys(multiToSingleDimensionMapping(), daily, multiPartitions({ date: earlyDaily, letter: staticPartitions(['x']) }), ['2023-12-30|x'], ctx), 'NONEXISTENT_UPSTREAM_PARTITION');
    assert.deepEqual(upstreamPartitions(multiToSingleDimensionMapping(), later, earlyDaily, ['2023-12-31'], ctx).nonexistentKeys, ['2023-12-31|x']);
  });
});

describe('checks on the inputs', () => {
  test('a downstream key that does not exist is UNKNOWN_PARTITION', () => {
    rejects(() => upstreamPartitionKeys(identityMapping(), letters, letters, ['z'], ctx), 'UNKNOWN_PARTITION', { key: 'z' });
    rejects(() => downstreamPartitionKeys(identityMapping(), letters, letters, ['2024-01-09'], ctx), 'UNKNOWN_PARTITION', { key: '2024-01-09' });
    rejects(() => upstreamPartitionKeys(allPartitionsMapping(), letters, undefined, ['a'], ctx), 'UNKNOWN_PARTITION');
  });
  test('a mapping that does not fit the definitions is INVALID_PARTITION_MAPPING', () => {
    rejects(() => upstreamPartitionKeys(timeWindowMapping(), letters, daily, ['2024-01-01'], ctx), 'INVALID_PARTITION_MAPPING', { reason: 'NOT_TIME_WINDOW' });
    rejects(() => downstreamPartitionKeys(staticMapping({}), daily, daily, [], ctx), 'INVALID_PARTITION_MAPPING', { reason: 'NOT_STATIC' });
  });
});

describe('multi-partition mapping', () => {
  const dateByRegion = multiPartitions({ date: daily, region: staticPartitions(['eu', 'us']) });
  const previousDay = timeWindowMapping({ startOffset: -1, endOffset: -1 });
  const sameRegionPreviousDay = multiPartitionMapping({ date: { dimension: 'date', mapping: previousDay }, region: { dimension: 'region', mapping: identityMapping() } });
  test('each dimension maps through its own mapping: a partition reads the previous day of its own region, and feeds the next day of it', () => {
    assert.deepEqual(upstreamPartitionKeys(sameRegionPreviousDay, dateByRegion, dateByRegion, ['2024-01-03|us'], ctx), ['2024-01-02|us']);
    assert.deepEqual(upstreamPartitionKeys(sameRegionPreviousDay, dateByRegion, dateByRegion, ['2024-01-03|us', '2024-01-02|eu'], ctx), ['2024-01-01|eu', '2024-01-02|us']);
    assert.deepEqual(downstreamPartitionKeys(sameRegionPreviousDay, dateByRegion, dateByRegion, ['2024-01-02|eu'], ctx), ['2024-01-03|eu']);
  });
  test('an upstream dimension no entry names is read whole, a downstream one fed whole', () => {
    const previousDayAnyRegion = multiPartitionMapping({ date: { dimension: 'date', mapping: previousDay } });
    assert.deepEqual(upstreamPartitionKeys(previousDayAnyRegion, dateByRegion, dateByRegion, ['2024-01-03|us'], ctx), ['2024-01-02|eu', '2024-01-02|us']);
    assert.deepEqual(downstreamPartitionKeys(previousDayAnyRegion, dateByRegion, dateByRegion, ['2024-01-02|eu'], ctx), ['2024-01-03|eu', '2024-01-03|us']);
  });
  test('dimensions of different names and definitions map through a static mapping; the two sides may order them differently', () => {
    const upstream = multiPartitions({ country: staticPartitions(['de', 'fr', 'us']), day: daily });
    const downstream = multiPartitions({ date: daily, region: staticPartitions(['eu', 'us']) });
    const mapping = multiPartitionMapping({ day: { dimension: 'date', mapping: identityMapping() }, country: { dimension: 'region', mapping: staticMapping({ de: 'eu', fr: 'eu', us: 'us' }) } });
    assert.deepEqual(upstreamPartitionKeys(mapping, upstream, downstream, ['2024-01-02|eu'], ctx), ['de|2024-01-02', 'fr|2024-01-02']);
    assert.deepEqual(downstreamPartitionKeys(mapping, upstream, downstream, ['fr|2024-01-04'], ctx), ['2024-01-04|eu']);
  });
  test('a required upstream partition that does not exist is missing, as with other mappings', () => {
    const laterUpstream = multiPartitions({ date: dailyPartitions({ start: '2024-01-02' }), region: staticPartitions(['eu', 'us']) });
    const sameDaySameRegion = multiPartitionMapping({ date: { dimension: 'date', mapping: identityMapping() }, region: { dimension: 'region', mapping: identityMapping() } });
    rejects(() => upstreamPartitionKeys(sameDaySameRegion, laterUpstream, dateByRegion, ['2024-01-01|eu'], ctx), 'NONEXISTENT_UPSTREAM_PARTITION', { keys: ['2024-01-01|eu'] });
    assert.deepEqual(upstreamPartitions(sameDaySameRegion, laterUpstream, dateByRegion, ['2024-01-01|eu', '2024-01-02|us'], ctx), { keys: ['2024-01-02|us'], nonexistentKeys: ['2024-01-01|eu'] });
  });
  test('a mapping that does not fit the definitions is INVALID_PARTITION_MAPPING naming why', () => {
    rejects(() => upstreamPartitionKeys(sameRegionPreviousDay, daily, dateByRegion, ['2024-01-02|eu'], ctx), 'INVALID_PARTITION_MAPPING', { reason: 'NOT_MULTI' });
    rejects(() => upstreamPartitionKeys(multiPartitionMapping({ day: { dimension: 'date', mapping: identityMapping() } }), dateByRegion, dateByRegion, [], ctx), 'INVALID_PARTITION_MAPPING', { reason: 'UNKNOWN_DIMENSION', dimension: 'day' });
    rejects(() => upstreamPartitionKeys(multiPartitionMapping({ date: { dimension: 'date', mapping: identityMapping() }, region: { dimension: 'date', mapping: identityMapping() } }), dateByRegion, dateByRegion, [], ctx), 'INVALID_PARTITION_MAPPING', { reason: 'DIMENSION_MAPPED_TWICE' });
    rejects(() => upstreamPartitionKeys(multiPartitionMapping({ region: { dimension: 'region', mapping: timeWindowMapping() } }), dateByRegion, dateByRegion, [], ctx), 'INVALID_PARTITION_MAPPING', { reason: 'INVALID_DIMENSION_MAPPING', dimension: 'region' });
    rejects(() => upstreamPartitionKeys(multiPartitionMapping({ region: { dimension: 'region', mapping: multiToSingleDimensionMapping() } }), dateByRegion, dateByRegion, [], ctx), 'INVALID_PARTITION_MAPPING', { reason: 'NOT_A_DIMENSION_MAPPING' });
  });
});
