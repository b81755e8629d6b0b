/**
 * Backfill commands and views as the operations catalogue calls them: create (idempotent on its
 * request id), get, list, pause, resume, cancel, retry and status. Each takes an input its zod
 * schema parses and returns a view its zod schema describes. Commands follow read -> pure decide ->
 * conditional append on the backfill's state version, deciding again when it changed meanwhile.
 * The daemon advances backfills (see backfill-runner.ts); nothing here waits for runs.
 */
import { z } from 'zod';
import { decideBackfillCommand, decideBackfillCreate, retrySelections, type BackfillCommand } from '../controllers/index.js';
import type { BackfillPolicy } from '../domain/backfills/index.js';
import { arcoError, isArcoError } from '../domain/errors/index.js';
import type { Json } from '../domain/ids/index.js';
import { canonicalPartitionSelector, parsePartitionSelector, parseStatusSelector, type PartitionSelector } from '../domain/partitions/index.js';
import { canonicalJson } from '../domain/ids/index.js';
import { checkRunConfigOfAssets } from '../domain/runs/index.js';
import { requestedStatuses, statusBackfillSelections } from './partition-status-selector.js';
import { backfillPolicySchema, backfillStatusSchema, errorInfoSchema, partitionSelectorSchema } from '../events/index.js';
import { backfillCountsSchema, type BackfillChunk, type BackfillProjection } from '../fold/index.js';
import { commit, type RuntimeContext } from './context.js';
import { partitionsContextAt } from './partitions-context.js';
import { selectAssetsToLaunch } from './selection.js';

/** A command that lost a race with the daemon or another command is decided again this many times. */
const CONFLICT_RETRIES_MAX = 8;
/** Chunks read per page (retries and status read a backfill's chunks page by page). */
const CHUNK_PAGE = 1000;
/** @default for maxConcurrentRuns. */
export const BACKFILL_CONCURRENT_RUNS_DEFAULT = 10;

/** `multi-run:N` or `single-run`. @throws BACKFILL_INVALID_POLICY. */
export function parseBackfillPolicy(text: string): BackfillPolicy {
  if (text === 'single-run') return { kind: 'singleRun' };
  const match = /^multi-run:(-?\d+)$/.exec(text);
  if (match) return { kind: 'multiRun', partitionsPerRun: Number(match[1]) };
  throw arcoError('BACKFILL_INVALID_POLICY', `a backfill policy is "multi-run:N" or "single-run", got "${text}"`, { field: 'policy', value: text });
}

const policyInputSchema = z.union([
  z.string(),
  z.object({ kind: z.literal('multiRun'), partitionsPerRun: z.number().int() }),
  z.object({ kind: z.literal('singleRun') }),
]);

export const createBackfillInputSchema = z.object({
  /** Asset selection (Dagster syntax) or asset keys. */
  selection: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
  /** A key, `START...END`, `a,b`, a key list, or a selector object; omit for unpartitioned assets. */
  partition: z.union([z.string(), z.array(z.string()), partitionSelectorSchema]).nullable().optional(),
  /** `multi-run:N`, `single-run` or the object form. @default multi-run:1 (as Dagster). */
  policy: policyInputSchema.optional(),
  /** @default 10 */
  maxConcurrentRuns: z.number().int().optional(),
  tags: z.record(z.string(), z.string()).optional(),
  config: z.json().optional(),
  /** Idempotency: the same request id gives the same backfill. Minted when absent. */
  requestId: z.string().min(1).optional(),
  /**
   * Only the partitions `partition` names that are in these statuses now (`MISSING`, `FAILED`,
   * `MISSING,FAILED`), as `partition: 'status:…'` does for every partition (PST-08).
   */
  fromStatus: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
});
export type CreateBackfillInput = z.input<typeof createBackfillInputSchema>;

export const backfillIdInputSchema = z.object({ backfillId: z.string().min(1) });
export const backfillCommandInputSchema = z.object({
  backfillId: z.string().min(1),
  /** The state version the caller saw; a different current one is BACKFILL_STATE_CONFLICT. */
  expectedStateVersion: z.number().int().positive().optional(),
  reason: z.string().optional(),
});
export type BackfillCommandInput = z.input<typeof backfillCommandInputSchema>;
export const listBackfillsInputSchema = z.object({
  statuses: z.array(backfillStatusSchema).optional(),
  before: z.string().optional(),
  limit: z.number().int().min(1).max(500).default(50),
});
export const retryBackfillInputSchema = z.object({ backfillId: z.string().min(1), requestId: z.string().min(1).optional() });
export const backfillStatusInputSchema = z.object({
  backfillId: z.string().min(1),
  /** Key ranges listed per asset at most. @default 200 */
  rangesMax: z.number().int().min(0).max(100_000).default(200),
});

export const backfillViewSchema = z
  .object({
    backfillId: z.string(),
    clientRequestId: z.string(),
    status: backfillStatusSchema,
    stateVersion: z.number().int(),
    assetKeys: z.array(z.string()),
    partition: partitionSelectorSchema.nullable(),
    policy: backfillPolicySchema,
    maxConcurrentRuns: z.number().int(),
    tags: z.record(z.string(), z.string()),
    parentBackfillId: z.string().nullable(),
    rootBackfillId: z.string().nullable(),
    counts: backfillCountsSchema.extend({ inProgress: z.number().int(), notStarted: z.number().int() }),
    chunksPlanned: z.number().int(),
    chunksFinished: z.number().int(),
    runsInFlight: z.array(z.object({ chunkIndex: z.number().int(), runId: z.string() })),
    createdAt: z.string(),
    updatedAt: z.string(),
    finishedAt: z.string().nullable(),
    reason: z.string().nullable(),
    error: errorInfoSchema.nullable(),
  })
  .describe('Backfill');
export type BackfillView = z.infer<typeof backfillViewSchema>;

export const backfillOutcomeSchema = z.object({ backfill: backfillViewSchema, existing: z.boolean() });
export type BackfillOutcome = z.infer<typeof backfillOutcomeSchema>;
export const backfillListSchema = z.object({ backfills: z.array(backfillViewSchema), nextCursor: z.string().nullable() });

export function backfillView(b: BackfillProjection): BackfillView {
  const c = b.counts;
  const ended = c.materialized + c.failed + c.skipped + c.canceled;
  return {
    backfillId: b.backfillId,
    clientRequestId: b.clientRequestId,
    status: b.status,
    stateVersion: b.stateVersion,
    assetKeys: b.assetKeys,
    partition: b.partition,
    policy: b.policy,
    maxConcurrentRuns: b.maxConcurrentRuns,
    tags: b.tags,
    parentBackfillId: b.parentBackfillId,
    rootBackfillId: b.rootBackfillId,
    counts: { ...c, inProgress: c.planned - ended, notStarted: c.total - c.planned },
    chunksPlanned: b.chunksPlanned,
    chunksFinished: b.chunksFinished,
    runsInFlight: b.inFlight.map((f) => ({ chunkIndex: f.chunkIndex, runId: f.runId })),
    createdAt: b.createdAt,
    updatedAt: b.updatedAt,
    finishedAt: b.finishedAt,
    reason: b.reason,
    error: b.error,
  };
}

function selectorOf(partition: z.infer<typeof createBackfillInputSchema>['partition']): PartitionSelector | null {
  if (partition === null || partition === undefined) return null;
  if (typeof partition === 'string' || Array.isArray(partition)) return parsePartitionSelector(partition as string | readonly string[]);
  return partition as PartitionSelector;
}

/** @throws BACKFILL_NOT_FOUND. */
export async function getBackfill(ctx: Pick<RuntimeContext, 'store'>, input: z.input<typeof backfillIdInputSchema>): Promise<BackfillView> {
  return backfillView(await backfillOrThrow(ctx, input.backfillId));
}

/** @throws BACKFILL_NOT_FOUND. */
export async function backfillOrThrow(ctx: Pick<RuntimeContext, 'store'>, backfillId: string): Promise<BackfillProjection> {
  const backfill = await ctx.store.backfills.getBackfill(backfillId);
  if (!backfill) throw arcoError('BACKFILL_NOT_FOUND', `no backfill with id ${backfillId}`, { backfillId });
  return backfill;
}

export async function listBackfills(ctx: Pick<RuntimeContext, 'store'>, input: z.input<typeof listBackfillsInputSchema> = {}): Promise<z.infer<typeof backfillListSchema>> {
  const query = listBackfillsInputSchema.parse(input);
  const found = await ctx.store.backfills.listBackfills({ ...(query.statuses ? { statuses: query.statuses } : {}), ...(query.before ? { before: query.before } : {}), limit: query.limit });
  const last = found[found.length - 1];
  return { backfills: found.map(backfillView), nextCursor: found.length === query.limit && last ? last.backfillId : null };
}

/**
 * Creates a backfill, or returns the one its request id already created (`existing: true`).
 * @throws VALIDATION_ERROR (input), UNKNOWN_ASSET, SELECTION_SYNTAX_ERROR, EMPTY_SELECTION,
 *   RESERVED_TAG, BACKFILL_INVALID_POLICY, BACKFILL_UNKNOWN_PARTITIONS, INVALID_PARTITION_RANGE,
 *   BACKFILL_UNPARTITIONED_ASSET, PARTITION_REQUIRED, BACKFILL_EMPTY, NONEXISTENT_UPSTREAM_PARTITION,
 *   BACKFILL_REQUEST_CONFLICT, INVALID_RUN_CONFIG; with statuses (`status:` or `fromStatus`) also PARTITION_NOT_APPLICABLE
 *   and INVALID_PARTITION_SELECTOR (an unknown status).
 */
export async function createBackfill(ctx: RuntimeContext, input: CreateBackfillInput): Promise<BackfillOutcome> {
  const parsed = parseInput(createBackfillInputSchema, input);
  const assetKeys = selectAssetsToLaunch(ctx.definitions, parsed.selection);
  const statuses = requestedStatuses(parsed.partition, parsed.fromStatus);
  const byStatus = statuses !== undefined && typeof parsed.partition === 'string' && parseStatusSelector(parsed.partition) !== undefined;
  const selector = byStatus ? null : selectorOf(parsed.partition);
  const policy = parsed.policy === undefined ? { kind: 'multiRun' as const, partitionsPerRun: 1 } : typeof parsed.policy === 'string' ? parseBackfillPolicy(parsed.policy) : parsed.policy;
  const request = {
    clientRequestId: parsed.requestId ?? `bfreq_${ctx.ids.ulid(ctx.clock.now())}`,
    assetKeys,
    partition: selector === null ? (statuses ? { kind: 'all' as const } : null) : canonicalPartitionSelector(selector),
    policy,
    maxConcurrentRuns: parsed.maxConcurrentRuns ?? BACKFILL_CONCURRENT_RUNS_DEFAULT,
    tags: parsed.tags ?? {},
    config: (parsed.config ?? {}) as Json,
  };
  // Refused now, as a run request's would be, not at the first chunk's planning.
  checkRunConfigOfAssets(assetKeys, request.config, ctx.definitions);
  if (!statuses) return createFromRequest(ctx, request);
  // The partitions in a status change once the backfill runs them: a repeat of the request id is
  // answered by the backfill it made, not by resolving the statuses again.
  const holder = await ctx.store.backfills.getBackfillByRequestId(request.clientRequestId);
  if (holder && sameAssets(holder.assetKeys, assetKeys) && canonicalJson(holder.partition as Json) === canonicalJson(request.partition as Json)) {
    return { backfill: backfillView(holder), existing: true };
  }
  return createFromRequest(ctx, { ...request, selections: await statusBackfillSelections(ctx, assetKeys, selector, statuses) });
}

const sameAssets = (a: readonly string[], b: readonly string[]): boolean => canonicalJson([...a].sort()) === canonicalJson([...b].sort());

type CreateRequest = Parameters<typeof decideBackfillCreate>[0];

/** Two passes at most: a concurrent create with the same request id is seen by the second. */
async function createFromRequest(ctx: RuntimeContext, request: CreateRequest): Promise<BackfillOutcome> {
  for (let pass = 0; pass < 2; pass += 1) {
    const now = ctx.clock.now();
    const holder = await ctx.store.backfills.getBackfillByRequestId(request.clientRequestId);
    const planning = { ...ctx.definitions, partitions: await partitionsContextAt(ctx, now) };
    const decision = decideBackfillCreate(request, holder, planning, ctx.ids, now);
    if (decision.kind === 'existing') return { backfill: backfillView(decision.backfill), existing: true };
    const result = await commit(ctx, decision.drafts, now);
    if (result.appended.length > 0) return { backfill: backfillView(await backfillOrThrow(ctx, decision.backfillId)), existing: false };
  }
  throw arcoError('INTERNAL_ERROR', 'backfill could not be created', { clientRequestId: request.clientRequestId });
}

async function command(ctx: RuntimeContext, input: BackfillCommandInput, name: BackfillCommand): Promise<BackfillView> {
  const parsed = parseInput(backfillCommandInputSchema, input);
  for (let i = 0; ; i += 1) {
    const backfill = await backfillOrThrow(ctx, parsed.backfillId);
    const drafted = decideBackfillCommand(backfill, name, parsed.reason ?? `${name} requested`, parsed.expectedStateVersion);
    try {
      await commit(ctx, [drafted], ctx.clock.now(), [{ table: 'backfills', id: backfill.backfillId, version: backfill.stateVersion }]);
      return backfillView(await backfillOrThrow(ctx, parsed.backfillId));
    } catch (error) {
      if (!isArcoError(error) || error.code !== 'CONCURRENT_MODIFICATION' || i >= CONFLICT_RETRIES_MAX) throw error;
    }
  }
}

/** REQUESTED -> PAUSED: no new chunk is planned; chunk runs in flight finish. @throws BACKFILL_NOT_FOUND, BACKFILL_STATE_CONFLICT. */
export const pauseBackfill = (ctx: RuntimeContext, input: BackfillCommandInput): Promise<BackfillView> => command(ctx, input, 'pause');
/** PAUSED -> REQUESTED: planning continues where it stopped. @throws BACKFILL_NOT_FOUND, BACKFILL_STATE_CONFLICT. */
export const resumeBackfill = (ctx: RuntimeContext, input: BackfillCommandInput): Promise<BackfillView> => command(ctx, input, 'resume');
/** REQUESTED or PAUSED -> CANCELING; the daemon cancels the runs in flight, then CANCELED. @throws BACKFILL_NOT_FOUND, BACKFILL_STATE_CONFLICT. */
export const cancelBackfill = (ctx: RuntimeContext, input: BackfillCommandInput): Promise<BackfillView> => command(ctx, input, 'cancel');

/** Every chunk of a backfill, page by page. */
export async function* backfillChunks(ctx: Pick<RuntimeContext, 'store'>, backfillId: string): AsyncGenerator<BackfillChunk> {
  let after = -1;
  for (;;) {
    const page = await ctx.store.backfills.listBackfillChunks(backfillId, { afterChunkIndex: after, limit: CHUNK_PAGE });
    yield* page;
    if (page.length < CHUNK_PAGE) return;
    after = page[page.length - 1]?.chunkIndex ?? after;
  }
}

/**
 * A new backfill over exactly the partitions of a finished backfill that did not materialize (failed,
 * skipped, canceled, never planned), tagged with its parent and root. Asking again returns the same one.
 * @throws BACKFILL_NOT_FOUND, BACKFILL_NOTHING_TO_RETRY.
 */
export async function retryBackfill(ctx: RuntimeContext, input: z.input<typeof retryBackfillInputSchema>): Promise<BackfillOutcome> {
  const parsed = parseInput(retryBackfillInputSchema, input);
  const parent = await backfillOrThrow(ctx, parsed.backfillId);
  const retried = await ctx.store.backfills.getBackfillByRequestId(parsed.requestId ?? `retry:${parent.backfillId}`);
  if (retried) return { backfill: backfillView(retried), existing: true };
  const chunks: BackfillChunk[] = [];
  for await (const chunk of backfillChunks(ctx, parent.backfillId)) if (chunk.unmaterialized.length > 0) chunks.push(chunk);
  const planning = { ...ctx.definitions, partitions: await partitionsContextAt(ctx, ctx.clock.now()) };
  const selections = retrySelections(parent, chunks, planning);
  return createFromRequest(ctx, {
    clientRequestId: parsed.requestId ?? `retry:${parent.backfillId}`,
    assetKeys: [...selections.keys()],
    partition: null,
    policy: parent.policy,
    maxConcurrentRuns: parent.maxConcurrentRuns,
    tags: parent.tags,
    config: parent.config as Json,
    parentBackfillId: parent.backfillId,
    rootBackfillId: parent.rootBackfillId ?? parent.backfillId,
    selections,
  });
}

function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw arcoError('VALIDATION_ERROR', `invalid input: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`, {
    field: issue?.path.join('.') ?? '',
    issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
  });
}
