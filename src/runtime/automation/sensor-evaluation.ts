/**
 * One sensor evaluation, end to end: call the sensor's function behind the user-code boundary
 * (with its kind's events: new materializations, finished runs, a pushed message), check what it
 * returned, decide, and append. A poll evaluation is appended on the condition that the sensor's
 * state version is still the one read; if another evaluation or an operator got there first, it
 * is recorded as STALE instead.
 */
import type { FailedTask, MaterializationRecord, RunFailure, RunStatusRecord, SensorContext, SensorLogger } from '../../authoring/index.js';
import { decideSensorEvaluation, sensorEvaluationKey, sensorRunKeys, type SensorOutcomeSpec } from '../../controllers/index.js';
import { arcoError, isArcoError } from '../../domain/errors/index.js';
import type { Json } from '../../domain/ids/index.js';
import type { PartitionsDefinition } from '../../domain/partitions/index.js';
import type { PayloadOf } from '../../events/index.js';
import type { RunProjection, SensorState } from '../../fold/index.js';
import { commit, type RuntimeContext } from '../context.js';
import { partitionsContextAt } from '../partitions-context.js';
import type { CrashHook } from './schedule-runner.js';
import { checkRawResult, mergeSensorResults, parseSensorResult, type RawSensorResult } from './sensor-result.js';
import { materializationRecord, sensorInstance } from './sensor-instance.js';
import type { SensorEntry } from './specs.js';
import { runUserCode } from './user-code.js';

/** Lines of `ctx.log` kept per evaluation, and characters per line. */
const LOG_LINES_MAX = 100;
const LOG_LINE_CHARS_MAX = 2_000;
/** Materializations an asset sensor handles per evaluation; the rest wait for the next one. */
export const ASSET_EVENTS_PER_EVALUATION_MAX = 100;
/** Finished runs a run-status sensor handles per evaluation, and ledger events it scans for them. */
export const RUN_EVENTS_PER_EVALUATION_MAX = 100;
export const RUN_EVENTS_SCAN_MAX = 50_000;

export interface EvaluationRequest {
  readonly entry: SensorEntry;
  /** The sensor's state read before the evaluation (cursor, state version). */
  readonly state: SensorState;
  readonly startedAtMs: number;
  readonly message?: { readonly messageId: string; readonly payload: Json };
}

export interface EvaluationReport {
  readonly status: 'SUCCESS' | 'SKIPPED' | 'FAILURE' | 'STALE';
  /** The evaluation's idempotency key was already in the ledger: nothing was appended. */
  readonly duplicate: boolean;
  readonly key: string;
  /** Settles when the sensor function itself settled (it may outlive a timeout). */
  readonly userCodeDone: Promise<void>;
}

export type Logs = PayloadOf<'SensorEvaluated'>['logs'];

/** A `ctx.log` that keeps its lines in `lines`, bounded. */
export function logger(lines: Logs): SensorLogger {
  const add = (level: Logs[number]['level']) => (message: string) => {
    if (lines.length < LOG_LINES_MAX) lines.push({ level, message: String(message).slice(0, LOG_LINE_CHARS_MAX) });
  };
  return { debug: add('debug'), info: add('info'), warn: add('warn'), error: add('error') };
}

/** A cursor that must be a ledger sequence (asset and run-status sensors). */
function sequenceCursor(sensor: string, cursor: string | null): number | null {
  if (cursor === null) return null;
  const value = Number(cursor);
  if (!Number.isSafeInteger(value) || value < 0) {
    throw arcoError('VALIDATION_ERROR', `sensor "${sensor}" keeps a ledger sequence as its cursor, found "${cursor}"; reset it`, { sensor, cursor });
  }
  return value;
}

async function assetSensor(ctx: RuntimeContext, entry: SensorEntry, cursor: string | null, sensorCtx: SensorContext): Promise<RawSensorResult> {
  const s = entry.definition;
  if (s.kind !== 'asset') throw arcoError('INTERNAL_ERROR', 'not an asset sensor', {});
  const after = sequenceCursor(s.name, cursor);
  // A new asset sensor starts from the latest materialization, as Dagster's does: history is not replayed.
  const found =
    after === null
      ? (await ctx.store.assets.listMaterializations(s.monitoredAsset, 1)).map(materializationRecord)
      : (await ctx.store.automation.listMaterializationsAfter(s.monitoredAsset, after, ASSET_EVENTS_PER_EVALUATION_MAX)).map(materializationRecord);
  const last = found[found.length - 1];
  if (!last) return { skipReason: `no new materialization of ${s.monitoredAsset}` };
  const partitioned = s.assetKeys.some((key) => ctx.definitions.partitionsOf(key) !== null);
  const results = [];
  for (const m of found) results.push(s.evaluate ? checkRawResult(await s.evaluate(sensorCtx, m)) : defaultAssetResult(m, partitioned));
  return { ...mergeSensorResults(results), cursor: String(last.sequence) };
}

function defaultAssetResult(m: MaterializationRecord, partitioned: boolean): NonNullable<RawSensorResult> {
  return { runRequests: [{ runKey: String(m.sequence), ...(partitioned && m.partitionKey !== null ? { partitionKey: m.partitionKey } : {}) }] };
}

/** Failed tasks a run-failure sensor is given; a run of thousands of failed partitions names the first. */
const FAILED_TASKS_LISTED_MAX = 100;

function runFailure(run: RunProjection): RunFailure | null {
  if (run.status !== 'FAILURE') return null;
  const failed = run.tasks.filter((t) => t.status === 'FAILED');
  const tasks: FailedTask[] = failed.slice(0, FAILED_TASKS_LISTED_MAX).map((t) => {
    const last = t.attempts[t.attempts.length - 1];
    const error = last?.error ? { code: last.error.code, message: last.error.message, errorClass: last.error.errorClass, stack: last.error.stack } : null;
    return { taskKey: t.taskKey, assetKey: t.assetKey, partitionKey: t.partitionKey, checkName: t.checkName ?? null, attempts: t.attempts.length, error };
  });
  const first = tasks[0];
  const message =
    run.failureReason ?? (first ? `${first.taskKey} failed${first.error ? ` with ${first.error.code}: ${first.error.message}` : ''}${failed.length > 1 ? ` (and ${failed.length - 1} more task(s))` : ''}` : 'the run failed');
  return { message, tasks, failedTaskCount: failed.length };
}

function runRecord(sequence: number, run: RunProjection): RunStatusRecord {
  return {
    sequence,
    runId: run.runId,
    status: run.status as RunStatusRecord['status'],
    assetKeys: [...run.assetKeys],
    tags: { ...run.tags },
    partition: run.partition as Json,
    finishedAt: run.finishedAt,
    failure: runFailure(run),
  };
}

async function runStatusSensor(ctx: RuntimeContext, entry: SensorEntry, cursor: string | null, sensorCtx: SensorContext): Promise<RawSensorResult> {
  const s = entry.definition;
  if (s.kind !== 'run_status') throw arcoError('INTERNAL_ERROR', 'not a run-status sensor', {});
  const after = sequenceCursor(s.name, cursor);
  // A new run-status sensor watches runs that finish from now on; it never fires for old runs.
  if (after === null) {
    const last = await ctx.store.ledger.lastSequence();
    return { skipReason: `watching runs that finish after ledger sequence ${last}`, cursor: String(last) };
  }
  const { records, scannedTo } = await ctx.store.automation.listRunsFinished(after, RUN_EVENTS_SCAN_MAX, RUN_EVENTS_PER_EVALUATION_MAX);
  const results = [];
  for (const record of records) {
    if (!s.runStatuses.includes(record.status)) continue;
    const run = await ctx.store.runs.getRun(record.runId);
    if (!run) continue;
    if (s.monitoredAssetKeys !== null && !run.assetKeys.some((key) => s.monitoredAssetKeys?.includes(key))) continue;
    results.push(checkRawResult(await s.evaluate(sensorCtx, runRecord(record.sequence, run))));
  }
  const merged = mergeSensorResults(results);
  const skip = results.length === 0 ? { skipReason: `no run reached ${s.runStatuses.join(' or ')} since the last evaluation` } : {};
  return { ...skip, ...merged, cursor: String(scannedTo) };
}

/**
 * Calls the sensor's function with its kind's events after `cursor`. It only reads the store, so a
 * preview calls it too. @throws INTERNAL_ERROR for a push sensor without a message.
 */
export function callSensor(
  ctx: RuntimeContext,
  request: Pick<EvaluationRequest, 'entry' | 'message'> & { readonly cursor: string | null },
  sensorCtx: SensorContext,
): Promise<unknown> | unknown {
  const s = request.entry.definition;
  switch (s.kind) {
    case 'poll':
      return s.evaluate(sensorCtx);
    case 'push':
      if (!request.message) throw arcoError('INTERNAL_ERROR', 'a push evaluation needs a message', {});
      return s.evaluate({ ...sensorCtx, message: request.message });
    case 'asset':
      return assetSensor(ctx, request.entry, request.cursor, sensorCtx);
    case 'run_status':
      return runStatusSensor(ctx, request.entry, request.cursor, sensorCtx);
    case 'automation_condition':
      throw arcoError('INTERNAL_ERROR', `sensor "${s.name}" is evaluated by the automation condition runner, not as user code`, { sensor: s.name });
  }
}

/** Names of the dynamic partitions sets a definition uses. */
export function dynamicNames(definition: PartitionsDefinition | null): string[] {
  if (definition === null) return [];
  if (definition.kind === 'dynamic') return [definition.name];
  if (definition.kind === 'multi') return definition.dimensions.flatMap((d) => (d.definition.kind === 'dynamic' ? [d.definition.name] : []));
  return [];
}

export async function evaluateSensor(ctx: RuntimeContext, request: EvaluationRequest, crash?: CrashHook): Promise<EvaluationReport> {
  const { entry, state, startedAtMs } = request;
  const s = entry.definition;
  const logs: Logs = [];
  const started = performance.now();
  const call = runUserCode(`sensor "${s.name}"`, s.timeoutMs, (signal) =>
    callSensor(ctx, { ...request, cursor: state.cursor }, { sensorName: s.name, cursor: state.cursor, lastEvaluationAt: state.lastEvaluationAt, log: logger(logs), instance: sensorInstance(ctx.store), signal }),
  );
  const called = await call.result;
  const durationMs = performance.now() - started;
  let outcome: SensorOutcomeSpec;
  try {
    outcome = called.ok ? { kind: 'ok', result: parseSensorResult(called.value, ctx.definitions) } : { kind: 'error', error: called.error };
  } catch (error) {
    if (!isArcoError(error)) throw error;
    outcome = { kind: 'error', error: { code: error.code, message: error.message, errorClass: 'ArcoError', stack: null, retryable: error.retryable } };
  }
  const messageId = request.message?.messageId ?? null;
  const holders = new Map<string, RunProjection>();
  if (outcome.kind === 'ok') {
    for (const key of sensorRunKeys({ sensorName: s.name, messageId }, outcome.result.runRequests)) {
      const holder = await ctx.store.runs.getRunByKey(key);
      if (holder) holders.set(key, holder);
    }
  }
  const now = ctx.clock.now();
  const decision = decideSensorEvaluation({
    sensorName: s.name,
    assetKeys: s.assetKeys,
    mode: s.kind === 'push' ? 'push' : 'poll',
    messageId,
    state,
    startedAtMs,
    durationMs,
    outcome,
    logs,
    holders,
    dynamicSets: { known: ctx.definitions.dynamicPartitionNames, ofTarget: [...new Set(s.assetKeys.flatMap((k) => dynamicNames(ctx.definitions.partitionsOf(k))))] },
    planning: { ...ctx.definitions, partitions: await partitionsContextAt(ctx, now) },
    ids: ctx.ids,
    nowEpochMs: now,
  });
  const key = sensorEvaluationKey({ sensorName: s.name, mode: s.kind === 'push' ? 'push' : 'poll', messageId, state, startedAtMs });
  await crash?.('sensor:decided');
  let status: EvaluationReport['status'] = decision.status;
  let appended;
  try {
    appended = await commit(ctx, decision.drafts, now, decision.expect ? [decision.expect] : undefined);
  } catch (error) {
    if (!isArcoError(error) || error.code !== 'CONCURRENT_MODIFICATION' || !decision.stale) throw error;
    status = 'STALE';
    appended = await commit(ctx, [decision.stale], now);
  }
  await crash?.('sensor:appended');
  return { status, duplicate: appended.duplicates.includes(key), key, userCodeDone: call.done };
}
