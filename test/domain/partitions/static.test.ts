import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { staticPartitions } from '../../../src/authoring/partitions.js';
import { hasPartitionKey, partitionCount, partitionIndex, partitionKeys } from '../../../src/domain/partitions/index.js';

const ctx = { nowEpochMs: 0, dynamicKeys: () => [] };

describe('static partitions', () => {
  test('keep the order given, independent of time', () => {
    const definition = staticPartitions(['zeta', 'alpha', 'mu']);
    assert.deepEqual([...partitionKeys(definition, ctx)], ['zeta', 'alpha', 'mu']);
    assert.equal(partitionCount(definition, ctx), 3);
    assert.equal(partitionIndex(definition, 'mu', ctx), 2);
    assert.equal(hasPartitionKey(definition, 'Mu', ctx), false);
  });
});
