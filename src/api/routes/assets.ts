/** /api/v1/assets: the assets defined, with their latest materialization. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { arcoError } from '../../domain/errors/index.js';
import { assetPartitionSchema, materializationSchema } from '../../fold/index.js';
import { selectAssets, describeAssets, assetViewSchema } from '../../runtime/index.js';
import type { ApiContext } from '../context.js';
import { errorSchema } from '../schemas.js';

export function registerAssetRoutes(app: FastifyInstance, api: ApiContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/api/v1/assets', {
    schema: {
      tags: ['assets'],
      summary: 'List assets (optionally a selection) with their latest materialization',
      querystring: z.object({ select: z.string().min(1).optional().describe('Asset selection') }),
      response: { 200: z.object({ assets: z.array(assetViewSchema) }), 400: errorSchema },
    },
    handler: async (request) => {
      const defs = api.ctx().definitions;
      const keys = request.query.select ? selectAssets(defs, request.query.select) : [...defs.graph.keys].sort();
      return { assets: await describeAssets(api.store, defs, keys) };
    },
  });

  r.get('/api/v1/assets/*', {
    schema: {
      tags: ['assets'],
      summary: 'One asset (key like raw/events), its partitions and recent materializations',
      params: z.object({ '*': z.string() }),
      response: {
        200: assetViewSchema.extend({ partitions: z.array(assetPartitionSchema), materializations: z.array(materializationSchema) }),
        404: errorSchema,
      },
    },
    handler: async (request) => {
      const key = request.params['*'];
      const defs = api.ctx().definitions;
      if (!defs.graph.has(key)) throw arcoError('NOT_FOUND', `no asset "${key}"`, { key });
      const [view] = await describeAssets(api.store, defs, [key]);
      return {
        ...(view as z.infer<typeof assetViewSchema>),
        partitions: await api.store.listAssetPartitions(key),
        materializations: await api.store.listMaterializations(key, 20),
      };
    },
  });
}
