/**
 * The sensor controller (pure, SEMANTICS §5).
 *
 * When: a running poll sensor is due once `minimumIntervalSeconds` have passed since its last
 * evaluation started, or after a failure streak `min(interval · 2^(failures−1), 1 h)`. There is no
 * catch-up: a sensor overdue for an hour is evaluated once.
 *
 * What: `decideSensorEvaluation` turns what the sensor function returned (or threw) into one batch:
 * dynamic-partition changes first, then the runs requested, then the SensorEvaluated record.
 * SUCCESS needs at least one new run; otherwise SKIPPED. FAILURE records the error and changes
 * nothing else (the cursor stays). Run keys are namespaced `sensor:{name}:{key}` and dedupe
 * forever, whatever the earlier run's status; repeats within one evaluation collapse to the first.
 *
 * Compare-and-swap: a poll evaluation is appended on the condition that the sensor's
 * `stateVersion` is still the one it read (`expect`); if not, the shell appends `stale` instead,
 * which records the evaluation as STALE and discards its runs and cursor. Push evaluations are
 * keyed by message id (a redelivery is a duplicate) and their keyless run requests get keys
 * derived from the message, so a message never launches a run twice.
 */
import { checkCallerTags, decideRunRequest, type ResolvedRunRequest } from './run-requests.js';
import { checkDynamicPartitionKeys, decideDynamicPartitionsChange, keysAfterChanges } from './dynamic-partitions.js';
import { errorInfoOf } from './schedules.js';
import { arcoError, isArcoError } from '../domain/errors/index.js';
import { sha256Hex, type IdSource, type Json } from '../domain/ids/index.js';
import type { PlanningContext } from '../domain/runs/index.js';
import { draft, idempotencyKeys, type ErrorInfo, type EventDraft, type PayloadOf } from '../events/index.js';
import type { RunProjection, SensorState } from '../fold/index.js';
import type { VersionExpectationDraft } from './automation-state.js';

/** Failure backoff never waits longer than this between evaluations. */
export const SENSOR_BACKOFF_SECONDS_MAX = 3_600;

/** Seconds to wait after an evaluation: the interval, or the failure backoff. */
export function sensorDelaySeconds(minimumIntervalSeconds: number, consecutiveFailures: number): number {
  if (consecutiveFailures === 0) return minimumIntervalSeconds;
  return Math.min(minimumIntervalSeconds * 2 ** (consecutiveFailures - 1), SENSOR_BACKOFF_SECONDS_MAX);
}

/** When a poll sensor is due (epoch ms; 0 when never evaluated), or null when it is not evaluated by the daemon. */
export function sensorDueAtMs(state: SensorState): number | null {
  if (state.status !== 'RUNNING' || state.definition.kind === 'push') return null;
  if (state.lastEvaluationAt === null) return 0;
  return Date.parse(state.lastEvaluationAt) + sensorDelaySeconds(state.definition.minimumIntervalSeconds, state.consecutiveFailures) * 1000;
}

/** A run request as validated by the shell; `assetKeys` null means the sensor's target. */
export interface SensorRunRequestSpec {
  readonly runKey: string | null;
  readonly partitionKey: string | null;
  readonly tags: Readonly<Record<string, string>>;
  readonly config: Json;
  readonly assetKeys: readonly string[] | null;
}

export interface SensorResultSpec {
  readonly runRequests: readonly SensorRunRequestSpec[];
  /** undefined keeps the cursor. */
  readonly cursor: string | null | undefined;
  readonly skipReason: string | null;
  /** `name` null: the one dynamic partitions set of the target. */
  readonly dynamicPartitions: readonly { readonly name: string | null; readonly add: readonly string[]; readonly remove: readonly string[] }[];
}

export type SensorOutcomeSpec = { readonly kind: 'ok'; readonly result: SensorResultSpec } | { readonly kind: 'error'; readonly error: ErrorInfo };

export interface SensorEvaluationInput {
  readonly sensorName: string;
  /** The sensor's target (default run target). */
  readonly assetKeys: readonly string[];
  readonly mode: 'poll' | 'push';
  readonly messageId: string | null;
  /** The state read before the evaluation started. */
  readonly state: SensorState;
  readonly startedAtMs: number;
  readonly durationMs: number;
  readonly outcome: SensorOutcomeSpec;
  readonly logs: PayloadOf<'SensorEvaluated'>['logs'];
  /** Runs already holding a request's namespaced run key. */
  readonly holders: ReadonlyMap<string, RunProjection>;
  /** Every dynamic partitions set the definitions use, and those the target uses. */
  readonly dynamicSets: { readonly known: readonly string[]; readonly ofTarget: readonly string[] };
  readonly planning: PlanningContext;
  readonly ids: IdSource;
  readonly nowEpochMs: number;
}

export interface SensorEvaluationDecision {
  readonly status: 'SUCCESS' | 'SKIPPED' | 'FAILURE';
  readonly drafts: readonly EventDraft[];
  /** Poll: the condition of the append. */
  readonly expect: VersionExpectationDraft | null;
  /** Poll: what to append instead when the condition fails. */
  readonly stale: EventDraft | null;
}

/** The run key a request reserves (SEMANTICS §2); push requests without a key are keyed by their message. */
export function sensorRunKey(sensorName: string, runKey: string | null, messageId: string | null, index: number): string | null {
  if (runKey !== null) return `sensor:${sensorName}:${runKey}`;
  return messageId === null ? null : `sensor:${sensorName}:msg:${messageId}:${index}`;
}

/** The namespaced run keys an evaluation's requests reserve (what the shell looks holders up by). */
export function sensorRunKeys(input: Pick<SensorEvaluationInput, 'sensorName' | 'messageId'>, requests: readonly SensorRunRequestSpec[]): string[] {
  return requests.flatMap((r, i) => {
    const key = sensorRunKey(input.sensorName, r.runKey, input.messageId, i);
    return key === null ? [] : [key];
  });
}

export function sensorEvaluationKey(input: Pick<SensorEvaluationInput, 'sensorName' | 'mode' | 'messageId' | 'state' | 'startedAtMs'>): string {
  return input.mode === 'push'
    ? idempotencyKeys.sensorPushEvaluated(input.sensorName, input.messageId ?? '')
    : idempotencyKeys.sensorPollEvaluated(input.sensorName, Math.floor(input.startedAtMs / 1000), input.state.cursor);
}

type Evaluated = Omit<PayloadOf<'SensorEvaluated'>, 'sensorName' | 'mode' | 'pollEpochSeconds' | 'messageId' | 'definitionVersion' | 'expectedStateVersion' | 'cursorBefore' | 'startedAt' | 'durationMs' | 'logs'>;

function evaluatedDraft(input: SensorEvaluationInput, body: Evaluated): EventDraft {
  return draft(
    'SensorEvaluated',
    {
      sensorName: input.sensorName,
      mode: input.mode,
      pollEpochSeconds: input.mode === 'poll' ? Math.floor(input.startedAtMs / 1000) : null,
      messageId: input.messageId,
      definitionVersion: Math.max(1, input.state.definitionVersion),
      expectedStateVersion: input.mode === 'poll' ? input.state.stateVersion : null,
      cursorBefore: input.state.cursor,
      startedAt: new Date(input.startedAtMs).toISOString(),
      durationMs: Math.max(0, Math.round(input.durationMs)),
      logs: input.logs,
      ...body,
    },
    sensorEvaluationKey(input),
    null,
  );
}

function failure(input: SensorEvaluationInput, error: ErrorInfo): SensorEvaluationDecision {
  const record = evaluatedDraft(input, { status: 'FAILURE', cursorAfter: input.state.cursor, skipReason: null, error, runs: [], dynamicPartitions: [] });
  return decision(input, 'FAILURE', [record]);
}

function decision(input: SensorEvaluationInput, status: SensorEvaluationDecision['status'], drafts: EventDraft[]): SensorEvaluationDecision {
  if (input.mode === 'push') return { status, drafts, expect: null, stale: null };
  const stale = evaluatedDraft(input, {
    status: 'STALE',
    cursorAfter: input.state.cursor,
    skipReason: `the sensor's state changed during the evaluation (it read state version ${input.state.stateVersion}); runs and cursor discarded`,
    error: null,
    runs: [],
    dynamicPartitions: [],
  });
  return { status, drafts, expect: { table: 'sensor_states', id: input.sensorName, version: input.state.stateVersion }, stale };
}

/** Dynamic partition changes, names resolved; throws the ArcoError that fails the evaluation. */
function dynamicChanges(input: SensorEvaluationInput, result: SensorResultSpec): { name: string; op: 'add' | 'remove'; keys: string[] }[] {
  const changes: { name: string; op: 'add' | 'remove'; keys: string[] }[] = [];
  for (const request of result.dynamicPartitions) {
    let name = request.name;
    if (name === null) {
      if (input.dynamicSets.ofTarget.length !== 1) {
        throw arcoError('INVALID_EVALUATION_RESULT', `dynamicPartitions must name the set: the target uses ${input.dynamicSets.ofTarget.length} dynamic partitions sets`, { field: 'dynamicPartitions.name' });
      }
      name = input.dynamicSets.ofTarget[0] as string;
    }
    if (!input.dynamicSets.known.includes(name)) {
      throw arcoError('UNKNOWN_DYNAMIC_PARTITIONS', `no asset uses a dynamic partitions set named "${name}"`, { name });
    }
    checkDynamicPartitionKeys(name, [...request.add, ...request.remove]);
    if (request.add.length > 0) changes.push({ name, op: 'add', keys: [...request.add] });
    if (request.remove.length > 0) changes.push({ name, op: 'remove', keys: [...request.remove] });
  }
  return changes;
}

function evaluateResult(input: SensorEvaluationInput, result: SensorResultSpec): SensorEvaluationDecision {
  const requestId = sha256Hex(sensorEvaluationKey(input)).slice(0, 32);
  const changes = dynamicChanges(input, result);
  const changeDrafts: EventDraft[] = [];
  const touched = new Set(changes.map((c) => c.name));
  const keysNow = new Map<string, string[]>();
  for (const name of touched) {
    const current = [...input.planning.partitions.dynamicKeys(name)];
    const drafts = changes
      .filter((c) => c.name === name)
      .flatMap((c) => decideDynamicPartitionsChange({ name, op: c.op, keys: c.keys, requestId }, keysAfterChanges(name, current, changeDrafts)));
    changeDrafts.push(...drafts);
    keysNow.set(name, keysAfterChanges(name, current, changeDrafts));
  }
  // Run requests are planned against the sets as this evaluation leaves them.
  const planning: PlanningContext = {
    ...input.planning,
    partitions: { ...input.planning.partitions, dynamicKeys: (name) => keysNow.get(name) ?? input.planning.partitions.dynamicKeys(name) },
  };
  const runDrafts: EventDraft[] = [];
  const runs: PayloadOf<'SensorEvaluated'>['runs'] = [];
  const seen = new Set<string>();
  result.runRequests.forEach((request, index) => {
    if (request.runKey !== null && seen.has(request.runKey)) return;
    if (request.runKey !== null) seen.add(request.runKey);
    checkCallerTags(request.tags);
    const assetKeys = request.assetKeys ?? input.assetKeys;
    if (assetKeys.length === 0) {
      throw arcoError('INVALID_EVALUATION_RESULT', 'a run request has no target: give the sensor a target or the request one', { field: `runRequests.${index}.target` });
    }
    const runKey = sensorRunKey(input.sensorName, request.runKey, input.messageId, index);
    const holder = runKey === null ? undefined : input.holders.get(runKey);
    if (holder) {
      runs.push({ runKey, runId: holder.runId, existing: true, partitionKey: request.partitionKey });
      return;
    }
    const resolved: ResolvedRunRequest = {
      assetKeys,
      includeUpstream: false,
      includeDownstream: false,
      partition: request.partitionKey === null ? null : { kind: 'explicit', keys: [request.partitionKey] },
      runKey,
      tags: request.tags,
      systemTags: { 'arco/sensor_name': input.sensorName },
      config: request.config,
      trigger: { kind: 'sensor', detail: { sensorName: input.sensorName, evaluation: sensorEvaluationKey(input) } },
      parentRunId: null,
      rootRunId: null,
    };
    const decided = decideRunRequest(resolved, undefined, planning, input.ids, input.nowEpochMs);
    if (decided.kind !== 'new') throw arcoError('INTERNAL_ERROR', 'a run request without a holder must be new', { runKey });
    runDrafts.push(...decided.drafts);
    runs.push({ runKey, runId: decided.runId, existing: false, partitionKey: request.partitionKey });
  });
  const created = runs.filter((r) => !r.existing).length;
  const status = created > 0 ? 'SUCCESS' : 'SKIPPED';
  const deduped = runs.filter((r) => r.existing).map((r) => r.runKey);
  const skipReason =
    status === 'SUCCESS' ? null : (result.skipReason ?? (deduped.length > 0 ? `every run request was already made (run keys: ${deduped.join(', ')})` : null));
  const record = evaluatedDraft(input, {
    status,
    cursorAfter: result.cursor === undefined ? input.state.cursor : result.cursor,
    skipReason,
    error: null,
    runs,
    dynamicPartitions: changes,
  });
  return decision(input, status, [...changeDrafts, ...runDrafts, record]);
}

export function decideSensorEvaluation(input: SensorEvaluationInput): SensorEvaluationDecision {
  if (input.outcome.kind === 'error') return failure(input, input.outcome.error);
  try {
    return evaluateResult(input, input.outcome.result);
  } catch (error) {
    if (!isArcoError(error)) throw error;
    return failure(input, errorInfoOf(error));
  }
}
