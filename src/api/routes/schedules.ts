/** /api/v1/schedules: list with state and next/last tick, tick history, start/stop, preview. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  PREVIEW_TICKS_MAX,
  getSchedule,
  listScheduleTicks,
  listSchedules,
  parsePreviewFrom,
  previewCron,
  previewResultSchema,
  previewSchedule,
  scheduleTickViewSchema,
  scheduleViewSchema,
  setScheduleStatus,
} from '../../runtime/index.js';
import type { ApiContext } from '../context.js';
import { idempotent } from '../idempotency.js';
import { errorSchema } from '../schemas.js';

const TICK_STATUSES = ['SUCCESS', 'SKIPPED', 'FAILURE'] as const;
const nameParams = z.object({ name: z.string().min(1) });
const previewQuery = {
  from: z.string().min(1).optional().describe('ISO-8601 time (default: now); a wall time without offset is read in the timezone'),
  count: z.coerce.number().int().min(1).max(PREVIEW_TICKS_MAX).default(10),
};

export function registerScheduleRoutes(app: FastifyInstance, api: ApiContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/api/v1/schedules', {
    schema: {
      tags: ['schedules'],
      summary: 'List schedules with their status, next tick and last tick',
      response: { 200: z.object({ schedules: z.array(scheduleViewSchema) }) },
    },
    handler: async () => ({ schedules: await listSchedules({ ...api.ctx(), store: api.store }) }),
  });

  r.get('/api/v1/schedules/:name', {
    schema: { tags: ['schedules'], summary: 'One schedule', params: nameParams, response: { 200: scheduleViewSchema, 404: errorSchema } },
    handler: async (request) => getSchedule({ ...api.ctx(), store: api.store }, request.params.name),
  });

  r.get('/api/v1/schedules/:name/ticks', {
    schema: {
      tags: ['schedules'],
      summary: "A schedule's ticks, newest first, each with its run key, run id and the run's status",
      params: nameParams,
      querystring: z.object({
        status: z
          .string()
          .optional()
          .transform((s) => (s ? s.split(',') : undefined))
          .pipe(z.array(z.enum(TICK_STATUSES)).optional())
          .describe('Comma-separated tick statuses'),
        cursor: z.coerce.number().int().optional().describe('nextCursor of the previous page'),
        limit: z.coerce.number().int().min(1).max(500).default(50),
      }),
      response: { 200: z.object({ ticks: z.array(scheduleTickViewSchema), nextCursor: z.number().int().nullable() }), 400: errorSchema, 404: errorSchema },
    },
    handler: async (request) => {
      const q = request.query;
      return listScheduleTicks({ ...api.ctx(), store: api.store }, request.params.name, {
        ...(q.status ? { statuses: q.status } : {}),
        ...(q.cursor === undefined ? {} : { cursor: q.cursor }),
        limit: q.limit,
      });
    },
  });

  for (const [action, status] of [
    ['start', 'RUNNING'],
    ['stop', 'STOPPED'],
  ] as const) {
    r.post(`/api/v1/schedules/:name/${action}`, {
      schema: {
        tags: ['schedules'],
        summary: `${action === 'start' ? 'Start' : 'Stop'} a schedule (persisted; overrides its default status)`,
        params: nameParams,
        response: { 200: scheduleViewSchema, 404: errorSchema },
      },
      handler: async (request, reply) =>
        idempotent(api, request, reply, async () => ({ status: 200, body: await setScheduleStatus(api.ctx(), request.params.name, status) })),
    });
  }

  r.get('/api/v1/schedules/:name/preview', {
    schema: {
      tags: ['schedules'],
      summary: "A schedule's next tick times",
      params: nameParams,
      querystring: z.object(previewQuery),
      response: { 200: previewResultSchema, 400: errorSchema, 404: errorSchema },
    },
    handler: async (request) => {
      const ctx = api.ctx();
      return previewSchedule(ctx, request.params.name, request.query.from ?? ctx.clock.now(), request.query.count);
    },
  });

  r.get('/api/v1/schedule-preview', {
    schema: {
      tags: ['schedules'],
      summary: 'The tick times of a cron in a timezone (DST rules as Dagster)',
      querystring: z.object({ cron: z.string().min(1), timezone: z.string().min(1).default('UTC'), ...previewQuery }),
      response: { 200: previewResultSchema, 400: errorSchema },
    },
    handler: async (request) => {
      const q = request.query;
      const from = q.from === undefined ? api.ctx().clock.now() : parsePreviewFrom(q.from, q.timezone);
      return previewCron(q.cron, q.timezone, from, q.count);
    },
  });
}
