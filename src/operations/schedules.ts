/** Schedules: list with state and next/last tick, tick history, start/stop, preview. */
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
} from '../runtime/index.js';
import { defineOperation } from './operation.js';
import { commaList, nameParamsSchema, pageLimit } from './schemas.js';

const TICK_STATUSES = ['SUCCESS', 'SKIPPED', 'FAILURE'] as const;
const previewQuery = {
  from: z.string().min(1).optional().describe('ISO-8601 time (default: now); a wall time without offset is read in the timezone'),
  count: z.coerce.number().int().min(1).max(PREVIEW_TICKS_MAX).default(10),
};

export const listSchedulesOp = defineOperation({
  name: 'listSchedules',
  summary: 'List schedules with their status, next tick and last tick',
  group: 'schedules',
  method: 'GET',
  path: '/api/v1/schedules',
  output: z.object({ schedules: z.array(scheduleViewSchema) }),
  idempotent: true,
  role: 'viewer',
  handler: async (ctx) => ({ schedules: await listSchedules(await ctx.runtime()) }),
});

export const getScheduleOp = defineOperation({
  name: 'getSchedule',
  summary: 'One schedule',
  group: 'schedules',
  method: 'GET',
  path: '/api/v1/schedules/:name',
  params: nameParamsSchema,
  output: scheduleViewSchema,
  errors: [404],
  idempotent: true,
  role: 'viewer',
  handler: async (ctx, { name }) => getSchedule(await ctx.runtime(), name),
});

export const listScheduleTicksOp = defineOperation({
  name: 'listScheduleTicks',
  summary: "A schedule's ticks, newest first, each with its run key, run id and the run's status",
  group: 'schedules',
  method: 'GET',
  path: '/api/v1/schedules/:name/ticks',
  params: nameParamsSchema,
  query: z.object({
    status: commaList(TICK_STATUSES, 'tick statuses'),
    cursor: z.coerce.number().int().optional().describe('nextCursor of the previous page'),
    limit: pageLimit,
  }),
  output: z.object({ ticks: z.array(scheduleTickViewSchema), nextCursor: z.number().int().nullable() }),
  errors: [404],
  idempotent: true,
  role: 'viewer',
  handler: async (ctx, q) =>
    listScheduleTicks(await ctx.runtime(), q.name, {
      ...(q.status ? { statuses: q.status } : {}),
      ...(q.cursor === undefined ? {} : { cursor: q.cursor }),
      limit: q.limit,
    }),
});

function statusOperation(action: 'start' | 'stop') {
  return defineOperation({
    name: `${action}Schedule`,
    summary: `${action === 'start' ? 'Start' : 'Stop'} a schedule (persisted; overrides its default status)`,
    group: 'schedules',
    method: 'POST',
    path: `/api/v1/schedules/:name/${action}`,
    params: nameParamsSchema,
    output: scheduleViewSchema,
    errors: [404],
    idempotent: true,
    role: 'operator',
    handler: async (ctx, { name }) => setScheduleStatus(await ctx.runtime(), name, action === 'start' ? 'RUNNING' : 'STOPPED'),
  });
}
export const startScheduleOp = statusOperation('start');
export const stopScheduleOp = statusOperation('stop');

export const previewScheduleOp = defineOperation({
  name: 'previewSchedule',
  summary: "A schedule's next tick times",
  group: 'schedules',
  method: 'GET',
  path: '/api/v1/schedules/:name/preview',
  params: nameParamsSchema,
  query: z.object(previewQuery),
  output: previewResultSchema,
  errors: [404],
  idempotent: true,
  role: 'viewer',
  async handler(ctx, q) {
    const runtime = await ctx.runtime();
    return previewSchedule(runtime, q.name, q.from ?? runtime.clock.now(), q.count);
  },
});

export const previewCronOp = defineOperation({
  name: 'previewCron',
  summary: 'The tick times of a cron in a timezone (DST rules as Dagster)',
  group: 'schedules',
  method: 'GET',
  path: '/api/v1/schedule-preview',
  query: z.object({ cron: z.string().min(1), timezone: z.string().min(1).default('UTC'), ...previewQuery }),
  output: previewResultSchema,
  idempotent: true,
  role: 'viewer',
  async handler(ctx, q) {
    const from = q.from === undefined ? (await ctx.runtime()).clock.now() : parsePreviewFrom(q.from, q.timezone);
    return previewCron(q.cron, q.timezone, from, q.count);
  },
});

