/**
 * A sensor preview: one evaluation as a dry run. The sensor's function is called behind the
 * user-code boundary with a given cursor (by default its current one), its result is checked as an
 * evaluation's would be, and the answer says what it would request, skip or fail, and the cursor it
 * would set. Nothing is appended: no evaluation, no run, no cursor move, no dynamic partitions
 * change. A push sensor is evaluated by its messages only, so it is not previewed.
 */
import { z } from 'zod';
import { decideSensorEvaluation, sensorRunKey } from '../../controllers/index.js';
import { arcoError, isArcoError } from '../../domain/errors/index.js';
import type { RuntimeContext } from '../context.js';
import { emptySensorState, type RunProjection } from '../../fold/index.js';
import { partitionsContextAt } from '../partitions-context.js';
import { callSensor, dynamicNames, logger, type Logs } from './sensor-evaluation.js';
import { sensorInstance } from './sensor-instance.js';
import { parseSensorResult } from './sensor-result.js';
import { sensorEntryOf } from './specs.js';
import { runUserCode } from './user-code.js';

export const sensorPreviewSchema = z
  .object({
    sensorName: z.string(),
    /** SUCCESS when it would request at least one new run; FAILURE when it threw or returned an invalid result. */
    status: z.enum(['SUCCESS', 'SKIPPED', 'FAILURE']),
    cursorBefore: z.string().nullable(),
    /** The cursor the evaluation would set (the one before when the result leaves it, or on FAILURE). */
    cursorAfter: z.string().nullable(),
    runRequests: z.array(
      z.object({
        /** `sensor:{name}:{key}`, or null for a request without a key. */
        runKey: z.string().nullable(),
        partitionKey: z.string().nullable(),
        assetKeys: z.array(z.string()),
        tags: z.record(z.string(), z.string()),
        /** A run already holds this key: the evaluation would request nothing for it. */
        alreadyRequested: z.boolean(),
      }),
    ),
    skipReason: z.string().nullable(),
    error: z.object({ code: z.string(), message: z.string() }).nullable(),
    logs: z.array(z.object({ level: z.enum(['debug', 'info', 'warn', 'error']), message: z.string() })),
  })
  .describe('SensorPreview');
export type SensorPreview = z.infer<typeof sensorPreviewSchema>;

/**
 * Evaluates sensor `name` once without recording anything. `cursor` undefined uses the sensor's
 * current cursor; null evaluates as a sensor that has none.
 * @throws UNKNOWN_SENSOR; VALIDATION_ERROR for a push sensor.
 */
export async function previewSensor(ctx: RuntimeContext, name: string, options: { readonly cursor?: string | null } = {}): Promise<SensorPreview> {
  const entry = sensorEntryOf(ctx.definitions, name);
  const s = entry.definition;
  if (s.kind === 'automation_condition') {
    throw arcoError('VALIDATION_ERROR', `sensor "${name}" evaluates automation conditions: see its evaluations with arco automation evals`, { sensor: name });
  }
  if (s.kind === 'push') throw arcoError('VALIDATION_ERROR', `sensor "${name}" is a push sensor: it is evaluated by the messages pushed to it, not previewed`, { sensor: name });
  const state = await ctx.store.automation.getSensorState(name);
  const cursorBefore = options.cursor === undefined ? (state?.cursor ?? null) : options.cursor;
  const logs: Logs = [];
  const call = runUserCode(`sensor "${name}"`, s.timeoutMs, (signal) =>
    callSensor(ctx, { entry, cursor: cursorBefore }, {
      sensorName: name,
      cursor: cursorBefore,
      lastEvaluationAt: state?.lastEvaluationAt ?? null,
      log: logger(logs),
      instance: sensorInstance(ctx.store),
      signal,
    }),
  );
  const called = await call.result;
  const base = { sensorName: name, cursorBefore, logs: [...logs] };
  const failure = (error: { code: string; message: string }): SensorPreview => ({
    ...base,
    status: 'FAILURE',
    cursorAfter: cursorBefore,
    runRequests: [],
    skipReason: null,
    error: { code: error.code, message: error.message },
  });
  if (!called.ok) return failure(called.error);
  let result;
  try {
    result = parseSensorResult(called.value, ctx.definitions);
  } catch (error) {
    if (!isArcoError(error)) throw error;
    return failure(error);
  }
  const runRequests = [];
  const holders = new Map<string, RunProjection>();
  for (const [index, request] of result.runRequests.entries()) {
    const runKey = sensorRunKey(name, request.runKey, null, index);
    const holder = runKey === null ? undefined : await ctx.store.runs.getRunByKey(runKey);
    if (runKey !== null && holder) holders.set(runKey, holder);
    runRequests.push({ runKey, partitionKey: request.partitionKey, assetKeys: [...(request.assetKeys ?? s.assetKeys)], tags: { ...request.tags }, alreadyRequested: holder !== undefined });
  }
  // The evaluation's own decision, whose drafts are dropped: a request it would refuse (no target,
  // a reserved tag, a partition the target lacks, an unknown dynamic partitions set, a config that
  // does not fit) fails the preview as it would fail the evaluation.
  const now = ctx.clock.now();
  const decided = decideSensorEvaluation({
    sensorName: name,
    assetKeys: s.assetKeys,
    mode: 'poll',
    messageId: null,
    state: { ...(state ?? emptySensorState(name, new Date(now).toISOString())), cursor: cursorBefore },
    startedAtMs: now,
    durationMs: 0,
    outcome: { kind: 'ok', result },
    logs: [],
    holders,
    dynamicSets: { known: ctx.definitions.dynamicPartitionNames, ofTarget: [...new Set(s.assetKeys.flatMap((k) => dynamicNames(ctx.definitions.partitionsOf(k))))] },
    planning: { ...ctx.definitions, partitions: await partitionsContextAt(ctx, now) },
    ids: ctx.ids,
    nowEpochMs: now,
  });
  if (decided.status === 'FAILURE') {
    const error = decided.drafts.flatMap((d) => (d.type === 'SensorEvaluated' && d.payload.error ? [d.payload.error] : []))[0];
    return failure(error ?? { code: 'INTERNAL_ERROR', message: 'the evaluation would fail without an error' });
  }
  return {
    ...base,
    status: runRequests.some((r) => !r.alreadyRequested) ? 'SUCCESS' : 'SKIPPED',
    cursorAfter: result.cursor === undefined ? cursorBefore : result.cursor,
    runRequests,
    skipReason: result.skipReason,
    error: null,
  };
}
