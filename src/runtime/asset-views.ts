/** What operators see of an asset: its definition, its latest materialization and its freshness now. */
import { z } from 'zod';
import { materializationSchema, observationSchema, type Observation } from '../fold/index.js';
import type { Store } from '../store/index.js';
import type { LoadedDefinitions } from './definitions-loader.js';
import { describeFreshness, freshnessViewSchema } from './freshness.js';
import { partitionHealth } from './partition-status-view.js';
import { partitionStatusCountsSchema } from './partition-status.js';

export const assetViewSchema = z.object({
  key: z.string(),
  deps: z.array(z.string()),
  group: z.string(),
  description: z.string().nullable(),
  codeVersion: z.string().nullable(),
  tags: z.record(z.string(), z.string()),
  owners: z.array(z.string()),
  kinds: z.array(z.string()),
  /** Produced by another system (`defineExternalAsset`): never materialized by a run. */
  external: z.boolean(),
  latestMaterialization: materializationSchema.nullable(),
  /** The latest observation of any partition (external assets), or null. */
  latestObservation: observationSchema.nullable(),
  /** The asset's freshness policy (time window or cron) evaluated now; null when it has no policy. */
  freshness: freshnessViewSchema.nullable(),
  /** Partitions per status (SEMANTICS §8) now; null for an unpartitioned asset. */
  partitionHealth: partitionStatusCountsSchema.nullable(),
});
export type AssetView = z.infer<typeof assetViewSchema>;

/** @param nowEpochMs the instant freshness is evaluated at (the caller's clock). */
export async function describeAssets(store: Store, defs: LoadedDefinitions, keys: readonly string[], nowEpochMs: number): Promise<AssetView[]> {
  const latest = new Map<string, z.infer<typeof materializationSchema>>();
  const observed = new Map<string, Observation>();
  for (const state of await store.assets.listAssetPartitions()) {
    const m = state.lastMaterialization;
    if (m && (latest.get(state.assetKey)?.sequence ?? -1) < m.sequence) latest.set(state.assetKey, m);
    const o = state.lastObservation;
    if (o && (observed.get(state.assetKey)?.sequence ?? -1) < o.sequence) observed.set(state.assetKey, o);
  }
  const freshness = await describeFreshness(store, defs, keys, nowEpochMs);
  const health = await partitionHealth({ store, definitions: defs }, keys, nowEpochMs);
  return keys.flatMap((key) => {
    const a = defs.assets.get(key);
    if (!a) return [];
    return [
      {
        key,
        deps: [...a.deps],
        group: a.group,
        description: a.description,
        codeVersion: a.codeVersion,
        tags: { ...a.tags },
        owners: [...a.owners],
        kinds: [...a.kinds],
        external: a.external,
        latestMaterialization: latest.get(key) ?? null,
        latestObservation: observed.get(key) ?? null,
        freshness: freshness.get(key) ?? null,
        partitionHealth: health.get(key) ?? null,
      },
    ];
  });
}
