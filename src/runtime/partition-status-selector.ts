/**
 * Runs and backfills over the partitions in a status (PST-08, Dagster's "launch backfill of
 * missing/failed partitions"): `--partition 'status:MISSING'`, or backfill `--from-status FAILED`
 * with another selector. The status is read now and turned into concrete partitions before
 * planning, so the run or backfill is made of the partitions, never of a status that changes while
 * it runs. A partition counts when it is in one of the statuses for any selected partitioned asset.
 */
import { arcoError } from '../domain/errors/index.js';
import {
  intersectIndexRanges,
  normalizeIndexRanges,
  parsePartitionStatuses,
  parseStatusSelector,
  partitionKeyAt,
  sameDefinition,
  selectorPositions,
  type IndexRange,
  type PartitionSelector,
  type PartitionStatus,
  type PartitionsContext,
  type PartitionsDefinition,
} from '../domain/partitions/index.js';
import type { UnitSelection } from '../domain/backfills/index.js';
import type { RuntimeContext } from './context.js';
import { partitionsContextAt } from './partitions-context.js';
import { positionsIn, statusPositions } from './partition-status.js';

/** Keys a run over the partitions in a status may list; more is a backfill's work. */
export const STATUS_RUN_PARTITIONS_MAX = 10_000;

/** What a status selection resolved to: merged positions in the shared definition. */
export interface StatusSelection {
  readonly definition: PartitionsDefinition;
  readonly partitions: PartitionsContext;
  readonly positions: readonly IndexRange[];
  readonly statuses: readonly PartitionStatus[];
}

/**
 * The statuses asked for by a `status:` partition text and/or a from-status list, if any.
 * @throws INVALID_PARTITION_SELECTOR for an unknown status, or both forms at once.
 */
export function requestedStatuses(partition: unknown, fromStatus?: string | readonly string[]): PartitionStatus[] | undefined {
  const fromSelector = typeof partition === 'string' ? parseStatusSelector(partition) : undefined;
  const fromList = fromStatus === undefined ? undefined : parsePartitionStatuses(typeof fromStatus === 'string' ? fromStatus : fromStatus.join(','));
  if (fromSelector && fromList) {
    throw arcoError('INVALID_PARTITION_SELECTOR', 'give the statuses once: a status: selector or a from-status list, not both', { partition: String(partition) });
  }
  return fromSelector ?? fromList;
}

/**
 * The positions of the partitions `base` names (all when null) that are in one of `statuses` now.
 * @throws PARTITION_NOT_APPLICABLE when no selected asset is partitioned; INVALID_PARTITION_SELECTOR
 *   when the partitioned assets do not share one definition; the errors of the base selector.
 */
export async function resolveStatusSelection(
  ctx: RuntimeContext,
  assetKeys: readonly string[],
  base: PartitionSelector | null,
  statuses: readonly PartitionStatus[],
  nowEpochMs: number,
): Promise<StatusSelection> {
  const partitioned = assetKeys.filter((key) => ctx.definitions.partitionsOf(key) !== null);
  const definition = partitioned.length > 0 ? ctx.definitions.partitionsOf(partitioned[0] as string) : null;
  if (definition === null) {
    throw arcoError('PARTITION_NOT_APPLICABLE', `no selected asset is partitioned, so partitions in status ${statuses.join(',')} select nothing`, { assets: [...assetKeys] });
  }
  const other = partitioned.find((key) => !sameDefinition(ctx.definitions.partitionsOf(key) ?? undefined, definition));
  if (other !== undefined) {
    throw arcoError('INVALID_PARTITION_SELECTOR', `a status selector needs the selected assets to share one partitions definition; "${partitioned[0]}" and "${other}" differ`, {
      assets: [partitioned[0], other],
      reason: 'different partitions definitions',
    });
  }
  const [activeRuns, partitions] = await Promise.all([ctx.store.runs.listActiveRuns(), partitionsContextAt(ctx, nowEpochMs)]);
  let positions: IndexRange[] = [];
  for (const key of partitioned) {
    const row = await ctx.store.assets.getAssetPartitionStatus(key);
    positions = [...positions, ...positionsIn(statusPositions(key, definition, row, activeRuns, partitions), statuses)];
  }
  const inStatus = normalizeIndexRanges(positions);
  const selected = base === null ? inStatus : intersectIndexRanges(inStatus, selectorPositions(definition, base, partitions));
  return { definition, partitions, positions: selected, statuses };
}

/** Key ranges (first and last key) of the positions: compact whatever their number. */
export function keyRangesOf(selection: StatusSelection): { start: string; end: string }[] {
  const { definition, partitions } = selection;
  return selection.positions.map(([from, to]) => ({ start: partitionKeyAt(definition, from, partitions), end: partitionKeyAt(definition, to - 1, partitions) }));
}

/**
 * The selector a run gets: one range when the partitions are consecutive, else their keys.
 * @throws INVALID_PARTITION_SELECTOR when no partition is in the statuses, or more than
 *   STATUS_RUN_PARTITIONS_MAX are (a backfill runs those in chunks).
 */
export function runSelectorOf(selection: StatusSelection): PartitionSelector {
  const count = selection.positions.reduce((sum, [from, to]) => sum + (to - from), 0);
  const statuses = selection.statuses.join(',');
  if (count === 0) {
    throw arcoError('INVALID_PARTITION_SELECTOR', `no selected partition is ${statuses} now`, { statuses: [...selection.statuses], reason: 'selects no partition' });
  }
  if (count > STATUS_RUN_PARTITIONS_MAX) {
    throw arcoError('INVALID_PARTITION_SELECTOR', `${count} partitions are ${statuses}: a run takes at most ${STATUS_RUN_PARTITIONS_MAX}; use a backfill`, {
      statuses: [...selection.statuses],
      count,
      max: STATUS_RUN_PARTITIONS_MAX,
      reason: 'too many partitions for one run',
    });
  }
  const ranges = keyRangesOf(selection);
  const only = ranges.length === 1 ? ranges[0] : undefined;
  if (only) return only.start === only.end ? { kind: 'explicit', keys: [only.start] } : { kind: 'range', start: only.start, end: only.end };
  const keys: string[] = [];
  for (const [from, to] of selection.positions) for (let p = from; p < to; p += 1) keys.push(partitionKeyAt(selection.definition, p, selection.partitions));
  return { kind: 'explicit', keys };
}

/**
 * The selector a run request names: a `status:` text resolved against the statuses now (see
 * `runSelectorOf`), any other text or selector as given.
 */
export async function runPartitionSelector(
  ctx: RuntimeContext,
  assetKeys: readonly string[],
  partition: string | readonly string[] | PartitionSelector | null | undefined,
  parse: (partition: string | readonly string[] | PartitionSelector | null | undefined) => PartitionSelector | null,
): Promise<PartitionSelector | null> {
  const statuses = requestedStatuses(partition);
  if (!statuses) return parse(partition);
  return runSelectorOf(await resolveStatusSelection(ctx, assetKeys, null, statuses, ctx.clock.now()));
}

/**
 * Per-asset selections of a backfill over the partitions in a status: key ranges, so a million
 * MISSING partitions in a few runs of consecutive keys are a few ranges, not a million keys.
 * @throws BACKFILL_EMPTY when no partition is in the statuses; as `resolveStatusSelection`.
 */
export async function statusBackfillSelections(
  ctx: RuntimeContext,
  assetKeys: readonly string[],
  base: PartitionSelector | null,
  statuses: readonly PartitionStatus[],
): Promise<Map<string, UnitSelection>> {
  const selection = await resolveStatusSelection(ctx, assetKeys, base, statuses, ctx.clock.now());
  if (selection.positions.length === 0) {
    throw arcoError('BACKFILL_EMPTY', `no selected partition is ${statuses.join(',')} now, so the backfill would do nothing`, { statuses: [...statuses] });
  }
  const ranges = keyRangesOf(selection);
  const selections = new Map<string, UnitSelection>();
  for (const key of assetKeys) if (ctx.definitions.partitionsOf(key) !== null) selections.set(key, { kind: 'ranges', ranges });
  return selections;
}
