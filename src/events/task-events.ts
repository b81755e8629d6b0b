/** Events of tasks and their attempts (SEMANTICS §3), and what a successful attempt produced. */
import { z } from 'zod';
import { errorInfoSchema, jsonValue, partitionWindowSchema, skipCauseSchema } from './common.js';

const attemptRef = {
  runId: z.string(),
  taskKey: z.string(),
  assetKey: z.string(),
  partitionKey: z.string().nullable(),
  attempt: z.number().int().positive(),
  attemptId: z.string(),
};

/**
 * One input of a materialization: an upstream asset partition (or the whole upstream asset when
 * `partitionKey` is null: unpartitioned, or more partitions than a task lists) and its data version
 * then (null: it had never been materialized).
 */
export const provenanceInputSchema = z.object({
  assetKey: z.string(),
  partitionKey: z.string().nullable(),
  dataVersion: z.string().nullable(),
});

export const materializationProvenanceSchema = z.object({
  codeVersion: z.string().nullable(),
  /** Whether the data version was supplied by user code (else derived from code and input versions). */
  userDataVersion: z.boolean(),
  inputs: z.array(provenanceInputSchema),
});
export type MaterializationProvenance = z.infer<typeof materializationProvenanceSchema>;

export const taskEventSchemas = {
  /** The coordinator handed an attempt to a worker. `deadlineAt` is when it times out (if limited). */
  TaskDispatched: z.object({ ...attemptRef, workerId: z.string(), deadlineAt: z.string().nullable() }),
  /** The worker began running user code for the attempt. */
  TaskAttemptStarted: z.object({ ...attemptRef, workerId: z.string() }),
  /**
   * The attempt ended, with the coordinator's resolution of the task: SUCCEEDED, FAILED (no retries
   * left or not retryable), RETRY_WAIT (a new attempt at `retryAt`), or CANCELED.
   * `infrastructureRetry` marks a retry spent from the worker-loss budget, not from maxRetries.
   */
  TaskAttemptFinished: z.object({
    ...attemptRef,
    outcome: z.enum(['SUCCEEDED', 'FAILED', 'CANCELED']),
    error: errorInfoSchema.nullable(),
    durationMs: z.number().int().min(0).nullable(),
    resolution: z.enum(['SUCCEEDED', 'FAILED', 'RETRY_WAIT', 'CANCELED']),
    retryAt: z.string().nullable(),
    infrastructureRetry: z.boolean(),
    partitionWindow: partitionWindowSchema.nullable().default(null),
    /** Only on a multi-asset's task: every asset it materializes, so a final failure marks each FAILED. */
    outputAssetKeys: z.array(z.string()).optional(),
    /**
     * The asset check the task evaluates, so asset folds can tell it from a materialization; absent
     * or null for a task that materializes its asset (and in events recorded before checks existed).
     */
    checkName: z.string().nullable().optional(),
  }),
  /**
   * An upstream task failed, so this one never runs; `cause` names the attributed upstream failure:
   * a FAILED task, or (CHECK_FAILED) the task of a blocking check whose result failed with severity ERROR.
   */
  TaskSkipped: z.object({
    runId: z.string(),
    taskKey: z.string(),
    cause: skipCauseSchema,
  }),
  TaskCanceled: z.object({ runId: z.string(), taskKey: z.string(), reason: z.string() }),
  /** One line a task's user code logged. */
  TaskLogged: z.object({
    runId: z.string(),
    taskKey: z.string(),
    attempt: z.number().int().positive(),
    seq: z.number().int().min(0),
    level: z.enum(['debug', 'info', 'warn', 'error']),
    message: z.string(),
    loggedAt: z.string(),
  }),
  /** An asset (partition) was materialized by a successful attempt. */
  AssetMaterialized: z.object({
    runId: z.string(),
    taskKey: z.string(),
    attempt: z.number().int().positive(),
    assetKey: z.string(),
    partitionKey: z.string().nullable(),
    dataVersion: z.string(),
    codeVersion: z.string().nullable(),
    metadata: z.record(z.string(), jsonValue),
    partitionWindow: partitionWindowSchema.nullable().default(null),
    /**
     * What the materialization was computed from (SEMANTICS §8): the task's code version and the data
     * version of each input it read, as recorded when it succeeded. Staleness compares against it; a
     * materialization without provenance (null, e.g. recorded before it existed) is FRESH.
     */
    provenance: materializationProvenanceSchema.nullable().default(null),
  }),
} as const;
