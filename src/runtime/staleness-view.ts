/**
 * What the staleness view answers, as the API and CLI show it: per asset its status, causes and
 * staleSince, and for a partitioned asset its materialized partitions and the counts per status.
 */
import { z } from 'zod';
import { rollUpStaleStatus, type AssetPartitionStaleness, type StaleCause, type StaleStatus } from '../domain/assets/index.js';
import { InvariantError } from '../domain/errors/index.js';
import { partitionCount, type PartitionsContext } from '../domain/partitions/index.js';
import type { LoadedDefinitions } from './definitions-loader.js';

const statusSchema = z.enum(['MISSING', 'STALE', 'FRESH']);
const refSchema = z.object({ assetKey: z.string(), partitionKey: z.string().nullable() });
const causeFields = {
  category: z.enum(['CODE', 'DATA', 'DEPENDENCIES']),
  reason: z.string(),
  key: refSchema,
  dependency: refSchema.nullable(),
};
/** Causes nest one level: a DATA cause carries the cause on its parent, which has none below it. */
const nestedCauseSchema = z.object({ ...causeFields, causes: z.array(z.never()) });
export const staleCauseSchema = z.object({ ...causeFields, causes: z.array(nestedCauseSchema) });
export type StaleCauseView = z.infer<typeof staleCauseSchema>;

export const partitionStalenessSchema = z.object({
  partitionKey: z.string().nullable(),
  status: statusSchema,
  causes: z.array(staleCauseSchema),
  rootCauses: z.array(staleCauseSchema),
  staleSince: z.string().nullable(),
});

export const assetStalenessSchema = z.object({
  assetKey: z.string(),
  /** The asset's status; for a partitioned asset rolled up from its partitions (STALE > MISSING > FRESH). */
  status: statusSchema,
  /** Unpartitioned: its causes. Partitioned: empty (each partition carries its own). */
  causes: z.array(staleCauseSchema),
  rootCauses: z.array(staleCauseSchema),
  /** The earliest `staleSince` of the asset (or of its stale partitions). */
  staleSince: z.string().nullable(),
  /** Partitioned assets: every materialized partition with its status; never-materialized ones are counted only. */
  partitions: z.array(partitionStalenessSchema),
  partitionCounts: z.object({ FRESH: z.number().int(), STALE: z.number().int(), MISSING: z.number().int() }).nullable(),
});
export type AssetStalenessView = z.infer<typeof assetStalenessSchema>;

export const stalenessResultSchema = z.object({ assets: z.array(assetStalenessSchema) });

const causeView = (c: StaleCause): StaleCauseView => ({
  category: c.category,
  reason: c.reason,
  key: { ...c.key },
  dependency: c.dependency ? { ...c.dependency } : null,
  causes: c.causes.map((n) => ({ category: n.category, reason: n.reason, key: { ...n.key }, dependency: n.dependency ? { ...n.dependency } : null, causes: [] })),
});

function partitionView(s: AssetPartitionStaleness): z.infer<typeof partitionStalenessSchema> {
  return { partitionKey: s.partitionKey, status: s.status, causes: s.causes.map(causeView), rootCauses: s.rootCauses.map(causeView), staleSince: s.staleSince };
}

function minSince(items: readonly { staleSince: string | null }[]): string | null {
  let min: string | null = null;
  for (const item of items) if (item.staleSince !== null && (min === null || item.staleSince < min)) min = item.staleSince;
  return min;
}

/** The view of one asset from the staleness of its partitions (or its own). */
export function assetView(defs: LoadedDefinitions, partitions: PartitionsContext, key: string, results: readonly AssetPartitionStaleness[]): AssetStalenessView {
  const definition = defs.partitionsOf(key);
  if (definition === null) {
    const [own] = results.map(partitionView);
    if (!own) throw new InvariantError(`the staleness of unpartitioned asset ${key}`, 'none');
    return { assetKey: key, status: own.status, causes: own.causes, rootCauses: own.rootCauses, staleSince: own.staleSince, partitions: [], partitionCounts: null };
  }
  const views = results.map(partitionView);
  const counts = { FRESH: 0, STALE: 0, MISSING: 0 };
  for (const v of views) counts[v.status] += 1;
  counts.MISSING = Math.max(0, partitionCount(definition, partitions) - views.length);
  const statuses: StaleStatus[] = [...views.map((v) => v.status), ...(counts.MISSING > 0 ? ['MISSING' as const] : [])];
  return { assetKey: key, status: rollUpStaleStatus(statuses), causes: [], rootCauses: [], staleSince: minSince(views), partitions: views, partitionCounts: counts };
}
