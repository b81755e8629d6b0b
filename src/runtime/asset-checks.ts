/**
 * Reading asset checks: each check defined on an asset with its latest result per partition (or
 * for the asset), and the plain query other parts build on (automation's "check failed" operand,
 * sensors' `ctx.instance`): `latestAssetCheckResults`.
 */
import { z } from 'zod';
import { unknownAssetError } from '../domain/suggestions/index.js';
import { assetCheckResultSchema, type AssetCheckResult } from '../fold/index.js';
import type { Store } from '../store/index.js';
import type { LoadedDefinitions } from './definitions-loader.js';

export const assetCheckViewSchema = z.object({
  assetKey: z.string(),
  name: z.string(),
  /** `ASSET#NAME`: how a run request names the check alone. */
  key: z.string(),
  blocking: z.boolean(),
  description: z.string().nullable(),
  /** The latest execution per partition (one entry, partitionKey null, for an unpartitioned asset); empty when never run. */
  results: z.array(assetCheckResultSchema),
});
export type AssetCheckView = z.infer<typeof assetCheckViewSchema>;

/**
 * The latest execution of each check of `assetKey` (per partition), by check name then partition;
 * `checkName` / `partitionKey` narrow it. Results of checks no longer defined are included: this
 * reads what was recorded, not the definitions.
 */
export async function latestAssetCheckResults(
  store: Pick<Store, 'checks'>,
  assetKey: string,
  filter: { readonly checkName?: string; readonly partitionKey?: string | null } = {},
): Promise<AssetCheckResult[]> {
  const results = await store.checks.listAssetCheckResults(assetKey);
  return results.filter(
    (r) => (filter.checkName === undefined || r.checkName === filter.checkName) && (filter.partitionKey === undefined || r.partitionKey === filter.partitionKey),
  );
}

/** The checks defined on an asset with their latest results. @throws UNKNOWN_ASSET with suggestions. */
export async function describeAssetChecks(store: Pick<Store, 'checks'>, definitions: LoadedDefinitions, assetKey: string): Promise<AssetCheckView[]> {
  if (!definitions.graph.has(assetKey)) throw unknownAssetError(assetKey, definitions.graph.keys);
  const results = await latestAssetCheckResults(store, assetKey);
  return [...definitions.checks.values()]
    .filter((c) => c.assetKey === assetKey)
    .map((c) => ({
      assetKey,
      name: c.name,
      key: `${assetKey}#${c.name}`,
      blocking: c.blocking,
      description: c.description,
      results: results.filter((r) => r.checkName === c.name),
    }));
}
