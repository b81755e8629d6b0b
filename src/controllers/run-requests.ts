/**
 * Run requests: the one reservation path every trigger goes through (SEMANTICS §2). The decision
 * is pure: given the resolved request and the run already holding its runKey (if any), either a
 * new run (RunRequested, idempotency key `run:{runKey}` or `run:{runId}`), the existing run (same
 * fingerprint), or RUN_KEY_CONFLICT.
 */
import { arcoError, type ArcoError } from '../domain/errors/index.js';
import { newRunId, sha256Hex, type IdSource, type Json } from '../domain/ids/index.js';
import { canonicalPartitionSelector, MULTI_KEY_SEPARATOR, type PartitionSelector } from '../domain/partitions/index.js';
import {
  differingFingerprintFields,
  materializableAssets,
  expandMultiAssets,
  planRunWithChecks,
  checkKeyOf,
  runFingerprint,
  taskKeyOf,
  checkRunPolicyTags,
  checkRunConfigOfAssets,
  RUN_POLICY_TAGS,
  type FingerprintInput,
  type PlanningContext,
  type TaskPlan,
} from '../domain/runs/index.js';
import { draft, idempotencyKeys, type EventDraft, type Trigger } from '../events/index.js';
import type { RunProjection } from '../fold/index.js';

/** Tags callers may set under the reserved prefix: priority, and the run's retry and runtime policy. */
const CALLER_SETTABLE_RESERVED_TAGS = new Set(['arco/priority', ...RUN_POLICY_TAGS]);

export interface ResolvedRunRequest {
  /** Final asset keys of the run (selection plus closures), validated to exist. */
  readonly assetKeys: readonly string[];
  readonly includeUpstream: boolean;
  readonly includeDownstream: boolean;
  /** Which partitions the run materializes (a key, a range, …), or null for unpartitioned assets. */
  readonly partition: PartitionSelector | null;
  readonly runKey: string | null;
  /** Caller tags (validated by `checkCallerTags`). */
  readonly tags: Readonly<Record<string, string>>;
  /** Tags the system sets for this trigger (`arco/schedule_name`, …). */
  readonly systemTags: Readonly<Record<string, string>>;
  readonly config: Json;
  readonly trigger: Trigger;
  readonly parentRunId: string | null;
  readonly rootRunId: string | null;
  /** When set, only these task keys of the plan run (reruns); dependencies outside the subset are dropped. */
  readonly taskSubset?: readonly string[];
  /**
   * Asset checks (`ASSET#NAME`, validated) to evaluate without materializing their asset. The checks
   * of `assetKeys` are planned anyway.
   */
  readonly checkKeys?: readonly string[];
}

export type RunRequestDecision =
  | { readonly kind: 'new'; readonly runId: string; readonly drafts: readonly EventDraft[] }
  | { readonly kind: 'existing'; readonly run: RunProjection }
  /** Refused: append `drafts` (the conflict record), then answer `error` (RUN_KEY_CONFLICT). */
  | { readonly kind: 'conflict'; readonly drafts: readonly EventDraft[]; readonly error: ArcoError };

/**
 * @throws RESERVED_TAG naming the first caller tag under `arco/` that only the system may set, and
 *   INVALID_RUN_TAG naming a retry or runtime tag with a value it cannot take.
 */
export function checkCallerTags(tags: Readonly<Record<string, string>>): void {
  for (const key of Object.keys(tags).sort()) {
    if (key.startsWith('arco/') && !CALLER_SETTABLE_RESERVED_TAGS.has(key)) {
      throw arcoError('RESERVED_TAG', `tag "${key}" is reserved for the system; remove it from the request`, { tag: key });
    }
  }
  checkRunPolicyTags(tags);
}

function fingerprintInputOf(request: ResolvedRunRequest): FingerprintInput {
  return {
    assetKeys: request.assetKeys,
    includeUpstream: request.includeUpstream,
    includeDownstream: request.includeDownstream,
    partition: request.partition === null ? null : canonicalPartitionSelector(request.partition),
    config: request.config,
    tags: request.tags,
    checkKeys: request.checkKeys ?? [],
  };
}

export function fingerprintOf(request: ResolvedRunRequest): string {
  return runFingerprint(fingerprintInputOf(request));
}

/**
 * @param holder the run currently holding `request.runKey`, if any.
 * @param fingerprint `fingerprintOf(request)`, when the caller already has it: a schedule's ticks
 *   share one per partition, and hashing it again for each of ten thousand ticks was about 5% of a
 *   daemon iteration.
 * @throws EMPTY_SELECTION; INVALID_RUN_CONFIG when the config does not fit the config schema of an
 *   asset the run would materialize (an existing run with the same fingerprint is answered first).
 */
export function decideRunRequest(
  request: ResolvedRunRequest,
  holder: RunProjection | undefined,
  planning: PlanningContext,
  ids: IdSource,
  nowEpochMs: number,
  fingerprint: string = fingerprintOf(request),
): RunRequestDecision {
  if (request.assetKeys.length === 0 && (request.checkKeys ?? []).length === 0) throw arcoError('EMPTY_SELECTION', 'the selection matches no asset', {});
  if (holder) {
    if (holder.fingerprint === fingerprint) return { kind: 'existing', run: holder };
    // The holder records the outputs its multi-assets added; compare like with like.
    return runKeyConflict({ ...request, assetKeys: expandMultiAssets(request.assetKeys, planning.multiAssetOf).assetKeys }, holder, fingerprint);
  }
  const runId = newRunId(ids, nowEpochMs);
  const tags: Record<string, string> = { ...request.tags, ...request.systemTags };
  if (request.runKey) tags['arco/run_key'] = request.runKey;
  // Every trigger comes through here: the run lists only what it can materialize.
  const assetKeys = materializableAssets(request.assetKeys, planning.isExternal);
  // Every trigger's config is checked here too, before anything is recorded (a schedule's or a
  // sensor's failure is its tick's, a backfill's its own).
  checkRunConfigOfAssets(assetKeys, request.config, planning);
  const tasks = subsetOf(planRunWithChecks(assetKeys, request.checkKeys ?? [], request.partition, planning), request.taskSubset);
  Object.assign(tags, partitionTags(request.partition, tasks, planning));
  const requested = draft(
    'RunRequested',
    {
      runId,
      runKey: request.runKey,
      fingerprint,
      // What the run materializes: a multi-asset that cannot be subset counts whole.
      assetKeys: planning.graph.inDependencyOrder(expandMultiAssets(assetKeys, planning.multiAssetOf).assetKeys),
      includeUpstream: request.includeUpstream,
      includeDownstream: request.includeDownstream,
      partition: request.partition === null ? null : canonicalPartitionSelector(request.partition),
      tags,
      config: request.config,
      trigger: request.trigger,
      parentRunId: request.parentRunId,
      rootRunId: request.rootRunId,
      tasks,
    },
    idempotencyKeys.runRequested(runId, request.runKey),
    runId,
  );
  return { kind: 'new', runId, drafts: [requested] };
}

/**
 * The plan restricted to `subset` (if given): other tasks go, and so do dependencies on them. A
 * multi-asset's task stays when the subset names it or the task key of any of its outputs.
 */
function subsetOf(tasks: TaskPlan[], subset: readonly string[] | undefined): TaskPlan[] {
  if (subset === undefined) return tasks;
  const wanted = new Set(subset);
  const keep = new Set(tasks.filter((t) => wanted.has(t.taskKey) || (t.outputs?.some((o) => wanted.has(taskKeyOf(o.assetKey, t.partitionKey))) ?? false)).map((t) => t.taskKey));
  return tasks.filter((t) => keep.has(t.taskKey)).map((t) => ({ ...t, deps: t.deps.filter((d) => keep.has(d)) }));
}

/**
 * Reserved partition tags (SEMANTICS §3, §6): `arco/partition` for one key (with
 * `arco/partition/<dimension>` for a multi-partitioned key), or the first and last key of a range.
 */
function partitionTags(selector: PartitionSelector | null, tasks: readonly TaskPlan[], planning: PlanningContext): Record<string, string> {
  if (selector === null) return {};
  const keys = [...new Set(tasks.flatMap((t) => (t.partitionKey === null ? [] : [t.partitionKey])))];
  if (keys.length === 0) return {};
  if (keys.length === 1) {
    const key = keys[0] as string;
    const tags: Record<string, string> = { 'arco/partition': key };
    const definition = tasks.map((t) => planning.partitionsOf(t.assetKey)).find((d) => d !== null);
    if (definition?.kind === 'multi') {
      const values = key.split(MULTI_KEY_SEPARATOR);
      definition.dimensions.forEach((dimension, i) => (tags[`arco/partition/${dimension.name}`] = values[i] ?? ''));
    }
    return tags;
  }
  if (selector.kind === 'range') return { 'arco/asset_partition_range_start': selector.start, 'arco/asset_partition_range_end': selector.end };
  return {};
}

/** The checks a run evaluates without materializing their asset, as `ASSET#NAME`. */
function checksAloneOf(run: RunProjection): string[] {
  const assets = new Set(run.assetKeys);
  return [...new Set(run.tasks.filter((t) => t.checkName !== null && !assets.has(t.assetKey)).map((t) => checkKeyOf(t.assetKey, t.checkName as string)))];
}

function runKeyConflict(request: ResolvedRunRequest, holder: RunProjection, requestedFingerprint: string): RunRequestDecision {
  const differing = differingFingerprintFields(
    { ...fingerprintInputOf(request) },
    {
      assetKeys: holder.assetKeys,
      includeUpstream: holder.includeUpstream,
      includeDownstream: holder.includeDownstream,
      partition: holder.partition,
      config: holder.config,
      tags: holder.tags,
      checkKeys: checksAloneOf(holder),
    },
  );
  const runKey = request.runKey ?? '';
  const error = arcoError('RUN_KEY_CONFLICT', `runKey "${runKey}" already names run ${holder.runId}, requested with different parameters (${differing.join(', ')})`, {
    runKey,
    conflictType: 'FINGERPRINT_MISMATCH',
    existingRunId: holder.runId,
    existingFingerprint: holder.fingerprint,
    requestedFingerprint,
    existingStatus: holder.status,
    existingCreatedAt: holder.createdAt,
    differingFields: differing,
  });
  const conflictId = sha256Hex(`${runKey}\n${requestedFingerprint}`).slice(0, 32);
  const recorded = draft(
    'RunKeyConflictRecorded',
    {
      conflictId,
      runKey,
      conflictType: 'FINGERPRINT_MISMATCH',
      existingRunId: holder.runId,
      existingFingerprint: holder.fingerprint,
      requestedFingerprint,
      differingFields: differing,
    },
    idempotencyKeys.runKeyConflict(conflictId),
    null,
  );
  return { kind: 'conflict', drafts: [recorded], error };
}
