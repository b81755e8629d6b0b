/** The ledger read in sequence order, and the read-only SQL surface over the system_* views. */
import { z } from 'zod';
import { defineOperation } from './operation.js';

/**
 * Rows a SQL query may return; more are cut off and `truncated` says so. Time and answer size are
 * the store's limits (src/store/system-sql.ts): SQL_TIMEOUT and SQL_RESULT_TOO_LARGE.
 */
export const SQL_ROWS_MAX = 10_000;
/** Events per page of the ledger. */
const EVENTS_PAGE_MAX = 1000;

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
    actor: z.string().optional().describe('Who asked for the write: token name, `local` (CLI on the store) or `anonymous`; absent for the daemon'),
    payload: z.unknown(),
  })
  .describe('LedgerEvent');

export const listEventsOp = defineOperation({
  name: 'listEvents',
  summary: 'Read the ledger after a sequence number',
  group: 'events',
  method: 'GET',
  path: '/api/v1/events',
  query: z.object({
    after: z.coerce.number().int().min(0).default(0),
    limit: z.coerce.number().int().min(1).max(EVENTS_PAGE_MAX).default(100),
    runId: z.string().optional().describe('Only events of this run'),
  }),
  output: z.object({ events: z.array(eventSchema), nextAfter: z.number() }),
  idempotent: true,
  role: 'viewer',
  async handler(ctx, { after, limit, runId }) {
    const events = await ctx.store.ledger.readEvents({ afterSequence: after, limit, correlationId: runId });
    return { events, nextAfter: events[events.length - 1]?.sequence ?? after };
  },
});

export const querySqlOp = defineOperation({
  name: 'querySql',
  summary: 'Run one read-only SQL query over the documented system_* views (sandboxed: 5 s, 16 MiB; docs/sql.md)',
  group: 'system',
  method: 'GET',
  path: '/api/v1/sql',
  query: z.object({
    q: z.string().min(1).max(20_000).describe('SELECT over system_runs, system_tasks, system_attempts, …'),
    limit: z.coerce.number().int().min(1).max(SQL_ROWS_MAX).default(1000),
  }),
  output: z.object({ columns: z.array(z.string()), rows: z.array(z.array(z.unknown())), truncated: z.boolean() }),
  idempotent: true,
  role: 'viewer',
  async handler(ctx, { q, limit }) {
    const result = await ctx.store.sql.querySystem(q, limit);
    return { columns: [...result.columns], rows: result.rows.map((row) => [...row]), truncated: result.truncated };
  },
});

