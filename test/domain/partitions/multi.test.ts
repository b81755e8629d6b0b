import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dailyPartitions, dynamicPartitions, multiPartitions, staticPartitions } from '../../../src/authoring/partitions.js';
import {
  hasPartitionKey,
  partitionCount,
  partitionIndex,
  partitionKeyAt,
  partitionKeys,
  type PartitionsContext,
} from '../../../src/domain/partitions/index.js';

const ctx: PartitionsContext = { nowEpochMs: Date.parse('2024-01-03T12:00:00Z'), dynamicKeys: (name) => (name === 'shops' ? ['s2', 's1'] : []) };

describe('multi partitions', () => {
  test('orders dimensions by name and nests the later dimension fastest', () => {
    const definition = multiPartitions({ region: staticPartitions(['us', 'eu']), date: dailyPartitions({ start: '2024-01-01' }) });
    assert.deepEqual([...partitionKeys(definition, ctx)], ['2024-01-01|us', '2024-01-01|eu', '2024-01-02|us', '2024-01-02|eu']);
  });

  test('puts the alphabetically first dimension first even when it is static', () => {
    const definition = multiPartitions({ zdate: dailyPartitions({ start: '2024-01-01' }), color: staticPartitions(['red', 'blue']) });
    assert.deepEqual([...partitionKeys(definition, ctx)], ['red|2024-01-01', 'red|2024-01-02', 'blue|2024-01-01', 'blue|2024-01-02']);
  });

  test('counts, positions and membership follow the product order', () => {
    const definition = multiPartitions({ b: staticPartitions(['x', 'y', 'z']), a: staticPartitions(['1', '2']) });
    const keys = [...partitionKeys(definition, ctx)];
    assert.deepEqual(keys, ['1|x', '1|y', '1|z', '2|x', '2|y', '2|z']);
    assert.equal(partitionCount(definition, ctx), 6);
    keys.forEach((key, index) => {
      assert.equal(partitionIndex(definition, key, ctx), index);
      assert.equal(partitionKeyAt(definition, index, ctx), key);
    });
    for (const missing of ['x|1', '1|w', '1', '1|x|y', '']) assert.equal(hasPartitionKey(definition, missing, ctx), false, missing);
  });

  test('a dynamic dimension follows the dynamic set in insertion order', () => {
    const definition = multiPartitions({ shop: dynamicPartitions('shops'), kind: staticPartitions(['a']) });
    assert.deepEqual([...partitionKeys(definition, ctx)], ['a|s2', 'a|s1']);
    assert.equal(partitionCount(definition, { ...ctx, dynamicKeys: () => [] }), 0);
  });
});
