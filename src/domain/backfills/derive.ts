/**
 * What a backfill selects of each asset when it is given one partition selector (BF-07).
 *
 * As Dagster's asset backfills: the selector names partitions of the backfill's root assets (those
 * with no partitioned parent inside the backfill); every other asset gets the partitions its
 * parents' selected partitions feed through the partition mappings, so a daily asset feeding a
 * weekly one backfills the weeks those days make up, and a "previous day" mapping shifts by a day.
 *
 * Results stay compact: a child whose mapping from every in-backfill parent is the identity (same
 * definition, identity or zero-offset time-window mapping) and whose parents share one selection
 * reuses that selection as it is; otherwise the child's partitions are kept as key ranges. A
 * contiguous stretch of a time-window parent maps through a time-window mapping by its two ends
 * (the mapping is monotone), so deriving a million hourly partitions costs two mappings.
 */
import { arcoError } from '../errors/index.js';
import { canonicalJson, type Json } from '../ids/index.js';
import {
  downstreamPartitionKeys,
  partitionIndex,
  partitionKeyAt,
  sameDefinition,
  type CanonicalPartitionSelector,
  type PartitionMapping,
  type PartitionsDefinition,
} from '../partitions/index.js';
import { addInterval, type Interval } from './intervals.js';
import { selectedStretches, selectionExtent, type KeyRange, type UnitSelection } from './selection.js';
import type { BackfillPlanningContext } from './units.js';

/** Partitions mapped one by one (not by their ends) per backfill, beyond which creation is refused. */
export const DERIVED_PARTITIONS_MAPPED_MAX = 100_000;

/**
 * The selection of every asset of the backfill (given in dependency order) for one selector.
 * Unpartitioned assets get no entry; `planBackfillUnits` reports them.
 * @throws BACKFILL_DERIVATION_TOO_LARGE when a non-monotone mapping would have to map more than
 *   DERIVED_PARTITIONS_MAPPED_MAX partitions one by one; the errors of `selectionExtent`.
 */
export function derivedSelections(
  assetKeys: readonly string[],
  selector: CanonicalPartitionSelector,
  ctx: BackfillPlanningContext,
): Map<string, UnitSelection> {
  const inBackfill = new Set(assetKeys);
  const selections = new Map<string, UnitSelection>();
  const budget = { mapped: 0 };
  for (const assetKey of assetKeys) {
    const definition = ctx.partitionsOf(assetKey);
    if (definition === null) continue;
    const parents = ctx.graph.parents(assetKey).filter((p) => inBackfill.has(p) && selections.has(p));
    if (parents.length === 0) {
      selections.set(assetKey, { kind: 'selector', selector });
      continue;
    }
    const inherited = inheritedSelection(assetKey, definition, parents, selections, ctx);
    selections.set(assetKey, inherited ?? { kind: 'ranges', ranges: derivedRanges(assetKey, definition, parents, selections, ctx, budget) });
  }
  return selections;
}

function identityLike(mapping: PartitionMapping, parent: PartitionsDefinition, child: PartitionsDefinition): boolean {
  if (!sameDefinition(parent, child)) return false;
  return mapping.kind === 'identity' || (mapping.kind === 'timeWindow' && mapping.startOffset === 0 && mapping.endOffset === 0);
}

/** The parents' one shared selection when every edge maps partitions to themselves, else undefined. */
function inheritedSelection(
  assetKey: string,
  definition: PartitionsDefinition,
  parents: readonly string[],
  selections: ReadonlyMap<string, UnitSelection>,
  ctx: BackfillPlanningContext,
): UnitSelection | undefined {
  const first = selections.get(parents[0] as string) as UnitSelection;
  const shared = canonicalJson(first as unknown as Json);
  const all = parents.every((p) => {
    const parentDefinition = ctx.partitionsOf(p) as PartitionsDefinition;
    return identityLike(ctx.mappingOf(assetKey, p), parentDefinition, definition) && canonicalJson(selections.get(p) as unknown as Json) === shared;
  });
  return all ? first : undefined;
}

/** The selected positions of a parent as contiguous stretches `[from, to)`. */
function stretchesOf(assetKey: string, definition: PartitionsDefinition, selection: UnitSelection, ctx: BackfillPlanningContext): Interval[] {
  const extent = selectionExtent(definition, selection, ctx.partitions, assetKey);
  return selectedStretches(definition, selection, extent, ctx.partitions, extent.from, assetKey);
}

function derivedRanges(
  assetKey: string,
  definition: PartitionsDefinition,
  parents: readonly string[],
  selections: ReadonlyMap<string, UnitSelection>,
  ctx: BackfillPlanningContext,
  budget: { mapped: number },
): KeyRange[] {
  let positions: Interval[] = [];
  for (const parent of parents) {
    const parentDefinition = ctx.partitionsOf(parent) as PartitionsDefinition;
    const mapping = ctx.mappingOf(assetKey, parent);
    const childPositions = (keys: readonly string[]): number[] =>
      downstreamPartitionKeys(mapping, parentDefinition, definition, keys, ctx.partitions)
        .map((k) => partitionIndex(definition, k, ctx.partitions))
        .filter((p) => p >= 0);
    const monotone = mapping.kind === 'timeWindow' && parentDefinition.kind === 'timeWindow' && definition.kind === 'timeWindow';
    for (const [from, to] of stretchesOf(parent, parentDefinition, selections.get(parent) as UnitSelection, ctx)) {
      if (monotone) {
        const span = monotoneSpan(from, to, (p) => childPositions([partitionKeyAt(parentDefinition, p, ctx.partitions)]));
        if (span) positions = addInterval(positions, span[0], span[1]);
        continue;
      }
      budget.mapped += to - from;
      if (budget.mapped > DERIVED_PARTITIONS_MAPPED_MAX) {
        throw arcoError(
          'BACKFILL_DERIVATION_TOO_LARGE',
          `asset "${assetKey}" would need more than ${DERIVED_PARTITIONS_MAPPED_MAX} partitions of "${parent}" mapped one by one; backfill it separately with its own partition selector`,
          { asset: assetKey, upstream: parent, max: DERIVED_PARTITIONS_MAPPED_MAX },
        );
      }
      const keys: string[] = [];
      for (let p = from; p < to; p += 1) keys.push(partitionKeyAt(parentDefinition, p, ctx.partitions));
      for (const p of childPositions(keys)) positions = addInterval(positions, p, p + 1);
    }
  }
  return positions.map(([from, to]) => ({ start: partitionKeyAt(definition, from, ctx.partitions), end: partitionKeyAt(definition, to - 1, ctx.partitions) }));
}

/**
 * The child positions `[first, last + 1)` a monotone mapping gives a parent stretch: the first
 * parent partition that feeds any child gives the first child, the last one the last child.
 */
function monotoneSpan(from: number, to: number, childrenOf: (position: number) => number[]): Interval | undefined {
  let first: number | undefined;
  for (let p = from; p < to && first === undefined; p += 1) {
    const children = childrenOf(p);
    if (children.length > 0) first = Math.min(...children);
  }
  if (first === undefined) return undefined;
  for (let p = to - 1; p >= from; p -= 1) {
    const children = childrenOf(p);
    if (children.length > 0) return [first, Math.max(...children) + 1];
  }
  return undefined;
}
