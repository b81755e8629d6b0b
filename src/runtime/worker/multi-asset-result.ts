/**
 * What a multi-asset's compute returned, checked against what its task must materialize: exactly
 * the selected outputs, each once. Anything else fails the attempt with MULTI_ASSET_RESULT_INVALID
 * (not retryable: the same code returns the same shape), so no output is recorded as materialized
 * when the compute did not say it produced it.
 */
import { z } from 'zod';
import type { MultiAssetMembership } from '../../authoring/index.js';
import { arcoError } from '../../domain/errors/index.js';
import type { Json } from '../../domain/ids/index.js';

const resultFields = { metadata: z.record(z.string(), z.unknown()).optional(), dataVersion: z.string().min(1).optional() };
const resultSchema = z.union([
  z.array(z.object({ assetKey: z.string(), ...resultFields })),
  z.record(z.string(), z.object(resultFields)),
]);

export interface OutputResultReport {
  readonly dataVersion: string | null;
  readonly metadata: Readonly<Record<string, Json>>;
}

/**
 * @param selected the outputs the task materializes (all of them unless the multi-asset can be subset)
 * @throws MULTI_ASSET_RESULT_INVALID with details `{ multiAsset, missing, unexpected }`.
 */
export function outputResultsOf(result: unknown, multi: MultiAssetMembership, selected: readonly string[]): Record<string, OutputResultReport> {
  const parsed = resultSchema.safeParse(result ?? null);
  if (!parsed.success) {
    throw arcoError(
      'MULTI_ASSET_RESULT_INVALID',
      `multi-asset "${multi.name}" must return one result per selected output: an array of { assetKey, metadata?, dataVersion? } or an object keyed by output key`,
      { multiAsset: multi.name, missing: [...selected], unexpected: [] },
    );
  }
  const items = Array.isArray(parsed.data) ? parsed.data : Object.entries(parsed.data).map(([assetKey, r]) => ({ assetKey, ...r }));
  const out: Record<string, OutputResultReport> = {};
  const unexpected: string[] = [];
  for (const item of items) {
    if (!selected.includes(item.assetKey) || item.assetKey in out) unexpected.push(item.assetKey);
    else out[item.assetKey] = { dataVersion: item.dataVersion ?? null, metadata: (item.metadata ?? {}) as Record<string, Json> };
  }
  const missing = selected.filter((key) => !(key in out));
  if (missing.length > 0 || unexpected.length > 0) {
    const problems = [
      ...(missing.length > 0 ? [`no result for selected output(s) ${missing.join(', ')}`] : []),
      ...(unexpected.length > 0 ? [`a result for ${unexpected.join(', ')}, not selected in this run or given twice`] : []),
    ];
    throw arcoError('MULTI_ASSET_RESULT_INVALID', `multi-asset "${multi.name}" returned ${problems.join(' and ')}`, { multiAsset: multi.name, missing, unexpected });
  }
  return out;
}
