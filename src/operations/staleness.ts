/**
 * Staleness: which assets (and partitions) are MISSING, STALE or FRESH, and why (SEMANTICS §8).
 *
 * Its path is static (`/api/v1/assets/staleness`), so it wins over getAsset's `/api/v1/assets/*`
 * (fastify prefers a static route to a wildcard). An asset literally named `staleness` is therefore
 * reached by `GET /api/v1/assets?select=staleness`, not by getAsset's path.
 */
import { z } from 'zod';
import { computeStaleness, selectAssets, stalenessResultSchema } from '../runtime/index.js';
import { defineOperation } from './operation.js';

export const getStalenessOp = defineOperation({
  name: 'getStaleness',
  summary: 'Stale status (MISSING, STALE, FRESH) of assets and their partitions, with causes and staleSince',
  group: 'assets',
  method: 'GET',
  path: '/api/v1/assets/staleness',
  query: z.object({ select: z.string().min(1).optional().describe('Asset selection; every asset when left out') }),
  output: stalenessResultSchema,
  idempotent: true,
  role: 'viewer',
  async handler(ctx, { select }) {
    const runtime = await ctx.runtime();
    const defs = runtime.definitions;
    const keys = select ? selectAssets(defs, select) : [...defs.graph.keys].sort();
    return { assets: await computeStaleness(runtime, keys) };
  },
});
