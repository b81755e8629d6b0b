/** /api/v1/dynamic-partitions: the keys of dynamic partition sets, added and removed as events. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { arcoError } from '../../domain/errors/index.js';
import { changeDynamicPartitions } from '../../runtime/index.js';
import type { ApiContext } from '../context.js';
import { idempotent } from '../idempotency.js';
import { errorSchema } from '../schemas.js';

const nameParams = z.object({ name: z.string().min(1) });
const setSchema = z.object({ name: z.string(), keys: z.array(z.string()) });

export function registerPartitionRoutes(app: FastifyInstance, api: ApiContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/api/v1/dynamic-partitions/:name', {
    schema: { tags: ['partitions'], summary: 'The keys of a dynamic partitions set, in insertion order', params: nameParams, response: { 200: setSchema, 404: errorSchema } },
    handler: async (request) => {
      const { name } = request.params;
      if (!api.ctx().definitions.dynamicPartitionNames.includes(name)) {
        throw arcoError('UNKNOWN_DYNAMIC_PARTITIONS', `no asset uses dynamic partitions "${name}"`, { name });
      }
      return { name, keys: await api.store.getDynamicPartitionKeys(name) };
    },
  });

  r.post('/api/v1/dynamic-partitions/:name', {
    schema: {
      tags: ['partitions'],
      summary: 'Add or remove keys of a dynamic partitions set (idempotent per requestId)',
      params: nameParams,
      body: z
        .object({
          op: z.enum(['add', 'remove']),
          keys: z.array(z.string()).min(1),
          requestId: z.string().min(1).max(200).optional().describe('Reuse it when retrying, so the change is recorded once'),
        })
        .strict(),
      response: { 200: setSchema.extend({ changed: z.boolean() }), 400: errorSchema, 404: errorSchema },
    },
    handler: async (request, reply) =>
      idempotent(api, request, reply, async () => ({
        status: 200,
        body: await changeDynamicPartitions(api.ctx(), { name: request.params.name, ...request.body }),
      })),
  });
}
