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

const STATUS_SUFFIX = '/partitions';

/**
 * NOT_FOUND for a key that is no asset. An unencoded `raw/events/partitions` arrives here through
 * the wildcard: the answer names the encoded path of the partition status of `raw/events`.
 */
function notAnAsset(key: string, graph: { has(key: string): boolean }): Error {
  const asset = key.endsWith(STATUS_SUFFIX) ? key.slice(0, -STATUS_SUFFIX.length) : undefined;
  if (asset !== undefined && graph.has(asset)) {
    const path = `/api/v1/assets/${encodeURIComponent(asset)}/partitions`;
    return arcoError('NOT_FOUND', `no asset "${key}"; the partition status of "${asset}" is at ${path} (the key percent-encoded)`, { key, path });
  }
  return arcoError('NOT_FOUND', `no asset "${key}"`, { key });
}

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
    if (!defs.graph.has(key)) throw notAnAsset(key, defs.graph);
    const [view] = await describeAssets(ctx.store, defs, [key], runtime.clock.now());
    if (!view) throw arcoError('NOT_FOUND', `no asset "${key}"`, { key });
    return {
      ...view,
      partitions: await ctx.store.assets.listAssetPartitions(key),
      materializations: await ctx.store.assets.listMaterializations(key, RECENT_MATERIALIZATIONS),
    };
  },
});

