/**
 * Whether a chunk may run yet: within a backfill, a downstream partition runs only after the
 * upstream partitions it reads (through its partition mapping) have materialized in that backfill
 * (SEMANTICS §7). Upstream partitions the backfill does not select are read as they are. Upstream
 * partitions inside the same chunk are ordered by the chunk's run; partitions of the same unit
 * after the chunk are not waited on (they are planned later, so waiting would never end).
 */
import { partitionIndex, upstreamPartitions } from '../partitions/index.js';
import { containsPosition, type Interval } from './intervals.js';
import { isSelectedPosition } from './selection.js';
import type { BackfillPlanningContext, BackfillUnit, ChunkSlice } from './units.js';

/** What a unit has finished: positions whose chunks ended, and those of them that did not materialize. */
export interface UnitProgress {
  readonly done: readonly Interval[];
  readonly failed: readonly Interval[];
}

export type ChunkReadiness =
  | { readonly kind: 'ready' }
  /** An upstream partition it reads is selected by the backfill but has not finished yet. */
  | { readonly kind: 'waiting'; readonly asset: string; readonly upstream: string; readonly upstreamKey: string }
  /** An upstream partition it reads failed (or was skipped or canceled) in this backfill. */
  | { readonly kind: 'upstreamFailed'; readonly asset: string; readonly upstream: string; readonly upstreamKey: string };

export function chunkReadiness(
  units: readonly BackfillUnit[],
  unitIndex: number,
  slice: ChunkSlice,
  progress: readonly UnitProgress[],
  ctx: BackfillPlanningContext,
): ChunkReadiness {
  const unit = units[unitIndex] as BackfillUnit;
  const unitOf = new Map<string, number>();
  units.forEach((u, i) => u.assetKeys.forEach((k) => unitOf.set(k, i)));
  let waiting: ChunkReadiness | undefined;
  for (const assetKey of unit.assetKeys) {
    const definition = ctx.partitionsOf(assetKey);
    if (definition === null) continue;
    for (const upstream of ctx.graph.parents(assetKey)) {
      const j = unitOf.get(upstream);
      const upDefinition = ctx.partitionsOf(upstream);
      if (j === undefined || upDefinition === null) continue;
      const upUnit = units[j] as BackfillUnit;
      const read = upstreamPartitions(ctx.mappingOf(assetKey, upstream), upDefinition, definition, slice.keys, ctx.partitions).keys;
      for (const key of read) {
        const q = partitionIndex(upDefinition, key, ctx.partitions);
        if (j === unitIndex && q >= slice.from) continue;
        if (!isSelectedPosition(upDefinition, upUnit.selection, upUnit, ctx.partitions, q, upstream)) continue;
        const finished = progress[j] ?? { done: [], failed: [] };
        if (containsPosition(finished.failed, q)) return { kind: 'upstreamFailed', asset: assetKey, upstream, upstreamKey: key };
        if (!waiting && !containsPosition(finished.done, q)) waiting = { kind: 'waiting', asset: assetKey, upstream, upstreamKey: key };
      }
    }
  }
  return waiting ?? { kind: 'ready' };
}
