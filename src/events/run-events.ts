/** Events of a run's own lifecycle (SEMANTICS §3). */
import { z } from 'zod';
import { jsonValue, tagsSchema, taskPlanSchema, triggerSchema } from './common.js';

export const runEventSchemas = {
  /** A run was requested: its identity, what defines it, and its frozen plan of tasks. */
  RunRequested: z.object({
    runId: z.string(),
    runKey: z.string().nullable(),
    fingerprint: z.string(),
    assetKeys: z.array(z.string()),
    includeUpstream: z.boolean(),
    includeDownstream: z.boolean(),
    partition: jsonValue.nullable(),
    tags: tagsSchema,
    config: jsonValue,
    trigger: triggerSchema,
    parentRunId: z.string().nullable(),
    rootRunId: z.string().nullable(),
    tasks: z.array(taskPlanSchema),
  }),
  /** The coordinator admitted the run from the queue. */
  RunStarted: z.object({ runId: z.string() }),
  RunCancelRequested: z.object({ runId: z.string(), reason: z.string() }),
  /**
   * Every task is terminal; the run's final status. `reason` says why a run ended that no task's
   * outcome explains (run monitoring failed a run stuck starting); absent otherwise.
   */
  RunFinished: z.object({ runId: z.string(), status: z.enum(['SUCCESS', 'FAILURE', 'CANCELED']), reason: z.string().optional() }),
  /**
   * An operator deleted a finished run: it leaves run lists and views and its logs are no longer
   * served. Its events stay in the ledger, its materializations still count, and its runKey stays
   * taken (a runKey names one run forever, SEMANTICS §2).
   */
  RunDeleted: z.object({ runId: z.string(), deletedAt: z.string(), requestedBy: z.string().nullable() }),
  /**
   * A request reused a runKey with a different fingerprint and was refused (RUN_KEY_CONFLICT).
   * `conflictId` is derived from the runKey and the requested fingerprint, so a retried conflicting
   * request is recorded once.
   */
  RunKeyConflictRecorded: z.object({
    conflictId: z.string(),
    runKey: z.string(),
    conflictType: z.literal('FINGERPRINT_MISMATCH'),
    existingRunId: z.string(),
    existingFingerprint: z.string(),
    requestedFingerprint: z.string(),
    differingFields: z.array(z.string()),
  }),
  /**
   * An operator set a pool's slot limit (`arco pool set`), or removed it (`limit` null: the pool
   * is unlimited again). Tasks of assets in the pool wait while its slots are all taken.
   */
  PoolLimitSet: z.object({ pool: z.string(), limit: z.number().int().nonnegative().nullable(), requestId: z.string() }),
} as const;
