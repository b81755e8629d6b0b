/** Assets: the assets defined, with their latest materialization and partitions. */
import { z } from 'zod';
import { arcoError } from '../domain/errors/index.js';
import { assetPartitionSchema, materializationSchema } from '../fold/index.js';
import { assetViewSchema, describeAssets, selectAssets } from '../runtime/index.js';
import { defineOperation } from './operation.js';

/** Materializations returned with one asset. */
const RECENT_MATERIALIZATIONS = 20;

export const listAssetsOp = defineOperation({
  name: 'listAssets',
  summary: 'List assets (optionally a selection) with their latest materialization',
  group: 'assets',
  method: 'GET',
  path: '/api/v1/assets',
  query: z.object({ select: z.string().min(1).optional().describe('Asset selection') }),
  output: z.object({ assets: z.array(assetViewSchema) }),
  idempotent: true,
  role: 'viewer',
  async handler(ctx, { select }) {
    const runtime = await ctx.runtime();
    const defs = runtime.definitions;
    const keys = select ? selectAssets(defs, select) : [...defs.graph.keys].sort();
    return { assets: await describeAssets(ctx.store, defs, keys, runtime.clock.now()) };
  },
});

export const getAssetOp = defineOperation({
  name: 'getAsset',
  summary: 'One asset (key like raw/events), its partitions and recent materializations',
  group: 'assets',
  method: 'GET',
  path: '/api/v1/assets/*',
  params: z.object({ '*': z.string().min(1).describe('The asset key, e.g. raw/events') }),
  output: assetViewSchema.extend({ partitions: z.array(assetPartitionSchema), materializations: z.array(materializationSchema) }),
  errors: [404],
  idempotent: true,
  role: 'viewer',
  async handler(ctx, params) {
    const key = params['*'];
    const runtime = await ctx.runtime();
    const defs = runtime.definitions;
    if (!defs.graph.has(key)) throw arcoError('NOT_FOUND', `no asset "${key}"`, { key });
    const [view] = await describeAssets(ctx.store, defs, [key], runtime.clock.now());
    if (!view) throw arcoError('NOT_FOUND', `no asset "${key}"`, { key });
    return {
      ...view,
      partitions: await ctx.store.assets.listAssetPartitions(key),
      materializations: await ctx.store.assets.listMaterializations(key, RECENT_MATERIALIZATIONS),
    };
  },
});

