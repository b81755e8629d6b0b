/**
 * Partition status (SEMANTICS §8): one row per asset holding its MATERIALIZED and FAILED partitions
 * as compact sets, so a status view answers for a million partitions from a row whose size follows
 * the number of runs of consecutive partitions, not the number of partitions.
 *
 * Transitions of one asset partition, in ledger order:
 * - AssetMaterialized, or AssetMaterializationReported (a materialization without a run): it joins
 *   `materialized` and leaves `failed`;
 * - TaskAttemptFinished with resolution FAILED (a final failure, no retry left): it (each output of a
 *   multi-asset's task) joins `failed`
 *   and leaves `materialized`, because a partition is FAILED when its latest final attempt failed
 *   after its latest materialization; the next materialization makes it MATERIALIZED again.
 * Attempts that will be retried, skips, cancellations and observations change nothing (as Dagster,
 * an observation is not a materialization): the partition keeps the
 * status it had. IN_PROGRESS and MISSING are not stored: IN_PROGRESS comes from the runs in flight
 * and MISSING is every partition of the definition in no set, both answered at read time.
 *
 * Time-window partitions are stored as merged `[startMs, endMs)` windows (the events carry the
 * window); any other partition (static, dynamic, multi, or an event recorded without a window) by
 * its key. An unpartitioned asset is stored under the key `UNPARTITIONED_KEY`.
 */
import { z } from 'zod';
import { addKey, addWindow, removeKey, removeWindow } from '../domain/partitions/index.js';
import type { PartitionWindow, StoredEvent } from '../events/index.js';
import { defineFamily, IGNORE } from './family.js';

/** The key an unpartitioned asset's one "partition" is stored under (never a valid partition key). */
export const UNPARTITIONED_KEY = '';

const windowSchema = z.tuple([z.number().int(), z.number().int()]);

export const partitionSubsetSchema = z.object({
  /** Sorted, merged `[startMs, endMs)` windows of time-window partitions. */
  windows: z.array(windowSchema),
  /** Sorted keys of partitions without a window. */
  keys: z.array(z.string()),
});
export type PartitionSubset = z.infer<typeof partitionSubsetSchema>;

export const assetPartitionStatusSchema = z.object({
  assetKey: z.string(),
  materialized: partitionSubsetSchema,
  failed: partitionSubsetSchema,
  /** Materializations folded for the asset, all partitions together. */
  materializationCount: z.number().int().min(0),
  /** Ledger sequence of the asset's latest materialization and latest final failure. */
  lastMaterializationSequence: z.number().int().nullable(),
  lastFailureSequence: z.number().int().nullable(),
});
export type AssetPartitionStatusRow = z.infer<typeof assetPartitionStatusSchema>;

type Partition = { readonly key: string; readonly window: PartitionWindow | null };

const emptyRow = (assetKey: string): AssetPartitionStatusRow => ({
  assetKey,
  materialized: { windows: [], keys: [] },
  failed: { windows: [], keys: [] },
  materializationCount: 0,
  lastMaterializationSequence: null,
  lastFailureSequence: null,
});

function partitionOf(payload: { partitionKey: string | null; partitionWindow: PartitionWindow | null }): Partition {
  return { key: payload.partitionKey ?? UNPARTITIONED_KEY, window: payload.partitionKey === null ? null : payload.partitionWindow };
}

/** The subset with the partition added; its key also leaves the key list when it has a window. */
function withPartition(subset: PartitionSubset, p: Partition): PartitionSubset {
  if (p.window === null) return { windows: subset.windows, keys: addKey(subset.keys, p.key) };
  return { windows: addWindow(subset.windows, p.window.startMs, p.window.endMs), keys: removeKey(subset.keys, p.key) };
}

/** The subset without the partition, by window (if it has one) and by key (events before windows). */
function withoutPartition(subset: PartitionSubset, p: Partition): PartitionSubset {
  return {
    windows: p.window === null ? subset.windows : removeWindow(subset.windows, p.window.startMs, p.window.endMs),
    keys: removeKey(subset.keys, p.key),
  };
}

function materialized(
  row: AssetPartitionStatusRow | undefined,
  e: Extract<StoredEvent, { type: 'AssetMaterialized' | 'AssetMaterializationReported' }>,
): AssetPartitionStatusRow {
  const base = row ?? emptyRow(e.payload.assetKey);
  const p = partitionOf(e.payload);
  return {
    ...base,
    materialized: withPartition(base.materialized, p),
    failed: withoutPartition(base.failed, p),
    materializationCount: base.materializationCount + 1,
    lastMaterializationSequence: e.sequence,
  };
}

function failed(row: AssetPartitionStatusRow | undefined, e: Extract<StoredEvent, { type: 'TaskAttemptFinished' }>, assetKey: string): AssetPartitionStatusRow {
  const base = row ?? emptyRow(assetKey);
  const p = partitionOf(e.payload);
  return {
    ...base,
    materialized: withoutPartition(base.materialized, p),
    failed: withPartition(base.failed, p),
    lastFailureSequence: e.sequence,
  };
}

/**
 * The row after a wipe: of every partition, an empty row; of some partitions, those keys and
 * windows leave both sets. Counts and sequences are kept for a partial wipe (the fold cannot know
 * which of the asset's materializations the wiped partitions held).
 */
function wiped(row: AssetPartitionStatusRow | undefined, e: Extract<StoredEvent, { type: 'AssetWiped' }>): AssetPartitionStatusRow {
  const { assetKey, partitionKeys, partitionWindows } = e.payload;
  const base = row ?? emptyRow(assetKey);
  if (partitionKeys === null) return emptyRow(assetKey);
  const gone = new Set(partitionKeys);
  const forget = (subset: PartitionSubset): PartitionSubset => {
    let windows = subset.windows;
    for (const [startMs, endMs] of partitionWindows) windows = removeWindow(windows, startMs, endMs);
    return { windows, keys: subset.keys.filter((key) => !gone.has(key)) };
  };
  return { ...base, materialized: forget(base.materialized), failed: forget(base.failed) };
}

export const assetPartitionStatusFamily = defineFamily<AssetPartitionStatusRow>({
  table: 'asset_partition_status',
  schema: assetPartitionStatusSchema,
  columns: () => ({}),
  hot: true,
  handlers: {
    PoolLimitSet: IGNORE,
    RecordsPurged: IGNORE,
    RunRequested: IGNORE,
    RunStarted: IGNORE,
    RunCancelRequested: IGNORE,
    RunFinished: IGNORE,
    RunKeyConflictRecorded: IGNORE,
    TaskDispatched: IGNORE,
    TaskAttemptStarted: IGNORE,
    TaskAttemptFinished: {
      // Only a final failure changes the status; an attempt that will be retried is still in flight.
      // A multi-asset's task fails every output it was to materialize; a check's task that failed
      // leaves its asset's partitions as they were.
      ids: (e) => (e.payload.resolution === 'FAILED' && !e.payload.checkName ? (e.payload.outputAssetKeys ?? [e.payload.assetKey]) : []),
      apply: (row, e, id) => failed(row, e, id),
    },
    TaskSkipped: IGNORE,
    TaskCanceled: IGNORE,
    TaskLogged: IGNORE,
    AssetMaterialized: {
      ids: (e) => [e.payload.assetKey],
      apply: (row, e) => materialized(row, e),
    },
    ScheduleDefinitionSynced: IGNORE,
    ScheduleStateChanged: IGNORE,
    ScheduleTicked: IGNORE,
    SensorDefinitionSynced: IGNORE,
    SensorStateChanged: IGNORE,
    SensorEvaluated: IGNORE,
    DynamicPartitionsChanged: IGNORE,
    BackfillCreated: IGNORE,
    BackfillStateChanged: IGNORE,
    BackfillChunkPlanned: IGNORE,
    BackfillChunkFinished: IGNORE,
    RunDeleted: IGNORE,
    AssetWiped: {
      ids: (e) => [e.payload.assetKey],
      apply: (row, e) => wiped(row, e),
    },
    AssetFreshnessChanged: IGNORE,
    AssetObserved: IGNORE,
    AssetMaterializationReported: {
      ids: (e) => [e.payload.assetKey],
      apply: (row, e) => materialized(row, e),
    },
    AutomationConditionEvaluated: IGNORE,
    AssetCheckEvaluated: IGNORE,
  },
});
