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
  /** Every task is terminal; the run's final status. */
  RunFinished: z.object({ runId: z.string(), status: z.enum(['SUCCESS', 'FAILURE', 'CANCELED']) }),
} as const;
