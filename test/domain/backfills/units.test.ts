/**
 * Backfill selections and chunk planning: the selector is resolved by position, chunk by chunk,
 * so a million partitions cost no more to plan than ten; validation names what is wrong.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dailyPartitions, hourlyPartitions, staticPartitions } from '../../../src/authoring/index.js';
import { chunkSizeOf, nextChunkSlice, planBackfillUnits, checkBackfillLimits, type BackfillUnit, type UnitSelection } from '../../../src/domain/backfills/index.js';
import { isArcoError } from '../../../src/domain/errors/index.js';
import { canonicalPartitionSelector, parsePartitionSelector, type PartitionsDefinition } from '../../../src/domain/partitions/index.js';
import { planningOf } from '../../helpers/automation.js';

const NOW = Date.parse('2026-02-01T00:00:00Z');
const daily = dailyPartitions({ start: '2026-01-01' });
const colors = staticPartitions(['red', 'green', 'blue', 'cyan', 'pink']);

function units(dag: Record<string, string[]>, defs: Record<string, PartitionsDefinition>, selector: string | null, now = NOW): BackfillUnit[] {
  const planning = planningOf(dag, now, defs);
  const selection: UnitSelection = selector === null ? { kind: 'unpartitioned' } : { kind: 'selector', selector: canonicalPartitionSelector(parsePartitionSelector(selector)) };
  return planBackfillUnits(planning.graph.inDependencyOrder(Object.keys(dag)), () => selection, planning);
}

function chunks(unit: BackfillUnit, size: number, defs: Record<string, PartitionsDefinition>, dag: Record<string, string[]>): string[][] {
  const planning = planningOf(dag, NOW, defs);
  const out: string[][] = [];
  let cursor = unit.from;
  for (let slice = nextChunkSlice(unit, cursor, size, planning); slice !== null; slice = nextChunkSlice(unit, cursor, size, planning)) {
    out.push([...slice.keys]);
    cursor = slice.to;
  }
  return out;
}

describe('backfill chunk planning', () => {
  const cases = [
    { title: 'multi-run chunks a range into runs of at most n partitions, in definition order', selector: '2026-01-02...2026-01-08', size: 3, expected: [['2026-01-02', '2026-01-03', '2026-01-04'], ['2026-01-05', '2026-01-06', '2026-01-07'], ['2026-01-08']] },
    { title: 'explicit keys are chunked in definition order whatever the order given', selector: '2026-01-09,2026-01-02,2026-01-05', size: 2, expected: [['2026-01-02', '2026-01-05'], ['2026-01-09']] },
    { title: 'a single-run policy plans the whole selection as one chunk', selector: '2026-01-01...2026-01-31', size: chunkSizeOf({ kind: 'singleRun' }), expected: [Array.from({ length: 31 }, (_, i) => `2026-01-${String(i + 1).padStart(2, '0')}`)] },
  ];
  for (const c of cases) {
    test(c.title, () => {
      const [unit] = units({ a: [] }, { a: daily }, c.selector);
      assert.ok(unit);
      assert.deepEqual(chunks(unit, c.size, { a: daily }, { a: [] }), c.expected);
    });
  }

  test('a filter selects matching keys lazily and chunks them', () => {
    const planning = planningOf({ a: [] }, NOW, { a: colors });
    const [unit] = planBackfillUnits(['a'], () => ({ kind: 'selector', selector: { kind: 'filter', pattern: '*n*' } }), planning);
    assert.ok(unit);
    assert.equal(unit.partitionCount, 3);
    assert.deepEqual(chunks(unit, 1, { a: colors }, { a: [] }), [['green'], ['cyan'], ['pink']]);
  });

  test('assets sharing a partitions definition are one unit; a different definition is its own unit, in dependency order', () => {
    const weekly = dailyPartitions({ start: '2025-12-01' });
    const found = units({ a: [], b: ['a'], c: ['b'] }, { a: daily, b: daily, c: weekly }, '2026-01-02...2026-01-03');
    assert.deepEqual(found.map((u) => u.assetKeys), [['a', 'b'], ['c']]);
  });

  test('a million hourly partitions are planned chunk by chunk without listing their keys', () => {
    const hourly = hourlyPartitions({ start: '1900-01-01-00:00' });
    const now = Date.parse('2015-01-01T00:00:00Z');
    const planning = planningOf({ h: [] }, now, { h: hourly });
    const heapBefore = process.memoryUsage().heapUsed;
    const [unit] = planBackfillUnits(['h'], () => ({ kind: 'selector', selector: { kind: 'all' } }), planning);
    assert.ok(unit);
    assert.ok(unit.partitionCount > 1_000_000, `${unit.partitionCount} partitions`);
    const last = nextChunkSlice(unit, unit.to - 10, 100, planning);
    assert.deepEqual(last?.keys.length, 10);
    assert.equal(last?.keys[9], '2014-12-31-23:00');
    const first = nextChunkSlice(unit, unit.from, 100, planning);
    assert.equal(first?.keys[0], '1900-01-01-00:00');
    assert.ok(process.memoryUsage().heapUsed - heapBefore < 20_000_000, 'planning does not hold a million keys');
  });

  test('a static definition of a million keys is planned chunk by chunk from any position', () => {
    const keys = Array.from({ length: 1_000_000 }, (_, i) => `k${i}`);
    const big = staticPartitions(keys);
    const planning = planningOf({ s: [] }, NOW, { s: big });
    const [unit] = planBackfillUnits(['s'], () => ({ kind: 'selector', selector: { kind: 'range', start: 'k10', end: 'k999999' } }), planning);
    assert.ok(unit);
    assert.equal(unit.partitionCount, 999_990);
    assert.deepEqual(nextChunkSlice(unit, 500_000, 3, planning)?.keys, ['k500000', 'k500001', 'k500002']);
  });
});

describe('backfill validation', () => {
  const cases: { title: string; run: () => unknown; code: string; details?: Record<string, unknown> }[] = [
    {
      title: 'keys not in the definition are named, up to 10, with their count',
      run: () => units({ a: [] }, { a: colors }, Array.from({ length: 12 }, (_, i) => `nope${i}`).join(',')),
      code: 'BACKFILL_UNKNOWN_PARTITIONS',
      details: { asset: 'a', keys: ['nope0', 'nope1', 'nope10', 'nope11', 'nope2', 'nope3', 'nope4', 'nope5', 'nope6', 'nope7'], count: 12 },
    },
    { title: 'a range whose end comes before its start is refused', run: () => units({ a: [] }, { a: daily }, '2026-01-05...2026-01-02'), code: 'INVALID_PARTITION_RANGE' },
    { title: 'a range endpoint outside the definition is named', run: () => units({ a: [] }, { a: daily }, '2025-01-01...2026-01-02'), code: 'BACKFILL_UNKNOWN_PARTITIONS', details: { asset: 'a', keys: ['2025-01-01'], count: 1 } },
    { title: 'an unpartitioned asset in a partitioned backfill is refused', run: () => units({ a: [], u: ['a'] }, { a: daily }, '2026-01-02'), code: 'BACKFILL_UNPARTITIONED_ASSET', details: { assets: ['u'] } },
    { title: 'a backfill of partitioned assets without a selector is refused', run: () => units({ a: [] }, { a: daily }, null), code: 'PARTITION_REQUIRED' },
    { title: 'a policy of 0 partitions per run is refused', run: () => checkBackfillLimits({ kind: 'multiRun', partitionsPerRun: 0 }, 1), code: 'BACKFILL_INVALID_POLICY', details: { field: 'partitionsPerRun', value: 0 } },
    { title: 'a run limit of 0 is refused', run: () => checkBackfillLimits({ kind: 'singleRun' }, 0), code: 'BACKFILL_INVALID_POLICY', details: { field: 'maxConcurrentRuns', value: 0 } },
    {
      title: 'a backfill whose upstream partitions do not exist is refused, naming them',
      run: () => {
        const planning = planningOf({ up: [], down: ['up'] }, NOW, { up: dailyPartitions({ start: '2026-01-10' }), down: daily });
        return planBackfillUnits(['down'], () => ({ kind: 'selector', selector: { kind: 'range', start: '2026-01-02', end: '2026-01-12' } }), planning);
      },
      code: 'NONEXISTENT_UPSTREAM_PARTITION',
      details: { asset: 'down', upstream: 'up', keys: ['2026-01-02', '2026-01-03', '2026-01-04', '2026-01-05', '2026-01-06', '2026-01-07', '2026-01-08', '2026-01-09'], count: 8 },
    },
  ];
  for (const c of cases) {
    test(c.title, () => {
      assert.throws(c.run, (error: unknown) => {
        assert.ok(isArcoError(error), String(error));
        assert.equal(error.code, c.code);
        if (c.details) for (const [k, v] of Object.entries(c.details)) assert.deepEqual(error.details?.[k], v, k);
        return true;
      });
    });
  }
});
