/**
 * Backfills: create over a compact partition selector, list, look at one with its progress
 * (counts and key ranges per state), and pause, resume, cancel or retry it (SEMANTICS §7).
 */
import { z } from 'zod';
import { backfillStatusSchema } from '../events/index.js';
import {
  backfillListSchema,
  backfillOutcomeSchema,
  backfillStatus,
  backfillStatusViewSchema,
  backfillViewSchema,
  cancelBackfill,
  createBackfill,
  createBackfillInputSchema,
  getBackfill,
  listBackfills,
  pauseBackfill,
  resumeBackfill,
  retryBackfill,
} from '../runtime/index.js';
import { defineOperation, type OperationContext } from './operation.js';
import { commaList, pageLimit } from './schemas.js';

const backfillIdParams = z.object({ backfillId: z.string().min(1).max(200) });
const commandBody = z
  .object({
    expectedStateVersion: z.number().int().positive().optional().describe('The state version you saw; another current one is BACKFILL_STATE_CONFLICT'),
    reason: z.string().max(500).optional(),
  })
  .strict();

export const createBackfillOp = defineOperation({
  name: 'createBackfill',
  summary: 'Create a backfill over a partition selector (idempotent per requestId and Idempotency-Key)',
  group: 'backfills',
  method: 'POST',
  path: '/api/v1/backfills',
  body: createBackfillInputSchema.strict(),
  output: backfillOutcomeSchema,
  errors: [404, 409],
  status: (outcome) => (outcome.existing ? 200 : 201),
  idempotent: true,
  role: 'operator',
  async handler(ctx, body) {
    const outcome = await createBackfill(await ctx.runtime(), body);
    ctx.onRunRequested?.();
    return outcome;
  },
});

export const listBackfillsOp = defineOperation({
  name: 'listBackfills',
  summary: 'List backfills, newest first',
  group: 'backfills',
  method: 'GET',
  path: '/api/v1/backfills',
  query: z.object({
    status: commaList(backfillStatusSchema.options, 'backfill statuses'),
    cursor: z.string().optional().describe('nextCursor of the previous page'),
    limit: pageLimit,
  }),
  output: backfillListSchema,
  idempotent: true,
  role: 'viewer',
  handler: (ctx, q) => listBackfills(ctx, { ...(q.status ? { statuses: q.status } : {}), before: q.cursor, limit: q.limit }),
});

export const getBackfillOp = defineOperation({
  name: 'getBackfill',
  summary: 'One backfill with its counts and runs in flight',
  group: 'backfills',
  method: 'GET',
  path: '/api/v1/backfills/:backfillId',
  params: backfillIdParams,
  output: backfillViewSchema,
  errors: [404],
  idempotent: true,
  role: 'viewer',
  handler: (ctx, { backfillId }) => getBackfill(ctx, { backfillId }),
});

export const getBackfillStatusOp = defineOperation({
  name: 'getBackfillStatus',
  summary: "A backfill's progress per asset: partition counts per state and the key ranges in each state, compressed",
  group: 'backfills',
  method: 'GET',
  path: '/api/v1/backfills/:backfillId/status',
  params: backfillIdParams,
  query: z.object({ rangesMax: z.coerce.number().int().min(0).max(100_000).default(200).describe('Key ranges listed per asset at most') }),
  output: backfillStatusViewSchema,
  errors: [404],
  idempotent: true,
  role: 'viewer',
  handler: async (ctx, input) => backfillStatus(await ctx.runtime(), input),
});

type Command = (ctx: Awaited<ReturnType<OperationContext['runtime']>>, input: { backfillId: string; expectedStateVersion?: number; reason?: string }) => ReturnType<typeof pauseBackfill>;

function commandOperation(action: 'pause' | 'resume' | 'cancel', command: Command, summary: string) {
  return defineOperation({
    name: `${action}Backfill`,
    summary,
    group: 'backfills',
    method: 'POST',
    path: `/api/v1/backfills/:backfillId/${action}`,
    params: backfillIdParams,
    body: commandBody,
    output: backfillViewSchema,
    errors: [404, 409],
    idempotent: true,
    role: 'operator',
    async handler(ctx, input) {
      const view = await command(await ctx.runtime(), input);
      ctx.onRunRequested?.();
      return view;
    },
  });
}

export const pauseBackfillOp = commandOperation('pause', pauseBackfill, 'Pause a backfill: no new chunk runs are planned; runs in flight finish');
export const resumeBackfillOp = commandOperation('resume', resumeBackfill, 'Resume a paused backfill where it stopped');
export const cancelBackfillOp = commandOperation('cancel', cancelBackfill, 'Cancel a backfill: CANCELING cancels its runs in flight, then CANCELED');

export const retryBackfillOp = defineOperation({
  name: 'retryBackfill',
  summary: 'A new backfill over exactly the failed and never-materialized partitions of a finished one',
  group: 'backfills',
  method: 'POST',
  path: '/api/v1/backfills/:backfillId/retry',
  params: backfillIdParams,
  body: z.object({ requestId: z.string().min(1).max(200).optional().describe('Reuse it when retrying the request') }).strict(),
  output: backfillOutcomeSchema,
  errors: [404, 409],
  status: (outcome) => (outcome.existing ? 200 : 201),
  idempotent: true,
  role: 'operator',
  async handler(ctx, input) {
    const outcome = await retryBackfill(await ctx.runtime(), input);
    ctx.onRunRequested?.();
    return outcome;
  },
});
