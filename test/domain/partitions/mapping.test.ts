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
  const table: [title: string, upstream: PartitionsDefinition | undefined, downstream: PartitionsDefinition | undefined, kind: PartitionMapping['kind']][] = [
    ['a partitioned asset depends on all of an unpartitioned upstream (allPartitions)', undefined, daily, 'allPartitions'],
    ['an unpartitioned asset depends on all partitions of its upstream (allPartitions)', daily, undefined, 'allPartitions'],
    ['two unpartitioned assets map all to all (allPartitions)', undefined, undefined, 'allPartitions'],
    ['an asset partitioned like one dimension of its multi-partitioned upstream maps through that dimension (multiToSingleDimension)', dateByLetter, letters, 'multiToSingleDimension'],
    ['a multi-partitioned asset whose upstream is partitioned like one of its dimensions maps through that dimension (multiToSingleDimension)', daily, dateByLetter, 'multiToSingleDimension'],
    ['a multi-partitioned asset with one time dimension maps a daily upstream through that dimension (multiToSingleDimension)', daily, hourByLetter, 'multiToSingleDimension'],
    ['two time-window assets map by overlapping windows (timeWindow)', hourly, daily, 'timeWindow'],
    ['two static assets map key to key (identity)', letters, numbers, 'identity'],
    ['a multi-partitioned asset and an unrelated static asset map key to key (identity)', lettersByNumbers, staticPartitions(['z']), 'identity'],
    ['two assets on one dynamic partitions set map key to key (identity)', dynamic, dynamic, 'identity'],
  ];
  for (const [title, upstream, downstream, kind] of table) {
    test(title, () => {
      assert.equal(defaultPartitionMapping(upstream, downstream).kind, kind);
    });
  }
  test('the default time-window mapping has no offsets and reports missing upstream windows', () => {
    assert.deepEqual(defaultPartitionMapping(hourly, daily), { kind: 'timeWindow', startOffset: 0, endOffset: 0, allowNonexistentUpstream: false });
  });
});

describe('validatePartitionMapping', () => {
  const tw: PartitionMapping = { kind: 'timeWindow', startOffset: 0, endOffset: 0, allowNonexistentUpstream: false };
  const bad: [title: string, mapping: PartitionMapping, upstream: PartitionsDefinition | undefined, downstream: PartitionsDefinition | undefined, reason: string][] = [
    ['refuses identity between different kinds (KIND_MISMATCH)', { kind: 'identity' }, letters, daily, 'KIND_MISMATCH'],
    ['refuses identity with an unpartitioned side (UNPARTITIONED)', { kind: 'identity' }, undefined, daily, 'UNPARTITIONED'],
    ['refuses time-window with a static side (NOT_TIME_WINDOW)', tw, letters, daily, 'NOT_TIME_WINDOW'],
    ['refuses time-window across timezones (TIMEZONE_MISMATCH)', tw, daily, dailyLa, 'TIMEZONE_MISMATCH'],
    ['refuses time-window with fractional offsets (OFFSET_NOT_INTEGER)', { ...tw, startOffset: 0.5 }, daily, daily, 'OFFSET_NOT_INTEGER'],
    ['refuses last-partition of an unpartitioned upstream (UPSTREAM_UNPARTITIONED)', { kind: 'lastPartition' }, undefined, daily, 'UPSTREAM_UNPARTITIONED'],
    ['refuses specific keys the upstream lacks (UNKNOWN_UPSTREAM_KEY)', { kind: 'specificPartitions', keys: ['a', 'zz'] }, letters, undefined, 'UNKNOWN_UPSTREAM_KEY'],
    ['refuses static between time windows (NOT_STATIC)', { kind: 'static', downstreamKeysByUpstreamKey: {} }, daily, daily, 'NOT_STATIC'],
    ['refuses static from a key the upstream lacks (UNKNOWN_UPSTREAM_KEY)', { kind: 'static', downstreamKeysByUpstreamKey: { c: ['1'] } }, letters, numbers, 'UNKNOWN_UPSTREAM_KEY'],
    ['refuses static to a key the downstream lacks (UNKNOWN_DOWNSTREAM_KEY)', { kind: 'static', downstreamKeysByUpstreamKey: { a: ['3'] } }, letters, numbers, 'UNKNOWN_DOWNSTREAM_KEY'],
    ['refuses multi-to-single between two multis (NOT_ONE_MULTI)', { kind: 'multiToSingleDimension' }, dateByLetter, dateByLetter, 'NOT_ONE_MULTI'],
    ['refuses multi-to-single without a matching dimension (NO_MATCHING_DIMENSION)', { kind: 'multiToSingleDimension' }, lettersByNumbers, staticPartitions(['q']), 'NO_MATCHING_DIMENSION'],
    ['refuses multi-to-single naming an unknown dimension (UNKNOWN_DIMENSION)', { kind: 'multiToSingleDimension', dimension: 'nope' }, dateByLetter, letters, 'UNKNOWN_DIMENSION'],
    ['refuses multi-to-single with an unpartitioned side (SINGLE_UNPARTITIONED)', { kind: 'multiToSingleDimension' }, dateByLetter, undefined, 'SINGLE_UNPARTITIONED'],
    ['refuses multi-to-single where both dimensions match (AMBIGUOUS_DIMENSION)', { kind: 'multiToSingleDimension' }, multiPartitions({ x: letters, y: letters }), letters, 'AMBIGUOUS_DIMENSION'],
  ];
  for (const [title, mapping, upstream, downstream, reason] of bad) {
    test(title, () => {
      assert.throws(
        () => validatePartitionMapping(mapping, upstream, downstream),
        (error: unknown) =>
          isArcoError(error) && error.code === 'INVALID_PARTITION_MAPPING' && error.details?.reason === reason && error.details?.mapping === mapping.kind,
      );
    });
  }

  const good: [title: string, mapping: PartitionMapping, upstream: PartitionsDefinition | undefined, downstream: PartitionsDefinition | undefined][] = [
    ['accepts identity between static definitions with other keys', { kind: 'identity' }, letters, numbers],
    ['accepts all-partitions from unpartitioned', { kind: 'allPartitions' }, undefined, daily],
    ['accepts time-window hourly to daily', tw, hourly, daily],
    ['accepts static with known keys', { kind: 'static', downstreamKeysByUpstreamKey: { a: ['1', '2'] } }, letters, numbers],
    ['accepts specific keys of a time window', { kind: 'specificPartitions', keys: ['2024-01-01'] }, daily, undefined],
    ['accepts multi-to-single naming the dimension', { kind: 'multiToSingleDimension', dimension: 'y' }, multiPartitions({ x: letters, y: letters }), letters],
  ];
  for (const [title, mapping, upstream, downstream] of good) {
    test(title, () => {
      assert.doesNotThrow(() => validatePartitionMapping(mapping, upstream, downstream));
    });
  }
});
