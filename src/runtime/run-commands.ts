/**
 * Run commands as the API and CLI issue them: request, cancel, and apply a worker report. Each
 * follows read -> pure decide -> conditional append, and decides again (a bounded number of
 * times) when the run changed in between.
 */
import { arcoError, isArcoError } from '../domain/errors/index.js';
import type { Json } from '../domain/ids/index.js';
import { resolveRunAssets } from '../domain/runs/index.js';
import {
  checkCallerTags,
  decideAttemptReport,
  decideCancel,
  decideRunRequest,
  type AttemptReport,
} from '../controllers/index.js';
import type { Trigger } from '../events/index.js';
import type { RunProjection } from '../fold/index.js';
import { commit, type RuntimeContext } from './context.js';

/** A run changes under a command only briefly (another report landed); a few re-decisions suffice. */
const CONFLICT_RETRIES_MAX = 8;

export interface RunRequestInput {
  readonly selection: readonly string[];
  readonly includeUpstream?: boolean;
  readonly includeDownstream?: boolean;
  readonly partition?: string | null;
  readonly runKey?: string | null;
  readonly tags?: Readonly<Record<string, string>>;
  readonly config?: Json;
  readonly trigger?: Trigger;
  readonly systemTags?: Readonly<Record<string, string>>;
}

export interface RunRequestOutcome {
  readonly run: RunProjection;
  readonly existing: boolean;
}

async function retryOnConflict<T>(attempt: () => Promise<T>): Promise<T> {
  for (let i = 0; ; i += 1) {
    try {
      return await attempt();
    } catch (error) {
      if (!isArcoError(error) || error.code !== 'CONCURRENT_MODIFICATION' || i >= CONFLICT_RETRIES_MAX) throw error;
    }
  }
}

/** @throws UNKNOWN_ASSET, EMPTY_SELECTION, RESERVED_TAG, RUN_KEY_CONFLICT. */
export async function requestRun(ctx: RuntimeContext, input: RunRequestInput): Promise<RunRequestOutcome> {
  const tags = input.tags ?? {};
  checkCallerTags(tags);
  const closure = { includeUpstream: input.includeUpstream ?? false, includeDownstream: input.includeDownstream ?? false };
  const assetKeys = resolveRunAssets(ctx.definitions.graph, input.selection, closure);
  const request = {
    assetKeys,
    ...closure,
    partitionKey: input.partition ?? null,
    runKey: input.runKey ?? null,
    tags,
    systemTags: input.systemTags ?? {},
    config: input.config ?? {},
    trigger: input.trigger ?? { kind: 'manual' as const, detail: {} },
    parentRunId: null,
    rootRunId: null,
  };
  // Two passes at most: if another request reserved the runKey between our read and our append,
  // the RunRequested is dropped as a duplicate and the second pass sees the holder.
  for (let pass = 0; pass < 2; pass += 1) {
    const now = ctx.clock.now();
    const holder = request.runKey ? await ctx.store.getRunByKey(request.runKey) : undefined;
    const decision = decideRunRequest(request, holder, ctx.definitions, ctx.ids, now);
    if (decision.kind === 'existing') return { run: decision.run, existing: true };
    if (decision.kind === 'conflict') {
      await commit(ctx, decision.drafts, now);
      throw decision.error;
    }
    const result = await commit(ctx, decision.drafts, now);
    if (result.appended.length > 0) {
      const run = await ctx.store.getRun(decision.runId);
      if (run) return { run, existing: false };
    }
  }
  throw arcoError('INTERNAL_ERROR', 'run request could not be reserved', { runKey: request.runKey });
}

export async function getRunOrThrow(ctx: Pick<RuntimeContext, 'store'>, runId: string): Promise<RunProjection> {
  const run = await ctx.store.getRun(runId);
  if (!run) throw arcoError('RUN_NOT_FOUND', `no run with id ${runId}`, { runId });
  return run;
}

/** @throws RUN_NOT_FOUND, RUN_NOT_CANCELABLE. */
export async function cancelRun(ctx: RuntimeContext, runId: string, reason = 'canceled by request'): Promise<RunProjection> {
  return retryOnConflict(async () => {
    const run = await getRunOrThrow(ctx, runId);
    const now = ctx.clock.now();
    const drafts = decideCancel(run, reason, now);
    await commit(ctx, drafts, now, [{ table: 'runs', id: runId, version: run.version }]);
    return getRunOrThrow(ctx, runId);
  });
}

/** Applies a worker's report. @throws ATTEMPT_MISMATCH for a report about a superseded attempt. */
export async function applyAttemptReport(ctx: RuntimeContext, report: AttemptReport): Promise<void> {
  await retryOnConflict(async () => {
    const run = await getRunOrThrow(ctx, report.runId);
    const task = run.tasks.find((t) => t.taskKey === report.taskKey);
    const upstreamDataVersions: Record<string, string | null> = {};
    for (const key of task?.upstreamAssets ?? []) {
      const states = await ctx.store.listAssetPartitions(key);
      upstreamDataVersions[key] = states.find((s) => s.partitionKey === null)?.lastMaterialization?.dataVersion ?? null;
    }
    const now = ctx.clock.now();
    const drafts = decideAttemptReport(run, report, { nowEpochMs: now, upstreamDataVersions });
    await commit(ctx, drafts, now, [{ table: 'runs', id: run.runId, version: run.version }]);
  });
}
