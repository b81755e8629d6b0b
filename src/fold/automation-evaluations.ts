/**
 * Automation condition evaluations (SEMANTICS §8): what each evaluation found, per asset, so a
 * user can ask why an asset did or did not run; and the memory the next evaluation starts from.
 *
 * `automation_evaluations`: one row per evaluation and asset with a condition, holding whether the
 * asset was requested, which partitions, and each node's truth. Rows are only added.
 * `automation_cursor`: one row, the latest evaluation's number, time, ledger sequence and, per
 * asset, its condition hash, requested partitions and stateful nodes' memory. An evaluation
 * replaces it whole: an asset without a condition any more takes no memory along.
 */
import { z } from 'zod';
import { conditionNodeTruthSchema } from '../events/index.js';
import { InvariantError } from '../domain/errors/index.js';
import { defineFamily, IGNORE, type FamilyHandlers, removeOnly } from './family.js';

export const automationEvaluationRowSchema = z.object({
  evaluationId: z.number().int().positive(),
  /** The ledger sequence of the AutomationConditionEvaluated event. */
  sequence: z.number().int(),
  evaluatedAt: z.string(),
  assetKey: z.string(),
  conditionHash: z.string(),
  requested: z.boolean(),
  requestedPartitionKeys: z.array(z.string()),
  nodes: z.array(conditionNodeTruthSchema),
  /** The runs of this evaluation that include the asset. */
  runs: z.array(z.object({ runKey: z.string(), runId: z.string(), partitionKey: z.string().nullable() })),
});
export type AutomationEvaluationRow = z.infer<typeof automationEvaluationRowSchema>;

export const automationCursorSchema = z.object({
  evaluationId: z.number().int().positive(),
  evaluatedAt: z.string(),
  ledgerSequence: z.number().int().min(0),
  assets: z.record(
    z.string(),
    z.object({ conditionHash: z.string(), requested: z.array(z.string()), state: z.record(z.string(), z.array(z.string())) }),
  ),
});
export type AutomationCursorRow = z.infer<typeof automationCursorSchema>;

/** The single row id of `automation_cursor`. */
export const AUTOMATION_CURSOR_ID = 'default';

/** Zero-padded so the ids sort by evaluation, then asset. */
export function automationEvaluationRowId(evaluationId: number, assetKey: string): string {
  return `${String(evaluationId).padStart(12, '0')}:${assetKey}`;
}

const ignoreAllBut = {
  RunRequested: IGNORE,
  RunStarted: IGNORE,
  RunCancelRequested: IGNORE,
  RunFinished: IGNORE,
  RunKeyConflictRecorded: IGNORE,
  TaskDispatched: IGNORE,
  TaskAttemptStarted: IGNORE,
  TaskAttemptFinished: IGNORE,
  TaskSkipped: IGNORE,
  TaskCanceled: IGNORE,
  TaskLogged: IGNORE,
  AssetMaterialized: IGNORE,
  ScheduleDefinitionSynced: IGNORE,
  ScheduleStateChanged: IGNORE,
  ScheduleTicked: IGNORE,
  SensorDefinitionSynced: IGNORE,
  SensorStateChanged: IGNORE,
  SensorEvaluated: IGNORE,
  DynamicPartitionsChanged: IGNORE,
  BackfillCreated: IGNORE,
  BackfillStateChanged: IGNORE,
  BackfillChunkPlanned: IGNORE,
  BackfillChunkFinished: IGNORE,
  AssetFreshnessChanged: IGNORE,
  AssetCheckEvaluated: IGNORE,
  AssetObserved: IGNORE,
  AssetMaterializationReported: IGNORE,
  AssetWiped: IGNORE,
  RunDeleted: IGNORE,
  PoolLimitSet: IGNORE,
    RecordsPurged: IGNORE,
} as const satisfies Omit<FamilyHandlers<unknown>, 'AutomationConditionEvaluated'>;

export const automationEvaluationsFamily = defineFamily<AutomationEvaluationRow>({
  table: 'automation_evaluations',
  schema: automationEvaluationRowSchema,
  columns: (r) => ({ evaluation_id: r.evaluationId, asset_key: r.assetKey, requested: r.requested ? 1 : 0 }),
  handlers: {
    ...ignoreAllBut,
    RecordsPurged: removeOnly((e) => (e.payload.kind === 'automationEvaluations' ? [{ id: e.payload.ids }] : [])),
    AutomationConditionEvaluated: {
      ids: (e) => e.payload.results.map((r) => automationEvaluationRowId(e.payload.evaluationId, r.assetKey)),
      // Evaluation numbers are taken once (the idempotency key carries them).
      creates: true,
      apply: (_row, e, id) => {
        const p = e.payload;
        const result = p.results.find((r) => automationEvaluationRowId(p.evaluationId, r.assetKey) === id);
        if (!result) throw new InvariantError(`a result for row ${id} in automation evaluation ${p.evaluationId}`, 'none');
        return {
          evaluationId: p.evaluationId,
          sequence: e.sequence,
          evaluatedAt: p.evaluatedAt,
          assetKey: result.assetKey,
          conditionHash: result.conditionHash,
          requested: result.requestedPartitionKeys.length > 0,
          requestedPartitionKeys: [...result.requestedPartitionKeys],
          nodes: result.nodes.map((n) => ({ ...n, truePartitionKeys: [...n.truePartitionKeys] })),
          runs: p.runRequests.filter((r) => r.assetKeys.includes(result.assetKey)).map((r) => ({ runKey: r.runKey, runId: r.runId, partitionKey: r.partitionKey })),
        };
      },
    },
  },
});

export const automationCursorFamily = defineFamily<AutomationCursorRow>({
  table: 'automation_cursor',
  schema: automationCursorSchema,
  columns: (r) => ({ evaluation_id: r.evaluationId }),
  hot: true,
  handlers: {
    ...ignoreAllBut,
    AutomationConditionEvaluated: {
      ids: () => [AUTOMATION_CURSOR_ID],
      apply: (_row, e) => ({
        evaluationId: e.payload.evaluationId,
        evaluatedAt: e.payload.evaluatedAt,
        ledgerSequence: e.payload.ledgerSequence,
        assets: Object.fromEntries(
          e.payload.results.map((r) => [
            r.assetKey,
            { conditionHash: r.conditionHash, requested: [...r.requestedPartitionKeys], state: Object.fromEntries(Object.entries(r.state).map(([k, v]) => [k, [...v]])) },
          ]),
        ),
      }),
    },
  },
});
