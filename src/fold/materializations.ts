/**
 * Materialization projections: the full history (one row per materialization, in ledger order) and
 * the latest state of every asset partition (last materialization, last failure, last
 * observation). Both are plain folds of AssetMaterialized, AssetMaterializationReported (a
 * materialization without a run), TaskAttemptFinished and AssetObserved.
 */
import { z } from 'zod';
import { jsonValue, materializationProvenanceSchema } from '../events/index.js';
import { taskKeyOf } from '../domain/runs/index.js';
import type { StoredEvent } from '../events/index.js';
import { defineFamily, IGNORE, removeOnly, type RowMatch } from './family.js';

/** The id of a row keyed by ledger sequence (an INTEGER key in storage, so rows stay in ledger order). */
export function sequenceId(sequence: number): string {
  return String(sequence);
}

export const materializationSchema = z.object({
  sequence: z.number().int(),
  eventId: z.string(),
  assetKey: z.string(),
  partitionKey: z.string().nullable(),
  /** Null for a materialization reported without a run. */
  runId: z.string().nullable(),
  /** The asset partition as a task key (`asset` or `asset[partition]`), with or without a run. */
  taskKey: z.string(),
  /** Null for a materialization reported without a run. */
  attempt: z.number().int().nullable(),
  dataVersion: z.string(),
  codeVersion: z.string().nullable(),
  metadata: z.record(z.string(), jsonValue),
  materializedAt: z.string(),
  /** What it was computed from, for staleness (null: recorded before provenance existed). */
  provenance: materializationProvenanceSchema.nullable().default(null),
});
export type Materialization = z.infer<typeof materializationSchema>;

/** Which output of a (multi-asset) task a row id names: the one whose `taskKeyOf` it is. */
function outputOf(p: { assetKey: string; partitionKey: string | null; outputAssetKeys?: string[] | undefined }, id: string): string {
  return (p.outputAssetKeys ?? []).find((k) => taskKeyOf(k, p.partitionKey) === id) ?? p.assetKey;
}

function toMaterialization(e: Extract<StoredEvent, { type: 'AssetMaterialized' }>): Materialization {
  return {
    sequence: e.sequence,
    eventId: e.eventId,
    assetKey: e.payload.assetKey,
    partitionKey: e.payload.partitionKey,
    runId: e.payload.runId,
    taskKey: e.payload.taskKey,
    attempt: e.payload.attempt,
    dataVersion: e.payload.dataVersion,
    codeVersion: e.payload.codeVersion,
    metadata: e.payload.metadata,
    materializedAt: e.at,
    provenance: e.payload.provenance,
  };
}

/** A runless report has no provenance: it is FRESH until a parent changes after it (SEMANTICS §8). */
function toReportedMaterialization(e: Extract<StoredEvent, { type: 'AssetMaterializationReported' }>): Materialization {
  return {
    sequence: e.sequence,
    eventId: e.eventId,
    assetKey: e.payload.assetKey,
    partitionKey: e.payload.partitionKey,
    runId: null,
    taskKey: taskKeyOf(e.payload.assetKey, e.payload.partitionKey),
    attempt: null,
    dataVersion: e.payload.dataVersion,
    codeVersion: null,
    metadata: e.payload.metadata,
    materializedAt: e.at,
    provenance: null,
  };
}

/**
 * The rows of the wiped asset (partitions): the history and the latest state forget them alike,
 * so the asset reads as never materialized (Dagster's `asset wipe`).
 */
function wipedRows(e: Extract<StoredEvent, { type: 'AssetWiped' }>): readonly RowMatch[] {
  const { assetKey, partitionKeys } = e.payload;
  return [partitionKeys === null ? { asset_key: [assetKey] } : { asset_key: [assetKey], partition_key: partitionKeys }];
}

export const materializationsFamily = defineFamily<Materialization>({
  table: 'materializations',
  schema: materializationSchema,
  columns: (m) => ({
    asset_key: m.assetKey,
    partition_key: m.partitionKey,
    run_id: m.runId,
    sequence: m.sequence,
    materialized_at: m.materializedAt,
  }),
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
    AssetMaterialized: {
      ids: (e) => [sequenceId(e.sequence)],
      creates: true,
      apply: (_row, e) => toMaterialization(e),
    },
    ScheduleDefinitionSynced: IGNORE,
    ScheduleStateChanged: IGNORE,
    ScheduleTicked: IGNORE,
    SensorDefinitionSynced: IGNORE,
    SensorStateChanged: IGNORE,
    SensorEvaluated: IGNORE,
    DynamicPartitionsChanged: IGNORE,
    BackfillCreated: IGNORE,
    BackfillStateChanged: IGNORE,
    BackfillChunkPlanned: IGNORE,
    BackfillChunkFinished: IGNORE,
    RunDeleted: IGNORE,
    AssetWiped: removeOnly(wipedRows),
    AssetFreshnessChanged: IGNORE,
    AssetObserved: IGNORE,
    AssetMaterializationReported: {
      ids: (e) => [sequenceId(e.sequence)],
      creates: true,
      apply: (_row, e) => toReportedMaterialization(e),
    },
    AutomationConditionEvaluated: IGNORE,
    AssetCheckEvaluated: IGNORE,
  },
});

export const observationSchema = z.object({
  sequence: z.number().int(),
  dataVersion: z.string(),
  metadata: z.record(z.string(), jsonValue),
  observedAt: z.string(),
});
export type Observation = z.infer<typeof observationSchema>;

export const assetPartitionSchema = z.object({
  assetKey: z.string(),
  partitionKey: z.string().nullable(),
  lastMaterialization: materializationSchema.nullable(),
  lastFailure: z.object({ runId: z.string(), attempt: z.number().int(), failedAt: z.string(), code: z.string() }).nullable(),
  /** The latest observation (external assets): the data version its system held then. */
  lastObservation: observationSchema.nullable().default(null),
});
export type AssetPartitionState = z.infer<typeof assetPartitionSchema>;

const empty = (assetKey: string, partitionKey: string | null): AssetPartitionState => ({
  assetKey,
  partitionKey,
  lastMaterialization: null,
  lastFailure: null,
  lastObservation: null,
});

export const assetPartitionsFamily = defineFamily<AssetPartitionState>({
  table: 'asset_partitions',
  schema: assetPartitionSchema,
  columns: (s) => ({
    asset_key: s.assetKey,
    partition_key: s.partitionKey,
    last_materialized_at: s.lastMaterialization?.materializedAt ?? null,
  }),
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
    TaskAttemptFinished: {
      // Only a final failure changes what an operator sees for the partition; a retry is still in
      // flight. A check's task that failed says nothing about the asset's own data; a multi-asset's
      // task fails every output it was to materialize.
      ids: (e) =>
        e.payload.resolution === 'FAILED' && !e.payload.checkName ? (e.payload.outputAssetKeys ?? [e.payload.assetKey]).map((k) => taskKeyOf(k, e.payload.partitionKey)) : [],
      apply: (row, e, id) => ({
        ...(row ?? empty(outputOf(e.payload, id), e.payload.partitionKey)),
        lastFailure: { runId: e.payload.runId, attempt: e.payload.attempt, failedAt: e.at, code: e.payload.error?.code ?? 'UNKNOWN' },
      }),
    },
    TaskSkipped: IGNORE,
    TaskCanceled: IGNORE,
    TaskLogged: IGNORE,
    AssetMaterialized: {
      ids: (e) => [taskKeyOf(e.payload.assetKey, e.payload.partitionKey)],
      apply: (row, e) => ({
        ...(row ?? empty(e.payload.assetKey, e.payload.partitionKey)),
        lastMaterialization: toMaterialization(e),
      }),
    },
    ScheduleDefinitionSynced: IGNORE,
    ScheduleStateChanged: IGNORE,
    ScheduleTicked: IGNORE,
    SensorDefinitionSynced: IGNORE,
    SensorStateChanged: IGNORE,
    SensorEvaluated: IGNORE,
    DynamicPartitionsChanged: IGNORE,
    BackfillCreated: IGNORE,
    BackfillStateChanged: IGNORE,
    BackfillChunkPlanned: IGNORE,
    BackfillChunkFinished: IGNORE,
    RunDeleted: IGNORE,
    AssetWiped: removeOnly(wipedRows),
    AssetFreshnessChanged: IGNORE,
    AssetObserved: {
      ids: (e) => [taskKeyOf(e.payload.assetKey, e.payload.partitionKey)],
      apply: (row, e) => ({
        ...(row ?? empty(e.payload.assetKey, e.payload.partitionKey)),
        lastObservation: { sequence: e.sequence, dataVersion: e.payload.dataVersion, metadata: e.payload.metadata, observedAt: e.payload.observedAt },
      }),
    },
    AssetMaterializationReported: {
      ids: (e) => [taskKeyOf(e.payload.assetKey, e.payload.partitionKey)],
      apply: (row, e) => ({
        ...(row ?? empty(e.payload.assetKey, e.payload.partitionKey)),
        lastMaterialization: toReportedMaterialization(e),
      }),
    },
    AutomationConditionEvaluated: IGNORE,
    AssetCheckEvaluated: IGNORE,
  },
});
