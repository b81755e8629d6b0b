/**
 * Wiping assets and deleting runs as the API and CLI ask: resolve what the request names against
 * the definitions and projections, refuse anything unknown before appending, then append the
 * decision (controllers/forgetting.ts). A refused request appends nothing.
 */
import { arcoError, isArcoError } from '../domain/errors/index.js';
import {
  addWindow,
  parsePartitionSelector,
  parseStatusSelector,
  resolvePartitionSelector,
  timeWindowForKey,
  type PartitionSelector,
  type PartitionsContext,
  type PartitionsDefinition,
} from '../domain/partitions/index.js';
import { decideAssetWipes, decideRunDelete, type AssetWipeTarget } from '../controllers/index.js';
import { commit, type RuntimeContext } from './context.js';
import { partitionsContextAt } from './partitions-context.js';
import { getRunOrThrow } from './run-commands.js';
import { selectAssets } from './selection.js';

/**
 * Partitions one wipe may list (they travel in its event, one per asset). Wiping every partition
 * of an asset needs no list at all: leave the partition out.
 */
export const WIPE_PARTITIONS_MAX = 100_000;

export interface AssetWipeInput {
  /** An asset selection (string, or keys). */
  readonly selection: string | readonly string[];
  /** A partition key, `START...END`, `a,b` or a selector; absent: every partition. */
  readonly partition?: string | readonly string[] | PartitionSelector | null;
  /** Resolve and answer what would be wiped, appending nothing. */
  readonly dryRun?: boolean;
  readonly requestedBy?: string | null;
}

export interface AssetWipeOutcome {
  readonly assets: readonly AssetWipeTarget[];
  readonly dryRun: boolean;
  /** When the wipe was recorded (null for a dry run). */
  readonly wipedAt: string | null;
}

function selectorOf(partition: AssetWipeInput['partition']): PartitionSelector | null {
  if (partition === null || partition === undefined) return null;
  if (typeof partition === 'string' && parseStatusSelector(partition) !== undefined) {
    throw arcoError('INVALID_PARTITION_SELECTOR', 'a wipe takes partition keys, a range or a filter, not a status: selector', { partition, reason: 'status selector' });
  }
  if (typeof partition === 'string' || Array.isArray(partition)) return parsePartitionSelector(partition as string | readonly string[]);
  return partition as PartitionSelector;
}

/** The merged windows of time-window keys (other definitions carry no windows in partition status). */
function windowsOf(definition: PartitionsDefinition, keys: readonly string[]): [number, number][] {
  if (definition.kind !== 'timeWindow') return [];
  let windows: [number, number][] = [];
  for (const key of keys) {
    const w = timeWindowForKey(definition, key);
    windows = addWindow(windows, w.startEpochMs, w.endEpochMs);
  }
  return windows;
}

/** @throws UNKNOWN_PARTITION naming the asset, INVALID_PARTITION_SELECTOR for too many partitions. */
function partitionTarget(assetKey: string, definition: PartitionsDefinition, selector: PartitionSelector, partitions: PartitionsContext): AssetWipeTarget {
  let keys: string[];
  try {
    keys = resolvePartitionSelector(definition, selector, partitions);
  } catch (error) {
    if (isArcoError(error) && error.code === 'UNKNOWN_PARTITION') {
      throw arcoError('UNKNOWN_PARTITION', `asset "${assetKey}" has no partition "${String(error.details?.['key'] ?? '')}"; nothing was wiped`, { ...error.details, assetKey });
    }
    throw error;
  }
  if (keys.length > WIPE_PARTITIONS_MAX) {
    throw arcoError('INVALID_PARTITION_SELECTOR', `${keys.length} partitions of "${assetKey}": one wipe lists at most ${WIPE_PARTITIONS_MAX}; leave --partition out to wipe them all`, {
      assetKey,
      count: keys.length,
      max: WIPE_PARTITIONS_MAX,
      reason: 'too many partitions for one wipe',
    });
  }
  return { assetKey, partitionKeys: keys, partitionWindows: windowsOf(definition, keys) };
}

/**
 * Forgets the materialization history of the selected assets (or of the given partitions).
 * @throws SELECTION_SYNTAX_ERROR, UNKNOWN_ASSET, EMPTY_SELECTION; with a partition:
 *   PARTITION_NOT_APPLICABLE (an unpartitioned asset is selected), UNKNOWN_PARTITION,
 *   INVALID_PARTITION_RANGE, INVALID_PARTITION_SELECTOR. Nothing is appended on any of them.
 */
export async function wipeAssets(ctx: RuntimeContext, input: AssetWipeInput): Promise<AssetWipeOutcome> {
  const keys = selectAssets(ctx.definitions, input.selection);
  if (keys.length === 0) throw arcoError('EMPTY_SELECTION', `selection ${JSON.stringify(input.selection)} matches no asset: nothing to wipe`, { selection: input.selection });
  const selector = selectorOf(input.partition);
  const now = ctx.clock.now();
  let targets: AssetWipeTarget[];
  if (selector === null) {
    targets = keys.map((assetKey) => ({ assetKey, partitionKeys: null, partitionWindows: [] }));
  } else {
    const unpartitioned = keys.filter((key) => ctx.definitions.partitionsOf(key) === null);
    if (unpartitioned.length > 0) {
      throw arcoError('PARTITION_NOT_APPLICABLE', `a partition was given but ${unpartitioned.map((k) => `"${k}"`).join(', ')} ${unpartitioned.length === 1 ? 'is' : 'are'} not partitioned; nothing was wiped`, {
        assets: unpartitioned,
      });
    }
    const partitions = await partitionsContextAt(ctx, now);
    targets = keys.map((key) => partitionTarget(key, ctx.definitions.partitionsOf(key) as PartitionsDefinition, selector, partitions));
  }
  if (input.dryRun) return { assets: targets, dryRun: true, wipedAt: null };
  await commit(ctx, decideAssetWipes(targets, ctx.ids.ulid(now), now, input.requestedBy ?? null), now);
  return { assets: targets, dryRun: false, wipedAt: new Date(now).toISOString() };
}

/**
 * Deletes a finished run: it leaves run lists and views, its logs are no longer served, its
 * materializations still count and its runKey stays taken.
 * @throws RUN_NOT_FOUND (also for a run already deleted), RUN_NOT_TERMINAL.
 */
export async function deleteRun(ctx: RuntimeContext, runId: string, requestedBy: string | null = null): Promise<{ runId: string; deletedAt: string }> {
  const run = await getRunOrThrow(ctx, runId);
  const backfillId = run.tags['arco/backfill'];
  const backfill = backfillId === undefined ? undefined : await ctx.store.backfills.getBackfill(backfillId);
  const now = ctx.clock.now();
  const drafts = decideRunDelete(run, backfill, now, requestedBy);
  // The version read: a run deleted meanwhile (or changed) is decided again by the caller's retry.
  await commit(ctx, drafts, now, [{ table: 'runs', id: runId, version: run.version }]);
  return { runId, deletedAt: new Date(now).toISOString() };
}
