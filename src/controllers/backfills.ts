/**
 * The backfill controller (pure, SEMANTICS §7): `decideBackfillProgress` takes a backfill, the runs
 * of its chunks in flight and the definitions at `now`, and returns the events of one step, to be
 * appended in one batch conditioned on the backfill's state version.
 *
 * One step, in order:
 * 1. every chunk whose run has ended is recorded (BackfillChunkFinished, with the asset partitions
 *    that did not materialize);
 * 2. CANCELING: the runs still in flight are to be canceled (`cancelRunIds`); once none is left the
 *    backfill becomes CANCELED;
 * 3. REQUESTED: chunks are planned in unit order while fewer than `maxConcurrentRuns` chunk runs
 *    are in flight. A chunk whose upstream partitions in the backfill have not finished waits (and
 *    so do later chunks of its unit). Skipping is per partition key: a key that reads an upstream
 *    partition that failed (or was skipped or canceled) is left out of the chunk's run and
 *    recorded SKIPPED, for every asset of the unit, when the run ends (the chunk's `skipReason`
 *    names the first); a chunk whose keys are all skipped is planned without a run. Each planned
 *    chunk requests its run through the one reservation path (run key
 *    `backfill:{backfillId}:chunk:{n}`) in the same batch as BackfillChunkPlanned;
 * 4. REQUESTED with every chunk planned and ended: COMPLETED_SUCCESS, or COMPLETED_FAILED when a
 *    partition failed, was skipped or canceled.
 * PAUSED only records ended chunks. A planning error (a definition changed under the backfill,
 * upstream partitions that do not exist) makes the backfill FAILED with the error.
 *
 * Exactly once: a chunk's events are keyed by its index, so a step decided twice (a repeated
 * iteration, a restart after a crash) appends nothing the second time.
 */
import {
  chunkReadiness,
  chunkSizeOf,
  nextChunkSlice,
  nonexistentUpstream,
  type BackfillUnit,
  type ChunkSlice,
} from '../domain/backfills/index.js';
import { isArcoError, type ArcoError } from '../domain/errors/index.js';
import { copyJsonData, type IdSource } from '../domain/ids/index.js';
import { partitionIndex, type PartitionSelector } from '../domain/partitions/index.js';
import { isTerminalRun, outputKeysOf, type PlanningContext } from '../domain/runs/index.js';
import { DEFAULT_WORKSPACE, draft, EVENT_VERSION, idempotencyKeys, type ErrorInfo, type EventDraft, type StoredEvent } from '../events/index.js';
import { backfillsFamily, foldInMemory, type BackfillProjection, type RunProjection } from '../fold/index.js';
import { decideRunRequest, type ResolvedRunRequest } from './run-requests.js';
import { errorInfoOf } from './schedules.js';

/** The run key of a chunk (SEMANTICS §2). */
export const backfillRunKey = (backfillId: string, chunkIndex: number): string => `backfill:${backfillId}:chunk:${chunkIndex}`;

/**
 * Chunks planned in one step at most, skipped ones included: bounds the batch when a failure
 * upstream skips a long stretch, or `maxConcurrentRuns` is very large. The next step continues.
 */
export const CHUNKS_PER_STEP_MAX = 1000;

export interface BackfillProgressInput {
  readonly backfill: BackfillProjection;
  /**
   * The run deciding each chunk in flight, by the chunk's run id: the chunk's run, or its last
   * automatic retry (a run not found is taken as still in flight).
   */
  readonly runs: ReadonlyMap<string, RunProjection>;
  /** Runs already holding the run key of a chunk to plan (rare), by run key. */
  readonly holders: ReadonlyMap<string, RunProjection>;
  readonly planning: PlanningContext;
  readonly ids: IdSource;
  readonly nowEpochMs: number;
}

export interface BackfillProgress {
  readonly drafts: readonly EventDraft[];
  /** Append `drafts` only while the backfill still has this state version. */
  readonly expectStateVersion: number;
  /** Runs in flight of a CANCELING backfill, to cancel (each through its own conditional append). */
  readonly cancelRunIds: readonly string[];
  /** Runs this step requested. */
  readonly requestedRunIds: readonly string[];
}

/** Folds drafts into a working copy of the backfill, so later decisions of the step see them. */
class Working {
  readonly drafts: EventDraft[] = [];
  backfill: BackfillProjection;

  constructor(
    backfill: BackfillProjection,
    private readonly nowIso: string,
  ) {
    this.backfill = copyJsonData(backfill);
  }

  push(...drafts: EventDraft[]): void {
    this.drafts.push(...drafts);
    const events = drafts.map(
      (d) =>
        ({ ...d, eventId: '', version: EVENT_VERSION, at: this.nowIso, workspace: DEFAULT_WORKSPACE, causationId: null, sequence: 0 }) as StoredEvent,
    );
    const rows = foldInMemory(backfillsFamily, new Map([[this.backfill.backfillId, this.backfill]]), events);
    this.backfill = rows.get(this.backfill.backfillId) as BackfillProjection;
  }

  /** The backfill moves to `status` (state version + 1). */
  transition(status: BackfillProjection['status'], reason: string | null, error: ArcoError | ErrorInfo | null = null): void {
    const b = this.backfill;
    const stateVersion = b.stateVersion + 1;
    this.push(
      draft(
        'BackfillStateChanged',
        { backfillId: b.backfillId, stateVersion, fromStatus: b.status, status, reason, error: error && (isArcoError(error) ? errorInfoOf(error) : error) },
        idempotencyKeys.backfillStateChanged(b.backfillId, stateVersion, status),
        null,
      ),
    );
  }
}

function finishedDraft(w: Working, chunk: BackfillProjection['inFlight'][number], run: RunProjection, planning: PlanningContext): EventDraft {
  const b = w.backfill;
  const unit = b.units[chunk.unitIndex] as BackfillUnit;
  const definition = planning.partitionsOf(unit.assetKeys[0] as string);
  let materialized = 0;
  const unmaterialized: { assetKey: string; partitionKey: string | null; state: 'FAILED' | 'SKIPPED' | 'CANCELED' }[] = [];
  const failed = new Set<number>();
  for (const task of run.tasks) {
    // A check's task says whether the partition's data passed, not whether it was materialized.
    if (task.checkName) continue;
    // A multi-asset's task materializes (or fails) each of its outputs.
    const outputs = outputKeysOf(task);
    if (task.status === 'SUCCEEDED') {
      materialized += outputs.length;
      continue;
    }
    const state = task.status === 'FAILED' ? 'FAILED' : task.status === 'SKIPPED' ? 'SKIPPED' : 'CANCELED';
    for (const assetKey of outputs) unmaterialized.push({ assetKey, partitionKey: task.partitionKey, state });
    const position = definition === null || task.partitionKey === null ? 0 : partitionIndex(definition, task.partitionKey, planning.partitions);
    if (position >= 0) failed.add(position);
  }
  // Partitions of the chunk left out of its run because an upstream partition they read did not
  // materialize: the chunk is sliced again from its start, as it was planned.
  if (definition !== null) {
    const ran = new Set(run.tasks.map((t) => t.partitionKey));
    const slice = nextChunkSlice(unit, chunk.from, chunkSizeOf(b.policy), planning);
    slice?.keys.forEach((key, i) => {
      const position = slice.positions[i] as number;
      if (ran.has(key) || position >= chunk.to) return;
      for (const assetKey of unit.assetKeys) unmaterialized.push({ assetKey, partitionKey: key, state: 'SKIPPED' });
      failed.add(position);
    });
  }
  return draft(
    'BackfillChunkFinished',
    {
      backfillId: b.backfillId,
      chunkIndex: chunk.chunkIndex,
      unitIndex: chunk.unitIndex,
      from: chunk.from,
      to: chunk.to,
      runId: run.runId,
      runStatus: run.status as 'SUCCESS' | 'FAILURE' | 'CANCELED',
      materialized,
      unmaterialized,
      failedPositions: [...failed].sort((x, y) => x - y),
    },
    idempotencyKeys.backfillChunkFinished(b.backfillId, chunk.chunkIndex),
    run.runId,
  );
}

/** The run's partition selection: a range when the chunk's keys are contiguous, else the keys. */
function chunkSelector(slice: ChunkSlice): PartitionSelector | null {
  const { keys, positions } = slice;
  if (keys.length === 0) return null;
  const contiguous = keys.length > 1 && (positions[positions.length - 1] as number) - (positions[0] as number) + 1 === positions.length;
  return contiguous ? { kind: 'range', start: keys[0] as string, end: keys[keys.length - 1] as string } : { kind: 'explicit', keys };
}

function chunkRequest(b: BackfillProjection, unit: BackfillUnit, slice: ChunkSlice, chunkIndex: number): ResolvedRunRequest {
  const partition = chunkSelector(slice);
  const systemTags: Record<string, string> = { 'arco/backfill': b.backfillId };
  if (partition?.kind === 'range') {
    systemTags['arco/asset_partition_range_start'] = partition.start;
    systemTags['arco/asset_partition_range_end'] = partition.end;
  }
  if (b.parentBackfillId !== null) systemTags['arco/parent_backfill_id'] = b.parentBackfillId;
  if (b.rootBackfillId !== null) systemTags['arco/root_backfill_id'] = b.rootBackfillId;
  return {
    assetKeys: unit.assetKeys,
    includeUpstream: false,
    includeDownstream: false,
    partition,
    runKey: backfillRunKey(b.backfillId, chunkIndex),
    tags: b.tags,
    systemTags,
    config: b.config,
    trigger: { kind: 'backfill', detail: { backfillId: b.backfillId, chunkIndex: String(chunkIndex) } },
    parentRunId: null,
    rootRunId: null,
  };
}

function plannedDraft(b: BackfillProjection, unitIndex: number, slice: ChunkSlice, chunkIndex: number, run: { runId: string; runKey: string } | null, skipReason: string | null): EventDraft {
  return draft(
    'BackfillChunkPlanned',
    {
      backfillId: b.backfillId,
      chunkIndex,
      unitIndex,
      from: slice.from,
      to: slice.to,
      partitionCount: slice.positions.length,
      firstKey: slice.keys[0] ?? null,
      lastKey: slice.keys[slice.keys.length - 1] ?? null,
      runId: run?.runId ?? null,
      runKey: run?.runKey ?? null,
      skipReason,
    },
    idempotencyKeys.backfillChunkPlanned(b.backfillId, chunkIndex),
    run?.runId ?? null,
  );
}

/** A chunk whose upstream partitions failed: planned without a run, every asset partition skipped. */
function skipChunk(w: Working, unitIndex: number, slice: ChunkSlice, reason: string): void {
  const b = w.backfill;
  const unit = b.units[unitIndex] as BackfillUnit;
  const chunkIndex = b.chunksPlanned;
  const keys: (string | null)[] = slice.keys.length === 0 ? [null] : [...slice.keys];
  w.push(plannedDraft(b, unitIndex, slice, chunkIndex, null, reason));
  w.push(
    draft(
      'BackfillChunkFinished',
      {
        backfillId: b.backfillId,
        chunkIndex,
        unitIndex,
        from: slice.from,
        to: slice.to,
        runId: null,
        runStatus: 'SKIPPED',
        materialized: 0,
        unmaterialized: unit.assetKeys.flatMap((assetKey) => keys.map((partitionKey) => ({ assetKey, partitionKey, state: 'SKIPPED' as const }))),
        failedPositions: [...slice.positions],
      },
      idempotencyKeys.backfillChunkFinished(b.backfillId, chunkIndex),
      null,
    ),
  );
}

/** The slice without `keys` (positions kept in step with keys). */
function withoutKeys(slice: ChunkSlice, keys: ReadonlySet<string>): ChunkSlice {
  const kept = slice.keys.flatMap((key, i) => (keys.has(key) ? [] : [i]));
  return { ...slice, keys: kept.map((i) => slice.keys[i] as string), positions: kept.map((i) => slice.positions[i] as number) };
}

/** Plans chunks while slots are free. Returns the runs requested. @throws ArcoError on a planning error. */
function planChunks(w: Working, input: BackfillProgressInput): string[] {
  const requested: string[] = [];
  const size = chunkSizeOf(w.backfill.policy);
  const ctx = input.planning;
  let planned = 0;
  for (let unitIndex = 0; unitIndex < w.backfill.units.length; unitIndex += 1) {
    while (planned < CHUNKS_PER_STEP_MAX && w.backfill.inFlight.length < w.backfill.maxConcurrentRuns) {
      const b = w.backfill;
      const unit = b.units[unitIndex] as BackfillProjection['units'][number];
      const slice = nextChunkSlice(unit, unit.cursor, size, ctx);
      if (slice === null) break;
      const definition = ctx.partitionsOf(unit.assetKeys[0] as string);
      if (definition !== null) for (const assetKey of unit.assetKeys) nonexistentUpstream(assetKey, definition, slice.keys, ctx);
      const readiness = chunkReadiness(b.units, unitIndex, slice, b.units, ctx);
      if (readiness.kind === 'waiting') break;
      planned += 1;
      const skipped = readiness.skipped;
      const first = skipped[0];
      const because = first && `upstream partition ${first.upstream}[${first.upstreamKey}] of ${first.asset} did not materialize in this backfill`;
      if (first && skipped.length === slice.keys.length) {
        skipChunk(w, unitIndex, slice, because as string);
        continue;
      }
      // Only the partitions whose upstream partitions materialized run; the others are skipped
      // with the chunk's reason and recorded when its run ends.
      const skipReason = first ? `${skipped.length} of ${slice.keys.length} partitions skipped, first ${first.key}: ${because}` : null;
      const runnable = first ? withoutKeys(slice, new Set(skipped.map((p) => p.key))) : slice;
      const chunkIndex = b.chunksPlanned;
      const request = chunkRequest(b, unit, runnable, chunkIndex);
      const decision = decideRunRequest(request, input.holders.get(request.runKey as string), ctx, input.ids, input.nowEpochMs);
      if (decision.kind === 'conflict') throw decision.error;
      const runId = decision.kind === 'new' ? decision.runId : decision.run.runId;
      if (decision.kind === 'new') {
        w.drafts.push(...decision.drafts);
        requested.push(runId);
      }
      w.push(plannedDraft(b, unitIndex, slice, chunkIndex, { runId, runKey: request.runKey as string }, skipReason));
    }
  }
  return requested;
}

function allPlanned(b: BackfillProjection): boolean {
  return b.units.every((u) => u.cursor >= u.to || u.partitionCount === 0);
}

export function decideBackfillProgress(input: BackfillProgressInput): BackfillProgress {
  const w = new Working(input.backfill, new Date(input.nowEpochMs).toISOString());
  const expectStateVersion = input.backfill.stateVersion;
  const none: BackfillProgress = { drafts: [], expectStateVersion, cancelRunIds: [], requestedRunIds: [] };
  if (!['REQUESTED', 'PAUSED', 'CANCELING'].includes(w.backfill.status)) return none;
  for (const chunk of [...w.backfill.inFlight]) {
    const run = input.runs.get(chunk.runId);
    if (run && isTerminalRun(run.status)) w.push(finishedDraft(w, chunk, run, input.planning));
  }
  const status = w.backfill.status;
  if (status === 'CANCELING') {
    // A chunk's run may have been retried: the retry in flight is the one to cancel.
    const cancelRunIds = w.backfill.inFlight
      .map((c) => input.runs.get(c.runId) ?? { runId: c.runId, status: 'STARTED' })
      .filter((run) => run.status !== 'CANCELING')
      .map((run) => run.runId);
    if (w.backfill.inFlight.length === 0) {
      // A backfill whose planning failed cancels its runs first (Dagster's FAILING), then is FAILED.
      const failed = w.backfill.error;
      if (failed) w.transition('FAILED', w.backfill.reason ?? 'planning failed', failed);
      else w.transition('CANCELED', 'every chunk run in flight has ended');
    }
    return { drafts: w.drafts, expectStateVersion, cancelRunIds, requestedRunIds: [] };
  }
  if (status !== 'REQUESTED') return { ...none, drafts: w.drafts };
  const finishedOnly = w.drafts.length;
  const afterFinished = copyJsonData(w.backfill);
  let requestedRunIds: string[] = [];
  try {
    requestedRunIds = planChunks(w, input);
  } catch (error) {
    if (!isArcoError(error)) throw error;
    w.drafts.length = finishedOnly;
    w.backfill = afterFinished;
    // Runs still in flight are canceled before the backfill is FAILED, so none outlives it unrecorded.
    const inFlight = w.backfill.inFlight.map((c) => c.runId);
    w.transition(inFlight.length > 0 ? 'CANCELING' : 'FAILED', `planning failed: ${error.message}`, error);
    return { drafts: w.drafts, expectStateVersion, cancelRunIds: inFlight, requestedRunIds: [] };
  }
  const b = w.backfill;
  if (allPlanned(b) && b.inFlight.length === 0) {
    const clean = b.counts.failed + b.counts.skipped + b.counts.canceled === 0;
    w.transition(clean ? 'COMPLETED_SUCCESS' : 'COMPLETED_FAILED', clean ? 'every partition materialized' : `${b.counts.failed} failed, ${b.counts.skipped} skipped, ${b.counts.canceled} canceled`);
  }
  return { drafts: w.drafts, expectStateVersion, cancelRunIds: [], requestedRunIds };
}
