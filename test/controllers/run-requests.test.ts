import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkCallerTags, decideRunRequest, fingerprintOf, type ResolvedRunRequest } from '../../src/controllers/index.js';
import { DEFAULT_RETRY_POLICY, type PlanningContext } from '../../src/domain/runs/index.js';
import { dailyPartitions } from '../../src/authoring/partitions.js';
import { T0, graphOf, makeIds, planningFor, requestedRun } from '../helpers/runs.js';

const graph = graphOf({ a: [], b: ['a'] });
const planning = planningFor(graph, () => ({ retry: DEFAULT_RETRY_POLICY, timeoutMs: null, codeVersion: null }));
const base: ResolvedRunRequest = {
  assetKeys: ['a', 'b'],
  includeUpstream: false,
  includeDownstream: false,
  partition: null,
  runKey: 'nightly',
  tags: { team: 'data' },
  systemTags: {},
  config: { limit: 5 },
  trigger: { kind: 'manual', detail: {} },
  parentRunId: null,
  rootRunId: null,
};

describe('run requests', () => {
  describe('the fingerprint does not depend on input order (SEMANTICS §2)', () => {
    // Each case varies one kind of order and nothing else, and checks that a real change of the
    // same part does change the fingerprint, so an order-sensitive or a constant fingerprint fails.
    const tagged: ResolvedRunRequest = { ...base, tags: { team: 'data', owner: 'ana', tier: 'gold' }, config: { limit: 5, mode: 'full' } };
    const ranged: ResolvedRunRequest = { ...base, partition: { kind: 'explicit', keys: ['2024-01-01', '2024-01-02', '2024-01-03'] } };

    test('the fingerprint ignores the order of asset keys', () => {
      assert.equal(fingerprintOf(base), fingerprintOf({ ...base, assetKeys: ['b', 'a'] }));
      assert.notEqual(fingerprintOf(base), fingerprintOf({ ...base, assetKeys: ['a'] }));
    });

    test('the fingerprint ignores the order of partition keys', () => {
      const reversed: ResolvedRunRequest = { ...ranged, partition: { kind: 'explicit', keys: ['2024-01-03', '2024-01-01', '2024-01-02'] } };
      assert.equal(fingerprintOf(ranged), fingerprintOf(reversed));
      assert.notEqual(fingerprintOf(ranged), fingerprintOf({ ...ranged, partition: { kind: 'explicit', keys: ['2024-01-01', '2024-01-02'] } }));
    });

    test('the fingerprint ignores the order of tag keys', () => {
      const reordered: ResolvedRunRequest = { ...tagged, tags: { tier: 'gold', team: 'data', owner: 'ana' } };
      assert.deepEqual(Object.keys(reordered.tags), ['tier', 'team', 'owner'], 'the tags really are in another order');
      assert.equal(fingerprintOf(tagged), fingerprintOf(reordered));
      assert.notEqual(fingerprintOf(tagged), fingerprintOf({ ...tagged, tags: { tier: 'gold', team: 'data', owner: 'bo' } }));
    });

    test('the fingerprint ignores the order of config keys', () => {
      assert.equal(fingerprintOf(tagged), fingerprintOf({ ...tagged, config: { mode: 'full', limit: 5 } }));
      assert.notEqual(fingerprintOf(tagged), fingerprintOf({ ...tagged, config: { mode: 'full', limit: 6 } }));
    });
  });

  test('the fingerprint ignores reserved arco/ tags but not user tags', () => {
    assert.equal(fingerprintOf(base), fingerprintOf({ ...base, tags: { ...base.tags, 'arco/priority': '3' } }));
    assert.notEqual(fingerprintOf(base), fingerprintOf({ ...base, tags: { team: 'ops' } }));
  });

  test('the same runKey with the same fingerprint returns the existing run and appends nothing', () => {
    const { run } = requestedRun({ dag: { a: [], b: ['a'] }, runKey: 'nightly' });
    const holder = { ...run, fingerprint: fingerprintOf(base) };
    const decision = decideRunRequest(base, holder, planning, makeIds(), T0);
    assert.equal(decision.kind, 'existing');
  });

  test('the same runKey with a different fingerprint is RUN_KEY_CONFLICT naming the differing fields', () => {
    const { run } = requestedRun({ dag: { a: [], b: ['a'] }, runKey: 'nightly' });
    const holder = { ...run, fingerprint: fingerprintOf(base), config: { limit: 5 }, tags: { team: 'data', 'arco/run_key': 'nightly' } };
    const decision = decideRunRequest({ ...base, config: { limit: 6 } }, holder, planning, makeIds(), T0);
    assert.equal(decision.kind, 'conflict');
    if (decision.kind !== 'conflict') return;
    assert.equal(decision.error.code, 'RUN_KEY_CONFLICT');
    const details = decision.error.details as Record<string, unknown>;
    assert.equal(details.conflictType, 'FINGERPRINT_MISMATCH');
    assert.equal(details.existingRunId, run.runId);
    assert.deepEqual(details.differingFields, ['config']);
    assert.equal(details.existingStatus, 'QUEUED');
    const again = decideRunRequest({ ...base, config: { limit: 6 } }, holder, planning, makeIds(9), T0 + 5);
    assert.equal(again.kind === 'conflict' && again.drafts[0]?.idempotencyKey, decision.drafts[0]?.idempotencyKey, 'a retried conflict is recorded under the same key');
  });

  test('a new run reserves its runKey through the run:{runKey} idempotency key and tags arco/run_key', () => {
    const decision = decideRunRequest(base, undefined, planning, makeIds(), T0);
    assert.equal(decision.kind, 'new');
    if (decision.kind !== 'new') return;
    const [requested] = decision.drafts;
    assert.equal(requested?.idempotencyKey, 'run:nightly');
    assert.ok(requested?.type === 'RunRequested' && requested.payload.tags['arco/run_key'] === 'nightly');
  });

  test('a run without a runKey is keyed by its run id', () => {
    const decision = decideRunRequest({ ...base, runKey: null }, undefined, planning, makeIds(), T0);
    assert.ok(decision.kind === 'new' && decision.drafts[0]?.idempotencyKey === `run:${decision.runId}`);
    assert.match(decision.kind === 'new' ? decision.runId : '', /^run_[0-9A-HJKMNP-TV-Z]{26}$/);
  });

  test('an empty selection is EMPTY_SELECTION', () => {
    assert.throws(() => decideRunRequest({ ...base, assetKeys: [] }, undefined, planning, makeIds(), T0), { code: 'EMPTY_SELECTION' });
  });

  describe('partition tags (Dagster names after the arco/ prefix)', () => {
    const daily = dailyPartitions({ start: '2024-01-01' });
    const partitioned: PlanningContext = { ...planning, partitionsOf: () => daily, partitions: { nowEpochMs: Date.parse('2024-02-01T00:00:00Z'), dynamicKeys: () => [] } };
    const tagsOf = (partition: ResolvedRunRequest['partition']): Record<string, string> => {
      const decision = decideRunRequest({ ...base, runKey: null, partition }, undefined, partitioned, makeIds(), T0);
      const requested = decision.kind === 'new' ? decision.drafts[0] : undefined;
      assert.ok(requested?.type === 'RunRequested');
      return requested.payload.tags;
    };

    test('a run of a partition range is tagged arco/asset_partition_range_start and arco/asset_partition_range_end', () => {
      const tags = tagsOf({ kind: 'range', start: '2024-01-02', end: '2024-01-04' });
      assert.equal(tags['arco/asset_partition_range_start'], '2024-01-02');
      assert.equal(tags['arco/asset_partition_range_end'], '2024-01-04');
      assert.equal(tags['arco/partition'], undefined);
    });

    test('a run of one partition is tagged arco/partition and no range', () => {
      const tags = tagsOf({ kind: 'explicit', keys: ['2024-01-02'] });
      assert.equal(tags['arco/partition'], '2024-01-02');
      assert.equal(tags['arco/asset_partition_range_start'], undefined);
    });
  });

  test('callers may not set reserved arco/ tags except arco/priority', () => {
    assert.throws(() => checkCallerTags({ 'arco/parent_run_id': 'x' }), { code: 'RESERVED_TAG' });
    assert.doesNotThrow(() => checkCallerTags({ 'arco/priority': '5', team: 'x' }));
  });
});
