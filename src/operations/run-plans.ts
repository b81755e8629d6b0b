/**
 * Run plans: what a run request would run, asked before launching it (the web UI's launchpad). The
 * request goes through the same resolution and the same pure decision as requestRun, and the
 * decision is dropped instead of appended, so the launchpad never keeps a second copy of the rules.
 */
import { z } from 'zod';
import { decideRunRequest } from '../controllers/index.js';
import { arcoError } from '../domain/errors/index.js';
import { partitionsContextAt, resolveRunRequest } from '../runtime/index.js';
import { defineOperation } from './operation.js';
import { runRequestInputOf } from './runs.js';
import { runRequestBodySchema } from './schemas.js';

/** Tasks listed in a plan; the count is always exact. A plan of a million partitions lists the first. */
export const PLAN_TASKS_MAX = 1000;

/** The plan's run id is never used: a fixed id keeps planning from drawing on the id sequence. */
const PLAN_IDS = { ulid: () => '0'.repeat(26) };

export const runPlanSchema = z.object({
  /** What the run would materialize, in dependency order (multi-asset outputs included). */
  assetKeys: z.array(z.string()),
  taskCount: z.number().int().min(0),
  tasks: z.array(z.object({ taskKey: z.string(), assetKey: z.string(), partitionKey: z.string().nullable(), checkName: z.string().nullable() })).describe(`The first ${PLAN_TASKS_MAX} tasks`),
  /** The run's tags: the caller's and the partition tags the run would carry. */
  tags: z.record(z.string(), z.string()),
  selectionExpanded: z.array(z.object({ multiAsset: z.string(), selected: z.array(z.string()), added: z.array(z.string()) })).optional(),
});

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
   *   RESERVED_TAG, PARTITION_NOT_APPLICABLE, INVALID_PARTITION_SELECTOR, the partition key errors and
   *   NOTHING_STALE. The same resolution as requestRun (a `status:` selector names the partitions in
   *   that status now); a runKey is not looked up, since it is decided when the run is reserved.
   */
  async handler(ctx, body) {
    const runtime = await ctx.runtime();
    const { request, expansions } = await resolveRunRequest(runtime, { ...runRequestInputOf(runtime, body, {}), runKey: null });
    const now = runtime.clock.now();
    const decision = decideRunRequest(request, undefined, { ...runtime.definitions, partitions: await partitionsContextAt(runtime, now) }, PLAN_IDS, now);
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
