/**
 * Reading automation condition evaluations ("why did / didn't this run"): per evaluation, per
 * asset, whether it was requested (which partitions, which runs) and each node of its condition
 * with whether it was true and for how many partitions. Newest first, a page of evaluations at a time.
 */
import { z } from 'zod';
import { AUTOMATION_SENSOR_NAME } from '../../domain/automation/index.js';
import { unknownAssetError } from '../../domain/suggestions/index.js';
import { conditionNodeTruthSchema } from '../../events/index.js';
import type { RuntimeContext } from '../context.js';

export const automationAssetEvaluationSchema = z.object({
  assetKey: z.string(),
  requested: z.boolean(),
  /** Requested partitions (`''` stands for an unpartitioned asset). */
  requestedPartitionKeys: z.array(z.string()),
  runs: z.array(z.object({ runKey: z.string(), runId: z.string(), partitionKey: z.string().nullable() })),
  /** Every node of the condition, root first (`path` `0`), depth-first. */
  nodes: z.array(conditionNodeTruthSchema.extend({ true: z.boolean() })),
});

export const automationEvaluationViewSchema = z
  .object({
    evaluationId: z.number().int(),
    evaluatedAt: z.string(),
    sensorName: z.string(),
    assets: z.array(automationAssetEvaluationSchema),
  })
  .describe('AutomationEvaluation');
export type AutomationEvaluationView = z.infer<typeof automationEvaluationViewSchema>;

/** Depth-first, parents before children: `0`, `0.0`, `0.0.1`, `0.1`, … */
function comparePaths(a: string, b: string): number {
  const x = a.split('.').map(Number);
  const y = b.split('.').map(Number);
  for (let i = 0; i < Math.min(x.length, y.length); i += 1) {
    if (x[i] !== y[i]) return (x[i] as number) - (y[i] as number);
  }
  return x.length - y.length;
}

/**
 * @param query.asset only evaluations of this asset; @throws UNKNOWN_ASSET when it is not defined.
 * @param query.cursor the previous page's `nextCursor` (an evaluation id).
 */
export async function listAutomationEvaluations(
  ctx: Pick<RuntimeContext, 'store' | 'definitions'>,
  query: { readonly asset?: string; readonly cursor?: number; readonly limit: number },
): Promise<{ evaluations: AutomationEvaluationView[]; nextCursor: number | null }> {
  if (query.asset !== undefined && !ctx.definitions.assets.has(query.asset)) throw unknownAssetError(query.asset, ctx.definitions.assets.keys());
  const rows = await ctx.store.automation.listAutomationEvaluations({
    ...(query.asset === undefined ? {} : { assetKey: query.asset }),
    ...(query.cursor === undefined ? {} : { beforeEvaluationId: query.cursor }),
    limit: query.limit + 1,
  });
  const byId = new Map<number, AutomationEvaluationView>();
  for (const row of rows) {
    let view = byId.get(row.evaluationId);
    if (!view) byId.set(row.evaluationId, (view = { evaluationId: row.evaluationId, evaluatedAt: row.evaluatedAt, sensorName: AUTOMATION_SENSOR_NAME, assets: [] }));
    view.assets.push({
      assetKey: row.assetKey,
      requested: row.requested,
      requestedPartitionKeys: row.requestedPartitionKeys,
      runs: row.runs,
      nodes: [...row.nodes].sort((a, b) => comparePaths(a.path, b.path)).map((n) => ({ ...n, true: n.trueCount > 0 })),
    });
  }
  const all = [...byId.values()];
  const evaluations = all.slice(0, query.limit);
  return { evaluations, nextCursor: all.length > query.limit ? (evaluations[evaluations.length - 1]?.evaluationId ?? null) : null };
}
