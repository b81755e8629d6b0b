/**
 * Run commands as the API and CLI issue them: request, cancel, and apply a worker report. Each
 * follows read -> pure decide -> conditional append, and decides again (a bounded number of
 * times) when the run changed in between.
 */
import { arcoError, isArcoError } from '../domain/errors/index.js';
import type { Json } from '../domain/ids/index.js';
import { expandMultiAssets, resolveCheckKeys, resolveRunAssets, taskKeyOf, type SelectionExpansion, type TaskInput } from '../domain/runs/index.js';
import {
  advanceRun,
  checkCallerTags,
  decideAttemptReport,
  decideCancel,
  decideRunRequest,
  resolveRerun,
  type AttemptReport,
  type RerunMode,
  type ResolvedRunRequest,
} from '../controllers/index.js';
import type { EventDraft, Trigger } from '../events/index.js';
import type { RunProjection } from '../fold/index.js';
import { commit, type RuntimeContext } from './context.js';
import { partitionsContextAt } from './partitions-context.js';
import { staleSelection } from './stale-selection.js';
import { currentVersionOf, INITIAL_DATA_VERSION } from './staleness.js';
import { runPartitionSelector } from './partition-status-selector.js';
import { parsePartitionSelector, type PartitionSelector } from '../domain/partitions/index.js';

/** A run changes under a command only briefly (another report landed); a few re-decisions suffice. */
const CONFLICT_RETRIES_MAX = 8;

export interface RunRequestInput {
  readonly selection: readonly string[];
  readonly includeUpstream?: boolean;
  readonly includeDownstream?: boolean;
  /** A partition key, a range `START...END`, a list of keys (`a,b` or an array), or a selector. */
  readonly partition?: string | readonly string[] | PartitionSelector | null;
  readonly runKey?: string | null;
  readonly tags?: Readonly<Record<string, string>>;
  readonly config?: Json;
  readonly trigger?: Trigger;
  readonly systemTags?: Readonly<Record<string, string>>;
  /** Materialize only the STALE and MISSING assets (partitions) of the selection (NOTHING_STALE when none). */
  readonly staleOnly?: boolean;
  /**
   * Asset checks (`ASSET#NAME`) to evaluate without materializing their asset. The selection's own
   * assets run with all their checks anyway; with checks, the selection may be empty.
   */
  readonly checks?: readonly string[];
}

export interface RunRequestOutcome {
  readonly run: RunProjection;
  readonly existing: boolean;
  /** Outputs the run also materializes because their multi-asset cannot be subset (absent: none). */
  readonly selectionExpanded?: SelectionExpansion[];
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

function selectorOf(partition: RunRequestInput['partition']): PartitionSelector | null {
  if (partition === null || partition === undefined) return null;
  if (typeof partition === 'string' || Array.isArray(partition)) return parsePartitionSelector(partition as string | readonly string[]);
  return partition as PartitionSelector;
}

/**
 * @throws UNKNOWN_ASSET, UNKNOWN_ASSET_CHECK, EMPTY_SELECTION, RESERVED_TAG, RUN_KEY_CONFLICT, RUN_KEY_OF_DELETED_RUN, NOTHING_STALE (with
 *   `staleOnly`), PARTITION_NOT_APPLICABLE and INVALID_PARTITION_SELECTOR (a `status:` selector).
 */
export async function requestRun(ctx: RuntimeContext, input: RunRequestInput): Promise<RunRequestOutcome> {
  const { request, expansions } = await resolveRunRequest(ctx, input);
  const outcome = await reserveRun(ctx, request);
  return expansions.length === 0 ? outcome : { ...outcome, selectionExpanded: expansions };
}

/**
 * A run request as the decision takes it: the selection with its closures and multi-assets, the
 * checks, the partitions (a `status:` selector read now) and, with `staleOnly`, the stale part.
 * Reads only; requestRun reserves what it resolves, a plan (the launchpad) only decides it.
 * @throws as requestRun, but RUN_KEY_CONFLICT and RUN_KEY_OF_DELETED_RUN (decided at reservation).
 */
export async function resolveRunRequest(ctx: RuntimeContext, input: RunRequestInput): Promise<{ request: ResolvedRunRequest; expansions: SelectionExpansion[] }> {
  const tags = input.tags ?? {};
  checkCallerTags(tags);
  const closure = { includeUpstream: input.includeUpstream ?? false, includeDownstream: input.includeDownstream ?? false };
  // A multi-asset that cannot be subset joins whole; the answer says which outputs that added.
  const { assetKeys: resolved, expansions } = expandMultiAssets(resolveRunAssets(ctx.definitions.graph, input.selection, closure, ctx.definitions.isExternal), ctx.definitions.multiAssetOf);
  const checkKeys = resolveCheckKeys(input.checks ?? [], ctx.definitions);
  // A `status:` selector becomes the partitions in that status now, before anything else reads it.
  const given = await runPartitionSelector(ctx, resolved, input.partition, selectorOf);
  // The narrowed selection, not the flag, is what the run (and its fingerprint) is made of.
  const narrowed = input.staleOnly ? await staleSelection(ctx, resolved, given) : undefined;
  const request: ResolvedRunRequest = {
    assetKeys: narrowed?.assetKeys ?? resolved,
    ...closure,
    partition: narrowed ? narrowed.partition : given,
    ...(narrowed?.taskSubset ? { taskSubset: narrowed.taskSubset } : {}),
    ...(checkKeys.length > 0 ? { checkKeys } : {}),
    runKey: input.runKey ?? null,
    tags,
    systemTags: input.systemTags ?? {},
    config: input.config ?? {},
    trigger: input.trigger ?? { kind: 'manual' as const, detail: {} },
    parentRunId: null,
    rootRunId: null,
  };
  return { request, expansions };
}

/**
 * The one reservation path: decide against the run currently holding the runKey and append. Two
 * passes at most: if another request reserved the runKey between our read and our append, the
 * RunRequested is dropped as a duplicate and the second pass sees the holder.
 */
export async function reserveRun(ctx: RuntimeContext, request: ResolvedRunRequest): Promise<RunRequestOutcome> {
  for (let pass = 0; pass < 2; pass += 1) {
    const now = ctx.clock.now();
    const holder = request.runKey ? await ctx.store.runs.getRunByKey(request.runKey) : undefined;
    const planning = { ...ctx.definitions, partitions: await partitionsContextAt(ctx, now) };
    const decision = decideRunRequest(request, holder, planning, ctx.ids, now);
    if (decision.kind === 'existing') return { run: decision.run, existing: true };
    if (decision.kind === 'conflict') {
      await commit(ctx, decision.drafts, now);
      throw decision.error;
    }
    const result = await commit(ctx, decision.drafts, now);
    if (result.appended.length > 0) {
      const run = await ctx.store.runs.getRun(decision.runId);
      if (run) return { run, existing: false };
    }
  }
  // The ledger holds the runKey's RunRequested, yet no run has the key: its run was deleted. A
  // runKey names one run forever (SEMANTICS §2), so it is not given to a new one.
  if (request.runKey !== null) {
    throw arcoError('RUN_KEY_OF_DELETED_RUN', `run key "${request.runKey}" named a run that was deleted; a run key names one run forever: use another key`, {
      runKey: request.runKey,
    });
  }
  throw arcoError('INTERNAL_ERROR', 'run request could not be reserved', { runKey: request.runKey });
}

export interface RerunInput {
  readonly mode: RerunMode;
  /** For `subset`: asset keys to rerun (each must be in the parent run). */
  readonly selection?: readonly string[];
  readonly includeUpstream?: boolean;
  readonly includeDownstream?: boolean;
  /** `arco/` tags added to the rerun's own (who requested it). */
  readonly systemTags?: Readonly<Record<string, string>>;
}

/**
 * Requests a rerun of `parentRunId` (idempotent: asking again returns the same run). Closures
 * only add assets the parent run had.
 * @throws RUN_NOT_FOUND, RERUN_PARENT_NOT_FINISHED, RERUN_NOTHING_FAILED, RERUN_SELECTION_OUTSIDE_PARENT.
 */
export async function requestRerun(ctx: RuntimeContext, parentRunId: string, input: RerunInput): Promise<RunRequestOutcome> {
  const parent = await getRunOrThrow(ctx, parentRunId);
  let assetKeys: string[] | undefined;
  if (input.mode === 'subset') {
    const selected = input.selection ?? [];
    const inParent = new Set(parent.assetKeys);
    const closure = resolveRunAssets(ctx.definitions.graph, selected, {
      includeUpstream: input.includeUpstream ?? false,
      includeDownstream: input.includeDownstream ?? false,
    }, ctx.definitions.isExternal);
    assetKeys = [...selected, ...closure.filter((k) => inParent.has(k) && !selected.includes(k))];
  }
  const request = resolveRerun(parent, { mode: input.mode, assetKeys, includeUpstream: input.includeUpstream, includeDownstream: input.includeDownstream });
  return reserveRun(ctx, { ...request, systemTags: { ...input.systemTags, ...request.systemTags } });
}

export async function getRunOrThrow(ctx: Pick<RuntimeContext, 'store'>, runId: string): Promise<RunProjection> {
  const run = await ctx.store.runs.getRun(runId);
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

/**
 * Current data versions of a task's inputs, keyed as `derivedDataVersion` reads them: per asset
 * partition, and per asset (the latest materialization of any of its partitions).
 */
export async function inputDataVersions(ctx: Pick<RuntimeContext, 'store' | 'definitions'>, inputs: readonly TaskInput[]): Promise<Record<string, string | null>> {
  const versions: Record<string, string | null> = {};
  for (const input of inputs) {
    let latest: { sequence: number; dataVersion: string } | undefined;
    // An external input never observed reads as INITIAL, the version staleness compares it with.
    const initial = ctx.definitions.isExternal(input.assetKey) ? INITIAL_DATA_VERSION : null;
    for (const key of input.partitionKeys ?? []) versions[taskKeyOf(input.assetKey, key)] = initial;
    for (const state of await ctx.store.assets.listAssetPartitions(input.assetKey)) {
      const current = currentVersionOf(state);
      if (!current) continue;
      versions[taskKeyOf(state.assetKey, state.partitionKey)] = current.dataVersion;
      if (!latest || current.sequence > latest.sequence) latest = current;
    }
    versions[input.assetKey] = latest?.dataVersion ?? initial;
  }
  return versions;
}

/** Applies a worker's report. @throws ATTEMPT_MISMATCH for a report about a superseded attempt. */
export async function applyAttemptReport(ctx: RuntimeContext, report: AttemptReport): Promise<void> {
  await retryOnConflict(async () => {
    const run = await getRunOrThrow(ctx, report.runId);
    const task = run.tasks.find((t) => t.taskKey === report.taskKey);
    const upstreamDataVersions = report.kind === 'finished' ? await inputDataVersions(ctx, task?.inputs ?? []) : {};
    const now = ctx.clock.now();
    const drafts = decideAttemptReport(run, report, { nowEpochMs: now, upstreamDataVersions });
    await commit(ctx, drafts, now, [{ table: 'runs', id: run.runId, version: run.version }]);
  });
}

/** What became of one report given to `applyAttemptReports`: applied, or the error applying it alone gave. */
export interface ReportOutcome {
  readonly report: AttemptReport;
  readonly error?: unknown;
}

/**
 * Applies reports that arrived together (a short attempt's `started` and `finished` come in one
 * read of the worker's channel; the leader collects every finished report remote workers stored
 * since its last iteration), in arrival order: one read of their runs, each report decided on the
 * state the ones before it lead to, and one append of all their events, instead of a read and an
 * append per report. The events are those `applyAttemptReport` would append one report at a time.
 * A report the run does not accept (ATTEMPT_MISMATCH) adds nothing, as it would alone. On any
 * other failure (a run changed meanwhile, a run not found) the reports are applied run by run
 * instead, and within a run one at a time on failure again, so each fails or succeeds on its own
 * exactly as with `applyAttemptReport`.
 */
export async function applyAttemptReports(ctx: RuntimeContext, reports: readonly AttemptReport[]): Promise<ReportOutcome[]> {
  const byRun = new Map<string, AttemptReport[]>();
  for (const report of reports) byRun.set(report.runId, [...(byRun.get(report.runId) ?? []), report]);
  if (byRun.size > 1) {
    try {
      const refused = await decideTogether(ctx, byRun, 'once');
      return reports.map((report) => (refused.has(report) ? { report, error: refused.get(report) } : { report }));
    } catch {
      // Run by run below.
    }
  }
  const outcomes = new Map<AttemptReport, ReportOutcome>();
  for (const runReports of byRun.values()) {
    try {
      if (runReports.length > 1) {
        const refused = await applyTogether(ctx, runReports);
        for (const report of runReports) outcomes.set(report, refused.has(report) ? { report, error: refused.get(report) } : { report });
        continue;
      }
    } catch {
      // Applied one at a time below, each with its own outcome.
    }
    for (const report of runReports) {
      try {
        await applyAttemptReport(ctx, report);
        outcomes.set(report, { report });
      } catch (error) {
        outcomes.set(report, { report, error });
      }
    }
  }
  return reports.map((report) => outcomes.get(report) ?? { report });
}

/** One read and one append for several reports of one run; returns the refused ones (ATTEMPT_MISMATCH). */
async function applyTogether(ctx: RuntimeContext, reports: readonly AttemptReport[]): Promise<Map<AttemptReport, unknown>> {
  return decideTogether(ctx, new Map([[reports[0]?.runId ?? '', reports]]), 'retry');
}

/**
 * One read of the runs and one append for the reports of each (by run id); returns the refused ones
 * (ATTEMPT_MISMATCH). `retry`: decided again when a run changed meanwhile; `once`: that fails.
 */
async function decideTogether(ctx: RuntimeContext, byRun: ReadonlyMap<string, readonly AttemptReport[]>, conflicts: 'retry' | 'once'): Promise<Map<AttemptReport, unknown>> {
  const decide = async () => {
    const runs = await ctx.store.runs.getRuns([...byRun.keys()]);
    if (runs.length !== byRun.size) {
      const missing = [...byRun.keys()].find((id) => !runs.some((r) => r.runId === id)) ?? '';
      throw arcoError('RUN_NOT_FOUND', `no run with id ${missing}`, { runId: missing });
    }
    const now = ctx.clock.now();
    const nowIso = new Date(now).toISOString();
    const refused = new Map<AttemptReport, unknown>();
    const drafts: EventDraft[] = [];
    const expect: { table: 'runs'; id: string; version: number }[] = [];
    for (const read of runs) {
      const reports = byRun.get(read.runId) ?? [];
      let run = read;
      const before = drafts.length;
      for (const [i, report] of reports.entries()) {
        const task = run.tasks.find((t) => t.taskKey === report.taskKey);
        const upstreamDataVersions = report.kind === 'finished' ? await inputDataVersions(ctx, task?.inputs ?? []) : {};
        let decided: EventDraft[];
        try {
          decided = decideAttemptReport(run, report, { nowEpochMs: now, upstreamDataVersions });
        } catch (error) {
          if (!isArcoError(error) || error.code !== 'ATTEMPT_MISMATCH') throw error;
          refused.set(report, error);
          continue;
        }
        drafts.push(...decided);
        if (i < reports.length - 1 && decided.length > 0) run = advanceRun(run, decided, nowIso);
      }
      if (drafts.length > before) expect.push({ table: 'runs', id: read.runId, version: read.version });
    }
    if (drafts.length > 0) await commit(ctx, drafts, now, expect);
    return refused;
  };
  return conflicts === 'retry' ? retryOnConflict(decide) : decide();
}
