/**
 * Backfill commands, decided purely: creating a backfill (idempotent on its client request id),
 * pausing, resuming and canceling it, and retrying a finished one over exactly the partitions
 * that did not materialize. The shell appends what these return conditioned on the state version
 * they read (SEMANTICS §7).
 */
import {
  addInterval,
  checkBackfillLimits,
  planBackfillUnits,
  derivedSelections,
  selectedStretches,
  type BackfillPolicy,
  type Interval,
  type UnitSelection,
} from '../domain/backfills/index.js';
import { arcoError } from '../domain/errors/index.js';
import { canonicalJson, sha256Hex, type IdSource, type Json } from '../domain/ids/index.js';
import { partitionIndex, partitionKeyAt, type CanonicalPartitionSelector } from '../domain/partitions/index.js';
import { expandMultiAssets, type PlanningContext } from '../domain/runs/index.js';
import { draft, idempotencyKeys, type EventDraft } from '../events/index.js';
import { TERMINAL_BACKFILL_STATUSES, type BackfillChunk, type BackfillProjection } from '../fold/index.js';
import { checkCallerTags } from './run-requests.js';

export const BACKFILL_ID_PREFIX = 'bf_';

export interface BackfillCreateRequest {
  readonly clientRequestId: string;
  /** Resolved, existing asset keys. */
  readonly assetKeys: readonly string[];
  /** The caller's selector (canonical), or null for unpartitioned assets. */
  readonly partition: CanonicalPartitionSelector | null;
  readonly policy: BackfillPolicy;
  readonly maxConcurrentRuns: number;
  readonly tags: Readonly<Record<string, string>>;
  readonly config: Json;
  readonly parentBackfillId?: string | null;
  readonly rootBackfillId?: string | null;
  /** Per-asset selections instead of `partition` (retries). */
  readonly selections?: ReadonlyMap<string, UnitSelection>;
}

export type BackfillCreateDecision =
  | { readonly kind: 'new'; readonly backfillId: string; readonly drafts: readonly EventDraft[] }
  | { readonly kind: 'existing'; readonly backfill: BackfillProjection };

/** What defines a backfill, in a canonical form (asset order and key order never change it). */
function definingFields(r: {
  assetKeys: readonly string[];
  partition: CanonicalPartitionSelector | null;
  policy: BackfillPolicy;
  maxConcurrentRuns: number;
  tags: Readonly<Record<string, string>>;
  config: Json;
}): Record<string, Json> {
  return {
    assetKeys: [...r.assetKeys].sort(),
    partition: r.partition as Json,
    policy: r.policy as unknown as Json,
    maxConcurrentRuns: r.maxConcurrentRuns,
    tags: { ...r.tags },
    config: r.config,
  };
}

function fingerprintOf(request: BackfillCreateRequest): string {
  const selections = request.selections ? Object.fromEntries([...request.selections].sort(([a], [b]) => (a < b ? -1 : 1))) : null;
  return sha256Hex(canonicalJson({ ...definingFields(request), selections: selections as Json } as Json));
}

/**
 * @throws RESERVED_TAG, BACKFILL_INVALID_POLICY, BACKFILL_REQUEST_CONFLICT, and the validation
 *   errors of `planBackfillUnits` (BACKFILL_UNKNOWN_PARTITIONS, INVALID_PARTITION_RANGE,
 *   BACKFILL_UNPARTITIONED_ASSET, PARTITION_REQUIRED, BACKFILL_EMPTY, NONEXISTENT_UPSTREAM_PARTITION).
 */
export function decideBackfillCreate(
  request: BackfillCreateRequest,
  holder: BackfillProjection | undefined,
  planning: PlanningContext,
  ids: IdSource,
  nowEpochMs: number,
): BackfillCreateDecision {
  checkCallerTags(request.tags);
  checkBackfillLimits(request.policy, request.maxConcurrentRuns);
  const fingerprint = fingerprintOf(request);
  if (holder) {
    if (holder.fingerprint === fingerprint) return { kind: 'existing', backfill: holder };
    const before = definingFields(holder);
    const after = definingFields(request);
    const differingFields = Object.keys(after).filter((k) => canonicalJson(before[k] as Json) !== canonicalJson(after[k] as Json));
    throw arcoError('BACKFILL_REQUEST_CONFLICT', `request id "${request.clientRequestId}" already created backfill ${holder.backfillId} with different parameters`, {
      clientRequestId: request.clientRequestId,
      existingBackfillId: holder.backfillId,
      differingFields: differingFields.length > 0 ? differingFields : ['selections'],
    });
  }
  // A multi-asset that cannot be subset is backfilled whole, as its chunk runs will materialize it.
  const assetKeys = planning.graph.inDependencyOrder(expandMultiAssets(request.assetKeys, planning.multiAssetOf).assetKeys);
  // One selector names the roots' partitions; the rest follow through the mappings (BF-07).
  const selections = request.selections ?? (request.partition === null ? undefined : derivedSelections(assetKeys, request.partition, planning));
  const selectionOf = (assetKey: string): UnitSelection =>
    selections?.get(assetKey) ?? (request.partition === null ? { kind: 'unpartitioned' } : { kind: 'selector', selector: request.partition });
  const units = planBackfillUnits(assetKeys, selectionOf, planning);
  const backfillId = BACKFILL_ID_PREFIX + ids.ulid(nowEpochMs);
  const created = draft(
    'BackfillCreated',
    {
      backfillId,
      clientRequestId: request.clientRequestId,
      fingerprint,
      assetKeys,
      partition: request.partition,
      policy: request.policy,
      maxConcurrentRuns: request.maxConcurrentRuns,
      tags: { ...request.tags },
      config: request.config,
      parentBackfillId: request.parentBackfillId ?? null,
      rootBackfillId: request.rootBackfillId ?? null,
      units: units.map((u) => ({ assetKeys: [...u.assetKeys], selection: u.selection as never, from: u.from, to: u.to, partitionCount: u.partitionCount })),
    },
    idempotencyKeys.backfillCreated(request.clientRequestId),
    null,
  );
  return { kind: 'new', backfillId, drafts: [created] };
}

export type BackfillCommand = 'pause' | 'resume' | 'cancel';

const TRANSITIONS: Readonly<Record<BackfillCommand, { from: readonly BackfillProjection['status'][]; to: BackfillProjection['status'] }>> = {
  pause: { from: ['REQUESTED'], to: 'PAUSED' },
  resume: { from: ['PAUSED'], to: 'REQUESTED' },
  cancel: { from: ['REQUESTED', 'PAUSED'], to: 'CANCELING' },
};

/**
 * The state change a command asks for.
 * @param expectedStateVersion when given, the state version the caller saw; another is a conflict.
 * @throws BACKFILL_STATE_CONFLICT naming the current state (and state version) when the backfill is
 *   not in a state the command starts from, or not at the expected version.
 */
export function decideBackfillCommand(backfill: BackfillProjection, command: BackfillCommand, reason: string | null, expectedStateVersion?: number): EventDraft {
  const transition = TRANSITIONS[command];
  const stale = expectedStateVersion !== undefined && expectedStateVersion !== backfill.stateVersion;
  if (stale || !transition.from.includes(backfill.status)) {
    throw arcoError(
      'BACKFILL_STATE_CONFLICT',
      `backfill ${backfill.backfillId} is ${backfill.status} (state version ${backfill.stateVersion}); ${command} needs ${transition.from.join(' or ')}${stale ? ` at state version ${expectedStateVersion}` : ''}`,
      { backfillId: backfill.backfillId, currentStatus: backfill.status, stateVersion: backfill.stateVersion, command, expectedStatuses: [...transition.from], ...(stale ? { expectedStateVersion } : {}) },
    );
  }
  const stateVersion = backfill.stateVersion + 1;
  return draft(
    'BackfillStateChanged',
    { backfillId: backfill.backfillId, stateVersion, fromStatus: backfill.status, status: transition.to, reason, error: null },
    idempotencyKeys.backfillStateChanged(backfill.backfillId, stateVersion, transition.to),
    null,
  );
}

/** Sorted positions as inclusive key ranges of consecutive positions. */
/**
 * Per asset, what a retry of `parent` selects: the partitions whose chunk did not materialize them
 * and those never planned. `chunks` are the parent's ended chunks.
 * @throws BACKFILL_NOTHING_TO_RETRY when the parent has not finished, or every partition materialized.
 */
export function retrySelections(parent: BackfillProjection, chunks: readonly BackfillChunk[], planning: PlanningContext): Map<string, UnitSelection> {
  if (!(TERMINAL_BACKFILL_STATUSES as readonly string[]).includes(parent.status)) {
    throw arcoError('BACKFILL_NOTHING_TO_RETRY', `backfill ${parent.backfillId} is ${parent.status}; only a finished backfill can be retried`, {
      backfillId: parent.backfillId,
      status: parent.status,
    });
  }
  // Position intervals per asset: a retry of a huge backfill canceled early holds its never-planned
  // stretch as one interval, not as a million positions.
  const intervals = new Map<string, Interval[]>();
  const add = (assetKey: string, from: number, to: number) => intervals.set(assetKey, addInterval(intervals.get(assetKey) ?? [], from, to));
  const ctx = planning.partitions;
  for (const chunk of chunks) {
    for (const u of chunk.unmaterialized) {
      const definition = planning.partitionsOf(u.assetKey);
      const position = definition === null || u.partitionKey === null ? 0 : partitionIndex(definition, u.partitionKey, ctx);
      if (position >= 0) add(u.assetKey, position, position + 1);
    }
  }
  for (const unit of parent.units) {
    const first = unit.assetKeys[0] as string;
    const definition = planning.partitionsOf(first);
    for (const [from, to] of selectedStretches(definition, unit.selection, unit, ctx, unit.cursor, first)) {
      for (const assetKey of unit.assetKeys) add(assetKey, from, to);
    }
  }
  const selections = new Map<string, UnitSelection>();
  for (const [assetKey, set] of intervals) {
    const definition = planning.partitionsOf(assetKey);
    if (set.length === 0) continue;
    selections.set(
      assetKey,
      definition === null ? { kind: 'unpartitioned' } : { kind: 'ranges', ranges: set.map(([from, to]) => ({ start: partitionKeyAt(definition, from, ctx), end: partitionKeyAt(definition, to - 1, ctx) })) },
    );
  }
  if (selections.size === 0) {
    throw arcoError('BACKFILL_NOTHING_TO_RETRY', `every partition of backfill ${parent.backfillId} materialized; there is nothing to retry`, {
      backfillId: parent.backfillId,
      status: parent.status,
    });
  }
  return selections;
}
