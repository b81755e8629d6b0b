/**
 * The schedule controller (pure, SEMANTICS §4). Each daemon iteration, for each schedule:
 * `dueScheduleTicks` says which ticks are owed (none unless RUNNING; never before `runningSince`,
 * never again after the last recorded tick; catch-up as `planCatchUp`); the shell runs the user's
 * `shouldExecute` and partition function for the ticks to evaluate; `decideScheduleTicks` turns
 * that into one ScheduleTicked per tick (SUCCESS with its run, SKIPPED with a reason, FAILURE with
 * the error) plus the RunRequested of each SUCCESS, to be appended in one batch.
 *
 * Exactly once: a tick's idempotency key is `sched_tick:{name}:{epochSeconds}` and its run's
 * `run:sched:{name}:{epochSeconds}`, appended together, so a tick decided twice (a repeated
 * iteration, two daemons, a restart after a crash) is dropped whole the second time.
 */
import { firstTickAtOrAfter, localIsoAt, tickSequence, type CronSchedule, type CronTick, type TickSequence } from '../domain/cron/index.js';
import { isArcoError, type ArcoError } from '../domain/errors/index.js';
import type { IdSource, Json } from '../domain/ids/index.js';
import {
  hasPartitionKey,
  partitionCount,
  partitionKeyAt,
  type PartitionsContext,
  type PartitionsDefinition,
} from '../domain/partitions/index.js';
import type { PlanningContext } from '../domain/runs/index.js';
import { planCatchUp } from '../domain/schedules/index.js';
import { draft, idempotencyKeys, type ErrorInfo, type EventDraft } from '../events/index.js';
import type { RunProjection, ScheduleStateRead } from '../fold/index.js';
import { decideRunRequest, fingerprintOf, type ResolvedRunRequest } from './run-requests.js';

/** A schedule as the controller needs it (resolved from its definition by the shell). */
export interface ScheduleSpec {
  readonly name: string;
  readonly cron: CronSchedule;
  readonly timezone: string;
  readonly assetKeys: readonly string[];
  readonly partition: 'none' | 'previous window' | 'function';
  /** The time-window partitions 'previous window' follows. */
  readonly partitionsDefinition: PartitionsDefinition | null;
  readonly tags: Readonly<Record<string, string>>;
  readonly config: Json;
  readonly maxCatchupTicks: number;
  readonly skipIfRunning: boolean;
}

export interface DueTicks {
  readonly evaluate: readonly CronTick[];
  readonly skippedForCatchUp: readonly CronTick[];
  /** The schedule's first tick after the latest owed one (when it is due next), or null when none is owed. */
  readonly nextTickMs: number | null;
}

const NOTHING_DUE: DueTicks = { evaluate: [], skippedForCatchUp: [], nextTickMs: null };

/** Fingerprints kept per schedule (by partition key) before the memo starts over. */
const FINGERPRINTS_PER_SCHEDULE_MAX = 16;

/** The first instant a schedule still owes a tick from, or null when it owes none (not running). */
export function tickFromMs(state: ScheduleStateRead | undefined): number | null {
  if (!state || state.status !== 'RUNNING' || state.runningSince === null) return null;
  const since = Date.parse(state.runningSince);
  return state.lastTick === null ? since : Math.max(since, (state.lastTick.epochSeconds + 1) * 1000);
}

/** Tick sequences per cron and timezone, built once: they carry the per-segment tick counts cron/ticks caches. */
const sequencesCache = new WeakMap<CronSchedule, Map<string, readonly TickSequence[]>>();

function sequencesOf(cron: CronSchedule, timezone: string): readonly TickSequence[] {
  let byZone = sequencesCache.get(cron);
  if (!byZone) sequencesCache.set(cron, (byZone = new Map()));
  let sequences = byZone.get(timezone);
  if (!sequences) byZone.set(timezone, (sequences = cron.expressions.map((expression) => tickSequence(expression, timezone))));
  return sequences;
}

/** The next tick at or after `fromMs`. */
export function nextTickAtOrAfter(cron: CronSchedule, timezone: string, fromMs: number): number {
  let next = Number.POSITIVE_INFINITY;
  for (const sequence of sequencesOf(cron, timezone)) next = Math.min(next, firstTickAtOrAfter(sequence, fromMs));
  return next;
}

/** Ticks owed at `nowEpochMs`: those to evaluate and those skipped for catch-up, oldest first. */
export function dueScheduleTicks(spec: ScheduleSpec, state: ScheduleStateRead | undefined, nowEpochMs: number): DueTicks {
  const fromMs = tickFromMs(state);
  if (fromMs === null || fromMs > nowEpochMs) return NOTHING_DUE;
  // The common cases, checked cheaply: no tick owed yet, or exactly one.
  const next = nextTickAtOrAfter(spec.cron, spec.timezone, fromMs);
  if (next > nowEpochMs) return NOTHING_DUE;
  const afterNext = nextTickAfter(spec, next);
  if (afterNext > nowEpochMs) {
    return {
      evaluate: [{ epochMs: next, epochSeconds: Math.floor(next / 1000), local: localIsoAt(spec.timezone, next) }],
      skippedForCatchUp: [],
      nextTickMs: afterNext,
    };
  }
  const evaluateMax = spec.partition === 'none' ? 1 : spec.maxCatchupTicks;
  const plan = planCatchUp(spec.cron, spec.timezone, fromMs, nowEpochMs, evaluateMax);
  // Evaluated ticks come after skipped ones.
  const latest = plan.evaluate[plan.evaluate.length - 1] ?? plan.skipped[plan.skipped.length - 1];
  return { evaluate: plan.evaluate, skippedForCatchUp: plan.skipped, nextTickMs: latest === undefined ? null : nextTickAfter(spec, latest.epochMs) };
}

/** The first tick after the one at `tickMs`: where `tickFromMs` points once that tick is recorded. */
function nextTickAfter(spec: ScheduleSpec, tickMs: number): number {
  return nextTickAtOrAfter(spec.cron, spec.timezone, (Math.floor(tickMs / 1000) + 1) * 1000);
}

/** What the user's functions said about one tick; the shell runs them behind the user-code boundary. */
export type TickUserOutcome =
  | { readonly kind: 'ok'; readonly shouldExecute: boolean; readonly partitionKey: string | null }
  | { readonly kind: 'error'; readonly error: ErrorInfo };

export interface ScheduleTickInput {
  readonly spec: ScheduleSpec;
  readonly state: ScheduleStateRead;
  readonly due: DueTicks;
  /** By tick epoch ms; a tick without an outcome is evaluated as `shouldExecute: true`, no partition. */
  readonly outcomes: ReadonlyMap<number, TickUserOutcome>;
  /** Runs of this schedule not yet finished (for `skipIfRunning`), oldest first. */
  readonly runsInProgress: readonly RunInProgress[];
  /** Runs already holding a tick's run key, by run key. */
  readonly holders: ReadonlyMap<string, RunProjection>;
  readonly planning: PlanningContext;
  readonly ids: IdSource;
  readonly nowEpochMs: number;
}

export interface RunInProgress {
  readonly runId: string;
  readonly status: string;
}

export interface TickDecision {
  readonly epochSeconds: number;
  readonly status: 'SUCCESS' | 'SKIPPED' | 'FAILURE';
  readonly runId: string | null;
}

/** The run key of a tick (SEMANTICS §2). */
export const scheduleRunKey = (scheduleName: string, epochSeconds: number): string => `sched:${scheduleName}:${epochSeconds}`;

export function catchUpSkipReason(spec: ScheduleSpec): string {
  return spec.partition === 'none'
    ? 'skipped for catch-up: a schedule without partitions evaluates only the latest missed tick'
    : `skipped for catch-up: at most ${spec.maxCatchupTicks} missed ticks (maxCatchupTicks) are evaluated`;
}

export function errorInfoOf(error: ArcoError): ErrorInfo {
  return { code: error.code, message: error.message, errorClass: 'ArcoError', stack: null, retryable: error.retryable };
}

interface TickResult {
  readonly status: TickDecision['status'];
  readonly skipReason?: string;
  readonly error?: ErrorInfo;
  readonly run?: { readonly runId: string; readonly drafts: readonly EventDraft[]; readonly existing: boolean };
  readonly partitionKey?: string | null;
  readonly extra?: readonly EventDraft[];
}

/** The last partition of a time-window definition that exists at the tick: the window that just closed. */
function previousWindowKey(definition: PartitionsDefinition, tickMs: number, partitions: PartitionsContext): string | null {
  const ctx = { nowEpochMs: tickMs, dynamicKeys: partitions.dynamicKeys };
  const count = partitionCount(definition, ctx);
  return count === 0 ? null : partitionKeyAt(definition, count - 1, ctx);
}

function partitionOf(input: ScheduleTickInput, tick: CronTick, outcome: TickUserOutcome & { kind: 'ok' }): { key: string | null } | { skip: string } {
  const { spec, planning } = input;
  if (spec.partition === 'none') return { key: null };
  if (spec.partition === 'previous window') {
    const key = spec.partitionsDefinition === null ? null : previousWindowKey(spec.partitionsDefinition, tick.epochMs, planning.partitions);
    return key === null ? { skip: 'partition missing: no partition window has closed by this tick' } : { key };
  }
  const key = outcome.partitionKey;
  if (key === null) return { skip: 'partition missing: the partition function returned no partition' };
  for (const assetKey of spec.assetKeys) {
    const definition = planning.partitionsOf(assetKey);
    if (definition !== null && !hasPartitionKey(definition, key, planning.partitions)) {
      return { skip: `partition missing: "${key}" is not a partition of ${assetKey}` };
    }
  }
  return { key };
}

/**
 * Fingerprints of a schedule's run requests by partition key (`''` for none). Everything else the
 * fingerprint covers (assets, config, user tags) is the schedule's own and fixed, and the system
 * tags that differ per tick are left out of it (SEMANTICS §2).
 */
const fingerprints = new WeakMap<ScheduleSpec, Map<string, string>>();

function scheduleFingerprint(spec: ScheduleSpec, partitionKey: string | null, request: ResolvedRunRequest): string {
  let bySpec = fingerprints.get(spec);
  if (!bySpec) fingerprints.set(spec, (bySpec = new Map()));
  const key = partitionKey ?? '';
  let fingerprint = bySpec.get(key);
  if (fingerprint === undefined) {
    fingerprint = fingerprintOf(request);
    // Partition functions may return a new key each tick; only the unpartitioned and the latest few stay.
    if (bySpec.size >= FINGERPRINTS_PER_SCHEDULE_MAX) bySpec.clear();
    bySpec.set(key, fingerprint);
  }
  return fingerprint;
}

function evaluateTick(input: ScheduleTickInput, tick: CronTick, inProgress: readonly RunInProgress[]): TickResult {
  const { spec } = input;
  const running = spec.skipIfRunning ? inProgress[0] : undefined;
  if (running) return { status: 'SKIPPED', skipReason: `skipIfRunning: run ${running.runId} of this schedule is still in progress (${running.status})` };
  const outcome = input.outcomes.get(tick.epochMs) ?? { kind: 'ok', shouldExecute: true, partitionKey: null };
  if (outcome.kind === 'error') return { status: 'FAILURE', error: outcome.error };
  if (!outcome.shouldExecute) return { status: 'SKIPPED', skipReason: 'shouldExecute returned false' };
  const partition = partitionOf(input, tick, outcome);
  if ('skip' in partition) return { status: 'SKIPPED', skipReason: partition.skip };
  const runKey = scheduleRunKey(spec.name, tick.epochSeconds);
  const request: ResolvedRunRequest = {
    assetKeys: spec.assetKeys,
    includeUpstream: false,
    includeDownstream: false,
    partition: partition.key === null ? null : { kind: 'explicit', keys: [partition.key] },
    runKey,
    tags: spec.tags,
    // As Dagster: the tick's instant in UTC ISO-8601 (`2026-01-01T18:00:00+00:00`), whatever the
    // schedule's timezone; the local time stays in the trigger detail.
    systemTags: { 'arco/schedule_name': spec.name, 'arco/scheduled_execution_time': localIsoAt('UTC', tick.epochMs) },
    config: spec.config,
    trigger: { kind: 'schedule', detail: { scheduleName: spec.name, tickEpochSeconds: String(tick.epochSeconds), tickLocal: tick.local } },
    parentRunId: null,
    rootRunId: null,
  };
  try {
    const fingerprint = scheduleFingerprint(spec, partition.key, request);
    const decision = decideRunRequest(request, input.holders.get(runKey), input.planning, input.ids, input.nowEpochMs, fingerprint);
    if (decision.kind === 'conflict') return { status: 'FAILURE', error: errorInfoOf(decision.error), extra: decision.drafts, partitionKey: partition.key };
    if (decision.kind === 'existing') return { status: 'SUCCESS', run: { runId: decision.run.runId, drafts: [], existing: true }, partitionKey: partition.key };
    return { status: 'SUCCESS', run: { runId: decision.runId, drafts: decision.drafts, existing: false }, partitionKey: partition.key };
  } catch (error) {
    if (!isArcoError(error)) throw error;
    return { status: 'FAILURE', error: errorInfoOf(error), partitionKey: partition.key };
  }
}

function tickDraft(input: ScheduleTickInput, tick: CronTick, result: TickResult): EventDraft {
  const runId = result.run?.runId ?? null;
  return draft(
    'ScheduleTicked',
    {
      scheduleName: input.spec.name,
      tickEpochSeconds: tick.epochSeconds,
      tickLocal: tick.local,
      definitionVersion: Math.max(1, input.state.definitionVersion),
      status: result.status,
      skipReason: result.skipReason ?? null,
      error: result.error ?? null,
      runKey: runId === null ? null : scheduleRunKey(input.spec.name, tick.epochSeconds),
      runId,
      partitionKey: result.partitionKey ?? null,
    },
    idempotencyKeys.scheduleTicked(input.spec.name, tick.epochSeconds),
    runId,
  );
}

/** The batch for one schedule's due ticks: skipped-for-catch-up ticks, then each evaluated tick with its run. */
export function decideScheduleTicks(input: ScheduleTickInput): { drafts: EventDraft[]; ticks: TickDecision[] } {
  const drafts: EventDraft[] = [];
  const ticks: TickDecision[] = [];
  const reason = catchUpSkipReason(input.spec);
  for (const tick of input.due.skippedForCatchUp) {
    drafts.push(tickDraft(input, tick, { status: 'SKIPPED', skipReason: reason }));
    ticks.push({ epochSeconds: tick.epochSeconds, status: 'SKIPPED', runId: null });
  }
  const inProgress: RunInProgress[] = [...input.runsInProgress];
  for (const tick of input.due.evaluate) {
    const result = evaluateTick(input, tick, inProgress);
    drafts.push(tickDraft(input, tick, result), ...(result.run?.drafts ?? []), ...(result.extra ?? []));
    ticks.push({ epochSeconds: tick.epochSeconds, status: result.status, runId: result.run?.runId ?? null });
    // A catch-up tick's run is in progress for the ticks after it (skipIfRunning).
    if (result.run && !result.run.existing) inProgress.push({ runId: result.run.runId, status: 'QUEUED' });
  }
  return { drafts, ticks };
}
