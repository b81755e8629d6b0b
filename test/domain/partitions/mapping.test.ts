import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  dailyPartitions,
  dynamicPartitions,
  hourlyPartitions,
  multiPartitions,
  staticPartitions,
} from '../../../src/authoring/partitions.js';
import {
  defaultPartitionMapping,
  validatePartitionMapping,
  type PartitionMapping,
  type PartitionsDefinition,
} from '../../../src/domain/partitions/index.js';
import { isArcoError } from '../../../src/domain/errors/index.js';

const daily = dailyPartitions({ start: '2024-01-01' });
const dailyLa = dailyPartitions({ start: '2024-01-01', timezone: 'America/Los_Angeles' });
const hourly = hourlyPartitions({ start: '2024-01-01-00:00' });
const letters = staticPartitions(['a', 'b']);
const numbers = staticPartitions(['1', '2']);
const dynamic = dynamicPartitions('things');
const dateByLetter = multiPartitions({ date: daily, letter: letters });
const hourByLetter = multiPartitions({ hour: hourly, letter: letters });
const lettersByNumbers = multiPartitions({ l: letters, n: numbers });

describe('defaultPartitionMapping', () => {
  const table: Array<[string, PartitionsDefinition | undefined, PartitionsDefinition | undefined, PartitionMapping['kind']]> = [
    ['unpartitioned upstream', undefined, daily, 'allPartitions'],
    ['unpartitioned downstream', daily, undefined, 'allPartitions'],
    ['both unpartitioned', undefined, undefined, 'allPartitions'],
    ['multi upstream of one of its dimensions', dateByLetter, letters, 'multiToSingleDimension'],
    ['one dimension upstream of a multi', daily, dateByLetter, 'multiToSingleDimension'],
    ['a time window and a multi with one time dimension', daily, hourByLetter, 'multiToSingleDimension'],
    ['two time windows', hourly, daily, 'timeWindow'],
    ['two static definitions', letters, numbers, 'identity'],
    ['a multi and an unrelated static', lettersByNumbers, staticPartitions(['z']), 'identity'],
    ['two dynamic definitions', dynamic, dynamic, 'identity'],
  ];
  for (const [what, upstream, downstream, kind] of table) {
    test(`${what} → ${kind}`, () => {
      assert.equal(defaultPartitionMapping(upstream, downstream).kind, kind);
    });
  }
  test('the default time-window mapping has no offsets and reports missing upstream windows', () => {
    assert.deepEqual(defaultPartitionMapping(hourly, daily), { kind: 'timeWindow', startOffset: 0, endOffset: 0, allowNonexistentUpstream: false });
  });
});

describe('validatePartitionMapping', () => {
  const tw: PartitionMapping = { kind: 'timeWindow', startOffset: 0, endOffset: 0, allowNonexistentUpstream: false };
  const bad: Array<[string, PartitionMapping, PartitionsDefinition | undefined, PartitionsDefinition | undefined, string]> = [
    ['identity between different kinds', { kind: 'identity' }, letters, daily, 'KIND_MISMATCH'],
    ['identity with an unpartitioned side', { kind: 'identity' }, undefined, daily, 'UNPARTITIONED'],
    ['time-window with a static side', tw, letters, daily, 'NOT_TIME_WINDOW'],
    ['time-window across timezones', tw, daily, dailyLa, 'TIMEZONE_MISMATCH'],
    ['time-window with fractional offsets', { ...tw, startOffset: 0.5 }, daily, daily, 'OFFSET_NOT_INTEGER'],
    ['last-partition of an unpartitioned upstream', { kind: 'lastPartition' }, undefined, daily, 'UPSTREAM_UNPARTITIONED'],
    ['specific keys the upstream lacks', { kind: 'specificPartitions', keys: ['a', 'zz'] }, letters, undefined, 'UNKNOWN_UPSTREAM_KEY'],
    ['static between time windows', { kind: 'static', downstreamKeysByUpstreamKey: {} }, daily, daily, 'NOT_STATIC'],
    ['static from a key the upstream lacks', { kind: 'static', downstreamKeysByUpstreamKey: { c: ['1'] } }, letters, numbers, 'UNKNOWN_UPSTREAM_KEY'],
    ['static to a key the downstream lacks', { kind: 'static', downstreamKeysByUpstreamKey: { a: ['3'] } }, letters, numbers, 'UNKNOWN_DOWNSTREAM_KEY'],
    ['multi-to-single between two multis', { kind: 'multiToSingleDimension' }, dateByLetter, dateByLetter, 'NOT_ONE_MULTI'],
    ['multi-to-single without a matching dimension', { kind: 'multiToSingleDimension' }, lettersByNumbers, staticPartitions(['q']), 'NO_MATCHING_DIMENSION'],
    ['multi-to-single naming an unknown dimension', { kind: 'multiToSingleDimension', dimension: 'nope' }, dateByLetter, letters, 'UNKNOWN_DIMENSION'],
    ['multi-to-single with an unpartitioned side', { kind: 'multiToSingleDimension' }, dateByLetter, undefined, 'SINGLE_UNPARTITIONED'],
    ['multi-to-single where both dimensions match', { kind: 'multiToSingleDimension' }, multiPartitions({ x: letters, y: letters }), letters, 'AMBIGUOUS_DIMENSION'],
  ];
  for (const [what, mapping, upstream, downstream, reason] of bad) {
    test(`refuses ${what} (${reason})`, () => {
      assert.throws(
        () => validatePartitionMapping(mapping, upstream, downstream),
        (error: unknown) =>
          isArcoError(error) && error.code === 'INVALID_PARTITION_MAPPING' && error.details?.reason === reason && error.details?.mapping === mapping.kind,
      );
    });
  }

  const good: Array<[string, PartitionMapping, PartitionsDefinition | undefined, PartitionsDefinition | undefined]> = [
    ['identity between static definitions with other keys', { kind: 'identity' }, letters, numbers],
    ['all-partitions from unpartitioned', { kind: 'allPartitions' }, undefined, daily],
    ['time-window hourly to daily', tw, hourly, daily],
    ['static with known keys', { kind: 'static', downstreamKeysByUpstreamKey: { a: ['1', '2'] } }, letters, numbers],
    ['specific keys of a time window', { kind: 'specificPartitions', keys: ['2024-01-01'] }, daily, undefined],
    ['multi-to-single naming the dimension', { kind: 'multiToSingleDimension', dimension: 'y' }, multiPartitions({ x: letters, y: letters }), letters],
  ];
  for (const [what, mapping, upstream, downstream] of good) {
    test(`accepts ${what}`, () => {
      assert.doesNotThrow(() => validatePartitionMapping(mapping, upstream, downstream));
    });
  }
});
