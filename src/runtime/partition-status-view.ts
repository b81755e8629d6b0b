/**
 * The partition status view of one asset (`arco asset status`, `GET /api/v1/assets/{key}/partitions`):
 * counts per status, the key ranges in each status (consecutive keys in definition order, first and
 * last key), and for one partition its last materialization and last failure. Also the counts of
 * every asset at once, for the partition-health column of `arco asset list`.
 */
import { z } from 'zod';
import { arcoError, isArcoError } from '../domain/errors/index.js';
import {
  parsePartitionSelector,
  parseStatusSelector,
  partitionKeyAt,
  partitionKeysAt,
  selectorPositions,
  type IndexRange,
  type PartitionsContext,
  type PartitionsDefinition,
} from '../domain/partitions/index.js';
import { explainPartitionError, unknownAssetError } from '../domain/suggestions/index.js';
import { jsonValue } from '../events/index.js';
import type { RuntimeContext } from './context.js';
import { partitionGrid, partitionGridSchema } from './partition-grid.js';
import { partitionsContextAt } from './partitions-context.js';
import {
  countsOf,
  partitionStatusCountsSchema,
  partitionStatusSchema,
  positionsIn,
  restrictPositions,
  statusPositions,
  type PartitionStatusCounts,
  type StatusPositions,
} from './partition-status.js';

/**
 * Key ranges listed per status. @default for `rangesMax`. Each listed range costs two key lookups
 * (about 30 µs each for time windows), so the default keeps a view of a million partitions in
 * scattered runs fast; counts always cover every partition, and `rangesTruncated` says when more
 * ranges exist than were listed.
 */
export const STATUS_RANGES_DEFAULT = 20;

const keyRangeSchema = z.object({ start: z.string(), end: z.string(), count: z.number().int() });

export const partitionDetailSchema = z.object({
  /** null for an unpartitioned asset. */
  partitionKey: z.string().nullable(),
  status: partitionStatusSchema,
  lastMaterialization: z
    .object({ runId: z.string().nullable().describe('null: reported without a run'), materializedAt: z.string(), dataVersion: z.string(), codeVersion: z.string().nullable(), metadata: z.record(z.string(), jsonValue) })
    .nullable(),
  lastFailure: z.object({ runId: z.string(), failedAt: z.string(), code: z.string() }).nullable(),
});
export type PartitionDetail = z.infer<typeof partitionDetailSchema>;

export const partitionStatusViewSchema = z
  .object({
    assetKey: z.string(),
    partitioned: z.boolean(),
    /** The selector the view is restricted to, as given. */
    selector: z.string().nullable(),
    counts: partitionStatusCountsSchema,
    /** Runs of consecutive keys in definition order, per status, at most `rangesMax` each. */
    ranges: z.object({
      MATERIALIZED: z.array(keyRangeSchema),
      FAILED: z.array(keyRangeSchema),
      IN_PROGRESS: z.array(keyRangeSchema),
      MISSING: z.array(keyRangeSchema),
    }),
    /** True when some status had more ranges than listed. */
    rangesTruncated: z.boolean(),
    /** The one partition selected (or the unpartitioned asset): its last materialization and failure. */
    partition: partitionDetailSchema.nullable(),
    /** Asked for with `grid`: every status as positions, and how to lay them out (the UI's grid). */
    grid: partitionGridSchema.optional(),
  })
  .describe('AssetPartitionStatus');
export type PartitionStatusView = z.infer<typeof partitionStatusViewSchema>;

export interface PartitionStatusQuery {
  /** A partition selector, or `status:STATUS[,STATUS]`. */
  readonly partition?: string | undefined;
  readonly rangesMax?: number | undefined;
  /** Add the grid of every partition (the selector does not restrict it). */
  readonly grid?: boolean | undefined;
}

/** Partition errors explained against the definition: nearest keys, key format, first and last key. */
function explained<T>(definition: PartitionsDefinition, partitions: PartitionsContext, read: () => T): T {
  try {
    return read();
  } catch (error) {
    throw isArcoError(error) ? explainPartitionError(error, definition, partitions) : error;
  }
}

/** Positions a selector text names (a `status:` selector names the positions in those statuses). */
export function selectedPositions(definition: PartitionsDefinition, all: StatusPositions, text: string, partitions: PartitionsContext): IndexRange[] {
  const statuses = parseStatusSelector(text);
  if (statuses) return positionsIn(all, statuses);
  return explained(definition, partitions, () => selectorPositions(definition, parsePartitionSelector(text), partitions));
}

function keyRanges(definition: PartitionsDefinition, ranges: readonly IndexRange[], max: number, ctx: PartitionsContext) {
  const listed = ranges.slice(0, max);
  const keys = partitionKeysAt(definition, listed.flatMap(([from, to]) => [from, to - 1]), ctx);
  return listed.map(([from, to], i) => ({ start: keys[2 * i] as string, end: keys[2 * i + 1] as string, count: to - from }));
}

function statusAt(positions: StatusPositions, position: number): PartitionDetail['status'] {
  for (const [status, ranges] of Object.entries(positions.byStatus)) {
    if (ranges.some(([from, to]) => from <= position && position < to)) return status as PartitionDetail['status'];
  }
  return 'MISSING';
}

async function detailOf(ctx: RuntimeContext, assetKey: string, partitionKey: string | null, status: PartitionDetail['status']): Promise<PartitionDetail> {
  const state = await ctx.store.assets.getAssetPartition(assetKey, partitionKey);
  const m = state?.lastMaterialization;
  const f = state?.lastFailure;
  return {
    partitionKey,
    status,
    lastMaterialization: m ? { runId: m.runId, materializedAt: m.materializedAt, dataVersion: m.dataVersion, codeVersion: m.codeVersion, metadata: m.metadata } : null,
    lastFailure: f ? { runId: f.runId, failedAt: f.failedAt, code: f.code } : null,
  };
}

/**
 * @throws UNKNOWN_ASSET (with the nearest keys), PARTITION_NOT_APPLICABLE (a selector for an
 *   unpartitioned asset), INVALID_PARTITION_SELECTOR (also an unknown status), UNKNOWN_PARTITION,
 *   INVALID_PARTITION_RANGE.
 */
export async function describePartitionStatus(ctx: RuntimeContext, assetKey: string, query: PartitionStatusQuery, nowEpochMs: number): Promise<PartitionStatusView> {
  if (!ctx.definitions.graph.has(assetKey)) throw unknownAssetError(assetKey, ctx.definitions.graph.keys);
  const definition = ctx.definitions.partitionsOf(assetKey);
  const selector = query.partition ?? null;
  if (definition === null && selector !== null) {
    throw arcoError('PARTITION_NOT_APPLICABLE', `asset "${assetKey}" is not partitioned, so it takes no partition selector`, { asset: assetKey, partition: selector });
  }
  const [row, activeRuns, partitions] = await Promise.all([
    ctx.store.assets.getAssetPartitionStatus(assetKey),
    ctx.store.runs.listActiveRuns(),
    partitionsContextAt(ctx, nowEpochMs),
  ]);
  const all = statusPositions(assetKey, definition, row, activeRuns, partitions);
  const empty = { MATERIALIZED: [], FAILED: [], IN_PROGRESS: [], MISSING: [] };
  if (definition === null) {
    return { assetKey, partitioned: false, selector, counts: countsOf(all), ranges: empty, rangesTruncated: false, partition: await detailOf(ctx, assetKey, null, statusAt(all, 0)) };
  }
  const selected = selector === null ? [[0, all.total] as const] : selectedPositions(definition, all, selector, partitions);
  const positions = selector === null ? all : restrictPositions(all, selected);
  const max = query.rangesMax ?? STATUS_RANGES_DEFAULT;
  const ranges = {
    MATERIALIZED: keyRanges(definition, positions.byStatus.MATERIALIZED, max, partitions),
    FAILED: keyRanges(definition, positions.byStatus.FAILED, max, partitions),
    IN_PROGRESS: keyRanges(definition, positions.byStatus.IN_PROGRESS, max, partitions),
    MISSING: keyRanges(definition, positions.byStatus.MISSING, max, partitions),
  };
  const rangesTruncated = Object.values(positions.byStatus).some((r) => r.length > max);
  const only = positions.total === 1 ? selected[0] : undefined;
  const partition = only ? await detailOf(ctx, assetKey, partitionKeyAt(definition, only[0], partitions), statusAt(positions, only[0])) : null;
  const grid = query.grid ? { grid: partitionGrid(definition, all, partitions) } : {};
  return { assetKey, partitioned: true, selector, counts: countsOf(positions), ranges, rangesTruncated, partition, ...grid };
}

/** Counts per status of each partitioned asset among `assetKeys` (unpartitioned ones are left out). */
export async function partitionHealth(ctx: Pick<RuntimeContext, 'store' | 'definitions'>, assetKeys: readonly string[], nowEpochMs: number): Promise<Map<string, PartitionStatusCounts>> {
  const partitioned = assetKeys.filter((key) => ctx.definitions.partitionsOf(key) !== null);
  const health = new Map<string, PartitionStatusCounts>();
  if (partitioned.length === 0) return health;
  const [rows, activeRuns, partitions] = await Promise.all([
    ctx.store.assets.listAssetPartitionStatuses(),
    ctx.store.runs.listActiveRuns(),
    partitionsContextAt(ctx, nowEpochMs),
  ]);
  const byKey = new Map(rows.map((row) => [row.assetKey, row]));
  for (const key of partitioned) {
    health.set(key, countsOf(statusPositions(key, ctx.definitions.partitionsOf(key), byKey.get(key), activeRuns, partitions)));
  }
  return health;
}
