/** /api/v1/events: the ledger, read in sequence order with a cursor. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ApiContext } from '../context.js';
import { errorSchema } from '../schemas.js';

const eventSchema = z
  .object({
    sequence: z.number(),
    eventId: z.string(),
    type: z.string(),
    version: z.number(),
    at: z.string(),
    workspace: z.string(),
    idempotencyKey: z.string(),
    correlationId: z.string().nullable(),
    causationId: z.string().nullable(),
    payload: z.unknown(),
  })
  .describe('LedgerEvent');

export function registerEventRoutes(app: FastifyInstance, api: ApiContext): void {
  app.withTypeProvider<ZodTypeProvider>().get('/api/v1/events', {
    schema: {
      tags: ['events'],
      summary: 'Read the ledger after a sequence number',
      querystring: z.object({
        after: z.coerce.number().int().min(0).default(0),
        limit: z.coerce.number().int().min(1).max(1000).default(100),
        runId: z.string().optional().describe('Only events of this run'),
      }),
      response: { 200: z.object({ events: z.array(eventSchema), nextAfter: z.number() }), 400: errorSchema },
    },
    handler: async (request) => {
      const { after, limit, runId } = request.query;
      const events = await api.store.readEvents({ afterSequence: after, limit, correlationId: runId });
      return { events, nextAfter: events[events.length - 1]?.sequence ?? after };
    },
  });
}
