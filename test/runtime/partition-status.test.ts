/**
 * Where each partition stands, from the stored row and the runs in flight (SEMANTICS §8): a table
 * of rows and runs in, positions per status out. Pure: a fixed now, no store.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dailyPartitions, staticPartitions } from '../../src/authoring/partitions.js';
import type { PartitionsContext } from '../../src/domain/partitions/index.js';
import { assetPartitionStatusFamily, foldInMemory, type AssetPartitionStatusRow, type RunProjection } from '../../src/fold/index.js';
import { countsOf, statusPositions } from '../../src/runtime/index.js';
import type { EventDraft } from '../../src/events/index.js';
import { asStored, dayKey, dayWindow, finishedDraft, materializedDraft } from '../helpers/partition-status.js';

// 2024-01-01 ... 2024-01-10 exist at this now (ten daily partitions).
const ctx: PartitionsContext = { nowEpochMs: Date.parse('2024-01-11T00:00:00Z'), dynamicKeys: () => [] };
const daily = dailyPartitions({ start: '2024-01-01' });
const regions = staticPartitions(['us', 'eu', 'ap']);

const day = (index: number, runId = `run_${index}`) => ({ assetKey: 'events', partitionKey: dayKey(index), window: dayWindow(index), runId });
const rowOf = (drafts: readonly EventDraft[], asset = 'events'): AssetPartitionStatusRow | undefined =>
  foldInMemory(assetPartitionStatusFamily, new Map(), asStored(drafts)).get(asset);

/** A run in flight with one task per partition, in the given task statuses. */
function runWith(tasks: { assetKey: string; partitionKey: string | null; index?: number; status: string }[], status = 'STARTED'): RunProjection {
  return {
    runId: 'run_active',
    status,
    tasks: tasks.map((t) => ({
      assetKey: t.assetKey,
      partitionKey: t.partitionKey,
      partitionWindow: t.index === undefined ? null : dayWindow(t.index),
      status: t.status,
    })),
  } as unknown as RunProjection;
}

describe('partition status positions', () => {
  test('every partition has exactly one status, and a partition never materialized is MISSING', () => {
    const row = rowOf([materializedDraft(day(0)), materializedDraft(day(1)), finishedDraft(day(2)), materializedDraft(day(5))]);
    const p = statusPositions('events', daily, row, [runWith([{ assetKey: 'events', partitionKey: dayKey(7), index: 7, status: 'RUNNING' }])], ctx);
    assert.deepEqual(p.byStatus, { MATERIALIZED: [[0, 2], [5, 6]], FAILED: [[2, 3]], IN_PROGRESS: [[7, 8]], MISSING: [[3, 5], [6, 7], [8, 10]] });
    assert.deepEqual(countsOf(p), { total: 10, materialized: 3, failed: 1, inProgress: 1, missing: 5 });
  });

  test('an asset with no row is all MISSING', () => {
    assert.deepEqual(countsOf(statusPositions('events', daily, undefined, [], ctx)), { total: 10, materialized: 0, failed: 0, inProgress: 0, missing: 10 });
  });

  test('a partition being materialized again is IN_PROGRESS, whatever it was before; its ended tasks are not', () => {
    const row = rowOf([materializedDraft(day(0)), finishedDraft(day(1))]);
    const run = runWith([
      { assetKey: 'events', partitionKey: dayKey(0), index: 0, status: 'READY' },
      { assetKey: 'events', partitionKey: dayKey(1), index: 1, status: 'RETRY_WAIT' },
      { assetKey: 'events', partitionKey: dayKey(2), index: 2, status: 'SUCCEEDED' },
      { assetKey: 'other', partitionKey: dayKey(3), index: 3, status: 'RUNNING' },
    ]);
    const p = statusPositions('events', daily, row, [run], ctx);
    assert.deepEqual(p.byStatus.IN_PROGRESS, [[0, 2]]);
    assert.deepEqual([p.byStatus.MATERIALIZED, p.byStatus.FAILED], [[], []]);
  });

  test('materializations of partitions no longer in the definition are not counted', () => {
    // Day 12 has not closed at now; the static key "mars" is not in the definition.
    const row = rowOf([materializedDraft(day(9)), materializedDraft(day(10)), materializedDraft(day(12))]);
    assert.deepEqual(countsOf(statusPositions('events', daily, row, [], ctx)), { total: 10, materialized: 1, failed: 0, inProgress: 0, missing: 9 });
    const regionRow = rowOf([materializedDraft({ assetKey: 'r', partitionKey: 'mars', runId: 'run_1' }), materializedDraft({ assetKey: 'r', partitionKey: 'eu', runId: 'run_2' })], 'r');
    assert.deepEqual(statusPositions('r', regions, regionRow, [], ctx).byStatus, { MATERIALIZED: [[1, 2]], FAILED: [], IN_PROGRESS: [], MISSING: [[0, 1], [2, 3]] });
  });

  test('an unpartitioned asset is one partition', () => {
    const row = rowOf([finishedDraft({ assetKey: 'plain', partitionKey: null, runId: 'run_1' })], 'plain');
    assert.deepEqual(countsOf(statusPositions('plain', null, row, [], ctx)), { total: 1, materialized: 0, failed: 1, inProgress: 0, missing: 0 });
    assert.deepEqual(countsOf(statusPositions('plain', null, undefined, [runWith([{ assetKey: 'plain', partitionKey: null, status: 'DISPATCHED' }])], ctx)).inProgress, 1);
  });
});
