/**
 * Whether a chunk may run yet: within a backfill, a downstream partition runs only after the
 * upstream partitions it reads (through its partition mapping) have materialized in that backfill
 * (SEMANTICS §7). Upstream partitions the backfill does not select are read as they are. Upstream
 * partitions inside the same chunk are ordered by the chunk's run; partitions of the same unit
 * after the chunk are not waited on (they are planned later, so waiting would never end).
 * A partition of the chunk that reads an upstream partition that did not materialize is skipped;
 * the chunk's other partitions run.
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

/** A partition of a chunk that is not run because an upstream partition it reads did not materialize. */
export interface SkippedPartition {
  /** The chunk's partition key (every asset of the unit is skipped for it). */
  readonly key: string;
  readonly asset: string;
  readonly upstream: string;
  readonly upstreamKey: string;
}

export type ChunkReadiness =
  /**
   * Every upstream partition the chunk reads has finished. `skipped` lists, in chunk order, the
   * partitions that read one that failed (or was skipped or canceled); the others run.
   */
  | { readonly kind: 'ready'; readonly skipped: readonly SkippedPartition[] }
  /** An upstream partition a not yet skipped partition reads is selected by the backfill but has not finished yet. */
  | { readonly kind: 'waiting'; readonly asset: string; readonly upstream: string; readonly upstreamKey: string };

/** What one read of the chunk's keys from one upstream found. */
type ReadOutcome = { readonly failed: string | null; readonly waiting: string | null };

/**
 * Skipping is per partition (SEMANTICS §3 within a run, the same across chunks): a key of the chunk
 * is skipped only when an upstream partition it reads failed. A chunk waits while a partition it
 * would run reads one that has not finished, so the skipped set is final when the chunk is planned.
 * The keys are first mapped together; only when some upstream partition failed are they mapped one
 * by one to attribute the failure, so a chunk without failures costs one mapping per upstream.
 */
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
  // Keys of this chunk already skipped: a later key of the chunk reading one (through a mapping
  // within the unit) is skipped with it, since the run will not hold that upstream task.
  const skippedKeys = new Set<string>();
  const edges: { asset: string; upstream: string; read: (keys: readonly string[]) => ReadOutcome }[] = [];
  for (const assetKey of unit.assetKeys) {
    const definition = ctx.partitionsOf(assetKey);
    if (definition === null) continue;
    for (const upstream of ctx.graph.parents(assetKey)) {
      const j = unitOf.get(upstream);
      const upDefinition = ctx.partitionsOf(upstream);
      if (j === undefined || upDefinition === null) continue;
      const upUnit = units[j] as BackfillUnit;
      const finished = progress[j] ?? { done: [], failed: [] };
      const read = (keys: readonly string[]): ReadOutcome => {
        let waiting: string | null = null;
        for (const key of upstreamPartitions(ctx.mappingOf(assetKey, upstream), upDefinition, definition, keys, ctx.partitions).keys) {
          const q = partitionIndex(upDefinition, key, ctx.partitions);
          if (j === unitIndex && q >= slice.from) {
            if (skippedKeys.has(key)) return { failed: key, waiting: null };
            continue;
          }
          if (!isSelectedPosition(upDefinition, upUnit.selection, upUnit, ctx.partitions, q, upstream)) continue;
          if (containsPosition(finished.failed, q)) return { failed: key, waiting: null };
          if (waiting === null && !containsPosition(finished.done, q)) waiting = key;
        }
        return { failed: null, waiting };
      };
      edges.push({ asset: assetKey, upstream, read });
    }
  }
  const together = edges.map((edge) => ({ edge, outcome: edge.read(slice.keys) }));
  if (together.every((t) => t.outcome.failed === null)) {
    const waiting = together.find((t) => t.outcome.waiting !== null);
    return waiting ? { kind: 'waiting', asset: waiting.edge.asset, upstream: waiting.edge.upstream, upstreamKey: waiting.outcome.waiting as string } : { kind: 'ready', skipped: [] };
  }
  const skipped: SkippedPartition[] = [];
  let waiting: ChunkReadiness | undefined;
  for (const key of slice.keys) {
    let keyWaiting: ChunkReadiness | undefined;
    let failed: SkippedPartition | undefined;
    for (const edge of edges) {
      const outcome = edge.read([key]);
      if (outcome.failed !== null) {
        failed = { key, asset: edge.asset, upstream: edge.upstream, upstreamKey: outcome.failed };
        break;
      }
      if (!keyWaiting && outcome.waiting !== null) keyWaiting = { kind: 'waiting', asset: edge.asset, upstream: edge.upstream, upstreamKey: outcome.waiting };
    }
    if (failed) {
      skipped.push(failed);
      skippedKeys.add(key);
    } else waiting ??= keyWaiting;
  }
  return waiting ?? { kind: 'ready', skipped };
}
