/**
 * Planning units and chunks of a backfill.
 *
 * A unit is a set of the backfill's assets that share one partitions definition and one selection:
 * a chunk of a unit is one run materializing those assets for a stretch of partitions, so
 * dependencies between them inside the chunk are ordered by the run itself. Assets with different
 * definitions (a daily asset feeding a weekly one) are different units, planned through their
 * partition mappings (see dependencies.ts). Units are kept in dependency order; when grouping by
 * definition would make two units wait on each other, every asset becomes its own unit.
 *
 * A chunk covers positions `[from, to)` of its unit's definition: `from` is the unit's cursor when
 * the chunk was planned and `to` the position after its last selected partition, so the chunks of
 * a unit tile its extent without gaps and "which positions are done" stays a few intervals.
 */
import type { AssetGraph } from '../assets/index.js';
import { arcoError } from '../errors/index.js';
import { canonicalJson } from '../ids/index.js';
import {
  partitionKeyAt,
  upstreamPartitions,
  type PartitionMapping,
  type PartitionsContext,
  type PartitionsDefinition,
} from '../partitions/index.js';
import { nextSelectedPositions, selectionExtent, type SelectionExtent, type UnitSelection } from './selection.js';

/** `multiRun(n)`: chunks of at most n partitions; `singleRun()`: one run for the whole selection. */
export type BackfillPolicy = { readonly kind: 'multiRun'; readonly partitionsPerRun: number } | { readonly kind: 'singleRun' };

export interface BackfillUnit extends SelectionExtent {
  /** In dependency order. */
  readonly assetKeys: readonly string[];
  readonly selection: UnitSelection;
}

/** What planning reads of the definitions, and the partitions context (now, dynamic keys). */
export interface BackfillPlanningContext {
  readonly graph: AssetGraph;
  readonly partitionsOf: (assetKey: string) => PartitionsDefinition | null;
  readonly mappingOf: (downstream: string, upstream: string) => PartitionMapping;
  readonly partitions: PartitionsContext;
}

/** @throws BACKFILL_INVALID_POLICY naming the field that is not a positive whole number. */
export function checkBackfillLimits(policy: BackfillPolicy, maxConcurrentRuns: number): void {
  const bad = (field: string, value: number): never => {
    throw arcoError('BACKFILL_INVALID_POLICY', `${field} must be a positive whole number, got ${value}`, { field, value });
  };
  if (policy.kind === 'multiRun' && (!Number.isSafeInteger(policy.partitionsPerRun) || policy.partitionsPerRun < 1)) bad('partitionsPerRun', policy.partitionsPerRun);
  if (!Number.isSafeInteger(maxConcurrentRuns) || maxConcurrentRuns < 1) bad('maxConcurrentRuns', maxConcurrentRuns);
}

/** Partitions per chunk run. A single run takes the whole selection. */
export function chunkSizeOf(policy: BackfillPolicy): number {
  return policy.kind === 'multiRun' ? policy.partitionsPerRun : Number.MAX_SAFE_INTEGER;
}

/** Whether the units, in this order, only ever wait on units before them or on themselves. */
function inDependencyOrder(units: readonly (readonly string[])[], graph: AssetGraph): boolean {
  const unitOf = new Map<string, number>();
  units.forEach((keys, i) => keys.forEach((k) => unitOf.set(k, i)));
  return units.every((keys, i) => keys.every((k) => graph.parents(k).every((p) => (unitOf.get(p) ?? -1) <= i)));
}

/** Groups assets (in dependency order) by definition and selection; one unit per asset if that would cycle. */
function groupUnits(assetKeys: readonly string[], selectionOf: (assetKey: string) => UnitSelection, ctx: BackfillPlanningContext): string[][] {
  const groups = new Map<string, string[]>();
  for (const key of assetKeys) {
    const identity = canonicalJson({ definition: ctx.partitionsOf(key), selection: selectionOf(key) } as never);
    const group = groups.get(identity);
    if (group) group.push(key);
    else groups.set(identity, [key]);
  }
  // Units ordered by their last asset: a unit can only wait on assets ordered before its own.
  const units = [...groups.values()].sort((a, b) => assetKeys.indexOf(a[a.length - 1] as string) - assetKeys.indexOf(b[b.length - 1] as string));
  return inDependencyOrder(units, ctx.graph) ? units : assetKeys.map((k) => [k]);
}

/**
 * The units of a backfill over `assetKeys` (in dependency order), validated against the
 * definitions now.
 * @throws PARTITION_REQUIRED, BACKFILL_UNPARTITIONED_ASSET, BACKFILL_UNKNOWN_PARTITIONS,
 *   INVALID_PARTITION_RANGE, INVALID_PARTITION_SELECTOR, BACKFILL_EMPTY, NONEXISTENT_UPSTREAM_PARTITION.
 */
export function planBackfillUnits(
  assetKeys: readonly string[],
  selectionOf: (assetKey: string) => UnitSelection,
  ctx: BackfillPlanningContext,
): BackfillUnit[] {
  const partitioned = assetKeys.filter((k) => ctx.partitionsOf(k) !== null);
  const unpartitioned = assetKeys.filter((k) => ctx.partitionsOf(k) === null);
  const wantsPartitions = assetKeys.some((k) => selectionOf(k).kind !== 'unpartitioned');
  if (!wantsPartitions && partitioned.length > 0) {
    throw arcoError('PARTITION_REQUIRED', `a backfill of partitioned assets needs a partition selector: ${partitioned.join(', ')}`, { assets: partitioned });
  }
  if (wantsPartitions && unpartitioned.length > 0) {
    throw arcoError('BACKFILL_UNPARTITIONED_ASSET', `a partitioned backfill cannot include assets without partitions: ${unpartitioned.join(', ')}`, { assets: unpartitioned });
  }
  const units = groupUnits(assetKeys, selectionOf, ctx).map((keys): BackfillUnit => {
    const first = keys[0] as string;
    const selection = selectionOf(first);
    return { assetKeys: keys, selection, ...selectionExtent(ctx.partitionsOf(first), selection, ctx.partitions, first) };
  });
  if (units.every((u) => u.partitionCount === 0)) throw arcoError('BACKFILL_EMPTY', 'the partition selector selects no partition of the backfilled assets', { assets: [...assetKeys] });
  for (const unit of units) checkUpstreamExists(unit, ctx);
  return units;
}

/** Explicit selections up to this size have every key's upstream checked at creation; larger ones, their endpoints. */
const UPSTREAM_CHECKED_KEYS_MAX = 1000;

/**
 * Required upstream partitions must exist (SEMANTICS §6). Time mappings are monotone, so the first
 * and last selected partitions stand for a range; each chunk is checked again when it is planned.
 */
function checkUpstreamExists(unit: BackfillUnit, ctx: BackfillPlanningContext): void {
  const definition = ctx.partitionsOf(unit.assetKeys[0] as string);
  if (definition === null || unit.partitionCount === 0) return;
  const keys =
    unit.partitionCount <= UPSTREAM_CHECKED_KEYS_MAX
      ? nextSelectedPositions(definition, unit.selection, unit, ctx.partitions, unit.from, UPSTREAM_CHECKED_KEYS_MAX, unit.assetKeys[0] as string).map((p) => partitionKeyAt(definition, p, ctx.partitions))
      : [partitionKeyAt(definition, unit.from, ctx.partitions), partitionKeyAt(definition, unit.to - 1, ctx.partitions)];
  for (const assetKey of unit.assetKeys) nonexistentUpstream(assetKey, definition, keys, ctx);
}

/** @throws NONEXISTENT_UPSTREAM_PARTITION naming the asset, the upstream asset and the missing keys. */
export function nonexistentUpstream(assetKey: string, definition: PartitionsDefinition, keys: readonly string[], ctx: BackfillPlanningContext): void {
  for (const upstream of ctx.graph.parents(assetKey)) {
    const upDefinition = ctx.partitionsOf(upstream);
    if (upDefinition === null) continue;
    const missing = upstreamPartitions(ctx.mappingOf(assetKey, upstream), upDefinition, definition, keys, ctx.partitions).nonexistentKeys;
    if (missing.length === 0) continue;
    throw arcoError(
      'NONEXISTENT_UPSTREAM_PARTITION',
      `asset "${assetKey}" reads partitions of "${upstream}" that do not exist: ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ` and ${missing.length - 10} more` : ''}`,
      { asset: assetKey, upstream, keys: missing.slice(0, 10), count: missing.length },
    );
  }
}

/** One planned stretch of a unit: positions `[from, to)`, the selected positions in it and their keys. */
export interface ChunkSlice {
  readonly from: number;
  readonly to: number;
  readonly positions: readonly number[];
  /** Empty for an unpartitioned unit. */
  readonly keys: readonly string[];
}

/** The unit's next chunk from `cursor`, or null when the unit has no selected partition left. */
export function nextChunkSlice(unit: BackfillUnit, cursor: number, size: number, ctx: BackfillPlanningContext): ChunkSlice | null {
  const first = unit.assetKeys[0] as string;
  const definition = ctx.partitionsOf(first);
  const positions = nextSelectedPositions(definition, unit.selection, unit, ctx.partitions, cursor, size, first);
  const last = positions[positions.length - 1];
  if (last === undefined) return null;
  const keys = definition === null ? [] : positions.map((p) => partitionKeyAt(definition, p, ctx.partitions));
  return { from: cursor, to: last + 1, positions, keys };
}
