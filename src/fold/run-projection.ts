/** The shape of the `runs` projection: a run with its tasks and their attempts, as one document. */
import { z } from 'zod';
import { errorInfoSchema, jsonValue, skipCauseSchema, tagsSchema, taskPlanSchema, triggerSchema } from '../events/index.js';
import { RUN_STATUSES, TASK_STATUSES } from '../domain/runs/index.js';

export const attemptProjectionSchema = z.object({
  attempt: z.number().int().positive(),
  attemptId: z.string(),
  workerId: z.string(),
  dispatchedAt: z.string(),
  deadlineAt: z.string().nullable(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  outcome: z.enum(['SUCCEEDED', 'FAILED', 'CANCELED']).nullable(),
  error: errorInfoSchema.nullable(),
  durationMs: z.number().nullable(),
  infrastructureRetry: z.boolean(),
});
export type AttemptProjection = z.infer<typeof attemptProjectionSchema>;

export const taskProjectionSchema = taskPlanSchema.extend({
  status: z.enum(TASK_STATUSES),
  /** The current attempt number; 0 until first dispatched. */
  attempt: z.number().int().min(0),
  /** Retries spent because a worker was lost (not counted against `retry.maxRetries`). */
  infrastructureRetries: z.number().int().min(0),
  attempts: z.array(attemptProjectionSchema),
  retryAt: z.string().nullable(),
  skipCause: skipCauseSchema.nullable(),
  cancelReason: z.string().nullable(),
  finishedAt: z.string().nullable(),
  materialization: z
    .object({ dataVersion: z.string(), codeVersion: z.string().nullable(), metadata: z.record(z.string(), jsonValue) })
    .nullable(),
  /**
   * What a check's task evaluated (null: not a check's task, or not evaluated yet). A blocking
   * check whose result failed with severity ERROR holds back the tasks that wait for it.
   */
  checkResult: z.object({ passed: z.boolean(), severity: z.enum(['WARN', 'ERROR']), blocking: z.boolean() }).nullable().default(null),
});
export type TaskProjection = z.infer<typeof taskProjectionSchema>;

export const runProjectionSchema = z.object({
  runId: z.string(),
  runKey: z.string().nullable(),
  fingerprint: z.string(),
  status: z.enum(RUN_STATUSES),
  assetKeys: z.array(z.string()),
  includeUpstream: z.boolean(),
  includeDownstream: z.boolean(),
  partition: jsonValue.nullable(),
  tags: tagsSchema,
  config: jsonValue,
  trigger: triggerSchema,
  parentRunId: z.string().nullable(),
  rootRunId: z.string().nullable(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  updatedAt: z.string(),
  cancelReason: z.string().nullable(),
  /** While the run is CANCELING: when it was asked to cancel (run monitoring times CANCELING from it). */
  cancelRequestedAt: z.string().optional(),
  /** Why run monitoring failed the run (absent: it ended by its tasks' outcomes). */
  failureReason: z.string().optional(),
  /** Number of events folded into this run; the version optimistic appends are checked against. */
  version: z.number().int().positive(),
  tasks: z.array(taskProjectionSchema),
});
export type RunProjection = z.infer<typeof runProjectionSchema>;
