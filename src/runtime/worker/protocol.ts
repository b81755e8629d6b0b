/**
 * The worker contract, the same for in-process, subprocess and remote (HTTP) workers: the
 * control plane sends a dispatch envelope for one attempt; the worker reports started, log lines
 * and finished. Every message that comes back is parsed with these schemas before it is trusted,
 * and a report is recorded only with the token of the attempt it is about (attempt-token.ts).
 */
import { z } from 'zod';
import { checkSeveritySchema, errorInfoSchema, jsonValue } from '../../events/index.js';

/** A check's result as the worker reports it: validated, severity defaulted, metadata made JSON. */
export const checkOutcomeSchema = z.object({ passed: z.boolean(), severity: checkSeveritySchema, metadata: z.record(z.string(), jsonValue) });

export const dispatchEnvelopeSchema = z.object({
  runId: z.string(),
  taskKey: z.string(),
  assetKey: z.string(),
  partitionKey: z.string().nullable(),
  /** Every partition of this asset in the run, and the range the run was requested for (if any). */
  partitionKeys: z.array(z.string()),
  partitionKeyRange: z.object({ start: z.string(), end: z.string() }).nullable(),
  attempt: z.number().int().positive(),
  attemptId: z.string(),
  config: jsonValue,
  codeVersion: z.string().nullable(),
  /** A multi-asset's task: the outputs to materialize (absent for a plain asset). */
  assetKeys: z.array(z.string()).optional(),
  /** ISO-8601; the worker aborts user code at this time. */
  deadlineAt: z.string().nullable(),
  /** The asset check to evaluate instead of materializing the asset (null: materialize it). */
  checkName: z.string().nullable().optional(),
});
export type DispatchEnvelope = z.infer<typeof dispatchEnvelopeSchema>;

/** The token of the one attempt a report is about (attempt-token.ts): every report carries it back. */
const attemptToken = z.string();

export const parentMessageSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('execute'),
    envelope: dispatchEnvelopeSchema,
    attemptToken,
    /**
     * The control plane's clock when it sent the attempt (epoch ms). The worker dates its log
     * lines from it plus the time elapsed since, so they follow the injected clock, not the host's.
     */
    sentAtEpochMs: z.number(),
  }),
  z.object({ type: z.literal('abort'), attemptId: z.string(), reason: z.enum(['canceled', 'timeout']) }),
]);
export type ParentMessage = z.infer<typeof parentMessageSchema>;

/** An attempt's end as its worker reports it (also what the result spool keeps). */
export const finishedMessageSchema = z.object({
  type: z.literal('finished'),
  attemptId: z.string(),
  attemptToken,
  outcome: z.enum(['SUCCEEDED', 'FAILED', 'CANCELED']),
  error: errorInfoSchema.nullable(),
  durationMs: z.number().int().min(0),
  dataVersion: z.string().nullable(),
  metadata: z.record(z.string(), jsonValue),
  /** A multi-asset's successful attempt: each output's result, by asset key. */
  outputs: z.record(z.string(), z.object({ dataVersion: z.string().nullable(), metadata: z.record(z.string(), jsonValue) })).optional(),
  /** What a check's compute returned (check tasks that succeeded only). */
  check: checkOutcomeSchema.nullable().optional(),
  });

export const workerMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  z.object({ type: z.literal('load_failed'), error: errorInfoSchema }),
  z.object({ type: z.literal('started'), attemptId: z.string(), attemptToken }),
  z.object({
    type: z.literal('log'),
    attemptId: z.string(),
    attemptToken,
    seq: z.number().int().min(0),
    level: z.enum(['debug', 'info', 'warn', 'error']),
    message: z.string(),
    loggedAt: z.string(),
  }),
  finishedMessageSchema,
]);
export type WorkerMessage = z.infer<typeof workerMessageSchema>;

/** A remote worker's finished report as the API stores it for the leader (no token: it was checked). */
export const remoteResultSchema = finishedMessageSchema.omit({ type: true, attemptId: true, attemptToken: true });
export type RemoteResult = z.infer<typeof remoteResultSchema>;
