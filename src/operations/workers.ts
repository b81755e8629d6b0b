/**
 * The HTTP worker protocol (docs/worker-protocol.md): what `arco worker` calls on any daemon's API.
 * A worker registers (id, host, pid, slots, heartbeat timeout), heartbeats (and learns which of
 * its attempts to stop), claims the attempts the leader dispatched to it (each with a token scoped
 * to that attempt), and reports started, log lines and finished carrying that token. Every route
 * needs the `worker` role (or admin) once access control is on (docs/security.md).
 */
import { z } from 'zod';
import {
  claimRemoteAttempts,
  dispatchEnvelopeSchema,
  heartbeatRemoteWorker,
  registerRemoteWorker,
  remoteResultSchema,
  reportRemoteFinished,
  reportRemoteFinishedAndClaim,
  reportRemoteLogs,
  reportRemoteStarted,
  unregisterRemoteWorker,
  REMOTE_WORKER_PREFIX,
} from '../runtime/index.js';
import { defineOperation } from './operation.js';

const workerIdSchema = z.string().regex(new RegExp(`^${REMOTE_WORKER_PREFIX}[A-Za-z0-9_-]{8,64}$`), `must be ${REMOTE_WORKER_PREFIX} followed by 8-64 letters, digits, _ or -`);
const attemptIdSchema = z.string().min(1).max(100);
const attemptTokenSchema = z.string().regex(/^[0-9a-f]{64}$/, 'must be the 64 hex digits the claim answered');
const attemptParams = z.object({ workerId: workerIdSchema, attemptId: attemptIdSchema });
const accepted = z.object({ accepted: z.literal(true) });
/** Slots and claims are bounded: one worker process runs at most this many attempts at once. */
const SLOTS_MAX = 256;
/**
 * The attempts a claim names as running: its slots' plus those whose reports are still on their way
 * (a slot is free again once its attempt ended), so more than SLOTS_MAX, yet bounded.
 */
const RUNNING_ATTEMPTS_MAX = 1_000;
/** A claim waits at most this long for a dispatch: an open request each worker holds, not a stalled one. */
const CLAIM_WAIT_MAX_MS = 10_000;

export const registerWorkerOp = defineOperation({
  name: 'registerWorker',
  summary: 'Register a remote worker (arco worker): its id, host, pid, slots and heartbeat timeout',
  group: 'workers',
  method: 'POST',
  path: '/api/v1/workers',
  body: z
    .object({
      workerId: workerIdSchema,
      host: z.string().min(1).max(255),
      pid: z.number().int().positive(),
      slots: z.number().int().min(1).max(SLOTS_MAX),
      heartbeatTimeoutMs: z.number().int().min(500).max(3_600_000).describe('silent for longer than this, the worker is lost and its attempts end WORKER_LOST'),
    })
    .strict(),
  output: z.object({ workerId: z.string(), heartbeatIntervalMs: z.number().describe('how often to heartbeat') }),
  idempotent: true,
  role: 'worker',
  async handler(ctx, input) {
    const runtime = await ctx.runtime();
    const { heartbeatIntervalMs } = await registerRemoteWorker(ctx.store, input, runtime.clock.now());
    return { workerId: input.workerId, heartbeatIntervalMs };
  },
});

export const workerHeartbeatOp = defineOperation({
  name: 'workerHeartbeat',
  summary: 'A remote worker is alive and runs these attempts; answers which of them to stop',
  group: 'workers',
  method: 'POST',
  path: '/api/v1/workers/:workerId/heartbeat',
  params: z.object({ workerId: workerIdSchema }),
  body: z.object({ attemptIds: z.array(attemptIdSchema).max(SLOTS_MAX).describe('the attempts it runs now') }).strict(),
  output: z.object({
    abort: z.array(z.object({ attemptId: z.string(), reason: z.enum(['canceled', 'gone']).describe('canceled: its run is being canceled; gone: no longer current, a report would be refused') })),
  }),
  errors: [404],
  idempotent: true,
  role: 'worker',
  async handler(ctx, { workerId, attemptIds }) {
    const runtime = await ctx.runtime();
    return heartbeatRemoteWorker(ctx.store, workerId, attemptIds, runtime.clock.now());
  },
});

const claimFields = {
  max: z.number().int().min(1).max(SLOTS_MAX),
  running: z
    .array(attemptIdSchema)
    .max(RUNNING_ATTEMPTS_MAX)
    .describe('every attempt the worker runs or still reports: attempts claimed by it and not named here (a claim answer it never received) are handed to it again under a new token'),
  claimSeq: z
    .number()
    .int()
    .min(1)
    .max(Number.MAX_SAFE_INTEGER)
    .describe('grows with each claim of this worker: a request older than one already served (it arrived late) gets nothing'),
  waitMs: z
    .number()
    .int()
    .min(0)
    .max(CLAIM_WAIT_MAX_MS)
    .optional()
    .describe('finding nothing, wait up to this long for an attempt dispatched to this worker (keep it below the client timeout)'),
};

const claimAnswerSchema = z.object({
  attempts: z.array(z.object({ envelope: dispatchEnvelopeSchema, attemptToken: z.string() })),
  sentAtEpochMs: z.number().describe("the control plane's clock when it answered; log lines are dated from it"),
  waitedMs: z.number().optional().describe('how long the claim waited for a dispatch: the rest of the round trip was the network'),
});

/** A claim, answered with the control plane's clock before and after (see claimAnswerSchema). */
async function answerClaim(clock: { now(): number }, claim: (nowEpochMs: number) => Promise<z.infer<typeof claimAnswerSchema>['attempts']>): Promise<z.infer<typeof claimAnswerSchema>> {
  const now = clock.now();
  const attempts = await claim(now);
  const sentAtEpochMs = clock.now();
  return { attempts, sentAtEpochMs, waitedMs: Math.max(0, sentAtEpochMs - now) };
}

export const claimAttemptsOp = defineOperation({
  name: 'claimAttempts',
  summary: 'Claim up to max attempts dispatched to this worker, each with its attempt token (returned once)',
  group: 'workers',
  method: 'POST',
  path: '/api/v1/workers/:workerId/claim',
  params: z.object({ workerId: workerIdSchema }),
  body: z
    .object({ ...claimFields, running: claimFields.running.optional(), claimSeq: claimFields.claimSeq.optional() })
    .strict()
    .refine((body) => (body.running === undefined) === (body.claimSeq === undefined), { message: 'running and claimSeq go together', path: ['claimSeq'] }),
  output: claimAnswerSchema,
  errors: [404],
  // Each call takes attempts no other call gets: never answered from an earlier response.
  idempotent: false,
  role: 'worker',
  async handler(ctx, { workerId, max, running, claimSeq, waitMs }) {
    const runtime = await ctx.runtime();
    const freshness = running !== undefined && claimSeq !== undefined ? { running, claimSeq } : undefined;
    return answerClaim(runtime.clock, (now) => claimRemoteAttempts(ctx.store, workerId, max, freshness, now, waitMs ?? 0));
  },
});

export const reportAttemptStartedOp = defineOperation({
  name: 'reportAttemptStarted',
  summary: "A remote worker started an attempt's user code",
  group: 'workers',
  method: 'POST',
  path: '/api/v1/workers/:workerId/attempts/:attemptId/started',
  params: attemptParams,
  body: z.object({ attemptToken: attemptTokenSchema }).strict(),
  output: accepted,
  errors: [403, 409],
  idempotent: true,
  role: 'worker',
  async handler(ctx, { workerId, attemptId, attemptToken }) {
    await reportRemoteStarted(await ctx.runtime(), workerId, attemptId, attemptToken);
    return { accepted: true as const };
  },
});

export const reportAttemptLogsOp = defineOperation({
  name: 'reportAttemptLogs',
  summary: "Log lines of a remote worker's attempt",
  group: 'workers',
  method: 'POST',
  path: '/api/v1/workers/:workerId/attempts/:attemptId/logs',
  params: attemptParams,
  body: z
    .object({
      attemptToken: attemptTokenSchema,
      lines: z
        .array(z.object({ seq: z.number().int().min(0), level: z.enum(['debug', 'info', 'warn', 'error']), message: z.string().max(65_536), loggedAt: z.string().datetime() }).strict())
        .max(500),
    })
    .strict(),
  output: accepted,
  errors: [403, 409],
  idempotent: true,
  role: 'worker',
  async handler(ctx, { workerId, attemptId, attemptToken, lines }) {
    await reportRemoteLogs(await ctx.runtime(), workerId, attemptId, attemptToken, lines);
    return { accepted: true as const };
  },
});

export const reportAttemptFinishedOp = defineOperation({
  name: 'reportAttemptFinished',
  summary: "A remote worker's attempt ended: stored for the leader to record",
  group: 'workers',
  method: 'POST',
  path: '/api/v1/workers/:workerId/attempts/:attemptId/finished',
  params: attemptParams,
  body: remoteResultSchema
    .extend({
      attemptToken: attemptTokenSchema,
      claim: z
        .object(claimFields)
        .strict()
        .optional()
        .describe("once the report is stored, a claim for the worker's free slots, answered with it (as claimAttempts): one call per attempt instead of two"),
    })
    .strict(),
  output: accepted.extend({ claimed: claimAnswerSchema.optional().describe('the answer to `claim`, when the report carried one') }),
  status: () => 202,
  errors: [403, 404, 409],
  // A report stored again changes nothing, but a claim it carries takes attempts no other call
  // gets: never answered from an earlier response.
  idempotent: false,
  role: 'worker',
  async handler(ctx, { workerId, attemptId, attemptToken, claim, ...result }) {
    if (claim === undefined) {
      await reportRemoteFinished(ctx.store, workerId, attemptId, attemptToken, result);
      return { accepted: true as const };
    }
    const runtime = await ctx.runtime();
    const claimed = await answerClaim(runtime.clock, (now) => reportRemoteFinishedAndClaim(ctx.store, workerId, attemptId, attemptToken, result, claim, now, claim.waitMs ?? 0));
    return { accepted: true as const, claimed };
  },
});

export const unregisterWorkerOp = defineOperation({
  name: 'unregisterWorker',
  summary: 'A remote worker stops: forgotten at once, and attempts it still held end WORKER_LOST',
  group: 'workers',
  method: 'DELETE',
  path: '/api/v1/workers/:workerId',
  params: z.object({ workerId: workerIdSchema }),
  output: z.object({ workerId: z.string() }),
  idempotent: true,
  role: 'worker',
  async handler(ctx, { workerId }) {
    await unregisterRemoteWorker(ctx.store, workerId);
    return { workerId };
  },
});
