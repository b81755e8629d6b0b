import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkCallerTags, decideRunRequest, fingerprintOf, type ResolvedRunRequest } from '../../src/controllers/index.js';
import { DEFAULT_RETRY_POLICY } from '../../src/domain/runs/index.js';
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
  test('the fingerprint ignores the order of asset keys and of config and tag keys', () => {
    const reordered = { ...base, assetKeys: ['b', 'a'], tags: { team: 'data' }, config: { limit: 5 } };
    assert.equal(fingerprintOf(base), fingerprintOf(reordered));
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

  test('callers may not set reserved arco/ tags except arco/priority', () => {
    assert.throws(() => checkCallerTags({ 'arco/parent_run_id': 'x' }), { code: 'RESERVED_TAG' });
    assert.doesNotThrow(() => checkCallerTags({ 'arco/priority': '5', team: 'x' }));
  });
});
