/**
 * The run coordinator (pure). Each daemon iteration it looks at the active runs and decides:
 * which queued runs start (oldest first, `arco/priority` higher first, up to `maxConcurrentRuns`),
 * which attempts timed out or lost their worker, which tasks are dispatched to free worker slots
 * (ready tasks and retries that are due), what a canceling run cancels, and which runs finish.
 * It returns one decision per run, each to be appended with the run version it was based on.
 */
import type { IdSource } from '../domain/ids/index.js';
import { describePoolWait, executingTasks, poolSlotsInUse, runHoldsPoolSlots, runMaxConcurrentTasks, runPools, TagLimitCounter, type PoolGranularity, type TagConcurrencyLimit } from '../domain/runs/index.js';
import { isTerminalRun } from '../domain/runs/index.js';
import { draft, idempotencyKeys, type ErrorInfo, type EventDraft } from '../events/index.js';
import type { RunProjection, TaskProjection } from '../fold/index.js';
import { resolveAttempt } from './attempt-resolution.js';
import { RunDecision } from './run-state.js';
import { settleRun } from './settle.js';

export interface CoordinatorInput {
  /** Non-terminal runs, as read. */
  readonly runs: readonly RunProjection[];
  readonly nowEpochMs: number;
  /** Ids of worker slots free to take an attempt now; each dispatch uses one. */
  readonly freeWorkerSlots: readonly string[];
  /** Last heartbeat per attemptId (epoch ms). */
  readonly heartbeats: ReadonlyMap<string, number>;
  /** An attempt with no heartbeat for this long (since dispatch or its last heartbeat) is lost. */
  readonly attemptLeaseMs: number;
  /** null: no limit. */
  readonly maxConcurrentRuns: number | null;
  /** Caps on the runs in progress per tag (instance setting runQueue.tagConcurrencyLimits). */
  readonly tagConcurrencyLimits?: readonly TagConcurrencyLimit[];
  /** Slots per pool set for it (Infinity: set unlimited); a pool not listed has `defaultPoolLimit`. */
  readonly poolLimits?: ReadonlyMap<string, number>;
  /** Slots of a pool with no limit of its own (instance setting pools.defaultLimit); null or absent: unlimited. */
  readonly defaultPoolLimit?: number | null;
  /** How slots are held (instance setting pools.granularity); absent: per task. */
  readonly poolGranularity?: PoolGranularity;
  /** True for a worker known to be gone (its owning process no longer exists): its attempts are lost now. */
  readonly isWorkerDead?: (workerId: string) => boolean;
  readonly ids: IdSource;
}

export interface RunStep {
  readonly runId: string;
  /** The run version the decision was based on (for the conditional append). */
  readonly expectVersion: number;
  readonly drafts: readonly EventDraft[];
}

export function decideRunProgress(input: CoordinatorInput): RunStep[] {
  const nowIso = new Date(input.nowEpochMs).toISOString();
  const slots = [...input.freeWorkerSlots];
  const steps: RunStep[] = [];
  const admitted = admit(input);
  const pools = new PoolSlots(input.poolLimits ?? new Map(), input.runs, input.defaultPoolLimit ?? null, input.poolGranularity);
  for (const run of orderForDispatch(input.runs)) {
    if (isTerminalRun(run.status)) continue;
    const decision = new RunDecision(run, nowIso);
    if (run.status === 'QUEUED') {
      if (!admitted.has(run.runId)) continue;
      decision.push(draft('RunStarted', { runId: run.runId }, idempotencyKeys.runStarted(run.runId), run.runId));
    }
    expireAttempts(decision, input);
    if (decision.run.status === 'CANCELING') cancelPending(decision, 'run canceled');
    else dispatchReady(decision, input, slots, pools);
    settleRun(decision);
    if (decision.drafts.length > 0) steps.push({ runId: run.runId, expectVersion: run.version, drafts: decision.drafts });
  }
  return steps;
}

/** A queued run as admission sees it: its id (ULIDs sort by age) and its tags. */
export interface QueuedRun {
  readonly runId: string;
  readonly tags: Readonly<Record<string, string>>;
}

/** What admission holds queued runs to. */
export interface AdmissionLimits {
  /** null: no limit. */
  readonly maxConcurrentRuns: number | null;
  readonly tagConcurrencyLimits?: readonly TagConcurrencyLimit[];
}

/** A run's `arco/priority` tag as a number (0 when absent or not a number). */
export function runPriority(tags: Readonly<Record<string, string>>): number {
  const value = Number.parseInt(tags['arco/priority'] ?? '0', 10);
  return Number.isFinite(value) ? value : 0;
}

/** The order runs get admitted and get worker slots: higher priority first, then oldest first. */
export function compareDispatchOrder(a: { readonly runId: string; readonly priority: number }, b: { readonly runId: string; readonly priority: number }): number {
  return b.priority - a.priority || (a.runId < b.runId ? -1 : a.runId > b.runId ? 1 : 0);
}

/** Runs in the order they get worker slots: higher priority first, then oldest first. */
function orderForDispatch(runs: readonly RunProjection[]): RunProjection[] {
  return runs
    .map((run) => ({ run, runId: run.runId, priority: runPriority(run.tags) }))
    .sort(compareDispatchOrder)
    .map((entry) => entry.run);
}

/**
 * The queued runs that start now. `queued` must be in dispatch order (compareDispatchOrder);
 * `inProgress` holds at least every STARTED and CANCELING run. The walk stops as soon as the room
 * is taken, so a long queue costs only what is admitted. Admitting never depends on a run that is
 * not admitted, so given only the runs it admits it admits them all again: the daemon relies on
 * this to load whole documents of admitted runs alone (src/runtime/active-runs.ts).
 */
export function admitQueuedRuns(queued: Iterable<QueuedRun>, inProgress: readonly RunProjection[], limits: AdmissionLimits): string[] {
  const running = inProgress.filter((r) => r.status === 'STARTED' || r.status === 'CANCELING');
  let room = limits.maxConcurrentRuns === null ? Number.POSITIVE_INFINITY : Math.max(0, limits.maxConcurrentRuns - running.length);
  const tags = new TagLimitCounter(limits.tagConcurrencyLimits ?? [], running.map((r) => r.tags));
  const admitted: string[] = [];
  for (const run of queued) {
    if (room <= 0) break;
    // A run held back by a tag limit does not hold back the runs behind it.
    if (tags.blockingLimit(run.tags) !== undefined) continue;
    tags.add(run.tags);
    admitted.push(run.runId);
    room -= 1;
  }
  return admitted;
}

function admit(input: CoordinatorInput): Set<string> {
  const queued = orderForDispatch(input.runs.filter((r) => r.status === 'QUEUED'));
  return new Set(admitQueuedRuns(queued, input.runs, { maxConcurrentRuns: input.maxConcurrentRuns, tagConcurrencyLimits: input.tagConcurrencyLimits ?? [] }));
}

function currentAttempt(task: TaskProjection) {
  return task.attempts.find((a) => a.attempt === task.attempt);
}

/** Active attempts past their deadline fail with TIMEOUT; those without a heartbeat are lost. */
function expireAttempts(decision: RunDecision, input: CoordinatorInput): void {
  for (const task of decision.run.tasks) {
    if (task.status !== 'DISPATCHED' && task.status !== 'RUNNING') continue;
    const attempt = currentAttempt(task);
    if (!attempt) continue;
    let error: ErrorInfo | undefined;
    if (attempt.deadlineAt !== null && Date.parse(attempt.deadlineAt) <= input.nowEpochMs) {
      error = systemError('TIMEOUT', `attempt ${attempt.attempt} exceeded timeoutMs ${task.timeoutMs}`);
    } else {
      const lastSeen = Math.max(Date.parse(attempt.dispatchedAt), input.heartbeats.get(attempt.attemptId) ?? 0);
      if (lastSeen + input.attemptLeaseMs <= input.nowEpochMs || input.isWorkerDead?.(attempt.workerId)) {
        error = systemError('WORKER_LOST', `worker ${attempt.workerId} stopped heartbeating for attempt ${attempt.attempt}`);
      }
    }
    if (error) decision.push(...finishAttempt(decision.run, task, 'FAILED', error, null, input.nowEpochMs));
  }
}

export function systemError(code: string, message: string): ErrorInfo {
  return { code, message, errorClass: null, stack: null, retryable: true };
}

/** The TaskAttemptFinished draft for the task's current attempt, with its resolution. */
export function finishAttempt(
  run: RunProjection,
  task: TaskProjection,
  outcome: 'SUCCEEDED' | 'FAILED' | 'CANCELED',
  error: ErrorInfo | null,
  durationMs: number | null,
  nowEpochMs: number,
): EventDraft[] {
  const attempt = currentAttempt(task);
  if (!attempt) return [];
  const r = resolveAttempt(run, task, outcome, error, nowEpochMs);
  return [
    draft(
      'TaskAttemptFinished',
      {
        runId: run.runId,
        taskKey: task.taskKey,
        assetKey: task.assetKey,
        partitionKey: task.partitionKey,
        attempt: attempt.attempt,
        attemptId: attempt.attemptId,
        outcome,
        error,
        durationMs,
        resolution: r.resolution,
        retryAt: r.retryAt,
        infrastructureRetry: r.infrastructureRetry,
        partitionWindow: task.partitionWindow,
        ...(task.outputs ? { outputAssetKeys: task.outputs.map((o) => o.assetKey) } : {}),
        checkName: task.checkName,
      },
      idempotencyKeys.taskAttemptFinished(run.runId, task.taskKey, attempt.attempt),
      run.runId,
    ),
  ];
}

/** Slots in use per pool, counted from the tasks (or runs) that hold one; taking one counts it at once. */
export class PoolSlots {
  private readonly inUse: Map<string, number>;
  /** With `run` granularity: runs holding their pools' slots. */
  private readonly holding = new Set<string>();

  /** `limits`: each pool's own limit (Infinity: set unlimited); `defaultLimit`: every other pool's (null: unlimited). */
  constructor(
    private readonly limits: ReadonlyMap<string, number>,
    runs: readonly RunProjection[],
    private readonly defaultLimit: number | null = null,
    private readonly granularity: PoolGranularity = 'task',
  ) {
    this.inUse = poolSlotsInUse(runs, granularity);
    if (granularity === 'run') for (const run of runs) if (runHoldsPoolSlots(run)) this.holding.add(run.runId);
  }

  /** Why a slot of `pool` cannot be taken now (`pool db: 2/2 in use`); undefined when one is free. */
  wait(pool: string | undefined): string | undefined {
    if (pool === undefined) return undefined;
    const limit = this.limits.get(pool) ?? this.defaultLimit;
    const used = this.inUse.get(pool) ?? 0;
    return limit !== null && used >= limit ? describePoolWait(pool, used, limit) : undefined;
  }

  /**
   * Why a ready task of `run` may not start now: its pool is full (`task` granularity), or the run
   * holds no slots yet and one of its pools is full (`run`: the whole run waits).
   */
  taskWait(run: RunProjection, pool: string | undefined): string | undefined {
    if (this.granularity === 'task') return this.wait(pool);
    if (this.holding.has(run.runId)) return undefined;
    for (const p of runPools(run)) {
      const reason = this.wait(p);
      if (reason !== undefined) return reason;
    }
    return undefined;
  }

  /** Takes what a task of `run` starting now needs: its pool's slot, or with `run` granularity the run's slots once. */
  take(run: RunProjection, pool: string | undefined): void {
    const count = (p: string) => this.inUse.set(p, (this.inUse.get(p) ?? 0) + 1);
    if (this.granularity === 'task') {
      if (pool !== undefined) count(pool);
      return;
    }
    if (this.holding.has(run.runId)) return;
    this.holding.add(run.runId);
    runPools(run).forEach(count);
  }
}

function dispatchReady(decision: RunDecision, input: CoordinatorInput, slots: string[], pools: PoolSlots): void {
  if (decision.run.status !== 'STARTED') return;
  // The run's own limit (arco/max_concurrent_tasks): its other tasks wait, other runs take the slots.
  const limit = runMaxConcurrentTasks(decision.run.tags) ?? Number.POSITIVE_INFINITY;
  let executing = limit === Number.POSITIVE_INFINITY ? 0 : executingTasks(decision.run);
  for (const task of decision.run.tasks) {
    if (slots.length === 0 || executing >= limit) return;
    const due = task.status === 'READY' || (task.status === 'RETRY_WAIT' && task.retryAt !== null && Date.parse(task.retryAt) <= input.nowEpochMs);
    if (!due) continue;
    // A task whose pool is full waits; the tasks after it may still take the worker slot.
    if (pools.taskWait(decision.run, task.pool) !== undefined) continue;
    pools.take(decision.run, task.pool);
    executing += 1;
    const workerId = slots.shift() as string;
    const attempt = task.attempt + 1;
    const runId = decision.run.runId;
    decision.push(
      draft(
        'TaskDispatched',
        {
          runId,
          taskKey: task.taskKey,
          assetKey: task.assetKey,
          partitionKey: task.partitionKey,
          attempt,
          attemptId: `att_${input.ids.ulid(input.nowEpochMs)}`,
          workerId,
          deadlineAt: task.timeoutMs === null ? null : new Date(input.nowEpochMs + task.timeoutMs).toISOString(),
        },
        idempotencyKeys.taskDispatched(runId, task.taskKey, attempt),
        runId,
      ),
    );
  }
}

/** Cancels every task that holds no worker; running attempts are aborted by the runtime. */
export function cancelPending(decision: RunDecision, reason: string): void {
  const runId = decision.run.runId;
  for (const task of decision.run.tasks) {
    if (task.status === 'BLOCKED' || task.status === 'READY' || task.status === 'RETRY_WAIT') {
      decision.push(draft('TaskCanceled', { runId, taskKey: task.taskKey, reason }, idempotencyKeys.taskCanceled(runId, task.taskKey), runId));
    }
  }
}

