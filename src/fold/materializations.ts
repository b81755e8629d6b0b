/**
 * Materialization projections: the full history (one row per materialization, in ledger order) and
 * the latest state of every asset partition (last materialization, last failure). Both are plain
 * folds of AssetMaterialized and TaskAttemptFinished.
 */
import { z } from 'zod';
import { jsonValue, materializationProvenanceSchema } from '../events/index.js';
import { taskKeyOf } from '../domain/runs/index.js';
import type { StoredEvent } from '../events/index.js';
import { defineFamily, IGNORE } from './family.js';

/** The id of a row keyed by ledger sequence (an INTEGER key in storage, so rows stay in ledger order). */
export function sequenceId(sequence: number): string {
  return String(sequence);
}

export const materializationSchema = z.object({
  sequence: z.number().int(),
  eventId: z.string(),
  assetKey: z.string(),
  partitionKey: z.string().nullable(),
  runId: z.string(),
  taskKey: z.string(),
  attempt: z.number().int(),
  dataVersion: z.string(),
  codeVersion: z.string().nullable(),
  metadata: z.record(z.string(), jsonValue),
  materializedAt: z.string(),
  /** What it was computed from, for staleness (null: recorded before provenance existed). */
  provenance: materializationProvenanceSchema.nullable().default(null),
});
export type Materialization = z.infer<typeof materializationSchema>;

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
    AssetFreshnessChanged: IGNORE,
    AssetCheckEvaluated: IGNORE,
  },
});

export const assetPartitionSchema = z.object({
  assetKey: z.string(),
  partitionKey: z.string().nullable(),
  lastMaterialization: materializationSchema.nullable(),
  lastFailure: z.object({ runId: z.string(), attempt: z.number().int(), failedAt: z.string(), code: z.string() }).nullable(),
});
export type AssetPartitionState = z.infer<typeof assetPartitionSchema>;

const empty = (assetKey: string, partitionKey: string | null): AssetPartitionState => ({
  assetKey,
  partitionKey,
  lastMaterialization: null,
  lastFailure: null,
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
    RunRequested: IGNORE,
    RunStarted: IGNORE,
    RunCancelRequested: IGNORE,
    RunFinished: IGNORE,
    RunKeyConflictRecorded: IGNORE,
    TaskDispatched: IGNORE,
    TaskAttemptStarted: IGNORE,
    TaskAttemptFinished: {
      // Only a final failure changes what an operator sees for the partition; a retry is still in
      // flight. A check's task that failed says nothing about the asset's own data.
      ids: (e) => (e.payload.resolution === 'FAILED' && !e.payload.checkName ? [taskKeyOf(e.payload.assetKey, e.payload.partitionKey)] : []),
      apply: (row, e) => ({
        ...(row ?? empty(e.payload.assetKey, e.payload.partitionKey)),
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
    AssetFreshnessChanged: IGNORE,
    AssetCheckEvaluated: IGNORE,
  },
});
