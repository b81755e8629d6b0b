/**
 * Run plans: what a run request would run, asked before launching it (the web UI's launchpad). The
 * request goes through the same resolution and the same pure decision as requestRun, and the
 * decision is dropped instead of appended, so the launchpad never keeps a second copy of the rules.
 */
import { z } from 'zod';
import { checkCallerTags, decideRunRequest, type ResolvedRunRequest } from '../controllers/index.js';
import { arcoError } from '../domain/errors/index.js';
import { parsePartitionSelector, type PartitionSelector } from '../domain/partitions/index.js';
import { expandMultiAssets, resolveCheckKeys, resolveRunAssets } from '../domain/runs/index.js';
import { partitionsContextAt, selectAssetsToLaunch } from '../runtime/index.js';
import { defineOperation } from './operation.js';
import { runRequestBodySchema } from './schemas.js';

/** Tasks listed in a plan; the count is always exact. A plan of a million partitions lists the first. */
export const PLAN_TASKS_MAX = 1000;

/** The plan's run id is never used: a fixed id keeps planning from drawing on the id sequence. */
const PLAN_IDS = { ulid: () => '0'.repeat(26) };

const STATUS_SELECTOR = /^status:/i;

export const runPlanSchema = z.object({
  /** What the run would materialize, in dependency order (multi-asset outputs included). */
  assetKeys: z.array(z.string()),
  taskCount: z.number().int().min(0),
  tasks: z.array(z.object({ taskKey: z.string(), assetKey: z.string(), partitionKey: z.string().nullable(), checkName: z.string().nullable() })).describe(`The first ${PLAN_TASKS_MAX} tasks`),
  /** The run's tags: the caller's and the partition tags the run would carry. */
  tags: z.record(z.string(), z.string()),
  selectionExpanded: z.array(z.object({ multiAsset: z.string(), selected: z.array(z.string()), added: z.array(z.string()) })).optional(),
});

function selectorOf(partition: string | readonly string[] | PartitionSelector | null | undefined): PartitionSelector | null {
  if (partition === null || partition === undefined) return null;
  if (typeof partition === 'string' && STATUS_SELECTOR.test(partition)) {
    // Which partitions a status names changes by the second: requestRun resolves it at launch.
    throw arcoError('VALIDATION_ERROR', 'a status: partition selector is resolved when the run is requested, not planned', { field: 'body.partition' });
  }
  if (typeof partition === 'string' || Array.isArray(partition)) return parsePartitionSelector(partition as string | readonly string[]);
  return partition as PartitionSelector;
}

export const planRunOp = defineOperation({
  name: 'planRun',
  summary: 'What a run request would run, without requesting it (the checks of requestRun; nothing is recorded)',
  group: 'runs',
  method: 'POST',
  path: '/api/v1/run-plans',
  body: runRequestBodySchema,
  output: runPlanSchema,
  idempotent: true,
  role: 'viewer',
  /**
   * @throws as requestRun: SELECTION_SYNTAX_ERROR, UNKNOWN_ASSET, UNKNOWN_ASSET_CHECK, EMPTY_SELECTION,
   *   RESERVED_TAG, PARTITION_NOT_APPLICABLE, INVALID_PARTITION_SELECTOR and the partition key errors.
   *   A runKey is not looked up and staleOnly is not applied: both are decided at launch.
   */
  async handler(ctx, body) {
    const runtime = await ctx.runtime();
    const defs = runtime.definitions;
    // In requestRun's order, so a request with two faults gets the same error from both.
    const selection = body.selection === undefined ? [] : selectAssetsToLaunch(defs, body.selection, { includeExternal: body.includeExternal });
    checkCallerTags(body.tags);
    const closure = { includeUpstream: body.includeUpstream, includeDownstream: body.includeDownstream };
    const { assetKeys, expansions } = expandMultiAssets(resolveRunAssets(defs.graph, selection, closure, defs.isExternal), defs.multiAssetOf);
    const checkKeys = resolveCheckKeys(body.checks ?? [], defs);
    const now = runtime.clock.now();
    const request: ResolvedRunRequest = {
      assetKeys,
      ...closure,
      partition: selectorOf(body.partition),
      ...(checkKeys.length > 0 ? { checkKeys } : {}),
      runKey: null,
      tags: body.tags,
      systemTags: {},
      config: body.config,
      trigger: { kind: 'manual', detail: {} },
      parentRunId: null,
      rootRunId: null,
    };
    const decision = decideRunRequest(request, undefined, { ...defs, partitions: await partitionsContextAt(runtime, now) }, PLAN_IDS, now);
    const requested = decision.kind === 'new' ? decision.drafts.find((d) => d.type === 'RunRequested') : undefined;
    if (!requested || requested.type !== 'RunRequested') throw arcoError('INTERNAL_ERROR', 'a run request with no run key decided no new run', {});
    const { payload } = requested;
    return {
      assetKeys: payload.assetKeys,
      taskCount: payload.tasks.length,
      tasks: payload.tasks.slice(0, PLAN_TASKS_MAX).map((t) => ({ taskKey: t.taskKey, assetKey: t.assetKey, partitionKey: t.partitionKey, checkName: t.checkName ?? null })),
      tags: payload.tags,
      ...(expansions.length > 0 ? { selectionExpanded: expansions } : {}),
    };
  },
});
