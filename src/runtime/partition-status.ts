/**
 * Partition status as operators read it (SEMANTICS §8, Dagster's partition health): every partition
 * of an asset's current definition is in exactly one of
 *
 *   IN_PROGRESS   a run in flight (QUEUED or later, not ended) has a task for it that has not ended;
 *   FAILED        its latest final attempt failed after its latest materialization;
 *   MATERIALIZED  it has been materialized, and no later final attempt failed;
 *   MISSING       none of the above,
 *
 * in that order of precedence. The stored row (fold/partition-status.ts) holds the materialized
 * and failed sets; IN_PROGRESS comes from the runs in flight, so both survive a rebuild. Everything
 * is counted as positions in definition order (index ranges), so a million time partitions are
 * counted by tick arithmetic, never by listing keys. Materializations of keys no longer in the
 * definition are not counted.
 */
import { z } from 'zod';
import {
  complementIndexRanges,
  countIndexRanges,
  indexRangesOf,
  intersectIndexRanges,
  partitionCount,
  partitionIndex,
  normalizeIndexRanges,
  subtractIndexRanges,
  timeWindowSpanPositions,
  unionIndexRanges,
  PARTITION_STATUSES,
  type IndexRange,
  type PartitionStatus,
  type PartitionsContext,
  type PartitionsDefinition,
} from '../domain/partitions/index.js';
import { isTerminalTask } from '../domain/runs/index.js';
import { UNPARTITIONED_KEY, type AssetPartitionStatusRow, type PartitionSubset, type RunProjection } from '../fold/index.js';

export const partitionStatusSchema = z.enum(PARTITION_STATUSES);

export const partitionStatusCountsSchema = z.object({
  total: z.number().int(),
  materialized: z.number().int(),
  failed: z.number().int(),
  inProgress: z.number().int(),
  missing: z.number().int(),
});
export type PartitionStatusCounts = z.infer<typeof partitionStatusCountsSchema>;

/** The positions of one asset's partitions in each status; together they cover `[0, total)` once. */
export interface StatusPositions {
  readonly total: number;
  readonly byStatus: Readonly<Record<PartitionStatus, readonly IndexRange[]>>;
}

/** Positions of the stored windows that are whole windows of a time-window definition. */
function windowPositions(definition: PartitionsDefinition, windows: readonly (readonly [number, number])[], total: number): IndexRange[] {
  return definition.kind === 'timeWindow' && windows.length > 0 ? timeWindowSpanPositions(definition, windows, total) : [];
}

/** Positions of a stored subset in the current definition (null: the asset is unpartitioned). */
function subsetPositions(definition: PartitionsDefinition | null, subset: PartitionSubset, total: number, ctx: PartitionsContext): IndexRange[] {
  if (definition === null) return subset.keys.includes(UNPARTITIONED_KEY) ? [[0, 1]] : [];
  const keyPositions = subset.keys.map((key) => (key === UNPARTITIONED_KEY ? -1 : partitionIndex(definition, key, ctx))).filter((p) => p >= 0);
  return unionIndexRanges(windowPositions(definition, subset.windows, total), indexRangesOf(keyPositions));
}

/** Positions of the asset's tasks that have not ended in runs that have not ended. */
function inProgressPositions(
  assetKey: string,
  definition: PartitionsDefinition | null,
  activeRuns: readonly RunProjection[],
  total: number,
  ctx: PartitionsContext,
): IndexRange[] {
  const positions: number[] = [];
  const windows: [number, number][] = [];
  for (const run of activeRuns) {
    for (const task of run.tasks) {
      // A multi-asset's task keeps every one of its outputs in progress; a check's task in flight
      // leaves the asset partition's status as it is.
      if (isTerminalTask(task.status) || task.checkName || (task.assetKey !== assetKey && !task.outputs?.some((o) => o.assetKey === assetKey))) continue;
      if (definition === null) positions.push(0);
      else if (task.partitionWindow && definition.kind === 'timeWindow') windows.push([task.partitionWindow.startMs, task.partitionWindow.endMs]);
      else if (task.partitionKey !== null) positions.push(partitionIndex(definition, task.partitionKey, ctx));
    }
  }
  const fromWindows = definition === null ? [] : windowPositions(definition, windows, total);
  return unionIndexRanges(fromWindows, indexRangesOf(positions.filter((p) => p >= 0 && p < total)));
}

/**
 * Where each partition of the asset stands.
 * @param row the asset's stored status (undefined: nothing materialized or failed yet)
 * @param activeRuns runs not yet ended (store.runs.listActiveRuns)
 */
export function statusPositions(
  assetKey: string,
  definition: PartitionsDefinition | null,
  row: AssetPartitionStatusRow | undefined,
  activeRuns: readonly RunProjection[],
  ctx: PartitionsContext,
): StatusPositions {
  const total = definition === null ? 1 : partitionCount(definition, ctx);
  const inProgress = inProgressPositions(assetKey, definition, activeRuns, total, ctx);
  const failed = row ? subtractIndexRanges(subsetPositions(definition, row.failed, total, ctx), inProgress) : [];
  const busy = unionIndexRanges(inProgress, failed);
  const materialized = row ? subtractIndexRanges(subsetPositions(definition, row.materialized, total, ctx), busy) : [];
  const missing = complementIndexRanges(unionIndexRanges(busy, materialized), total);
  return { total, byStatus: { MATERIALIZED: materialized, FAILED: failed, IN_PROGRESS: inProgress, MISSING: missing } };
}

/** The positions restricted to `selected` (normalized ranges). */
export function restrictPositions(positions: StatusPositions, selected: readonly IndexRange[]): StatusPositions {
  const only = (ranges: readonly IndexRange[]) => intersectIndexRanges(ranges, selected);
  const { byStatus } = positions;
  return {
    total: countIndexRanges(selected),
    byStatus: { MATERIALIZED: only(byStatus.MATERIALIZED), FAILED: only(byStatus.FAILED), IN_PROGRESS: only(byStatus.IN_PROGRESS), MISSING: only(byStatus.MISSING) },
  };
}

export function countsOf(positions: StatusPositions): PartitionStatusCounts {
  const { byStatus } = positions;
  return {
    total: positions.total,
    materialized: countIndexRanges(byStatus.MATERIALIZED),
    failed: countIndexRanges(byStatus.FAILED),
    inProgress: countIndexRanges(byStatus.IN_PROGRESS),
    missing: countIndexRanges(byStatus.MISSING),
  };
}

/** Positions in any of `statuses`. */
export function positionsIn(positions: StatusPositions, statuses: readonly PartitionStatus[]): IndexRange[] {
  return normalizeIndexRanges(statuses.flatMap((s) => positions.byStatus[s]));
}
