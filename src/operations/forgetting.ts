/**
 * Forgetting, admin only: wipe assets' materialization history (Dagster's `asset wipe`) and delete
 * finished runs. Both are recorded as events; nothing leaves the ledger.
 */
import { z } from 'zod';
import { deleteRun, wipeAssets } from '../runtime/index.js';
import { defineOperation, type OperationContext } from './operation.js';
import { partitionSelectorInputSchema, runIdParamsSchema } from './schemas.js';

const actorOf = (ctx: OperationContext): string | null => ctx.actor ?? null;

const wipedAssetSchema = z.object({
  assetKey: z.string(),
  partitionKeys: z.array(z.string()).nullable().describe('The wiped partitions; null: every partition'),
  partitionWindows: z.array(z.tuple([z.number(), z.number()])).describe('Merged [startMs, endMs) windows of the wiped time-window partitions'),
});

export const wipeAssetsOp = defineOperation({
  name: 'wipeAssets',
  summary: "Wipe the selected assets' materialization history (or of some partitions); recorded as events",
  group: 'assets',
  method: 'POST',
  path: '/api/v1/assets/wipe',
  body: z
    .object({
      selection: z.union([z.array(z.string().min(1)).min(1), z.string().min(1)]).describe('Asset keys, or a selection string'),
      partition: partitionSelectorInputSchema.nullable().optional().describe('Only these partitions; absent: every partition'),
      dryRun: z.boolean().default(false).describe('Answer what would be wiped, and wipe nothing'),
    })
    .strict(),
  output: z.object({ assets: z.array(wipedAssetSchema), dryRun: z.boolean(), wipedAt: z.string().nullable() }),
  // Repeating a wipe forgets nothing more; with an Idempotency-Key a retry is the same wipe.
  idempotent: true,
  role: 'admin',
  async handler(ctx, body) {
    const outcome = await wipeAssets(await ctx.runtime(), {
      selection: body.selection,
      partition: body.partition ?? null,
      dryRun: body.dryRun,
      requestedBy: actorOf(ctx),
    });
    return {
      ...outcome,
      assets: outcome.assets.map((a) => ({
        assetKey: a.assetKey,
        partitionKeys: a.partitionKeys === null ? null : [...a.partitionKeys],
        partitionWindows: a.partitionWindows.map(([start, end]) => [start, end] as [number, number]),
      })),
    };
  },
});

export const deleteRunOp = defineOperation({
  name: 'deleteRun',
  summary: 'Delete a finished run: gone from run lists and views, its logs no longer served; its materializations still count',
  group: 'runs',
  method: 'DELETE',
  path: '/api/v1/runs/:runId',
  params: runIdParamsSchema,
  output: z.object({ runId: z.string(), deletedAt: z.string() }),
  errors: [404, 409],
  idempotent: true,
  role: 'admin',
  handler: async (ctx, { runId }) => deleteRun(await ctx.runtime(), runId, actorOf(ctx)),
});
