/**
 * Asset checks of one asset: `GET /api/v1/assets/{key}/checks`, each defined check with its latest
 * result per partition. As the partition status route, `:key` is percent-encoded when it holds a
 * slash (`raw%2Fevents`); the param route wins over getAsset's wildcard.
 */
import { z } from 'zod';
import { assetCheckViewSchema, describeAssetChecks } from '../runtime/index.js';
import { defineOperation } from './operation.js';

export const listAssetChecksOp = defineOperation({
  name: 'listAssetChecks',
  summary: "An asset's checks (name, blocking) with their latest result per partition",
  group: 'assets',
  method: 'GET',
  path: '/api/v1/assets/:key/checks',
  params: z.object({ key: z.string().min(1).describe('The asset key, percent-encoded when it holds a slash (raw%2Fevents)') }),
  output: z.object({ assetKey: z.string(), checks: z.array(assetCheckViewSchema) }),
  errors: [400],
  idempotent: true,
  role: 'viewer',
  async handler(ctx, { key }) {
    const runtime = await ctx.runtime();
    return { assetKey: key, checks: await describeAssetChecks(ctx.store, runtime.definitions, key) };
  },
});
