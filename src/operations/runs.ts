/** Runs: request, rerun, list, get, cancel, tasks, logs and run-key conflicts. */
import { z } from 'zod';
import { shortDurationMs } from '../domain/cron/index.js';
import { arcoError } from '../domain/errors/index.js';
import { isTerminalRun } from '../domain/runs/index.js';
import { logLineSchema, runKeyConflictSchema, taskProjectionSchema, type RunProjection } from '../fold/index.js';
import { cancelRun, explainWaits, getRunOrThrow, mayWait, systemClock, requestRerun, requestRun, selectAssetsToLaunch, type RunRequestInput, type RunWait, type RuntimeContext } from '../runtime/index.js';
import { defineOperation, type OperationContext } from './operation.js';

/** The run tag naming who requested it: an API token's name, `local` or `anonymous`. */
export const REQUESTED_BY_TAG = 'arco/requested_by';
import {
  pageLimit,
  rerunBodySchema,
  runIdParamsSchema,
  runListQuerySchema,
  runListResponseSchema,
  runRequestBodySchema,
  runRequestResponseSchema,
  runSchema,
} from './schemas.js';

/** How often a followed log stream looks for new lines. */
const LOG_FOLLOW_POLL_MS = 250;
/** Log lines per page, and per read of a followed stream. */
export const LOG_PAGE_MAX = 1000;

/**
 * Who requested a run, as its `arco/requested_by` tag (docs/security.md): `arco/` tags are not
 * part of the fingerprint, so the same run key asked by two callers is still one run.
 */
function requestedBy(ctx: OperationContext): Record<string, string> {
  return ctx.actor === undefined ? {} : { [REQUESTED_BY_TAG]: ctx.actor };
}

export const requestRunOp = defineOperation({
  name: 'requestRun',
  summary: 'Request a run (idempotent with runKey)',
  group: 'runs',
  method: 'POST',
  path: '/api/v1/runs',
  body: runRequestBodySchema,
  output: runRequestResponseSchema,
  /** 409: RUN_KEY_CONFLICT, or NOTHING_STALE for a stale-only request when everything is FRESH. */
  errors: [409],
  status: (outcome) => (outcome.existing ? 200 : 201),
  idempotent: true,
  role: 'operator',
  async handler(ctx, body) {
    const runtime = await ctx.runtime();
    const outcome = await requestRun(runtime, runRequestInputOf(runtime, body, requestedBy(ctx)));
    ctx.onRunRequested?.();
    return outcome;
  },
});

/** A run request body as requestRun (and planRun) take it. */
export function runRequestInputOf(runtime: RuntimeContext, body: z.infer<typeof runRequestBodySchema>, systemTags: Readonly<Record<string, string>>): RunRequestInput {
  return {
    // Checks alone need no asset: an empty selection is EMPTY_SELECTION only without them.
    selection: body.selection === undefined ? [] : selectAssetsToLaunch(runtime.definitions, body.selection, { includeExternal: body.includeExternal }),
    checks: body.checks,
    includeUpstream: body.includeUpstream,
    includeDownstream: body.includeDownstream,
    partition: body.partition ?? null,
    runKey: body.runKey ?? null,
    tags: body.tags,
    config: body.config,
    systemTags,
    staleOnly: body.staleOnly,
  };
}

export const listRunsOp = defineOperation({
  name: 'listRuns',
  summary: 'List runs, newest first',
  group: 'runs',
  method: 'GET',
  path: '/api/v1/runs',
  query: runListQuerySchema,
  output: runListResponseSchema,
  idempotent: true,
  role: 'viewer',
  async handler(ctx, q) {
    const tags = (q.tag === undefined ? [] : Array.isArray(q.tag) ? q.tag : [q.tag]).map((t): [string, string] => {
      const at = t.indexOf('=');
      return [t.slice(0, at), t.slice(at + 1)];
    });
    const now = systemClock.now();
    const runs = await ctx.store.runs.listRuns({
      statuses: q.status,
      tags,
      before: q.cursor,
      limit: q.limit + 1,
      ...(q.asset === undefined ? {} : { assetKey: q.asset }),
      ...(q.since === undefined ? {} : { createdFrom: instantOf(q.since, 'since', now) }),
      ...(q.until === undefined ? {} : { createdBefore: instantOf(q.until, 'until', now) }),
      ...(q.trigger === undefined ? {} : { triggerKind: q.trigger }),
    });
    const page = await withWaits(ctx, runs.slice(0, q.limit));
    return { runs: page, nextCursor: runs.length > q.limit ? (page[page.length - 1]?.runId ?? null) : null };
  },
});

export const getRunOp = defineOperation({
  name: 'getRun',
  summary: 'Get a run with its tasks',
  group: 'runs',
  method: 'GET',
  path: '/api/v1/runs/:runId',
  params: runIdParamsSchema,
  output: runSchema,
  errors: [404],
  idempotent: true,
  role: 'viewer',
  handler: async (ctx, { runId }) => (await withWaits(ctx, [await getRunOrThrow(ctx, runId)]))[0] as RunProjection,
});

/**
 * A `since`/`until` filter as an ISO-8601 UTC instant: a time given as is, or `12h` before now.
 * @throws VALIDATION_ERROR naming the field for a time that does not parse.
 */
function instantOf(text: string, field: string, nowEpochMs: number): string {
  const ago = shortDurationMs(text);
  const ms = ago === undefined ? Date.parse(text) : nowEpochMs - ago;
  if (!Number.isFinite(ms)) throw arcoError('VALIDATION_ERROR', `${field}: "${text}" is not a time`, { field });
  return new Date(ms).toISOString();
}

/** Runs with what the waiting ones wait for (OPX-14); definitions load only when a run waits. */
async function withWaits(ctx: OperationContext, runs: RunProjection[]): Promise<(RunProjection & { waiting?: RunWait[] })[]> {
  if (!runs.some((run) => mayWait(run))) return runs;
  const waits = await explainWaits(await ctx.runtime(), runs);
  return runs.map((run) => {
    const waiting = waits.get(run.runId);
    return waiting ? { ...run, waiting } : run;
  });
}

export const rerunOp = defineOperation({
  name: 'rerun',
  summary: 'Rerun a finished run from failure, a subset of its assets, or all of it (idempotent)',
  group: 'runs',
  method: 'POST',
  path: '/api/v1/runs/:runId/rerun',
  params: runIdParamsSchema,
  body: rerunBodySchema,
  output: runRequestResponseSchema,
  errors: [404, 409],
  status: (outcome) => (outcome.existing ? 200 : 201),
  idempotent: true,
  role: 'operator',
  async handler(ctx, input) {
    const runtime = await ctx.runtime();
    const outcome = await requestRerun(runtime, input.runId, {
      mode: input.mode,
      selection: input.selection === undefined ? undefined : selectAssetsToLaunch(runtime.definitions, input.selection),
      includeUpstream: input.includeUpstream,
      includeDownstream: input.includeDownstream,
      systemTags: requestedBy(ctx),
    });
    ctx.onRunRequested?.();
    return outcome;
  },
});

export const listRunTasksOp = defineOperation({
  name: 'listRunTasks',
  summary: "A run's tasks with their attempts",
  group: 'runs',
  method: 'GET',
  path: '/api/v1/runs/:runId/tasks',
  params: runIdParamsSchema,
  output: z.object({ tasks: z.array(taskProjectionSchema) }),
  errors: [404],
  idempotent: true,
  role: 'viewer',
  handler: async (ctx, { runId }) => ({ tasks: (await getRunOrThrow(ctx, runId)).tasks }),
});

export const cancelRunOp = defineOperation({
  name: 'cancelRun',
  summary: 'Cancel a run: queued tasks are canceled, running ones are asked to stop',
  group: 'runs',
  method: 'POST',
  path: '/api/v1/runs/:runId/cancel',
  params: runIdParamsSchema,
  body: z.object({ reason: z.string().max(500).optional() }).strict(),
  output: runSchema,
  errors: [404, 409],
  idempotent: true,
  role: 'operator',
  handler: async (ctx, input) => cancelRun(await ctx.runtime(), input.runId, input.reason ?? 'canceled by request'),
});

const logsQuery = z.object({
  after: z.coerce.number().int().min(0).default(0).describe('Return lines after this sequence'),
  limit: z.coerce.number().int().min(1).max(LOG_PAGE_MAX).default(LOG_PAGE_MAX),
  follow: z.enum(['true', 'false']).default('false').describe('true: an NDJSON stream of lines until the run ends'),
});

export const listRunLogsOp = defineOperation({
  name: 'listRunLogs',
  summary: 'Log lines of a run; with follow=true, an NDJSON stream until the run ends',
  group: 'runs',
  method: 'GET',
  path: '/api/v1/runs/:runId/logs',
  params: runIdParamsSchema,
  query: logsQuery,
  output: z.object({ logs: z.array(logLineSchema), nextAfter: z.number() }),
  errors: [404],
  idempotent: true,
  role: 'viewer',
  async handler(ctx, { runId, after, limit }) {
    await getRunOrThrow(ctx, runId);
    const logs = await ctx.store.logs.listLogs(runId, { afterSequence: after, limit });
    return { logs, nextAfter: logs[logs.length - 1]?.sequence ?? after };
  },
  stream: {
    when: (input) => input.follow === 'true',
    write: followLogs,
  },
});

async function followLogs(ctx: OperationContext, input: { runId: string; after: number }, line: (value: unknown) => void, closed: () => boolean, open: () => void): Promise<void> {
  const { store } = ctx;
  await getRunOrThrow(ctx, input.runId);
  open();
  let cursor = input.after;
  const page = async () => {
    const logs = await store.logs.listLogs(input.runId, { afterSequence: cursor, limit: LOG_PAGE_MAX });
    for (const entry of logs) line(entry);
    cursor = logs[logs.length - 1]?.sequence ?? cursor;
    return logs.length;
  };
  while (!closed()) {
    if ((await page()) === LOG_PAGE_MAX) continue;
    const run = await store.runs.getRun(input.runId);
    if (!run || isTerminalRun(run.status)) {
      // One more read: lines appended between the page and the status check.
      await page();
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, LOG_FOLLOW_POLL_MS));
  }
}

export const listRunKeyConflictsOp = defineOperation({
  name: 'listRunKeyConflicts',
  summary: 'Requests refused because their runKey named a run with another fingerprint, newest first',
  group: 'runs',
  method: 'GET',
  path: '/api/v1/run-key-conflicts',
  query: z.object({ runKey: z.string().optional(), limit: pageLimit }),
  output: z.object({ conflicts: z.array(runKeyConflictSchema) }),
  idempotent: true,
  role: 'viewer',
  handler: async (ctx, query) => ({ conflicts: await ctx.store.runs.listRunKeyConflicts(query) }),
});

