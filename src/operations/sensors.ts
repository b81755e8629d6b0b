/** Sensors: list with state, evaluation history, start/stop, reset-cursor, preview, and push. */
import { z } from 'zod';
import {
  getSensor,
  listSensorEvaluations,
  listSensors,
  previewSensor,
  pushToSensor,
  resetSensorCursor,
  sensorEvaluationViewSchema,
  sensorPreviewSchema,
  sensorViewSchema,
  setSensorStatus,
} from '../runtime/index.js';
import { defineOperation } from './operation.js';
import { commaList, nameParamsSchema, pageLimit } from './schemas.js';

const EVALUATION_STATUSES = ['SUCCESS', 'SKIPPED', 'FAILURE', 'STALE'] as const;
const pushOutcomeSchema = z.object({ duplicate: z.boolean(), evaluation: sensorEvaluationViewSchema });

export const listSensorsOp = defineOperation({
  name: 'listSensors',
  summary: 'List sensors with status, cursor, state version, last and next evaluation',
  group: 'sensors',
  method: 'GET',
  path: '/api/v1/sensors',
  output: z.object({ sensors: z.array(sensorViewSchema) }),
  idempotent: true,
  role: 'viewer',
  handler: async (ctx) => ({ sensors: await listSensors(await ctx.runtime()) }),
});

export const getSensorOp = defineOperation({
  name: 'getSensor',
  summary: 'One sensor, with its cursor',
  group: 'sensors',
  method: 'GET',
  path: '/api/v1/sensors/:name',
  params: nameParamsSchema,
  output: sensorViewSchema,
  errors: [404],
  idempotent: true,
  role: 'viewer',
  handler: async (ctx, { name }) => getSensor(await ctx.runtime(), name),
});

export const listSensorEvaluationsOp = defineOperation({
  name: 'listSensorEvaluations',
  summary: "A sensor's evaluations (status, runs requested, cursor before and after, duration) and operator changes, newest first",
  group: 'sensors',
  method: 'GET',
  path: '/api/v1/sensors/:name/evaluations',
  params: nameParamsSchema,
  query: z.object({
    status: commaList(EVALUATION_STATUSES, 'evaluation statuses (leaves out operator changes)'),
    cursor: z.coerce.number().int().optional().describe('nextCursor of the previous page'),
    limit: pageLimit,
  }),
  output: z.object({ evaluations: z.array(sensorEvaluationViewSchema), nextCursor: z.number().int().nullable() }),
  errors: [404],
  idempotent: true,
  role: 'viewer',
  handler: async (ctx, q) =>
    listSensorEvaluations(await ctx.runtime(), q.name, {
      ...(q.status ? { statuses: q.status } : {}),
      ...(q.cursor === undefined ? {} : { cursor: q.cursor }),
      limit: q.limit,
    }),
});

function statusOperation(action: 'start' | 'stop') {
  return defineOperation({
    name: `${action}Sensor`,
    summary: `${action === 'start' ? 'Start' : 'Stop'} a sensor (persisted; overrides its default status)`,
    group: 'sensors',
    method: 'POST',
    path: `/api/v1/sensors/:name/${action}`,
    params: nameParamsSchema,
    output: sensorViewSchema,
    errors: [404],
    idempotent: true,
    role: 'operator',
    handler: async (ctx, { name }) => setSensorStatus(await ctx.runtime(), name, action === 'start' ? 'RUNNING' : 'STOPPED'),
  });
}
export const startSensorOp = statusOperation('start');
export const stopSensorOp = statusOperation('stop');

export const resetSensorCursorOp = defineOperation({
  name: 'resetSensorCursor',
  summary: "Set a sensor's cursor (null or omitted clears it); recorded in its history",
  group: 'sensors',
  method: 'POST',
  path: '/api/v1/sensors/:name/reset-cursor',
  params: nameParamsSchema,
  body: z.object({ cursor: z.string().nullable().optional() }).strict(),
  output: sensorViewSchema,
  errors: [404],
  idempotent: true,
  role: 'operator',
  handler: async (ctx, input) => resetSensorCursor(await ctx.runtime(), input.name, input.cursor ?? null),
});

export const previewSensorOp = defineOperation({
  name: 'previewSensor',
  summary: "Evaluate a sensor once as a dry run, from its cursor or a given one (null: none): what it would request, skip or fail, and the cursor it would set. Records nothing",
  group: 'sensors',
  method: 'POST',
  path: '/api/v1/sensors/:name/preview',
  params: nameParamsSchema,
  body: z.object({ cursor: z.string().nullable().optional().describe("the cursor to evaluate from (default: the sensor's current cursor)") }).strict(),
  output: sensorPreviewSchema,
  errors: [404],
  idempotent: true,
  role: 'operator',
  handler: async (ctx, input) => previewSensor(await ctx.runtime(), input.name, input.cursor === undefined ? {} : { cursor: input.cursor }),
});

export const pushToSensorOp = defineOperation({
  name: 'pushToSensor',
  summary: 'Push a message to a push sensor: evaluated once per messageId (201); a redelivery answers the first evaluation (200, duplicate)',
  group: 'sensors',
  method: 'POST',
  path: '/api/v1/sensors/:name/push',
  params: nameParamsSchema,
  body: z.object({ messageId: z.string().min(1).max(255), payload: z.json().default(null) }).strict(),
  output: pushOutcomeSchema,
  errors: [404, 409],
  status: (outcome) => (outcome.duplicate ? 200 : 201),
  idempotent: true,
  role: 'operator',
  async handler(ctx, input) {
    const outcome = await pushToSensor(await ctx.runtime(), input.name, { messageId: input.messageId, payload: input.payload });
    if (!outcome.duplicate && outcome.evaluation.runs.some((run) => !run.existing)) ctx.onRunRequested?.();
    return outcome;
  },
});

