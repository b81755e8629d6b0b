/**
 * The API's side of the HTTP worker protocol (docs/worker-protocol.md), for any daemon that serves
 * the API, leading or not: everything it reads and writes is in the store.
 *
 * A report about an attempt is checked before anything is written: the attempt must be dispatched
 * to this worker and still be its task's current, unfinished attempt (else 409 ATTEMPT_MISMATCH),
 * and it must carry the token minted when the worker claimed it (else 403 ATTEMPT_TOKEN_REFUSED).
 * Only the sha256 of that token is stored. A refused report changes nothing.
 *
 * `started` and log lines are facts appended at once; a finished report is stored on the dispatch
 * row for the leader to record before it next coordinates, so whichever daemon received it, the
 * one that leads decides what it means for the run.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { sha256Hex } from '../../domain/ids/index.js';
import { arcoError, isArcoError } from '../../domain/errors/index.js';
import { draft, idempotencyKeys, stampEvents } from '../../events/index.js';
import type { RunProjection } from '../../fold/index.js';
import type { ClaimStart, Store, StoredReport, WorkerDispatch } from '../../store/index.js';
import type { RuntimeContext } from '../context.js';
import { applyAttemptReport } from '../run-commands.js';
import { dispatchEnvelopeSchema, type DispatchEnvelope, type RemoteResult } from './protocol.js';
import { isWorkerAlive } from '../../domain/runs/index.js';

/** A worker heartbeats this many times per heartbeat timeout, so one or two lost calls do not lose it. */
export const HEARTBEATS_PER_TIMEOUT = 5;

export interface WorkerRegistration {
  readonly workerId: string;
  readonly host: string;
  readonly pid: number;
  readonly slots: number;
  readonly heartbeatTimeoutMs: number;
}

export async function registerRemoteWorker(store: Store, worker: WorkerRegistration, nowEpochMs: number): Promise<{ heartbeatIntervalMs: number }> {
  await store.workers.registerWorker({ ...worker, registeredAtEpochMs: nowEpochMs, seenAtEpochMs: nowEpochMs });
  return { heartbeatIntervalMs: Math.max(100, Math.floor(worker.heartbeatTimeoutMs / HEARTBEATS_PER_TIMEOUT)) };
}

function notRegistered(workerId: string) {
  return arcoError('WORKER_NOT_REGISTERED', `worker ${workerId} is not registered (it was never, or it was declared lost after its heartbeats stopped); register again under a new id`, { workerId });
}

function taskOf(run: RunProjection | undefined, dispatch: Pick<WorkerDispatch, 'taskKey'>) {
  return run?.tasks.find((t) => t.taskKey === dispatch.taskKey);
}

/** The worker's attempt in `run`, if it is still the task's current unfinished attempt. */
function isCurrent(run: RunProjection | undefined, dispatch: Pick<WorkerDispatch, 'taskKey' | 'attemptId'>): boolean {
  const task = taskOf(run, dispatch);
  if (!task || (task.status !== 'DISPATCHED' && task.status !== 'RUNNING')) return false;
  return task.attempts.some((a) => a.attempt === task.attempt && a.attemptId === dispatch.attemptId && a.outcome === null);
}

export type AbortReason = 'canceled' | 'gone';

/**
 * Records the worker's heartbeat and its attempts' heartbeats; answers which of the attempts it
 * runs it should stop: `canceled` (its run is being canceled) or `gone` (no longer current: it
 * timed out, was lost, or its run ended; a report about it would be refused).
 */
export async function heartbeatRemoteWorker(store: Store, workerId: string, running: readonly string[], nowEpochMs: number): Promise<{ abort: { attemptId: string; reason: AbortReason }[] }> {
  if (!(await store.workers.touchWorker(workerId, nowEpochMs))) throw notRegistered(workerId);
  const held = await store.workers.listDispatches(workerId);
  await store.leases.recordHeartbeats(
    held.map((d) => d.attemptId),
    nowEpochMs,
  );
  const byId = new Map(held.map((d) => [d.attemptId, d]));
  const runs = new Map((await store.runs.getRuns([...new Set(held.map((d) => d.runId))])).map((r) => [r.runId, r]));
  const abort: { attemptId: string; reason: AbortReason }[] = [];
  for (const attemptId of new Set(running)) {
    const d = byId.get(attemptId);
    const run = d ? runs.get(d.runId) : undefined;
    if (!d || !isCurrent(run, d)) abort.push({ attemptId, reason: 'gone' });
    else if (run?.status === 'CANCELING') abort.push({ attemptId, reason: 'canceled' });
  }
  return { abort };
}

export interface ClaimedAttempt {
  readonly envelope: DispatchEnvelope;
  readonly attemptToken: string;
}

/**
 * Claims up to `max` attempts dispatched to the worker, minting each one's token (returned once,
 * stored as its hash). Exactly once: the store's claim hands an attempt to one call only.
 *
 * A claim whose answer never reached the worker (its request timed out after the rows were
 * claimed) would leave attempts claimed by a worker that does not run them, and its heartbeats
 * would keep them alive for ever. So a worker names the attempts it runs (`running`), and the
 * attempts claimed by it that it does not name, and that never started, are handed to it again
 * first, each under a fresh token that replaces the old one's hash (a report with the old token is
 * then refused). An attempt it names is never handed out again, so it never runs twice; one that
 * started did reach the worker and is left to its heartbeats.
 *
 * Each request carries a sequence number that grows with each claim of the worker (`claimSeq`): a
 * request that arrives after a later one (its worker gave up waiting and claimed again) is stale,
 * its `running` out of date, and gets nothing; and a re-delivery happens only while its request is
 * the latest, so an attempt a later request handed out is never handed out again under it.
 * Without `running` and `claimSeq` (an older worker) nothing is re-delivered.
 *
 * With `waitMs`, a claim that finds nothing waits up to that long for a dispatch to the worker
 * (WorkerStore.watchDispatches) and claims it then: a worker with a free slot gets its next attempt
 * as soon as the leader dispatches it, without asking again and again.
 */
export async function claimRemoteAttempts(
  store: Store,
  workerId: string,
  max: number,
  freshness: { running: readonly string[]; claimSeq: number } | undefined,
  nowEpochMs: number,
  waitMs = 0,
): Promise<ClaimedAttempt[]> {
  return claimWith(store, workerId, max, freshness, nowEpochMs, waitMs, (tokenSha256s, wait) => store.workers.beginClaim(workerId, freshness?.claimSeq, freshness?.running ?? [], { tokenSha256s, nowEpochMs, wait }));
}

/** claimRemoteAttempts, its request begun by `begin` (beginClaim, or a finished report's statement). */
async function claimWith(
  store: Store,
  workerId: string,
  max: number,
  freshness: { running: readonly string[]; claimSeq: number } | undefined,
  nowEpochMs: number,
  waitMs: number,
  begin: (tokenSha256s: readonly string[], wait: boolean) => Promise<ClaimStart | undefined>,
): Promise<ClaimedAttempt[]> {
  // Watched before anything is read, so a dispatch recorded from then on is not missed.
  const watch = waitMs > 0 ? await store.workers.watchDispatches(workerId) : undefined;
  try {
    // Most claims end here: the request begins and claims what is dispatched in one statement.
    // Finding nothing, it leaves these hashes as the worker's waiting claim where the store can,
    // and the leader's next dispatch to the worker is claimed under them as it is written.
    const tokens = Array.from({ length: max }, mintToken);
    const hashes = tokens.map(sha256Hex);
    const tokenOf = new Map(hashes.map((h, i) => [h, tokens[i] as string]));
    const begun = await begin(hashes, watch !== undefined);
    if (!begun || !isWorkerAlive(begun.worker, nowEpochMs)) throw notRegistered(workerId);
    if (freshness && !begun.fresh) return [];
    if (begun.claimed.length > 0) return answersFor(begun.claimed, tokenOf);
    const waited = begun.waiting === true ? hashes : [];
    if (waited.length > 0) watch?.hold(waited);
    const redelivered = freshness === undefined || begun.unrun === 0 ? [] : await redeliverUnrun(store, workerId, max, new Set(freshness.running), freshness.claimSeq);
    const wanted = max - redelivered.length;
    if (wanted === 0) return redelivered;
    const deadline = performance.now() + waitMs;
    // The begin claimed nothing. It did not try when attempts were left to hand again first: then
    // claim the dispatched ones now; else straight to the wait (a dispatch since is signalled).
    let look = begun.unrun > 0 && freshness !== undefined && begun.dispatched > 0;
    for (;;) {
      // Rows the dispatching statement claimed under this request's hashes, carried by its
      // signal: the answer, with no statement of this API's.
      const handed = (watch?.claimed() ?? []).filter((d) => d.tokenSha256 !== null && waited.includes(d.tokenSha256));
      if (handed.length > 0) return [...redelivered, ...answersFor(handed, tokenOf)];
      const claimed = look ? await claimFresh(store, workerId, wanted, freshness?.claimSeq, waited, tokenOf) : [];
      const remaining = deadline - performance.now();
      if (claimed.length > 0 || watch === undefined || redelivered.length > 0 || remaining <= 0) return [...redelivered, ...claimed];
      await watch.wait(remaining);
      look = true;
    }
  } finally {
    watch?.close();
  }
}

/**
 * Claims up to `count` dispatched attempts under fresh tokens. With `claimSeq`, only while it is
 * still the worker's latest request: a claim that waited must not take attempts once the worker
 * gave up on it and asked again. With the hashes of the request's wait (`waited`, their tokens in
 * `waitedTokens`), the rows already claimed under them come too: their signal did not carry them
 * (too large for it), or was lost.
 */
async function claimFresh(store: Store, workerId: string, count: number, claimSeq: number | undefined, waited: readonly string[], waitedTokens: ReadonlyMap<string, string>): Promise<ClaimedAttempt[]> {
  const tokens = Array.from({ length: count }, mintToken);
  const claimed = await store.workers.claimDispatches(workerId, tokens.map(sha256Hex), claimSeq, waited);
  return answersFor(claimed, new Map([...waitedTokens, ...tokens.map((t) => [sha256Hex(t), t] as const)]));
}

function mintToken(): string {
  return randomBytes(32).toString('hex');
}

/** The claim answer for stored rows whose token (by its hash) is in `tokenOf`. */
function answersFor(rows: readonly WorkerDispatch[], tokenOf: ReadonlyMap<string, string>): ClaimedAttempt[] {
  return rows.flatMap((d) => {
    const envelope = dispatchEnvelopeSchema.safeParse(d.envelope);
    const token = d.tokenSha256 === null ? undefined : tokenOf.get(d.tokenSha256);
    // A row the leader wrote is always well formed; one that is not is left to expire (WORKER_LOST).
    if (!envelope.success || token === undefined) return [];
    return [{ envelope: envelope.data, attemptToken: token }];
  });
}

/** Re-delivers, under fresh tokens, up to `max` claimed attempts the worker does not run (see above). */
async function redeliverUnrun(store: Store, workerId: string, max: number, running: ReadonlySet<string>, claimSeq: number): Promise<ClaimedAttempt[]> {
  const unrun = (await store.workers.listDispatches(workerId)).filter((d) => d.state === 'claimed' && d.tokenSha256 !== null && !running.has(d.attemptId));
  if (unrun.length === 0) return [];
  const runs = new Map((await store.runs.getRuns([...new Set(unrun.map((d) => d.runId))])).map((r) => [r.runId, r]));
  const again = unrun.filter((d) => isCurrent(runs.get(d.runId), d) && taskOf(runs.get(d.runId), d)?.status === 'DISPATCHED').slice(0, max);
  const tokens = again.map(mintToken);
  const changed = await store.workers.redeliverDispatches(
    workerId,
    claimSeq,
    again.map((d, i) => ({ attemptId: d.attemptId, fromTokenSha256: d.tokenSha256 as string, toTokenSha256: sha256Hex(tokens[i] as string) })),
  );
  return answersFor(changed, new Map(tokens.map((t) => [sha256Hex(t), t])));
}

function sameHash(presentedToken: string, storedSha256: string | null): boolean {
  if (storedSha256 === null) return false;
  const a = Buffer.from(sha256Hex(presentedToken), 'hex');
  const b = Buffer.from(storedSha256, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The dispatch a report is about, once it passed every check (see the header); reads only.
 * @throws ATTEMPT_MISMATCH (409), ATTEMPT_TOKEN_REFUSED (403).
 */
export async function checkRemoteReport(store: Store, workerId: string, attemptId: string, attemptToken: string): Promise<WorkerDispatch> {
  const dispatch = await store.workers.getDispatch(attemptId);
  if (!dispatch || dispatch.workerId !== workerId) {
    throw arcoError('ATTEMPT_MISMATCH', `attempt ${attemptId} is not dispatched to worker ${workerId} (it ended, was lost or was never its); not recorded`, { attemptId, workerId });
  }
  if (!sameHash(attemptToken, dispatch.tokenSha256)) {
    throw arcoError('ATTEMPT_TOKEN_REFUSED', `a report for attempt ${attemptId} carried another token than the one minted when it was claimed; not recorded`, { attemptId });
  }
  if (!isCurrent(await store.runs.getRun(dispatch.runId), dispatch)) {
    throw arcoError('ATTEMPT_MISMATCH', `attempt ${attemptId} is no longer its task's current attempt (it timed out, was lost, or its run was canceled); not recorded`, { attemptId, workerId });
  }
  return dispatch;
}

/**
 * Records that the attempt started. A repeat (the first call was recorded but its answer lost, and
 * the worker sent it again) is accepted and changes nothing: refused, it made the worker give up
 * the attempt, which then never reported its end and held its run for ever.
 */
export async function reportRemoteStarted(ctx: RuntimeContext, workerId: string, attemptId: string, attemptToken: string): Promise<void> {
  const d = await checkRemoteReport(ctx.store, workerId, attemptId, attemptToken);
  if (d.state !== 'claimed') return;
  try {
    await applyAttemptReport(ctx, { kind: 'started', runId: d.runId, taskKey: d.taskKey, attemptId, workerId });
  } catch (error) {
    if (!isArcoError(error) || error.code !== 'ATTEMPT_MISMATCH') throw error;
    const task = taskOf(await ctx.store.runs.getRun(d.runId), d);
    const repeat = task?.attempts.some((a) => a.attemptId === attemptId && a.attempt === task.attempt && a.startedAt !== null && a.outcome === null);
    if (!repeat) throw error;
  }
}

export interface RemoteLogLine {
  readonly seq: number;
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly message: string;
  readonly loggedAt: string;
}

/** Appends log lines; a line sent twice (a retried call) is kept once (its seq is its identity). */
export async function reportRemoteLogs(ctx: RuntimeContext, workerId: string, attemptId: string, attemptToken: string, lines: readonly RemoteLogLine[]): Promise<void> {
  const d = await checkRemoteReport(ctx.store, workerId, attemptId, attemptToken);
  const attempt = (dispatchEnvelopeSchema.safeParse(d.envelope).data as DispatchEnvelope | undefined)?.attempt;
  if (attempt === undefined || lines.length === 0) return;
  const drafts = lines.map((l) =>
    draft('TaskLogged', { runId: d.runId, taskKey: d.taskKey, attempt, seq: l.seq, level: l.level, message: l.message, loggedAt: l.loggedAt }, idempotencyKeys.taskLogged(d.runId, d.taskKey, attempt, l.seq), d.runId),
  );
  await ctx.store.ledger.append(stampEvents(drafts, { ulid: ctx.ids.ulid, nowEpochMs: ctx.clock.now(), workspace: ctx.workspace }));
}

/**
 * Stores the finished report for the leader; reporting it again (a retried call) changes nothing.
 * Stored first, checked after, in one statement and a check of its run in memory where the engine
 * can (the run this process last wrote): a report about an attempt that stopped being current is
 * refused all the same (409), and what was stored of it is dropped by the leader, which refuses
 * it too (ATTEMPT_MISMATCH). Only a report that stored nothing reads why.
 */
export async function reportRemoteFinished(store: Store, workerId: string, attemptId: string, attemptToken: string, result: RemoteResult): Promise<void> {
  const stored = await store.workers.finishDispatch(attemptId, workerId, sha256Hex(attemptToken), result);
  await checkStoredReport(store, workerId, attemptId, attemptToken, stored);
}

/** Refuses a finished report that stored nothing (unless it was stored before) or is no longer current. */
async function checkStoredReport(store: Store, workerId: string, attemptId: string, attemptToken: string, stored: StoredReport | undefined): Promise<'stored' | 'repeat'> {
  if (stored === undefined) {
    const d = await checkRemoteReport(store, workerId, attemptId, attemptToken);
    if (d.state === 'finished') return 'repeat';
    throw arcoError('ATTEMPT_MISMATCH', `attempt ${attemptId} changed while its report was stored (it ended or was lost); not recorded`, { attemptId, workerId });
  }
  if (!isCurrent(stored.run, stored.dispatch)) {
    throw arcoError('ATTEMPT_MISMATCH', `attempt ${attemptId} is no longer its task's current attempt (it timed out, was lost, or its run was canceled); not recorded`, { attemptId, workerId });
  }
  return 'stored';
}

/**
 * A finished report that carries the worker's next claim (docs/worker-protocol.md, "Claims carried
 * by finished reports"): stored as reportRemoteFinished stores it, and the claim begun in the same
 * statement, only if the report was stored; then answered as claimRemoteAttempts answers. A
 * report sent again (stored before) claims on its own. A refused report claims nothing, but for
 * one stored and then found no longer current (409): what its statement claimed never reaches
 * the worker, and is handed to it again under its next claim, as for any lost claim answer.
 */
export async function reportRemoteFinishedAndClaim(
  store: Store,
  workerId: string,
  attemptId: string,
  attemptToken: string,
  result: RemoteResult,
  claim: { max: number; running: readonly string[]; claimSeq: number },
  nowEpochMs: number,
  waitMs = 0,
): Promise<ClaimedAttempt[]> {
  const { running, claimSeq } = claim;
  return claimWith(store, workerId, claim.max, { running, claimSeq }, nowEpochMs, waitMs, async (tokenSha256s, wait) => {
    const stored = await store.workers.finishDispatch(attemptId, workerId, sha256Hex(attemptToken), result, { claimSeq, running, tokenSha256s, nowEpochMs, wait });
    if ((await checkStoredReport(store, workerId, attemptId, attemptToken, stored)) === 'repeat') return store.workers.beginClaim(workerId, claimSeq, running, { tokenSha256s, nowEpochMs, wait });
    return stored?.claim;
  });
}

/** A worker stopping cleanly: forgotten at once, so the leader declares what it still held lost now. */
export async function unregisterRemoteWorker(store: Store, workerId: string): Promise<void> {
  await store.workers.removeWorkers([workerId]);
}
