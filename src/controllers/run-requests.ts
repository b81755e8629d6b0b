/**
 * Run requests: the one reservation path every trigger goes through (SEMANTICS §2). The decision
 * is pure: given the resolved request and the run already holding its runKey (if any), either a
 * new run (RunRequested, idempotency key `run:{runKey}` or `run:{runId}`), the existing run (same
 * fingerprint), or RUN_KEY_CONFLICT.
 */
import type { AssetGraph } from '../domain/assets/index.js';
import { arcoError, type ArcoError } from '../domain/errors/index.js';
import { newRunId, sha256Hex, type IdSource, type Json } from '../domain/ids/index.js';
import { differingFingerprintFields, planRun, runFingerprint, type FingerprintInput, type TaskSpec } from '../domain/runs/index.js';
import { draft, idempotencyKeys, type EventDraft, type Trigger } from '../events/index.js';
import type { RunProjection } from '../fold/index.js';

/** Tags callers may set under the reserved prefix. */
const CALLER_SETTABLE_RESERVED_TAGS = new Set(['arco/priority']);

export interface ResolvedRunRequest {
  /** Final asset keys of the run (selection plus closures), validated to exist. */
  readonly assetKeys: readonly string[];
  readonly includeUpstream: boolean;
  readonly includeDownstream: boolean;
  readonly partitionKey: string | null;
  readonly runKey: string | null;
  /** Caller tags (validated by `checkCallerTags`). */
  readonly tags: Readonly<Record<string, string>>;
  /** Tags the system sets for this trigger (`arco/schedule_name`, …). */
  readonly systemTags: Readonly<Record<string, string>>;
  readonly config: Json;
  readonly trigger: Trigger;
  readonly parentRunId: string | null;
  readonly rootRunId: string | null;
}

export interface PlanningContext {
  readonly graph: AssetGraph;
  readonly specOf: (assetKey: string) => TaskSpec;
}

export type RunRequestDecision =
  | { readonly kind: 'new'; readonly runId: string; readonly drafts: readonly EventDraft[] }
  | { readonly kind: 'existing'; readonly run: RunProjection }
  /** Refused: append `drafts` (the conflict record), then answer `error` (RUN_KEY_CONFLICT). */
  | { readonly kind: 'conflict'; readonly drafts: readonly EventDraft[]; readonly error: ArcoError };

/** @throws RESERVED_TAG naming the first caller tag under `arco/` that only the system may set. */
export function checkCallerTags(tags: Readonly<Record<string, string>>): void {
  for (const key of Object.keys(tags).sort()) {
    if (key.startsWith('arco/') && !CALLER_SETTABLE_RESERVED_TAGS.has(key)) {
      throw arcoError('RESERVED_TAG', `tag "${key}" is reserved for the system; remove it from the request`, { tag: key });
    }
  }
}

function fingerprintInputOf(request: ResolvedRunRequest): FingerprintInput {
  return {
    assetKeys: request.assetKeys,
    includeUpstream: request.includeUpstream,
    includeDownstream: request.includeDownstream,
    partition: request.partitionKey,
    config: request.config,
    tags: request.tags,
  };
}

export function fingerprintOf(request: ResolvedRunRequest): string {
  return runFingerprint(fingerprintInputOf(request));
}

/**
 * @param holder the run currently holding `request.runKey`, if any.
 * @throws EMPTY_SELECTION.
 */
export function decideRunRequest(
  request: ResolvedRunRequest,
  holder: RunProjection | undefined,
  planning: PlanningContext,
  ids: IdSource,
  nowEpochMs: number,
): RunRequestDecision {
  if (request.assetKeys.length === 0) throw arcoError('EMPTY_SELECTION', 'the selection matches no asset', {});
  const fingerprint = fingerprintOf(request);
  if (holder) {
    if (holder.fingerprint === fingerprint) return { kind: 'existing', run: holder };
    return runKeyConflict(request, holder, fingerprint);
  }
  const runId = newRunId(ids, nowEpochMs);
  const tags: Record<string, string> = { ...request.tags, ...request.systemTags };
  if (request.runKey) tags['arco/run_key'] = request.runKey;
  if (request.partitionKey !== null) tags['arco/partition'] = request.partitionKey;
  const tasks = planRun(planning.graph, request.assetKeys, planning.specOf, request.partitionKey);
  const requested = draft(
    'RunRequested',
    {
      runId,
      runKey: request.runKey,
      fingerprint,
      assetKeys: planning.graph.inDependencyOrder(request.assetKeys),
      includeUpstream: request.includeUpstream,
      includeDownstream: request.includeDownstream,
      partition: request.partitionKey,
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
