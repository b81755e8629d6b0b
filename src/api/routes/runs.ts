/** /api/v1/runs: trigger, list, get, cancel, tasks and logs (with follow). */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { isTerminalRun } from '../../domain/runs/index.js';
import { logLineSchema, taskProjectionSchema } from '../../fold/index.js';
import { cancelRun, getRunOrThrow, requestRerun, requestRun, selectAssetsToLaunch } from '../../runtime/index.js';
import type { ApiContext } from '../context.js';
import {
  errorSchema,
  rerunBodySchema,
  runIdParamsSchema,
  runListQuerySchema,
  runListResponseSchema,
  runRequestBodySchema,
  runRequestResponseSchema,
  runSchema,
} from '../schemas.js';
import { idempotent } from '../idempotency.js';

/** How often a followed log stream looks for new lines. */
const LOG_FOLLOW_POLL_MS = 250;
const LOG_PAGE_MAX = 1000;

export function registerRunRoutes(app: FastifyInstance, api: ApiContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post('/api/v1/runs', {
    schema: {
      tags: ['runs'],
      summary: 'Request a run (idempotent with runKey)',
      body: runRequestBodySchema,
      response: { 200: runRequestResponseSchema, 201: runRequestResponseSchema, 400: errorSchema, 409: errorSchema },
    },
    handler: async (request, reply) =>
      idempotent(api, request, reply, async () => {
        const body = request.body;
        const outcome = await requestRun(api.ctx(), {
          selection: selectAssetsToLaunch(api.ctx().definitions, body.selection),
          includeUpstream: body.includeUpstream,
          includeDownstream: body.includeDownstream,
          partition: body.partition ?? null,
          runKey: body.runKey ?? null,
          tags: body.tags,
          config: body.config,
        });
        api.onRunRequested?.();
        return { status: outcome.existing ? 200 : 201, body: outcome };
      }),
  });

  r.get('/api/v1/runs', {
    schema: { tags: ['runs'], summary: 'List runs, newest first', querystring: runListQuerySchema, response: { 200: runListResponseSchema, 400: errorSchema } },
    handler: async (request) => {
      const q = request.query;
      const [tagKey, ...rest] = q.tag?.split('=') ?? [];
      const runs = await api.store.listRuns({
        statuses: q.status,
        tag: tagKey ? [tagKey, rest.join('=')] : undefined,
        before: q.cursor,
        limit: q.limit + 1,
      });
      const page = runs.slice(0, q.limit);
      return { runs: page, nextCursor: runs.length > q.limit ? (page[page.length - 1]?.runId ?? null) : null };
    },
  });

  r.get('/api/v1/runs/:runId', {
    schema: { tags: ['runs'], summary: 'Get a run with its tasks', params: runIdParamsSchema, response: { 200: runSchema, 404: errorSchema } },
    handler: async (request) => getRunOrThrow(api, request.params.runId),
  });

  r.post('/api/v1/runs/:runId/rerun', {
    schema: {
      tags: ['runs'],
      summary: 'Rerun a finished run from failure, or a subset of its assets (idempotent)',
      params: runIdParamsSchema,
      body: rerunBodySchema,
      response: { 200: runRequestResponseSchema, 201: runRequestResponseSchema, 400: errorSchema, 404: errorSchema, 409: errorSchema },
    },
    handler: async (request, reply) =>
      idempotent(api, request, reply, async () => {
        const body = request.body;
        const ctx = api.ctx();
        const outcome = await requestRerun(ctx, request.params.runId, {
          mode: body.mode,
          selection: body.selection === undefined ? undefined : selectAssetsToLaunch(ctx.definitions, body.selection),
          includeUpstream: body.includeUpstream,
          includeDownstream: body.includeDownstream,
        });
        api.onRunRequested?.();
        return { status: outcome.existing ? 200 : 201, body: outcome };
      }),
  });

  r.get('/api/v1/runs/:runId/tasks', {
    schema: {
      tags: ['runs'],
      summary: "A run's tasks with their attempts",
      params: runIdParamsSchema,
      response: { 200: z.object({ tasks: z.array(taskProjectionSchema) }), 404: errorSchema },
    },
    handler: async (request) => ({ tasks: (await getRunOrThrow(api, request.params.runId)).tasks }),
  });

  r.post('/api/v1/runs/:runId/cancel', {
    schema: {
      tags: ['runs'],
      summary: 'Cancel a run',
      params: runIdParamsSchema,
      body: z.object({ reason: z.string().max(500).optional() }).strict().optional(),
      response: { 200: runSchema, 404: errorSchema, 409: errorSchema },
    },
    handler: async (request, reply) =>
      idempotent(api, request, reply, async () => ({
        status: 200,
        body: await cancelRun(api.ctx(), request.params.runId, request.body?.reason ?? 'canceled by request'),
      })),
  });

  r.get('/api/v1/runs/:runId/logs', {
    schema: {
      tags: ['runs'],
      summary: 'Log lines of a run; with follow=true, an NDJSON stream until the run ends',
      params: runIdParamsSchema,
      querystring: z.object({
        after: z.coerce.number().int().min(0).default(0).describe('Return lines after this sequence'),
        limit: z.coerce.number().int().min(1).max(LOG_PAGE_MAX).default(LOG_PAGE_MAX),
        follow: z.enum(['true', 'false']).default('false'),
      }),
      response: { 200: z.object({ logs: z.array(logLineSchema), nextAfter: z.number() }), 404: errorSchema },
    },
    handler: async (request, reply) => {
      const { runId } = request.params;
      await getRunOrThrow(api, runId);
      const { after, limit, follow } = request.query;
      if (follow === 'false') {
        const logs = await api.store.listLogs(runId, { afterSequence: after, limit });
        return { logs, nextAfter: logs[logs.length - 1]?.sequence ?? after };
      }
      reply.hijack();
      reply.raw.writeHead(200, { 'content-type': 'application/x-ndjson' });
      let cursor = after;
      let closed = false;
      request.raw.on('close', () => (closed = true));
      while (!closed) {
        const logs = await api.store.listLogs(runId, { afterSequence: cursor, limit: LOG_PAGE_MAX });
        for (const line of logs) reply.raw.write(`${JSON.stringify(line)}\n`);
        cursor = logs[logs.length - 1]?.sequence ?? cursor;
        if (logs.length === LOG_PAGE_MAX) continue;
        const run = await api.store.getRun(runId);
        if (!run || isTerminalRun(run.status)) {
          // One more read: lines appended between the page and the status check.
          for (const line of await api.store.listLogs(runId, { afterSequence: cursor, limit: LOG_PAGE_MAX })) {
            reply.raw.write(`${JSON.stringify(line)}\n`);
          }
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, LOG_FOLLOW_POLL_MS));
      }
      reply.raw.end();
      return reply;
    },
  });
}
