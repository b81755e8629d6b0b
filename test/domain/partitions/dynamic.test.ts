import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dynamicPartitions } from '../../../src/authoring/partitions.js';
import { hasPartitionKey, partitionCount, partitionIndex, partitionKeys } from '../../../src/domain/partitions/index.js';

describe('dynamic partitions', () => {
  test('take their keys from the context in insertion order', () => {
    const sets: Record<string, string[]> = { customers: ['c3', 'c1', 'c2'] };
    const ctx = { nowEpochMs: 0, dynamicKeys: (name: string) => sets[name] ?? [] };
    const definition = dynamicPartitions('customers');
    assert.deepEqual([...partitionKeys(definition, ctx)], ['c3', 'c1', 'c2']);
    assert.equal(partitionIndex(definition, 'c1', ctx), 1);
    sets.customers = ['c3', 'c2'];
    assert.equal(hasPartitionKey(definition, 'c1', ctx), false);
    assert.equal(partitionCount(dynamicPartitions('unknown'), ctx), 0);
  });

  test('count a repeated key once, at its first position', () => {
    const ctx = { nowEpochMs: 0, dynamicKeys: () => ['a', 'b', 'a', 'c'] };
    const definition = dynamicPartitions('set');
    assert.deepEqual([...partitionKeys(definition, ctx)], ['a', 'b', 'c']);
    assert.equal(partitionIndex(definition, 'c', ctx), 2);
  });
});
