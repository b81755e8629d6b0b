/** /api/v1/sensors: list with state, evaluation history, start/stop, reset-cursor, and push. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  getSensor,
  listSensorEvaluations,
  listSensors,
  pushToSensor,
  resetSensorCursor,
  sensorEvaluationViewSchema,
  sensorViewSchema,
  setSensorStatus,
} from '../../runtime/index.js';
import type { ApiContext } from '../context.js';
import { idempotent } from '../idempotency.js';
import { errorSchema } from '../schemas.js';

const EVALUATION_STATUSES = ['SUCCESS', 'SKIPPED', 'FAILURE', 'STALE'] as const;
const nameParams = z.object({ name: z.string().min(1) });

export function registerSensorRoutes(app: FastifyInstance, api: ApiContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const reader = () => ({ ...api.ctx(), store: api.store });

  r.get('/api/v1/sensors', {
    schema: {
      tags: ['sensors'],
      summary: 'List sensors with status, cursor, state version, last and next evaluation',
      response: { 200: z.object({ sensors: z.array(sensorViewSchema) }) },
    },
    handler: async () => ({ sensors: await listSensors(reader()) }),
  });

  r.get('/api/v1/sensors/:name', {
    schema: { tags: ['sensors'], summary: 'One sensor, with its cursor', params: nameParams, response: { 200: sensorViewSchema, 404: errorSchema } },
    handler: async (request) => getSensor(reader(), request.params.name),
  });

  r.get('/api/v1/sensors/:name/evaluations', {
    schema: {
      tags: ['sensors'],
      summary: "A sensor's evaluations (status, runs requested, cursor before and after, duration) and operator changes, newest first",
      params: nameParams,
      querystring: z.object({
        status: z
          .string()
          .optional()
          .transform((s) => (s ? s.split(',') : undefined))
          .pipe(z.array(z.enum(EVALUATION_STATUSES)).optional())
          .describe('Comma-separated evaluation statuses (leaves out operator changes)'),
        cursor: z.coerce.number().int().optional().describe('nextCursor of the previous page'),
        limit: z.coerce.number().int().min(1).max(500).default(50),
      }),
      response: { 200: z.object({ evaluations: z.array(sensorEvaluationViewSchema), nextCursor: z.number().int().nullable() }), 400: errorSchema, 404: errorSchema },
    },
    handler: async (request) => {
      const q = request.query;
      return listSensorEvaluations(reader(), request.params.name, {
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
    r.post(`/api/v1/sensors/:name/${action}`, {
      schema: {
        tags: ['sensors'],
        summary: `${action === 'start' ? 'Start' : 'Stop'} a sensor (persisted; overrides its default status)`,
        params: nameParams,
        response: { 200: sensorViewSchema, 404: errorSchema },
      },
      handler: async (request, reply) =>
        idempotent(api, request, reply, async () => ({ status: 200, body: await setSensorStatus(api.ctx(), request.params.name, status) })),
    });
  }

  r.post('/api/v1/sensors/:name/reset-cursor', {
    schema: {
      tags: ['sensors'],
      summary: "Set a sensor's cursor (null or omitted clears it); recorded in its history",
      params: nameParams,
      body: z.object({ cursor: z.string().nullable().optional() }).strict().nullish(),
      response: { 200: sensorViewSchema, 400: errorSchema, 404: errorSchema },
    },
    handler: async (request, reply) =>
      idempotent(api, request, reply, async () => ({ status: 200, body: await resetSensorCursor(api.ctx(), request.params.name, request.body?.cursor ?? null) })),
  });

  r.post('/api/v1/sensors/:name/push', {
    schema: {
      tags: ['sensors'],
      summary: 'Push a message to a push sensor: evaluated once per messageId (201); a redelivery answers the first evaluation (200, duplicate)',
      params: nameParams,
      body: z.object({ messageId: z.string().min(1).max(255), payload: z.json().default(null) }).strict(),
      response: {
        200: z.object({ duplicate: z.boolean(), evaluation: sensorEvaluationViewSchema }),
        201: z.object({ duplicate: z.boolean(), evaluation: sensorEvaluationViewSchema }),
        400: errorSchema,
        404: errorSchema,
        409: errorSchema,
      },
    },
    handler: async (request, reply) => {
      const outcome = await pushToSensor(api.ctx(), request.params.name, { messageId: request.body.messageId, payload: request.body.payload });
      if (!outcome.duplicate && outcome.evaluation.runs.some((run) => !run.existing)) api.onRunRequested?.();
      return reply.status(outcome.duplicate ? 200 : 201).send(outcome);
    },
  });
}
