/**
 * Worker reports about a multi-asset's task: a success records one materialization per output,
 * each with its own code version and provenance; a final failure marks every output FAILED in
 * partition status and in the per-partition view, and the folds of both equal a replay.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { defineAsset, defineDefinitions, defineMultiAsset } from '../../src/authoring/index.js';
import { advanceRun, decideAttemptReport, decideRunRequest, type AttemptReport, type OutputReport } from '../../src/controllers/index.js';
import type { EventDraft } from '../../src/events/index.js';
import { assetPartitionStatusFamily, assetPartitionsFamily, foldInMemory, type RunProjection } from '../../src/fold/index.js';
import { indexDefinitions } from '../../src/runtime/definitions-loader.js';
import { asStored } from '../helpers/partition-status.js';
import { T0, iso, makeIds, step } from '../helpers/runs.js';

const raw = defineAsset({ key: 'raw', codeVersion: 'r1', compute: () => undefined });
const lookup = defineAsset({ key: 'lookup', codeVersion: 'l1', compute: () => undefined });
const sales = defineMultiAsset({
  name: 'sales',
  deps: [raw],
  codeVersion: 'm1',
  outputs: [{ key: 'orders' }, { key: 'customers', deps: [lookup], codeVersion: 'c9' }],
  compute: () => [],
});
const loaded = indexDefinitions('test', defineDefinitions({ assets: [raw, lookup, sales] }));

/** A run of the multi-asset alone, its one task dispatched. */
function dispatchedRun(): { run: RunProjection; drafts: EventDraft[] } {
  const decision = decideRunRequest(
    { assetKeys: ['orders'], includeUpstream: false, includeDownstream: false, partition: null, runKey: null, tags: {}, systemTags: {}, config: {}, trigger: { kind: 'manual', detail: {} }, parentRunId: null, rootRunId: null },
    undefined,
    { ...loaded, partitions: { nowEpochMs: T0, dynamicKeys: () => [] } },
    makeIds(),
    T0,
  );
  if (decision.kind !== 'new') throw new Error('expected a new run');
  const requested = advanceRun(undefined, decision.drafts, iso(T0));
  const started = step(requested, T0);
  return { run: started.run, drafts: [...decision.drafts, ...started.drafts] };
}

function finished(run: RunProjection, outcome: 'SUCCEEDED' | 'FAILED', outputs?: Readonly<Record<string, OutputReport>>): EventDraft[] {
  const task = run.tasks[0]!;
  const report: AttemptReport = {
    kind: 'finished',
    runId: run.runId,
    taskKey: task.taskKey,
    attemptId: task.attempts[0]!.attemptId,
    outcome,
    error: outcome === 'FAILED' ? { code: 'USER_CODE_ERROR', message: 'down', errorClass: 'Error', stack: null, retryable: true } : null,
    durationMs: 5,
    dataVersion: null,
    metadata: {},
    ...(outputs ? { outputs } : {}),
  };
  return decideAttemptReport(run, report, { nowEpochMs: T0 + 10, upstreamDataVersions: { raw: 'rv', lookup: 'lv' } });
}

describe('reports about a multi-asset task', () => {
  test('a success records one materialization per output with its own result, code version and inputs', () => {
    const { run } = dispatchedRun();
    const drafts = finished(run, 'SUCCEEDED', { orders: { dataVersion: 'o7', metadata: { rows: 3 } }, customers: { dataVersion: null, metadata: {} } });
    const materialized = drafts.flatMap((d) => (d.type === 'AssetMaterialized' ? [d.payload] : []));
    assert.deepEqual(
      materialized.map((m) => [m.taskKey, m.assetKey, m.codeVersion, m.metadata, m.provenance?.inputs.map((i) => [i.assetKey, i.dataVersion])]),
      [
        ['sales', 'orders', 'm1', { rows: 3 }, [['raw', 'rv']]],
        ['sales', 'customers', 'c9', {}, [['lookup', 'lv'], ['raw', 'rv']]],
      ],
    );
    assert.equal(materialized[0]?.dataVersion, 'o7');
    assert.equal(new Set(drafts.map((d) => d.idempotencyKey)).size, drafts.length, 'each materialization has its own idempotency key');
  });

  test('a final failure marks every output FAILED, in the status row and the partition row alike', () => {
    const { run, drafts } = dispatchedRun();
    const events = asStored([...drafts, ...finished(run, 'FAILED')]);
    const status = foldInMemory(assetPartitionStatusFamily, new Map(), events);
    assert.deepEqual([...status.keys()].sort(), ['customers', 'orders']);
    for (const row of status.values()) assert.deepEqual(row.failed.keys, ['']);
    const partitions = foldInMemory(assetPartitionsFamily, new Map(), events);
    assert.deepEqual([...partitions.values()].map((p) => [p.assetKey, p.lastFailure?.code]).sort(), [['customers', 'USER_CODE_ERROR'], ['orders', 'USER_CODE_ERROR']]);
  });
});
