/** What operators see of an asset: its definition and its latest materialization. */
import { z } from 'zod';
import { materializationSchema } from '../fold/index.js';
import type { Store } from '../store/index.js';
import type { LoadedDefinitions } from './definitions-loader.js';

export const assetViewSchema = z.object({
  key: z.string(),
  deps: z.array(z.string()),
  group: z.string(),
  description: z.string().nullable(),
  codeVersion: z.string().nullable(),
  tags: z.record(z.string(), z.string()),
  owners: z.array(z.string()),
  kinds: z.array(z.string()),
  latestMaterialization: materializationSchema.nullable(),
});
export type AssetView = z.infer<typeof assetViewSchema>;

export async function describeAssets(store: Store, defs: LoadedDefinitions, keys: readonly string[]): Promise<AssetView[]> {
  const latest = new Map<string, z.infer<typeof materializationSchema>>();
  for (const state of await store.assets.listAssetPartitions()) {
    const m = state.lastMaterialization;
    if (m && (latest.get(state.assetKey)?.sequence ?? -1) < m.sequence) latest.set(state.assetKey, m);
  }
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
        latestMaterialization: latest.get(key) ?? null,
      },
    ];
  });
}
