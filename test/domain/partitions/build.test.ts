/**
 * Goal: partitions definitions are built as normalised plain data and bad input is refused with
 * INVALID_PARTITIONS_DEFINITION naming the field. Method: the user-facing constructors of
 * src/authoring/partitions.ts (thin zod shells over src/domain/partitions/build.ts) over tables of
 * good and bad input.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  allPartitionsMapping,
  dailyPartitions,
  dynamicPartitions,
  hourlyPartitions,
  identityMapping,
  lastPartitionMapping,
  monthlyPartitions,
  multiPartitions,
  multiToSingleDimensionMapping,
  specificPartitionsMapping,
  staticMapping,
  staticPartitions,
  timeWindowMapping,
  timeWindowPartitions,
  weeklyPartitions,
} from '../../../src/authoring/partitions.js';
import { buildTimeWindowDefinition, cadenceCron } from '../../../src/domain/partitions/index.js';
import { isArcoError, type ErrorCode } from '../../../src/domain/errors/index.js';

function assertRejects(action: () => unknown, code: ErrorCode, field: string | RegExp): void {
  assert.throws(action, (error: unknown) => {
    assert.ok(isArcoError(error), String(error));
    assert.equal(error.code, code);
    if (typeof field === 'string') assert.equal(error.details?.field, field);
    else assert.match(String(error.details?.field), field);
    return true;
  });
}

describe('building time-window definitions', () => {
  test('stores plain data: cron, start/end as ISO instants in the timezone, fmt, endOffset', () => {
    const definition = dailyPartitions({ start: '2024-01-01', end: '2024-02-01', timezone: 'America/Los_Angeles', endOffset: 1 });
    assert.deepEqual(definition, {
      kind: 'timeWindow',
      cron: '0 0 * * *',
      start: '2024-01-01T00:00:00-08:00',
      end: '2024-02-01T00:00:00-08:00',
      timezone: 'America/Los_Angeles',
      fmt: '%Y-%m-%d',
      endOffset: 1,
    });
    assert.deepEqual(JSON.parse(JSON.stringify(definition)), definition);
  });

  const startTable: Array<{ title: string; build: () => { start: string }; expected: string }> = [
    { title: 'reads start given as a date in the default format', build: () => dailyPartitions({ start: '2024-01-01', timezone: 'Europe/Berlin' }), expected: '2024-01-01T00:00:00+01:00' },
    { title: 'reads start given as a Date, read by its UTC fields as local time (as Dagster)', build: () => dailyPartitions({ start: new Date('2024-01-01T00:00:00Z'), timezone: 'Europe/Berlin' }), expected: '2024-01-01T00:00:00+01:00' },
    { title: 'reads start given as an ISO time with an offset, converted to the timezone', build: () => dailyPartitions({ start: '2024-01-01T00:00:00Z', timezone: 'America/Los_Angeles' }), expected: '2023-12-31T16:00:00-08:00' },
    { title: 'reads start given as an ISO local time', build: () => hourlyPartitions({ start: '2024-06-01T10:30:00', timezone: 'Asia/Kolkata' }), expected: '2024-06-01T10:30:00+05:30' },
    { title: 'reads start given as a time in the hourly format', build: () => hourlyPartitions({ start: '2024-06-01-10:00' }), expected: '2024-06-01T10:00:00+00:00' },
    { title: 'reads start given as a key with the DST offset suffix', build: () => hourlyPartitions({ start: '2020-11-01-01:00-0800', timezone: 'America/Los_Angeles' }), expected: '2020-11-01T01:00:00-08:00' },
    { title: 'reads start given as a time in a custom format', build: () => timeWindowPartitions({ cron: '0 0 * * *', fmt: '%d/%m/%Y', start: '05/01/2024' }), expected: '2024-01-05T00:00:00+00:00' },
    { title: 'reads start given as a local time in the spring gap, moved past it', build: () => hourlyPartitions({ start: '2020-03-08T02:30:00', timezone: 'America/Los_Angeles' }), expected: '2020-03-08T03:30:00-07:00' },
    { title: 'reads start given as a repeated local time, read as the first occurrence', build: () => hourlyPartitions({ start: '2020-11-01T01:30:00', timezone: 'America/Los_Angeles' }), expected: '2020-11-01T01:30:00-07:00' },
  ];
  for (const row of startTable) {
    test(row.title, () => {
      assert.equal(row.build().start, row.expected);
    });
  }

  test('makes the crons of Dagster\'s hourly/daily/weekly/monthly definitions', () => {
    assert.deepEqual(
      [
        hourlyPartitions({ start: '2024-01-01-00:00', minuteOffset: 5 }),
        dailyPartitions({ start: '2024-01-01', hourOffset: 6, minuteOffset: 5 }),
        weeklyPartitions({ start: '2024-01-01', dayOffset: 3 }),
        monthlyPartitions({ start: '2024-01-01' }),
      ].map((d) => [d.cron, d.fmt]),
      [
        ['5 * * * *', '%Y-%m-%d-%H:%M'],
        ['5 6 * * *', '%Y-%m-%d'],
        ['0 0 * * 3', '%Y-%m-%d'],
        ['0 0 1 * *', '%Y-%m-%d'],
      ],
    );
    assert.equal(cadenceCron('monthly', { dayOffset: 15, hourOffset: 1 }), '0 1 15 * *');
  });

  const badTable: Array<{ title: string; build: () => unknown; field: string | RegExp }> = [
    { title: 'refuses minuteOffset 60, naming the field', build: () => hourlyPartitions({ start: '2024-01-01-00:00', minuteOffset: 60 }), field: 'minuteOffset' },
    { title: 'refuses hourOffset 24, naming the field', build: () => dailyPartitions({ start: '2024-01-01', hourOffset: 24 }), field: 'hourOffset' },
    { title: 'refuses weekly dayOffset 7, naming the field', build: () => weeklyPartitions({ start: '2024-01-01', dayOffset: 7 }), field: 'dayOffset' },
    { title: 'refuses monthly dayOffset 0, naming the field', build: () => monthlyPartitions({ start: '2024-01-01', dayOffset: 0 }), field: 'dayOffset' },
    { title: 'refuses an option the cadence does not have, naming the field', build: () => hourlyPartitions({ start: '2024-01-01-00:00', hourOffset: 1 } as never), field: 'hourOffset' },
    { title: 'refuses an unknown timezone, naming the field', build: () => dailyPartitions({ start: '2024-01-01', timezone: 'Mars/Base' }), field: 'timezone' },
    { title: 'refuses an impossible cron, naming the field', build: () => timeWindowPartitions({ cron: '0 0 30 2 *', start: '2024-01-01', fmt: '%Y-%m-%d' }), field: 'cron' },
    { title: 'refuses a cron list, naming the field', build: () => timeWindowPartitions({ cron: ['@daily'] as never, start: '2024-01-01', fmt: '%Y-%m-%d' }), field: 'cron' },
    { title: 'refuses a malformed cron given to the domain builder, naming the field', build: () => buildTimeWindowDefinition({ cron: '0 0 * *', start: '2024-01-01', fmt: '%Y-%m-%d' }), field: 'cron' },
    { title: 'refuses an unreadable start, naming the field', build: () => dailyPartitions({ start: 'yesterday' }), field: 'start' },
    { title: 'refuses an invalid Date, naming the field', build: () => dailyPartitions({ start: new Date('nope') }), field: 'start' },
    { title: 'refuses an end before the start, naming the field', build: () => dailyPartitions({ start: '2024-01-05', end: '2024-01-01' }), field: 'end' },
    { title: 'refuses an end equal to the start, naming the field', build: () => dailyPartitions({ start: '2024-01-05', end: '2024-01-05' }), field: 'end' },
    { title: 'refuses an unsupported directive in fmt, naming the field', build: () => dailyPartitions({ start: '2024-01-01', fmt: '%Y-%Q' }), field: 'fmt' },
    { title: 'refuses a fmt that cannot tell hours apart, naming the field', build: () => hourlyPartitions({ start: '2024-01-01T00:00:00', fmt: '%Y-%m-%d' }), field: 'fmt' },
    { title: 'refuses a fractional endOffset, naming the field', build: () => dailyPartitions({ start: '2024-01-01', endOffset: 1.5 }), field: 'endOffset' },
    { title: 'refuses a missing start, naming the field', build: () => dailyPartitions({} as never), field: 'start' },
  ];
  for (const row of badTable) {
    test(row.title, () => {
      assertRejects(row.build, 'INVALID_PARTITIONS_DEFINITION', row.field);
    });
  }
});

describe('building static, dynamic and multi definitions', () => {
  test('static keys keep their order', () => {
    assert.deepEqual(staticPartitions(['c', 'a', 'b']), { kind: 'static', keys: ['c', 'a', 'b'] });
  });

  const forbiddenKeys: [title: string, key: string][] = [
    ['refuses a static key containing |', 'a|b'],
    ['refuses a static key containing a comma', 'a,b'],
    ['refuses a static key containing [', 'a[b'],
    ['refuses a static key containing ]', 'a]b'],
    ['refuses a static key containing ...', 'a...b'],
    ['refuses an empty static key', ''],
  ];
  for (const [title, key] of forbiddenKeys) {
    test(title, () => {
      assertRejects(() => staticPartitions(['ok', key]), 'INVALID_PARTITIONS_DEFINITION', 'keys');
    });
  }

  test('refuses repeated static keys, naming the key', () => {
    assert.throws(
      () => staticPartitions(['a', 'b', 'a']),
      (error: unknown) => isArcoError(error) && error.code === 'INVALID_PARTITIONS_DEFINITION' && error.details?.value === 'a',
    );
  });

  test('dynamic partitions need a name', () => {
    assert.deepEqual(dynamicPartitions('customers'), { kind: 'dynamic', name: 'customers' });
    assertRejects(() => dynamicPartitions(''), 'INVALID_PARTITIONS_DEFINITION', 'name');
  });

  test('multi dimensions are stored sorted by name', () => {
    const definition = multiPartitions({ region: staticPartitions(['eu', 'us']), date: dailyPartitions({ start: '2024-01-01' }) });
    assert.deepEqual(definition.dimensions.map((d) => d.name), ['date', 'region']);
  });

  const multiBad: Array<{ title: string; build: () => unknown; field: string | RegExp }> = [
    { title: 'refuses a multi definition with one dimension', build: () => multiPartitions({ a: staticPartitions(['x']) }), field: 'dimensions' },
    { title: 'refuses a multi definition with three dimensions', build: () => multiPartitions({ a: staticPartitions(['x']), b: staticPartitions(['y']), c: staticPartitions(['z']) }), field: 'dimensions' },
    { title: 'refuses a multi definition with a nested multi dimension', build: () => multiPartitions({ a: staticPartitions(['x']), b: multiPartitions({ c: staticPartitions(['y']), d: staticPartitions(['z']) }) as never }), field: /^b/ },
    { title: 'refuses a multi definition whose dimension name contains |', build: () => multiPartitions({ 'a|b': staticPartitions(['x']), c: staticPartitions(['y']) }), field: 'dimensions' },
  ];
  for (const row of multiBad) {
    test(row.title, () => {
      assertRejects(row.build, 'INVALID_PARTITIONS_DEFINITION', row.field);
    });
  }
});

describe('mapping constructors', () => {
  test('build plain mapping data with Dagster\'s defaults', () => {
    assert.deepEqual(
      [identityMapping(), allPartitionsMapping(), lastPartitionMapping(), timeWindowMapping(), timeWindowMapping({ startOffset: -1, endOffset: -1 })],
      [
        { kind: 'identity' },
        { kind: 'allPartitions' },
        { kind: 'lastPartition' },
        { kind: 'timeWindow', startOffset: 0, endOffset: 0, allowNonexistentUpstream: false },
        { kind: 'timeWindow', startOffset: -1, endOffset: -1, allowNonexistentUpstream: false },
      ],
    );
    assert.deepEqual(staticMapping({ a: 'x', b: ['y', 'z', 'y'] }), { kind: 'static', downstreamKeysByUpstreamKey: { a: ['x'], b: ['y', 'z'] } });
    assert.deepEqual(specificPartitionsMapping(['a', 'a', 'b']), { kind: 'specificPartitions', keys: ['a', 'b'] });
    assert.deepEqual(multiToSingleDimensionMapping({ dimension: 'date' }), { kind: 'multiToSingleDimension', dimension: 'date' });
    assert.deepEqual(multiToSingleDimensionMapping(), { kind: 'multiToSingleDimension' });
  });

  test('refuse bad options with INVALID_PARTITION_MAPPING naming the field', () => {
    assertRejects(() => timeWindowMapping({ startOffset: 0.5 }), 'INVALID_PARTITION_MAPPING', 'startOffset');
    assertRejects(() => timeWindowMapping({ offset: 1 } as never), 'INVALID_PARTITION_MAPPING', 'offset');
    assertRejects(() => specificPartitionsMapping([]), 'INVALID_PARTITION_MAPPING', 'keys');
    assertRejects(() => staticMapping({ a: 3 } as never), 'INVALID_PARTITION_MAPPING', 'a');
  });
});
