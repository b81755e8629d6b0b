/** Automation conditions: their evaluations, newest first ("why did / didn't this asset run"). */
import { z } from 'zod';
import { automationEvaluationViewSchema, listAutomationEvaluations } from '../runtime/index.js';
import { defineOperation } from './operation.js';
import { pageLimit } from './schemas.js';

export const listAutomationEvaluationsOp = defineOperation({
  name: 'listAutomationEvaluations',
  summary: "Automation condition evaluations, newest first: per asset whether it was requested and each node of its condition, true or false, with partition counts",
  group: 'automation',
  method: 'GET',
  path: '/api/v1/automation/evaluations',
  query: z.object({
    asset: z.string().min(1).optional().describe('only evaluations of this asset'),
    cursor: z.coerce.number().int().optional().describe('nextCursor of the previous page'),
    limit: pageLimit,
  }),
  output: z.object({ evaluations: z.array(automationEvaluationViewSchema), nextCursor: z.number().int().nullable() }),
  errors: [404],
  idempotent: true,
  role: 'viewer',
  handler: async (ctx, q) =>
    listAutomationEvaluations(await ctx.runtime(), {
      ...(q.asset === undefined ? {} : { asset: q.asset }),
      ...(q.cursor === undefined ? {} : { cursor: q.cursor }),
      limit: q.limit,
    }),
});
