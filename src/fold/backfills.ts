/**
 * Backfill projections (SEMANTICS §7): each backfill's state and progress, and its chunks.
 *
 * A backfill's lifecycle:
 * - created REQUESTED at state version 1;
 * - REQUESTED -> PAUSED (operator; planning stops, in-flight runs finish) -> REQUESTED (resume);
 * - REQUESTED or PAUSED -> CANCELING (operator) -> CANCELED (controller, once no chunk run is in flight);
 * - REQUESTED -> COMPLETED_SUCCESS or COMPLETED_FAILED (controller, once every chunk has ended);
 * - any non-terminal state -> FAILED when the backfill machinery itself errors (a definition
 *   changed under it, upstream partitions vanished).
 * Every change bumps `stateVersion` by one; commands are checked against the current state before
 * they are appended, so the fold only records.
 *
 * Progress is counted, never listed: per unit the cursor of the next chunk and the positions whose
 * chunks ended (and failed) as a few intervals; per backfill counts of asset partitions by outcome
 * and the chunks in flight (at most `maxConcurrentRuns`). The chunk rows keep each chunk's run and
 * the partitions that did not materialize, for status ranges and retries.
 */
import { z } from 'zod';
import { addInterval } from '../domain/backfills/index.js';
import { InvariantError } from '../domain/errors/index.js';
import {
  backfillPolicySchema,
  backfillStatusSchema,
  backfillUnitSchema,
  errorInfoSchema,
  jsonValue,
  partitionSelectorSchema,
  tagsSchema,
  unmaterializedSchema,
  type EventOf,
} from '../events/index.js';
import { defineFamily, IGNORE } from './family.js';

const intervalSchema = z.tuple([z.number().int(), z.number().int()]);

export const backfillUnitProgressSchema = backfillUnitSchema.extend({
  /** Position where the next chunk starts. */
  cursor: z.number().int().min(0),
  chunksPlanned: z.number().int().min(0),
  /** Positions of ended chunks, and of partitions in them that did not materialize. */
  done: z.array(intervalSchema),
  failed: z.array(intervalSchema),
});
export type BackfillUnitProgress = z.infer<typeof backfillUnitProgressSchema>;

export const backfillCountsSchema = z.object({
  /** Asset partitions the backfill selects. */
  total: z.number().int().min(0),
  /** Asset partitions in planned chunks. */
  planned: z.number().int().min(0),
  materialized: z.number().int().min(0),
  failed: z.number().int().min(0),
  skipped: z.number().int().min(0),
  canceled: z.number().int().min(0),
});
export type BackfillCounts = z.infer<typeof backfillCountsSchema>;

export const backfillProjectionSchema = z.object({
  backfillId: z.string(),
  clientRequestId: z.string(),
  fingerprint: z.string(),
  status: backfillStatusSchema,
  stateVersion: z.number().int().positive(),
  assetKeys: z.array(z.string()),
  partition: partitionSelectorSchema.nullable(),
  policy: backfillPolicySchema,
  maxConcurrentRuns: z.number().int().positive(),
  tags: tagsSchema,
  config: jsonValue,
  parentBackfillId: z.string().nullable(),
  rootBackfillId: z.string().nullable(),
  units: z.array(backfillUnitProgressSchema),
  inFlight: z.array(z.object({ chunkIndex: z.number().int(), unitIndex: z.number().int(), runId: z.string(), from: z.number().int(), to: z.number().int() })),
  chunksPlanned: z.number().int().min(0),
  chunksFinished: z.number().int().min(0),
  counts: backfillCountsSchema,
  createdAt: z.string(),
  updatedAt: z.string(),
  finishedAt: z.string().nullable(),
  reason: z.string().nullable(),
  error: errorInfoSchema.nullable(),
});
export type BackfillProjection = z.infer<typeof backfillProjectionSchema>;

export const backfillChunkSchema = z.object({
  backfillId: z.string(),
  chunkIndex: z.number().int().min(0),
  unitIndex: z.number().int().min(0),
  from: z.number().int().min(0),
  to: z.number().int().min(0),
  partitionCount: z.number().int().min(0),
  firstKey: z.string().nullable(),
  lastKey: z.string().nullable(),
  runId: z.string().nullable(),
  runKey: z.string().nullable(),
  status: z.enum(['IN_PROGRESS', 'SUCCESS', 'FAILURE', 'CANCELED', 'SKIPPED']),
  skipReason: z.string().nullable(),
  materialized: z.number().int().min(0),
  unmaterialized: z.array(unmaterializedSchema),
  plannedAt: z.string(),
  finishedAt: z.string().nullable(),
});
export type BackfillChunk = z.infer<typeof backfillChunkSchema>;

/** Statuses a backfill never leaves. */
export const TERMINAL_BACKFILL_STATUSES = ['CANCELED', 'COMPLETED_SUCCESS', 'COMPLETED_FAILED', 'FAILED'] as const;

/** A chunk's row id: zero-padded so ids sort in chunk order. */
export const backfillChunkId = (backfillId: string, chunkIndex: number): string => `${backfillId}:${String(chunkIndex).padStart(10, '0')}`;

function existing(row: BackfillProjection | undefined, e: { type: string; at: string; payload: { backfillId: string } }): BackfillProjection {
  if (!row) throw new InvariantError(`backfill ${e.payload.backfillId} to exist before ${e.type}`, 'no such backfill');
  row.updatedAt = e.at;
  return row;
}

function unitOf(row: BackfillProjection, unitIndex: number): BackfillUnitProgress {
  const unit = row.units[unitIndex];
  if (!unit) throw new InvariantError(`unit ${unitIndex} in backfill ${row.backfillId}`, 'no such unit');
  return unit;
}

function created(e: EventOf<'BackfillCreated'>): BackfillProjection {
  const p = e.payload;
  return {
    backfillId: p.backfillId,
    clientRequestId: p.clientRequestId,
    fingerprint: p.fingerprint,
    status: 'REQUESTED',
    stateVersion: 1,
    assetKeys: [...p.assetKeys],
    partition: p.partition,
    policy: p.policy,
    maxConcurrentRuns: p.maxConcurrentRuns,
    tags: { ...p.tags },
    config: p.config,
    parentBackfillId: p.parentBackfillId,
    rootBackfillId: p.rootBackfillId,
    units: p.units.map((u) => ({ ...u, cursor: u.from, chunksPlanned: 0, done: [], failed: [] })),
    inFlight: [],
    chunksPlanned: 0,
    chunksFinished: 0,
    counts: { total: p.units.reduce((sum, u) => sum + u.partitionCount * u.assetKeys.length, 0), planned: 0, materialized: 0, failed: 0, skipped: 0, canceled: 0 },
    createdAt: e.at,
    updatedAt: e.at,
    finishedAt: null,
    reason: null,
    error: null,
  };
}

function chunkPlanned(row: BackfillProjection | undefined, e: EventOf<'BackfillChunkPlanned'>): BackfillProjection {
  const backfill = existing(row, e);
  const p = e.payload;
  const unit = unitOf(backfill, p.unitIndex);
  unit.cursor = p.to;
  unit.chunksPlanned += 1;
  backfill.chunksPlanned += 1;
  backfill.counts.planned += p.partitionCount * unit.assetKeys.length;
  if (p.runId !== null) backfill.inFlight.push({ chunkIndex: p.chunkIndex, unitIndex: p.unitIndex, runId: p.runId, from: p.from, to: p.to });
  return backfill;
}

function chunkFinished(row: BackfillProjection | undefined, e: EventOf<'BackfillChunkFinished'>): BackfillProjection {
  const backfill = existing(row, e);
  const p = e.payload;
  const unit = unitOf(backfill, p.unitIndex);
  backfill.inFlight = backfill.inFlight.filter((c) => c.chunkIndex !== p.chunkIndex);
  backfill.chunksFinished += 1;
  backfill.counts.materialized += p.materialized;
  for (const u of p.unmaterialized) {
    if (u.state === 'FAILED') backfill.counts.failed += 1;
    else if (u.state === 'SKIPPED') backfill.counts.skipped += 1;
    else backfill.counts.canceled += 1;
  }
  unit.done = addInterval(unit.done, p.from, p.to);
  for (const position of p.failedPositions) unit.failed = addInterval(unit.failed, position, position + 1);
  return backfill;
}

export const backfillsFamily = defineFamily<BackfillProjection>({
  table: 'backfills',
  schema: backfillProjectionSchema,
  columns: (b) => ({ status: b.status, version: b.stateVersion, client_request_id: b.clientRequestId, created_at: b.createdAt, updated_at: b.updatedAt }),
  hot: true,
  handlers: {
    PoolLimitSet: IGNORE,
    RecordsPurged: IGNORE,
    RunRequested: IGNORE,
    RunStarted: IGNORE,
    RunCancelRequested: IGNORE,
    RunFinished: IGNORE,
    RunKeyConflictRecorded: IGNORE,
    TaskDispatched: IGNORE,
    TaskAttemptStarted: IGNORE,
    TaskAttemptFinished: IGNORE,
    TaskSkipped: IGNORE,
    TaskCanceled: IGNORE,
    TaskLogged: IGNORE,
    AssetMaterialized: IGNORE,
    ScheduleDefinitionSynced: IGNORE,
    ScheduleStateChanged: IGNORE,
    ScheduleTicked: IGNORE,
    SensorDefinitionSynced: IGNORE,
    SensorStateChanged: IGNORE,
    SensorEvaluated: IGNORE,
    DynamicPartitionsChanged: IGNORE,
    // A backfill id is minted fresh for each creation, so its row never exists yet.
    BackfillCreated: { ids: (e) => [e.payload.backfillId], creates: true, apply: (_row, e) => created(e) },
    BackfillStateChanged: {
      ids: (e) => [e.payload.backfillId],
      apply: (row, e) => {
        const backfill = existing(row, e);
        backfill.status = e.payload.status;
        backfill.stateVersion = e.payload.stateVersion;
        backfill.reason = e.payload.reason;
        if (e.payload.error) backfill.error = e.payload.error;
        if ((TERMINAL_BACKFILL_STATUSES as readonly string[]).includes(e.payload.status)) backfill.finishedAt = e.at;
        return backfill;
      },
    },
    BackfillChunkPlanned: { ids: (e) => [e.payload.backfillId], apply: chunkPlanned },
    BackfillChunkFinished: { ids: (e) => [e.payload.backfillId], apply: chunkFinished },
    RunDeleted: IGNORE,
    AssetWiped: IGNORE,
    AssetFreshnessChanged: IGNORE,
    AssetObserved: IGNORE,
    AssetMaterializationReported: IGNORE,
    AutomationConditionEvaluated: IGNORE,
    AssetCheckEvaluated: IGNORE,
  },
});

export const backfillChunksFamily = defineFamily<BackfillChunk>({
  table: 'backfill_chunks',
  schema: backfillChunkSchema,
  columns: (c) => ({ backfill_id: c.backfillId, chunk_index: c.chunkIndex, run_id: c.runId, status: c.status }),
  handlers: {
    PoolLimitSet: IGNORE,
    RecordsPurged: IGNORE,
    RunRequested: IGNORE,
    RunStarted: IGNORE,
    RunCancelRequested: IGNORE,
    RunFinished: IGNORE,
    RunKeyConflictRecorded: IGNORE,
    TaskDispatched: IGNORE,
    TaskAttemptStarted: IGNORE,
    TaskAttemptFinished: IGNORE,
    TaskSkipped: IGNORE,
    TaskCanceled: IGNORE,
    TaskLogged: IGNORE,
    AssetMaterialized: IGNORE,
    ScheduleDefinitionSynced: IGNORE,
    ScheduleStateChanged: IGNORE,
    ScheduleTicked: IGNORE,
    SensorDefinitionSynced: IGNORE,
    SensorStateChanged: IGNORE,
    SensorEvaluated: IGNORE,
    DynamicPartitionsChanged: IGNORE,
    BackfillCreated: IGNORE,
    BackfillStateChanged: IGNORE,
    BackfillChunkPlanned: {
      // The idempotency key is the chunk's identity, so the row is new whenever the event is.
      ids: (e) => [backfillChunkId(e.payload.backfillId, e.payload.chunkIndex)],
      creates: true,
      apply: (_row, e) => {
        const p = e.payload;
        return {
          backfillId: p.backfillId,
          chunkIndex: p.chunkIndex,
          unitIndex: p.unitIndex,
          from: p.from,
          to: p.to,
          partitionCount: p.partitionCount,
          firstKey: p.firstKey,
          lastKey: p.lastKey,
          runId: p.runId,
          runKey: p.runKey,
          status: 'IN_PROGRESS',
          skipReason: p.skipReason,
          materialized: 0,
          unmaterialized: [],
          plannedAt: e.at,
          finishedAt: null,
        };
      },
    },
    BackfillChunkFinished: {
      ids: (e) => [backfillChunkId(e.payload.backfillId, e.payload.chunkIndex)],
      apply: (row, e) => {
        if (!row) throw new InvariantError(`chunk ${e.payload.chunkIndex} of backfill ${e.payload.backfillId} to be planned before it finishes`, 'no such chunk');
        row.status = e.payload.runStatus;
        row.materialized = e.payload.materialized;
        row.unmaterialized = e.payload.unmaterialized.map((u) => ({ ...u }));
        row.finishedAt = e.at;
        return row;
      },
    },
    RunDeleted: IGNORE,
    AssetWiped: IGNORE,
    AssetFreshnessChanged: IGNORE,
    AssetObserved: IGNORE,
    AssetMaterializationReported: IGNORE,
    AutomationConditionEvaluated: IGNORE,
    AssetCheckEvaluated: IGNORE,
  },
});
