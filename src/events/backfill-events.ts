/**
 * Events of backfills (SEMANTICS §7). Field names are storage names, frozen once released.
 *
 * A backfill stores its selector (per unit: the caller's selector or, for a retry, key ranges) and
 * each unit's extent in definition positions, never the list of its keys. Chunks are planned one
 * by one, each in the same batch as the run it requests; a chunk's end is recorded by the
 * controller from its run's outcome, with the partitions that did not materialize (at most a
 * chunk's worth).
 */
import { z } from 'zod';
import { errorInfoSchema, jsonValue, tagsSchema } from './common.js';

export const backfillStatusSchema = z.enum(['REQUESTED', 'PAUSED', 'CANCELING', 'CANCELED', 'COMPLETED_SUCCESS', 'COMPLETED_FAILED', 'FAILED']);

export const backfillPolicySchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('multiRun'), partitionsPerRun: z.number().int().positive() }),
  z.object({ kind: z.literal('singleRun') }),
]);

/** A canonical partition selector (explicit keys sorted, filter values sorted). */
export const partitionSelectorSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('explicit'), keys: z.array(z.string()) }),
  z.object({ kind: z.literal('range'), start: z.string(), end: z.string() }),
  z.object({ kind: z.literal('all') }),
  z.object({ kind: z.literal('filter'), dimensions: z.record(z.string(), z.array(z.string())).optional(), pattern: z.string().optional() }),
]);

export const unitSelectionSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('unpartitioned') }),
  z.object({ kind: z.literal('selector'), selector: partitionSelectorSchema }),
  z.object({ kind: z.literal('ranges'), ranges: z.array(z.object({ start: z.string(), end: z.string() })) }),
]);

/** Assets planned together, what they select, and where that lies (positions `[from, to)`). */
export const backfillUnitSchema = z.object({
  assetKeys: z.array(z.string()),
  selection: unitSelectionSchema,
  from: z.number().int().min(0),
  to: z.number().int().min(0),
  partitionCount: z.number().int().min(0),
});

/** Asset partitions of a finished chunk that did not materialize, and what became of them. */
export const unmaterializedSchema = z.object({
  assetKey: z.string(),
  partitionKey: z.string().nullable(),
  state: z.enum(['FAILED', 'SKIPPED', 'CANCELED']),
});

export const backfillEventSchemas = {
  BackfillCreated: z.object({
    backfillId: z.string(),
    clientRequestId: z.string(),
    /** sha256 of what defines the backfill, so a repeated request id with other parameters is a conflict. */
    fingerprint: z.string(),
    assetKeys: z.array(z.string()),
    /** The caller's selector (canonical), or null for unpartitioned assets and retries. */
    partition: partitionSelectorSchema.nullable(),
    policy: backfillPolicySchema,
    maxConcurrentRuns: z.number().int().positive(),
    tags: tagsSchema,
    config: jsonValue,
    parentBackfillId: z.string().nullable(),
    rootBackfillId: z.string().nullable(),
    units: z.array(backfillUnitSchema),
  }),
  /** `stateVersion` is the version after the change; creation is version 1. */
  BackfillStateChanged: z.object({
    backfillId: z.string(),
    stateVersion: z.number().int().min(2),
    fromStatus: backfillStatusSchema,
    status: backfillStatusSchema,
    reason: z.string().nullable(),
    error: errorInfoSchema.nullable(),
  }),
  /** A chunk and the run it requested (null when its upstream partitions failed: it is skipped). */
  BackfillChunkPlanned: z.object({
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
    skipReason: z.string().nullable(),
  }),
  /** A chunk's run ended (or the chunk was skipped): asset partitions counted by outcome. */
  BackfillChunkFinished: z.object({
    backfillId: z.string(),
    chunkIndex: z.number().int().min(0),
    unitIndex: z.number().int().min(0),
    /** The chunk's positions `[from, to)` in its unit's definition, as planned. */
    from: z.number().int().min(0),
    to: z.number().int().min(0),
    runId: z.string().nullable(),
    runStatus: z.enum(['SUCCESS', 'FAILURE', 'CANCELED', 'SKIPPED']),
    materialized: z.number().int().min(0),
    unmaterialized: z.array(unmaterializedSchema),
    /** Positions of the unit whose partitions did not all materialize (sorted, unique). */
    failedPositions: z.array(z.number().int().min(0)),
  }),
} as const;
