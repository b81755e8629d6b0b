/**
 * What the API and CLI do with sensors: list them with state (cursor, state version, last and
 * next evaluation); list their history; start, stop and reset the cursor (events, appended on the
 * condition that the sensor's state version is unchanged); and push a message to a push sensor.
 */
import { z } from 'zod';
import { decideSensorCursorReset, decideSensorStatus, sensorDueAtMs, sensorStateExpectation, type AutomationStatus } from '../../controllers/index.js';
import { arcoError, isArcoError } from '../../domain/errors/index.js';
import type { Json } from '../../domain/ids/index.js';
import type { EventDraft } from '../../events/index.js';
import { sensorHistoryEntrySchema, type SensorHistoryEntry, type SensorState } from '../../fold/index.js';
import { commit, type RuntimeContext } from '../context.js';
import { evaluateSensor } from './sensor-evaluation.js';
import { automationEntries, sensorEntryOf, type SensorEntry } from './specs.js';
import { syncAutomation } from './sync.js';

/** A command that lost the compare-and-swap to an evaluation decides again this many times at most. */
const CAS_RETRIES_MAX = 8;

const statusSchema = z.enum(['RUNNING', 'STOPPED']);

export const sensorViewSchema = z
  .object({
    name: z.string(),
    kind: z.enum(['poll', 'push', 'asset', 'run_status', 'automation_condition']),
    description: z.string().nullable(),
    assetKeys: z.array(z.string()),
    minimumIntervalSeconds: z.number().int(),
    status: statusSchema,
    defaultStatus: statusSchema,
    userStatus: statusSchema.nullable(),
    cursor: z.string().nullable(),
    stateVersion: z.number().int(),
    definitionVersion: z.number().int(),
    lastEvaluationAt: z.string().nullable(),
    lastEvaluation: z.object({ status: z.enum(['SUCCESS', 'SKIPPED', 'FAILURE', 'STALE']), at: z.string(), sequence: z.number().int() }).nullable(),
    consecutiveFailures: z.number().int(),
    /** When the daemon evaluates it next (poll, asset and run-status sensors while running). */
    nextEvaluationAt: z.string().nullable(),
  })
  .describe('Sensor');
export type SensorView = z.infer<typeof sensorViewSchema>;

export const sensorEvaluationViewSchema = sensorHistoryEntrySchema;
export type SensorEvaluationView = SensorHistoryEntry;

export function sensorView(entry: SensorEntry, state: SensorState | undefined, nowEpochMs: number): SensorView {
  const s = entry.definition;
  const dueAt = state ? sensorDueAtMs(state) : null;
  return {
    name: s.name,
    kind: s.kind,
    description: s.description,
    assetKeys: [...s.assetKeys],
    minimumIntervalSeconds: s.minimumIntervalSeconds,
    status: state?.status ?? s.defaultStatus,
    defaultStatus: s.defaultStatus,
    userStatus: state?.userStatus ?? null,
    cursor: state?.cursor ?? null,
    stateVersion: state?.stateVersion ?? 0,
    definitionVersion: state?.definitionVersion ?? 0,
    lastEvaluationAt: state?.lastEvaluationAt ?? null,
    lastEvaluation: state?.lastEvaluation ?? null,
    consecutiveFailures: state?.consecutiveFailures ?? 0,
    nextEvaluationAt: dueAt === null ? null : new Date(Math.max(dueAt, nowEpochMs)).toISOString(),
  };
}

type Reader = Pick<RuntimeContext, 'store' | 'definitions' | 'clock'>;

/** Every defined sensor, by name. */
export async function listSensors(ctx: Reader): Promise<SensorView[]> {
  const states = new Map((await ctx.store.automation.listSensorStates()).map((s) => [s.sensorName, s]));
  const now = ctx.clock.now();
  return [...automationEntries(ctx.definitions).sensors.values()]
    .sort((a, b) => (a.definition.name < b.definition.name ? -1 : 1))
    .map((entry) => sensorView(entry, states.get(entry.definition.name), now));
}

/** @throws UNKNOWN_SENSOR. */
export async function getSensor(ctx: Reader, name: string): Promise<SensorView> {
  const entry = sensorEntryOf(ctx.definitions, name);
  return sensorView(entry, await ctx.store.automation.getSensorState(name), ctx.clock.now());
}

/** A sensor's evaluations and operator changes, newest first; `cursor` is the previous page's `nextCursor`. @throws UNKNOWN_SENSOR. */
export async function listSensorEvaluations(
  ctx: Reader,
  name: string,
  query: { readonly statuses?: readonly ('SUCCESS' | 'SKIPPED' | 'FAILURE' | 'STALE')[]; readonly cursor?: number; readonly limit: number },
): Promise<{ evaluations: SensorHistoryEntry[]; nextCursor: number | null }> {
  sensorEntryOf(ctx.definitions, name);
  const rows = await ctx.store.automation.listSensorHistory({
    sensorName: name,
    ...(query.statuses ? { statuses: query.statuses } : {}),
    ...(query.cursor === undefined ? {} : { beforeSequence: query.cursor }),
    limit: query.limit + 1,
  });
  const evaluations = rows.slice(0, query.limit);
  return { evaluations, nextCursor: rows.length > query.limit ? (evaluations[evaluations.length - 1]?.sequence ?? null) : null };
}

/** Appends an operator change decided on the current state, again if an evaluation got in between. */
async function changeState(ctx: RuntimeContext, name: string, decide: (state: SensorState) => EventDraft[]): Promise<SensorView> {
  const entry = sensorEntryOf(ctx.definitions, name);
  await syncAutomation(ctx, { sensor: name });
  for (let attempt = 0; ; attempt += 1) {
    const state = await ctx.store.automation.getSensorState(name);
    if (!state) throw arcoError('INTERNAL_ERROR', `sensor "${name}" has no state after sync`, { sensor: name });
    try {
      await commit(ctx, decide(state), ctx.clock.now(), [sensorStateExpectation(state)]);
      break;
    } catch (error) {
      if (!isArcoError(error) || error.code !== 'CONCURRENT_MODIFICATION' || attempt >= CAS_RETRIES_MAX) throw error;
    }
  }
  return sensorView(entry, await ctx.store.automation.getSensorState(name), ctx.clock.now());
}

/** Starts or stops a sensor (persisted; overrides its default). A repeat changes nothing. @throws UNKNOWN_SENSOR. */
export function setSensorStatus(ctx: RuntimeContext, name: string, status: AutomationStatus): Promise<SensorView> {
  return changeState(ctx, name, (state) => decideSensorStatus(state, status));
}

/** Sets (or, with null, clears) a sensor's cursor; recorded in its history. @throws UNKNOWN_SENSOR. */
export function resetSensorCursor(ctx: RuntimeContext, name: string, cursor: string | null): Promise<SensorView> {
  return changeState(ctx, name, (state) => decideSensorCursorReset(state, cursor));
}

export interface PushOutcome {
  /** The message id was evaluated before: nothing new happened. */
  readonly duplicate: boolean;
  readonly evaluation: SensorHistoryEntry;
}

/**
 * Evaluates a pushed message once per message id. Nothing is recorded for a rejected message.
 * @throws UNKNOWN_SENSOR, SENSOR_NOT_PUSH, SENSOR_STOPPED, INVALID_PUSH_PAYLOAD.
 */
export async function pushToSensor(ctx: RuntimeContext, name: string, message: { readonly messageId: string; readonly payload: Json }): Promise<PushOutcome> {
  const entry = sensorEntryOf(ctx.definitions, name);
  const s = entry.definition;
  if (s.kind !== 'push') throw arcoError('SENSOR_NOT_PUSH', `sensor "${name}" is a ${s.kind} sensor; only push sensors accept messages`, { sensor: name, kind: s.kind });
  const seen = await ctx.store.automation.findPushEvaluation(name, message.messageId);
  if (seen) return { duplicate: true, evaluation: seen };
  let payload = message.payload;
  if (s.payloadSchema) {
    const parsed = s.payloadSchema.safeParse(payload);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => ({ field: ['payload', ...i.path.map(String)].join('.'), message: i.message }));
      throw arcoError('INVALID_PUSH_PAYLOAD', `payload does not match the schema of sensor "${name}": ${issues[0]?.field}: ${issues[0]?.message}`, { sensor: name, issues });
    }
    payload = parsed.data as Json;
  }
  await syncAutomation(ctx, { sensor: name });
  const state = await ctx.store.automation.getSensorState(name);
  if (!state || state.status !== 'RUNNING') throw arcoError('SENSOR_STOPPED', `sensor "${name}" is stopped; start it to accept messages`, { sensor: name });
  const report = await evaluateSensor(ctx, { entry, state, startedAtMs: ctx.clock.now(), message: { messageId: message.messageId, payload } });
  const evaluation = await ctx.store.automation.findPushEvaluation(name, message.messageId);
  if (!evaluation) throw arcoError('INTERNAL_ERROR', `the evaluation of message ${message.messageId} was not recorded`, { sensor: name });
  return { duplicate: report.duplicate, evaluation };
}
