/**
 * The automation condition controller (pure, SEMANTICS §8): one evaluation of every asset's
 * automation condition by `default_automation_condition_sensor`, turned into one batch.
 *
 * The batch holds the runs requested, the `AutomationConditionEvaluated` record (numbered
 * `previous + 1`, key `automation:{evaluationId}`, with every asset's node truths and the memory
 * the next evaluation starts from) and the sensor's `SensorEvaluated` (so `arco sensor` shows the
 * evaluation and the sensor's interval and state version move as any sensor's). It is appended on
 * the condition that the sensor's state version is the one read: two daemons never both apply an
 * evaluation, and a restarted daemon that finds the batch appended starts from its memory, so it
 * never requests the same asset partitions again.
 *
 * Requested asset partitions are grouped into runs by partitions definition and partition key (as
 * Dagster groups them): assets that share a definition and key run together, in dependency order.
 * Each group's run key is `automation:{evaluationId}:{first16hex(sha256(assets|key))}`, so one
 * evaluation requests an asset partition once, and the same evaluation decided again after a crash
 * reserves the same keys.
 */
import {
  AUTOMATION_SENSOR_INTERVAL_SECONDS,
  AUTOMATION_SENSOR_NAME,
  evaluateAutomationConditions,
  UNPARTITIONED, type AssetEvaluation, type AutomationEvaluationInput } from '../domain/automation/index.js';
import { arcoError, isArcoError } from '../domain/errors/index.js';
import { canonicalJson, sha256Hex, type IdSource } from '../domain/ids/index.js';
import type { PlanningContext } from '../domain/runs/index.js';
import { draft, idempotencyKeys, type EventDraft, type PayloadOf } from '../events/index.js';
import type { SensorState } from '../fold/index.js';
import { sensorStateExpectation, type VersionExpectationDraft } from './automation-state.js';
import { decideRunRequest } from './run-requests.js';
import { errorInfoOf } from './schedules.js';
import { sensorEvaluationKey } from './sensors.js';

export { AUTOMATION_SENSOR_NAME, AUTOMATION_SENSOR_INTERVAL_SECONDS };

export interface AutomationDecisionInput {
  readonly evaluation: AutomationEvaluationInput;
  /** The evaluation number of the previous evaluation (0 before the first). */
  readonly previousEvaluationId: number;
  /** The sensor's state read before the evaluation. */
  readonly sensorState: SensorState;
  readonly planning: PlanningContext;
  readonly ids: IdSource;
  readonly startedAtMs: number;
  readonly nowEpochMs: number;
}

export interface AutomationRunRequest {
  readonly runKey: string;
  readonly assetKeys: readonly string[];
  /** null: the group's assets are unpartitioned. */
  readonly partitionKey: string | null;
}

export interface AutomationDecision {
  readonly evaluationId: number;
  readonly status: 'SUCCESS' | 'SKIPPED' | 'FAILURE';
  readonly results: readonly AssetEvaluation[];
  readonly drafts: readonly EventDraft[];
  /** The condition the batch is appended on. */
  readonly expect: VersionExpectationDraft;
}

/** Requested asset partitions grouped into runs; deterministic for one evaluation. */
export function groupAutomationRuns(
  evaluationId: number,
  results: readonly AssetEvaluation[],
  planning: Pick<PlanningContext, 'partitionsOf' | 'graph'>,
): AutomationRunRequest[] {
  const groups = new Map<string, { assetKeys: string[]; partitionKey: string | null }>();
  for (const result of results) {
    const definition = canonicalJson(planning.partitionsOf(result.assetKey));
    for (const key of result.requested) {
      const id = `${definition}\n${key}`;
      const group = groups.get(id) ?? { assetKeys: [], partitionKey: key === UNPARTITIONED ? null : key };
      group.assetKeys.push(result.assetKey);
      groups.set(id, group);
    }
  }
  return [...groups.values()]
    .map((g) => {
      const assetKeys = planning.graph.inDependencyOrder(g.assetKeys);
      const digest = sha256Hex(`${[...assetKeys].sort().join(',')}|${g.partitionKey ?? ''}`).slice(0, 16);
      return { runKey: `automation:${evaluationId}:${digest}`, assetKeys, partitionKey: g.partitionKey };
    })
    .sort((a, b) => (a.runKey < b.runKey ? -1 : a.runKey > b.runKey ? 1 : 0));
}

function sensorRecord(
  input: AutomationDecisionInput,
  body: Pick<PayloadOf<'SensorEvaluated'>, 'status' | 'cursorAfter' | 'skipReason' | 'error' | 'runs'>,
): EventDraft {
  const state = input.sensorState;
  return draft(
    'SensorEvaluated',
    {
      sensorName: AUTOMATION_SENSOR_NAME,
      mode: 'poll',
      pollEpochSeconds: Math.floor(input.startedAtMs / 1000),
      messageId: null,
      definitionVersion: Math.max(1, state.definitionVersion),
      expectedStateVersion: state.stateVersion,
      cursorBefore: state.cursor,
      startedAt: new Date(input.startedAtMs).toISOString(),
      durationMs: Math.max(0, Math.round(input.nowEpochMs - input.startedAtMs)),
      logs: [],
      dynamicPartitions: [],
      ...body,
    },
    sensorEvaluationKey({ sensorName: AUTOMATION_SENSOR_NAME, mode: 'poll', messageId: null, state, startedAtMs: input.startedAtMs }),
    null,
  );
}

function decideRuns(input: AutomationDecisionInput, evaluationId: number, results: readonly AssetEvaluation[]) {
  const drafts: EventDraft[] = [];
  const runs: PayloadOf<'AutomationConditionEvaluated'>['runRequests'] = [];
  for (const request of groupAutomationRuns(evaluationId, results, input.planning)) {
    const decided = decideRunRequest(
      {
        assetKeys: request.assetKeys,
        includeUpstream: false,
        includeDownstream: false,
        partition: request.partitionKey === null ? null : { kind: 'explicit', keys: [request.partitionKey] },
        runKey: request.runKey,
        tags: {},
        systemTags: { 'arco/sensor_name': AUTOMATION_SENSOR_NAME },
        config: {},
        trigger: { kind: 'automation', detail: { sensorName: AUTOMATION_SENSOR_NAME, evaluationId: String(evaluationId) } },
        parentRunId: null,
        rootRunId: null,
      },
      undefined,
      input.planning,
      input.ids,
      input.nowEpochMs,
    );
    if (decided.kind !== 'new') throw arcoError('INTERNAL_ERROR', 'an automation run request without a holder must be new', { runKey: request.runKey });
    drafts.push(...decided.drafts);
    runs.push({ runKey: request.runKey, runId: decided.runId, assetKeys: [...request.assetKeys], partitionKey: request.partitionKey });
  }
  return { drafts, runs };
}

/**
 * One evaluation: the conditions' truths, the runs they request and the records, in one batch.
 * A planning error (a run that cannot be planned) fails the evaluation: it is recorded as the
 * sensor's FAILURE and nothing else moves, so the next evaluation decides again.
 */
export function decideAutomationEvaluation(input: AutomationDecisionInput): AutomationDecision {
  const evaluationId = input.previousEvaluationId + 1;
  const expect = sensorStateExpectation(input.sensorState);
  const results = evaluateAutomationConditions(input.evaluation);
  let decided: ReturnType<typeof decideRuns>;
  try {
    decided = decideRuns(input, evaluationId, results);
  } catch (error) {
    if (!isArcoError(error)) throw error;
    const record = sensorRecord(input, { status: 'FAILURE', cursorAfter: input.sensorState.cursor, skipReason: null, error: errorInfoOf(error), runs: [] });
    return { evaluationId, status: 'FAILURE', results, drafts: [record], expect };
  }
  const previous = input.evaluation.previous;
  const evaluated = draft(
    'AutomationConditionEvaluated',
    {
      evaluationId,
      evaluatedAt: new Date(input.evaluation.nowEpochMs).toISOString(),
      ledgerSequence: input.evaluation.ledgerSequence,
      previousEvaluatedAt: previous === null ? null : new Date(previous.evaluatedAtMs).toISOString(),
      results: results.map((r) => ({
        assetKey: r.assetKey,
        conditionHash: r.conditionHash,
        requestedPartitionKeys: [...r.requested],
        nodes: r.nodes.map((n) => ({ ...n, truePartitionKeys: [...n.truePartitionKeys] })),
        state: Object.fromEntries(Object.entries(r.memory.state).map(([k, v]) => [k, [...v]])),
      })),
      runRequests: decided.runs,
    },
    idempotencyKeys.automationConditionEvaluated(evaluationId),
    null,
  );
  const status = decided.runs.length > 0 ? 'SUCCESS' : 'SKIPPED';
  const record = sensorRecord(input, {
    status,
    cursorAfter: String(evaluationId),
    skipReason: status === 'SKIPPED' ? `no asset's automation condition is true (evaluation ${evaluationId})` : null,
    error: null,
    runs: decided.runs.map((r) => ({ runKey: r.runKey, runId: r.runId, existing: false, partitionKey: r.partitionKey })),
  });
  return { evaluationId, status, results, drafts: [...decided.drafts, evaluated, record], expect };
}
