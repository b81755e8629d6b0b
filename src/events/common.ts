/** Schemas shared by several event payloads. Field names are storage names: frozen once released. */
import { z } from 'zod';

export const jsonValue = z.json();

export const retryPolicySchema = z.object({
  maxRetries: z.number().int().min(0),
  delayMs: z.number().int().min(0),
  backoff: z.enum(['fixed', 'exponential']),
  jitter: z.enum(['none', 'full', 'plusMinus']),
});

/**
 * The time window `[startMs, endMs)` (epoch ms) of a time-window partition. Events carry it so the
 * partition status fold can merge adjacent windows into ranges without knowing the definition;
 * null for unpartitioned, static, dynamic and multi partitions (and for events written before it).
 */
export const partitionWindowSchema = z.object({ startMs: z.number().int(), endMs: z.number().int() });
export type PartitionWindow = z.infer<typeof partitionWindowSchema>;

const taskInputSchema = z.object({ assetKey: z.string(), partitionKeys: z.array(z.string()).nullable() });

export const taskPlanSchema = z.object({
  taskKey: z.string(),
  assetKey: z.string(),
  partitionKey: z.string().nullable(),
  /** The asset check the task evaluates; null for a task that materializes its asset (and before checks existed). */
  checkName: z.string().nullable().default(null),
  /** Whether that check is blocking (absent for tasks that materialize their asset). */
  checkBlocking: z.boolean().optional(),
  deps: z.array(z.string()),
  inputs: z.array(taskInputSchema),
  retry: retryPolicySchema,
  timeoutMs: z.number().int().positive().nullable(),
  codeVersion: z.string().nullable(),
  partitionWindow: partitionWindowSchema.nullable().default(null),
  /** The pool whose slots the task takes while it runs; absent: none (and before pools existed). */
  pool: z.string().optional(),
  /**
   * Only on a multi-asset's task (absent otherwise): each asset the one compute call materializes,
   * with the code version and inputs its materialization records.
   */
  outputs: z.array(z.object({ assetKey: z.string(), codeVersion: z.string().nullable(), inputs: z.array(taskInputSchema) })).optional(),
});

/** An error as recorded on a failed attempt: a code callers branch on, plus what a human reads. */
export const errorInfoSchema = z.object({
  code: z.string(),
  message: z.string(),
  errorClass: z.string().nullable(),
  stack: z.string().nullable(),
  retryable: z.boolean(),
});
export type ErrorInfo = z.infer<typeof errorInfoSchema>;

export const tagsSchema = z.record(z.string(), z.string());

export const triggerSchema = z.object({
  kind: z.enum(['manual', 'schedule', 'sensor', 'backfill', 'rerun', 'automation']),
  /** What caused it, in the trigger's own words: tick, evaluation, backfill chunk, parent run. */
  detail: z.record(z.string(), z.string()),
});
export type Trigger = z.infer<typeof triggerSchema>;

/**
 * Why a task was skipped: the upstream task it is attributed to and how that one ended. FAILED and
 * SKIPPED are task statuses; CHECK_FAILED names a blocking check's task whose result failed with
 * severity ERROR (the task itself succeeded).
 */
export const skipCauseSchema = z.object({
  taskKey: z.string(),
  status: z.enum(['FAILED', 'SKIPPED', 'CHECK_FAILED']),
  finishedAt: z.string().nullable(),
});
export type SkipCause = z.infer<typeof skipCauseSchema>;
