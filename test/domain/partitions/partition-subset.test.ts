/** Window sets, key sets and index ranges: the compact sets partition status is kept and answered in. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  addKey,
  addWindow,
  complementIndexRanges,
  countIndexRanges,
  indexRangesOf,
  intersectIndexRanges,
  normalizeIndexRanges,
  partitionKeyAt,
  partitionKeysAt,
  removeKey,
  removeWindow,
  subtractIndexRanges,
  timeWindowSpanPositions,
  unionIndexRanges,
  type PartitionsContext,
} from '../../../src/domain/partitions/index.js';
import { hourlyPartitions, staticPartitions } from '../../../src/authoring/partitions.js';

describe('window sets', () => {
  test('adding a window merges it with the windows it overlaps or touches, and keeps the others apart', () => {
    assert.deepEqual(addWindow([], 10, 20), [[10, 20]]);
    assert.deepEqual(addWindow([[10, 20]], 20, 30), [[10, 30]]);
    assert.deepEqual(addWindow([[10, 20]], 0, 10), [[0, 20]]);
    assert.deepEqual(addWindow([[10, 20]], 21, 30), [[10, 20], [21, 30]]);
    assert.deepEqual(addWindow([[0, 10], [20, 30], [40, 50]], 10, 20), [[0, 30], [40, 50]]);
    assert.deepEqual(addWindow([[0, 10], [20, 30], [40, 50]], 5, 45), [[0, 50]]);
    assert.deepEqual(addWindow([[0, 10]], 3, 5), [[0, 10]]);
  });
  test('removing a window splits the window that holds it and leaves others alone', () => {
    assert.deepEqual(removeWindow([[0, 30]], 10, 20), [[0, 10], [20, 30]]);
    assert.deepEqual(removeWindow([[0, 30]], 0, 10), [[10, 30]]);
    assert.deepEqual(removeWindow([[0, 10], [20, 30]], 10, 20), [[0, 10], [20, 30]]);
    assert.deepEqual(removeWindow([[0, 10], [20, 30]], 5, 25), [[0, 5], [25, 30]]);
    assert.deepEqual(removeWindow([], 5, 25), []);
  });
  test('the input set is never changed', () => {
    const set: [number, number][] = [[0, 10], [20, 30]];
    addWindow(set, 10, 20);
    removeWindow(set, 0, 5);
    assert.deepEqual(set, [[0, 10], [20, 30]]);
  });
});

describe('key sets', () => {
  test('keys stay sorted and unique', () => {
    assert.deepEqual(addKey(addKey(addKey([], 'us'), 'eu'), 'us'), ['eu', 'us']);
    assert.deepEqual(removeKey(['ap', 'eu', 'us'], 'eu'), ['ap', 'us']);
    assert.deepEqual(removeKey(['ap', 'us'], 'eu'), ['ap', 'us']);
  });
});

describe('index ranges', () => {
  test('positions become merged ranges', () => {
    assert.deepEqual(indexRangesOf([5, 1, 2, 3, 9, 2]), [[1, 4], [5, 6], [9, 10]]);
    assert.deepEqual(normalizeIndexRanges([[4, 6], [0, 2], [2, 3], [7, 7]]), [[0, 3], [4, 6]]);
  });
  test('union, difference, intersection and complement agree with sets of positions', () => {
    const a: [number, number][] = [[0, 5], [10, 15], [20, 25]];
    const b: [number, number][] = [[3, 12], [14, 21], [30, 31]];
    const expand = (ranges: readonly (readonly [number, number])[]) => ranges.flatMap(([f, t]) => Array.from({ length: t - f }, (_, i) => f + i));
    const sa = new Set(expand(a));
    const sb = new Set(expand(b));
    assert.deepEqual(expand(unionIndexRanges(a, b)), [...new Set([...sa, ...sb])].sort((x, y) => x - y));
    assert.deepEqual(expand(subtractIndexRanges(a, b)), [...sa].filter((p) => !sb.has(p)));
    assert.deepEqual(expand(intersectIndexRanges(a, b)), [...sa].filter((p) => sb.has(p)));
    assert.deepEqual(expand(complementIndexRanges(a, 27)), Array.from({ length: 27 }, (_, i) => i).filter((p) => !sa.has(p)));
    assert.equal(countIndexRanges(a), 15);
  });
});

describe('positions of time windows and keys at positions', () => {
  const HOUR_MS = 3_600_000;
  const startMs = Date.parse('2000-01-01T00:00:00Z');
  const hourly = hourlyPartitions({ start: '2000-01-01-00:00', timezone: 'America/New_York' });
  const ctx: PartitionsContext = { nowEpochMs: Date.parse('2010-01-01T00:00:00Z'), dynamicKeys: () => [] };
  const total = 87_000;

  test('spans of whole windows over ten years with DST become the positions of those windows, clipped to the partitions that exist', () => {
    // America/New_York starts at 05:00Z. Spans: whole hours, a partial hour at both ends, one beyond the last partition.
    const first = startMs + 5 * HOUR_MS;
    const spans: [number, number][] = [
      [first, first + 3 * HOUR_MS],
      [first + 10 * HOUR_MS - 1, first + 20 * HOUR_MS + 1],
      [first + 50_000 * HOUR_MS, first + 50_010 * HOUR_MS],
      [first + 86_990 * HOUR_MS, first + 90_000 * HOUR_MS],
    ];
    assert.deepEqual(timeWindowSpanPositions(hourly, spans, total), [[0, 3], [10, 20], [50_000, 50_010], [86_990, total]]);
  });
  test('keys at positions equal the key at each position, in the order asked, repeats allowed', () => {
    const positions = [86_000, 3, 0, 50_000, 3, 7_000];
    assert.deepEqual(partitionKeysAt(hourly, positions, ctx), positions.map((p) => partitionKeyAt(hourly, p, ctx)));
    const regions = staticPartitions(['us', 'eu', 'ap']);
    assert.deepEqual(partitionKeysAt(regions, [2, 0], ctx), ['ap', 'us']);
  });
});
