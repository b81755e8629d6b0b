/**
 * The schedule passes of a daemon: find the ticks owed, run the user's functions for the ticks to
 * evaluate (behind the user-code boundary), decide, and append. A tick and its run always travel
 * in one batch; batches hold many schedules' ticks, so ten thousand schedules ticking at once
 * cost a few transactions, not ten thousand.
 *
 * Between ticks a pass costs one small query: the runner keeps every schedule's state and next
 * due time in memory, reloads them when any schedule's definition or status changed (the store's
 * signature), and otherwise skips the pass until the earliest next due time. The cache only saves
 * work: if another daemon ticked meanwhile, deciding a tick again appends nothing (the idempotency
 * gate), and it is reloaded at least every `CACHE_REFRESH_MS` regardless.
 */
import {
  decideScheduleTicks,
  dueScheduleTicks,
  nextTickAtOrAfter,
  scheduleRunKey,
  tickFromMs,
  type DueTicks,
  type RunInProgress,
  type TickUserOutcome,
} from '../../controllers/index.js';
import type { CronTick } from '../../domain/cron/index.js';
import { arcoError, type ArcoError } from '../../domain/errors/index.js';
import type { PlanningContext } from '../../domain/runs/index.js';
import type { EventDraft } from '../../events/index.js';
import type { RunProjection, ScheduleStateRead } from '../../fold/index.js';
import { commit, type RuntimeContext } from '../context.js';
import { partitionsContextAt } from '../partitions-context.js';
import { automationEntries, type ScheduleEntry } from './specs.js';
import { runUserCode } from './user-code.js';

/**
 * Events per append. Large, because a transaction writes every page it touched once, and ticks
 * of many schedules touch the same index pages (the idempotency keys, the run keys, the tick
 * history by schedule): after nine minutes of history, ten thousand ticks in two transactions
 * wrote 6.8k pages where ten transactions wrote 7.9k. Small enough that the write lock is held for
 * a few hundred milliseconds at most.
 */
const APPEND_BATCH_MAX = 10_000;
/**
 * The cached states are read again at least this often (in the daemon's time). The signature
 * already catches every definition or status change; the timed reload only picks up ticks other
 * daemons appended, which deciding again would drop as duplicates anyway, so it can be rare: with
 * ten thousand schedules a reload costs a few hundred milliseconds.
 */
const CACHE_REFRESH_MS = 10 * 60_000;

/** Named points where tests stop the process to prove exactly-once across a crash. */
export type CrashPoint = 'schedule:decided' | 'schedule:appended' | 'sensor:decided' | 'sensor:appended' | 'automation:decided' | 'automation:appended';
export type CrashHook = (point: CrashPoint) => void | Promise<void>;

interface Owed {
  readonly entry: ScheduleEntry;
  readonly state: ScheduleStateRead;
  readonly due: DueTicks;
}

interface Cache {
  readonly signature: string;
  readonly loadedAtMs: number;
  readonly states: Map<string, ScheduleStateRead>;
  /** Per schedule, the instant its next tick is owed (Infinity: never, e.g. stopped). */
  readonly dueAtMs: Map<string, number>;
}

/**
 * A schedule function returned something other than its documented result: a definition bug, so
 * not retryable (as sensors' INVALID_EVALUATION_RESULT), and the tick fails naming the function.
 */
function invalidResult(field: 'shouldExecute' | 'partition', reason: string): ArcoError {
  return arcoError('INVALID_EVALUATION_RESULT', `the schedule returned an invalid result: ${field} ${reason}`, { field, reason });
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return value === '' ? 'an empty string' : `the string ${JSON.stringify(value.slice(0, 40))}`;
  return typeof value;
}

/** Runs `shouldExecute` and the partition function of one tick. @throws INVALID_EVALUATION_RESULT inside the boundary. */
async function userOutcome(entry: ScheduleEntry, tick: CronTick): Promise<TickUserOutcome> {
  const s = entry.definition;
  if (s.shouldExecute === null && s.partitionFn === null) return { kind: 'ok', shouldExecute: true, partitionKey: null };
  const evaluation = { scheduleName: s.name, scheduledExecutionTime: tick.local, scheduledEpochMs: tick.epochMs, timezone: s.timezone };
  const outcome = await runUserCode(`schedule "${s.name}"`, s.timeoutMs, async () => {
    const shouldExecute = s.shouldExecute === null ? true : await s.shouldExecute(evaluation);
    if (typeof shouldExecute !== 'boolean') throw invalidResult('shouldExecute', `must return a boolean, got ${describeValue(shouldExecute)}`);
    if (!shouldExecute || s.partitionFn === null) return { shouldExecute, partitionKey: null };
    const partitionKey = await s.partitionFn(evaluation);
    if (partitionKey !== null && (typeof partitionKey !== 'string' || partitionKey === '')) {
      throw invalidResult('partition', `must return a partition key or null, got ${describeValue(partitionKey)}`);
    }
    return { shouldExecute, partitionKey };
  }).result;
  return outcome.ok ? { kind: 'ok', ...outcome.value } : { kind: 'error', error: outcome.error };
}

function inProgressBySchedule(runs: readonly RunProjection[]): Map<string, RunInProgress[]> {
  const out = new Map<string, RunInProgress[]>();
  for (const run of runs) {
    const name = run.tags['arco/schedule_name'];
    if (name === undefined) continue;
    const list = out.get(name) ?? [];
    list.push({ runId: run.runId, status: run.status });
    out.set(name, list);
  }
  return out;
}

export class ScheduleRunner {
  private cache: Cache | undefined;

  constructor(
    private readonly ctx: RuntimeContext,
    private readonly crash?: CrashHook,
  ) {}

  /** Ticks every schedule owes at `nowEpochMs`. Returns how many ticks were decided. */
  async tick(nowEpochMs: number): Promise<number> {
    const entries = automationEntries(this.ctx.definitions).schedules;
    if (entries.size === 0) return 0;
    const cache = await this.current(nowEpochMs);
    let earliest = Number.POSITIVE_INFINITY;
    for (const dueAt of cache.dueAtMs.values()) earliest = Math.min(earliest, dueAt);
    if (earliest > nowEpochMs) return 0;
    const owed: Owed[] = [];
    for (const [name, dueAt] of cache.dueAtMs) {
      const entry = entries.get(name);
      const state = cache.states.get(name);
      if (dueAt > nowEpochMs || !entry || !state) continue;
      const due = dueScheduleTicks(entry.spec, state, nowEpochMs);
      if (due.evaluate.length + due.skippedForCatchUp.length > 0) owed.push({ entry, state, due });
    }
    try {
      const ticks = await this.decideAndAppend(owed, nowEpochMs);
      for (const { state, due } of owed) this.advance(cache, state, due);
      return ticks;
    } catch (error) {
      this.cache = undefined;
      throw error;
    }
  }

  private async current(nowEpochMs: number): Promise<Cache> {
    const signature = await this.ctx.store.automation.scheduleStatesSignature();
    const cached = this.cache;
    if (cached && cached.signature === signature && nowEpochMs - cached.loadedAtMs < CACHE_REFRESH_MS && nowEpochMs >= cached.loadedAtMs) return cached;
    const entries = automationEntries(this.ctx.definitions).schedules;
    const cache: Cache = { signature, loadedAtMs: nowEpochMs, states: new Map(), dueAtMs: new Map() };
    for (const state of await this.ctx.store.automation.listScheduleStates()) {
      const entry = entries.get(state.scheduleName);
      if (!entry) continue;
      cache.states.set(state.scheduleName, state);
      cache.dueAtMs.set(state.scheduleName, this.dueAt(entry, state));
    }
    this.cache = cache;
    return cache;
  }

  private dueAt(entry: ScheduleEntry, state: ScheduleStateRead): number {
    const fromMs = tickFromMs(state);
    return fromMs === null ? Number.POSITIVE_INFINITY : nextTickAtOrAfter(entry.spec.cron, entry.spec.timezone, fromMs);
  }

  /** After a pass, the schedule's latest tick is the latest it decided (only its time matters to the runner). */
  private advance(cache: Cache, state: ScheduleStateRead, due: DueTicks): void {
    // Ticks are oldest first and evaluated ones come after skipped ones.
    const latest = due.evaluate[due.evaluate.length - 1] ?? due.skippedForCatchUp[due.skippedForCatchUp.length - 1];
    if (!latest || due.nextTickMs === null) return;
    const next: ScheduleStateRead = { ...state, lastTick: { epochSeconds: latest.epochSeconds, local: latest.local, status: 'SUCCESS', runId: null } };
    cache.states.set(state.scheduleName, next);
    cache.dueAtMs.set(state.scheduleName, due.nextTickMs);
  }

  private async decideAndAppend(owed: readonly Owed[], nowEpochMs: number): Promise<number> {
    if (owed.length === 0) return 0;
    const ctx = this.ctx;
    const inProgress = owed.some((o) => o.entry.spec.skipIfRunning) ? inProgressBySchedule(await ctx.store.runs.listActiveRuns()) : new Map<string, RunInProgress[]>();
    const planning: PlanningContext = { ...ctx.definitions, partitions: await partitionsContextAt(ctx, nowEpochMs) };
    // Runs already holding a tick's run key: rare (a tick decided twice is dropped whole), so one query for all.
    const runKeys = owed.flatMap((o) => o.due.evaluate.map((tick) => scheduleRunKey(o.entry.spec.name, tick.epochSeconds)));
    const holders = new Map<string, RunProjection>();
    for (const run of await ctx.store.automation.listRunsByKeys(runKeys)) if (run.runKey !== null) holders.set(run.runKey, run);
    let batch: EventDraft[] = [];
    let ticks = 0;
    const flush = async () => {
      if (batch.length === 0) return;
      await this.crash?.('schedule:decided');
      await commit(ctx, batch, nowEpochMs);
      await this.crash?.('schedule:appended');
      batch = [];
    };
    const noUserCode = new Map<number, TickUserOutcome>();
    for (const { entry, state, due } of owed) {
      const s = entry.definition;
      // Without user functions every tick runs as is (the default outcome): nothing to await.
      const outcomes = s.shouldExecute === null && s.partitionFn === null ? noUserCode : new Map<number, TickUserOutcome>();
      if (outcomes !== noUserCode) for (const tick of due.evaluate) outcomes.set(tick.epochMs, await userOutcome(entry, tick));
      const decided = decideScheduleTicks({
        spec: entry.spec,
        state,
        due,
        outcomes,
        runsInProgress: inProgress.get(entry.spec.name) ?? [],
        holders,
        planning,
        ids: ctx.ids,
        nowEpochMs,
      });
      ticks += decided.ticks.length;
      batch.push(...decided.drafts);
      if (batch.length >= APPEND_BATCH_MAX) await flush();
    }
    await flush();
    return ticks;
  }
}
