/** /api/v1/run-key-conflicts and /api/v1/sql: run identity conflicts and the read-only SQL surface. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { runKeyConflictSchema } from '../../fold/index.js';
import type { ApiContext } from '../context.js';
import { errorSchema } from '../schemas.js';

/** Rows a SQL query may return; more are cut off and `truncated` says so. */
export const SQL_ROWS_MAX = 10_000;

export function registerSystemRoutes(app: FastifyInstance, api: ApiContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/api/v1/run-key-conflicts', {
    schema: {
      tags: ['runs'],
      summary: 'Requests refused because their runKey named a run with another fingerprint, newest first',
      querystring: z.object({ runKey: z.string().optional(), limit: z.coerce.number().int().min(1).max(500).default(50) }),
      response: { 200: z.object({ conflicts: z.array(runKeyConflictSchema) }), 400: errorSchema },
    },
    handler: async (request) => ({ conflicts: await api.store.listRunKeyConflicts(request.query) }),
  });

  r.get('/api/v1/sql', {
    schema: {
      tags: ['system'],
      summary: 'Run one read-only SQL query over the documented system_* views',
      querystring: z.object({
        q: z.string().min(1).max(20_000).describe('SELECT over system_runs, system_tasks, system_attempts, …'),
        limit: z.coerce.number().int().min(1).max(SQL_ROWS_MAX).default(1000),
      }),
      response: {
        200: z.object({ columns: z.array(z.string()), rows: z.array(z.array(z.unknown())), truncated: z.boolean() }),
        400: errorSchema,
      },
    },
    handler: async (request) => {
      const result = await api.store.querySystem(request.query.q, request.query.limit);
      return { columns: [...result.columns], rows: result.rows.map((row) => [...row]), truncated: result.truncated };
    },
  });
}
