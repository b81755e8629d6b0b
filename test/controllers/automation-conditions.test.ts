/**
 * The automation condition controller, as a table: one evaluation's batch at a fixed `now` — the
 * runs (asset partitions grouped by partitions definition and key, each in exactly one run, keyed
 * `automation:{evaluationId}:{hex}`), then the evaluation record (`automation:{n}`), then the
 * sensor's record, appended on the sensor's state version. Deciding the same evaluation again (a
 * restart before the append) reserves the same run keys.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dailyPartitions } from '../../src/authoring/index.js';
import { decideAutomationEvaluation, type AutomationDecisionInput } from '../../src/controllers/index.js';
import { missing, UNPARTITIONED, type AutomationCondition } from '../../src/domain/automation/index.js';
import { partitionKeys, type PartitionsDefinition } from '../../src/domain/partitions/index.js';
import type { SensorState } from '../../src/fold/index.js';
import { planningOf } from '../helpers/automation.js';
import { makeIds } from '../helpers/runs.js';

const NOW = Date.parse('2026-03-04T00:30:00Z');
const days = dailyPartitions({ start: '2026-03-01' });
const state: SensorState = {
  sensorName: 'default_automation_condition_sensor',
  definitionVersion: 1,
  definitionHash: 'h',
  definition: { kind: 'automation_condition', assetKeys: ['a', 'b', 'c'], minimumIntervalSeconds: 30, defaultStatus: 'RUNNING' },
  userStatus: null,
  status: 'RUNNING',
  cursor: '6',
  stateVersion: 9,
  lastEvaluationAt: null,
  lastEvaluation: null,
  consecutiveFailures: 0,
  updatedAt: '2026-03-04T00:00:00Z',
};

/** a, b daily (b reads a), c unpartitioned reading b: every asset is missing everywhere. */
function input(seed: number): AutomationDecisionInput {
  const dag = { a: [], b: ['a'], c: ['b'] };
  const partitions: Record<string, PartitionsDefinition> = { a: days, b: days };
  const planning = planningOf(dag, NOW, partitions);
  const condition: AutomationCondition = missing();
  return {
    evaluation: {
      graph: {
        order: ['a', 'b', 'c'],
        conditionOf: () => condition,
        depsOf: (key) => dag[key as keyof typeof dag],
        partitionsOf: planning.partitionsOf,
        mappingOf: planning.mappingOf,
      },
      status: (key) => ({
        partitionKeys: partitions[key] ? [...partitionKeys(partitions[key] as PartitionsDefinition, planning.partitions)] : [UNPARTITIONED],
        materializedSequence: new Map(),
        inProgress: new Set(),
      }),
      checkFailed: () => false,
      partitions: planning.partitions,
      previous: null,
      ledgerSequence: 40,
      nowEpochMs: NOW,
    },
    previousEvaluationId: 6,
    sensorState: state,
    planning,
    ids: makeIds(seed),
    startedAtMs: NOW,
    nowEpochMs: NOW,
  };
}

describe('automation condition controller', () => {
  test('each requested asset partition is in exactly one run: same partitions and key together, unpartitioned apart', () => {
    const decision = decideAutomationEvaluation(input(1));
    const runs = decision.drafts.filter((d) => d.type === 'RunRequested').map((d) => d.payload as { runKey: string; assetKeys: string[]; tags: Record<string, string> });
    assert.deepEqual(
      runs.map((r) => [r.assetKeys.join(','), r.tags['arco/partition'] ?? null]).sort(),
      [['a,b', '2026-03-01'], ['a,b', '2026-03-02'], ['a,b', '2026-03-03'], ['c', null]],
    );
    for (const run of runs) assert.match(run.runKey, /^automation:7:[0-9a-f]{16}$/);
    assert.equal(new Set(runs.map((r) => r.runKey)).size, 4);
  });

  test('the batch is the runs, then AutomationConditionEvaluated keyed automation:{n}, then the SensorEvaluated, on the state version read', () => {
    const decision = decideAutomationEvaluation(input(1));
    assert.equal(decision.evaluationId, 7);
    assert.deepEqual(decision.drafts.map((d) => d.type), ['RunRequested', 'RunRequested', 'RunRequested', 'RunRequested', 'AutomationConditionEvaluated', 'SensorEvaluated']);
    assert.equal(decision.drafts[4]?.idempotencyKey, 'automation:7');
    const record = decision.drafts[5]?.payload as { status: string; cursorBefore: string; cursorAfter: string; runs: unknown[] };
    assert.deepEqual([record.status, record.cursorBefore, record.cursorAfter, record.runs.length], ['SUCCESS', '6', '7', 4]);
    assert.deepEqual(decision.expect, { table: 'sensor_states', id: 'default_automation_condition_sensor', version: 9 });
  });

  test('each run it requests reserves its run key through the run:{runKey} idempotency key, in the batch that records the evaluation', () => {
    const decision = decideAutomationEvaluation(input(1));
    const requested = decision.drafts.filter((d) => d.type === 'RunRequested');
    assert.equal(requested.length, 4);
    for (const d of requested) {
      const { runKey, tags } = d.payload as { runKey: string; tags: Record<string, string> };
      assert.equal(d.idempotencyKey, `run:${runKey}`);
      assert.equal(tags['arco/run_key'], runKey);
    }
    assert.ok(decision.drafts.some((d) => d.type === 'AutomationConditionEvaluated'), 'one batch with the evaluation');
  });

  test('the same evaluation decided again reserves the same run keys', () => {
    const keys = (seed: number) => decideAutomationEvaluation(input(seed)).drafts.filter((d) => d.type === 'RunRequested').map((d) => d.idempotencyKey);
    assert.deepEqual(keys(2), keys(3));
  });
});
