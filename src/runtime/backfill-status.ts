/**
 * A backfill's progress per asset: partition counts by state and, in definition order, the key
 * ranges in each state, compressed (`2021-01-01...2023-12-31: materialized`). Built from the chunk
 * rows, never from a list of every key: a chunk that ended cleanly is one range, whatever its size,
 * and the partitions not yet planned are one range per unit.
 */
import { z } from 'zod';
import { isSelectedPosition } from '../domain/backfills/index.js';
import { partitionIndex, partitionKeyAt, type PartitionsContext, type PartitionsDefinition } from '../domain/partitions/index.js';
import type { BackfillProjection } from '../fold/index.js';
import { backfillChunks, backfillOrThrow, backfillStatusInputSchema, backfillView, backfillViewSchema } from './backfills.js';
import type { RuntimeContext } from './context.js';
import { partitionsContextAt } from './partitions-context.js';

const rangeStateSchema = z.enum(['not started', 'in progress', 'materialized', 'failed', 'skipped', 'canceled']);
type RangeState = z.infer<typeof rangeStateSchema>;

export const backfillStatusViewSchema = z
  .object({
    backfill: backfillViewSchema,
    assets: z.array(
      z.object({
        assetKey: z.string(),
        counts: z.object({
          notStarted: z.number().int(),
          inProgress: z.number().int(),
          materialized: z.number().int(),
          failed: z.number().int(),
          skipped: z.number().int(),
          canceled: z.number().int(),
        }),
        /** `first...last` (or one key) in definition order; empty for an unpartitioned asset. */
        ranges: z.array(z.object({ range: z.string(), state: rangeStateSchema })),
        rangesTruncated: z.boolean(),
      }),
    ),
  })
  .describe('BackfillStatus');
export type BackfillStatusView = z.infer<typeof backfillStatusViewSchema>;
type AssetStatus = BackfillStatusView['assets'][number];

interface Segment {
  from: number;
  to: number;
  state: RangeState;
}

class AssetProgress {
  readonly counts = { notStarted: 0, inProgress: 0, materialized: 0, failed: 0, skipped: 0, canceled: 0 };
  readonly segments: Segment[] = [];

  constructor(readonly assetKey: string) {}

  add(from: number, to: number, state: RangeState): void {
    if (to <= from) return;
    const last = this.segments[this.segments.length - 1];
    if (last && last.to === from && last.state === state) last.to = to;
    else this.segments.push({ from, to, state });
  }
}

const STATE_OF = { FAILED: 'failed', SKIPPED: 'skipped', CANCELED: 'canceled' } as const;

/** @throws BACKFILL_NOT_FOUND. */
export async function backfillStatus(ctx: RuntimeContext, input: z.input<typeof backfillStatusInputSchema>): Promise<BackfillStatusView> {
  const { backfillId, rangesMax } = backfillStatusInputSchema.parse(input);
  const backfill = await backfillOrThrow(ctx, backfillId);
  const partitions = await partitionsContextAt(ctx, ctx.clock.now());
  const progress = new Map(backfill.assetKeys.map((k) => [k, new AssetProgress(k)]));
  const planned = backfill.units.map(() => 0);
  for await (const chunk of backfillChunks(ctx, backfillId)) {
    const unit = backfill.units[chunk.unitIndex];
    if (!unit) continue;
    planned[chunk.unitIndex] = (planned[chunk.unitIndex] ?? 0) + chunk.partitionCount;
    const definition = ctx.definitions.partitionsOf(unit.assetKeys[0] as string);
    for (const assetKey of unit.assetKeys) {
      const asset = progress.get(assetKey) as AssetProgress;
      if (chunk.status === 'IN_PROGRESS') {
        asset.counts.inProgress += chunk.partitionCount;
        asset.add(chunk.from, chunk.to, 'in progress');
        continue;
      }
      const missed = chunk.unmaterialized
        .filter((u) => u.assetKey === assetKey)
        .map((u) => ({ position: positionOf(definition, u.partitionKey, partitions), state: STATE_OF[u.state] }))
        .sort((a, b) => a.position - b.position);
      asset.counts.materialized += chunk.partitionCount - missed.length;
      let cursor = chunk.from;
      for (const m of missed) {
        asset.counts[m.state] += 1;
        asset.add(cursor, m.position, 'materialized');
        asset.add(m.position, m.position + 1, m.state);
        cursor = m.position + 1;
      }
      asset.add(cursor, chunk.to, 'materialized');
    }
  }
  backfill.units.forEach((unit, i) => {
    for (const assetKey of unit.assetKeys) {
      const asset = progress.get(assetKey) as AssetProgress;
      asset.counts.notStarted += unit.partitionCount - (planned[i] ?? 0);
      asset.add(unit.cursor, unit.to, 'not started');
    }
  });
  const assets: AssetStatus[] = [];
  for (const unit of backfill.units) {
    const definition = ctx.definitions.partitionsOf(unit.assetKeys[0] as string);
    for (const assetKey of unit.assetKeys) {
      const asset = progress.get(assetKey) as AssetProgress;
      const ranges: AssetStatus['ranges'] = [];
      let truncated = false;
      if (definition !== null) {
        for (const segment of asset.segments) {
          if (ranges.length >= rangesMax) {
            truncated = true;
            break;
          }
          const range = rangeText(definition, unit, segment, partitions, assetKey);
          if (range !== null) ranges.push({ range, state: segment.state });
        }
      }
      assets.push({ assetKey, counts: asset.counts, ranges, rangesTruncated: truncated });
    }
  }
  return { backfill: backfillView(backfill), assets };
}

function positionOf(definition: PartitionsDefinition | null, key: string | null, ctx: PartitionsContext): number {
  if (definition === null || key === null) return 0;
  return partitionIndex(definition, key, ctx);
}

/** The segment's first and last selected keys, or null when it holds no selected partition. */
function rangeText(definition: PartitionsDefinition, unit: BackfillProjection['units'][number], segment: Segment, ctx: PartitionsContext, assetKey: string): string | null {
  const selected = (p: number) => isSelectedPosition(definition, unit.selection, unit, ctx, p, assetKey);
  let first = segment.from;
  while (first < segment.to && !selected(first)) first += 1;
  let last = segment.to - 1;
  while (last > first && !selected(last)) last -= 1;
  if (first >= segment.to) return null;
  const start = partitionKeyAt(definition, first, ctx);
  return first === last ? start : `${start}...${partitionKeyAt(definition, last, ctx)}`;
}
