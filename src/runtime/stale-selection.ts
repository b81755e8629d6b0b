/**
 * Stale-only runs (Dagster's "Materialize changed and missing"): a run request narrowed to the
 * STALE and MISSING assets and partitions of its selection, before it is planned and fingerprinted.
 */
import { arcoError } from '../domain/errors/index.js';
import { sameDefinition, type PartitionSelector } from '../domain/partitions/index.js';
import { runPartitionKeys, taskKeyOf } from '../domain/runs/index.js';
import type { RuntimeContext } from './context.js';
import { partitionsContextAt } from './partitions-context.js';
import { computeStaleness } from './staleness.js';

/** What a stale-only run materializes: the stale and missing part of a selection. */
export interface StaleSelection {
  readonly assetKeys: string[];
  readonly partition: PartitionSelector | null;
  /** The exact task keys, when partitioned assets keep different partitions. */
  readonly taskSubset: string[] | undefined;
}

/**
 * Narrows a run's assets (and partitions) to the STALE and MISSING ones, as Dagster's "Materialize
 * changed and missing". The partition selector becomes the explicit list of kept keys when the kept
 * partitioned assets share one definition (so the run's fingerprint names exactly what it
 * materializes); otherwise the selector stays and the task subset alone narrows the plan.
 * @throws NOTHING_STALE (details: `assets`, the assets looked at) when everything is FRESH.
 * @throws as `runPartitionKeys` for a selector that does not fit the assets.
 */
export async function staleSelection(ctx: RuntimeContext, assetKeys: readonly string[], selector: PartitionSelector | null): Promise<StaleSelection> {
  const defs = ctx.definitions;
  const now = ctx.clock.now();
  const partitions = await partitionsContextAt(ctx, now);
  const keysByAsset = runPartitionKeys(assetKeys, selector, { ...defs, partitions });
  const views = await computeStaleness(ctx, assetKeys);
  const kept: string[] = [];
  const tasks: string[] = [];
  const keptPartitions = new Map<string, string[]>();
  for (const view of views) {
    const selected = keysByAsset.get(view.assetKey) ?? null;
    if (selected === null) {
      if (view.status !== 'FRESH') {
        kept.push(view.assetKey);
        tasks.push(view.assetKey);
      }
      continue;
    }
    const fresh = new Set(view.partitions.filter((p) => p.status === 'FRESH').map((p) => p.partitionKey));
    const stale = selected.filter((k) => !fresh.has(k));
    if (stale.length === 0) continue;
    kept.push(view.assetKey);
    keptPartitions.set(view.assetKey, stale);
    for (const k of stale) tasks.push(taskKeyOf(view.assetKey, k));
  }
  if (kept.length === 0) {
    throw arcoError('NOTHING_STALE', `nothing to materialize: every selected asset${selector ? ' partition' : ''} is FRESH (${assetKeys.slice(0, 5).join(', ')}${assetKeys.length > 5 ? ', …' : ''})`, {
      assets: [...assetKeys],
    });
  }
  const partitioned = [...keptPartitions.keys()];
  const [first] = partitioned;
  if (first === undefined) return { assetKeys: kept, partition: null, taskSubset: undefined };
  const definition = defs.partitionsOf(first);
  const shared = partitioned.every((k) => {
    const other = defs.partitionsOf(k);
    return definition !== null && other !== null && sameDefinition(other, definition);
  });
  if (!shared) return { assetKeys: kept, partition: selector, taskSubset: tasks };
  const union = new Set(partitioned.flatMap((k) => keptPartitions.get(k) ?? []));
  const ordered = (keysByAsset.get(first) ?? []).filter((k) => union.has(k));
  const everyKept = partitioned.every((k) => (keptPartitions.get(k) ?? []).length === ordered.length);
  return { assetKeys: kept, partition: { kind: 'explicit', keys: ordered }, taskSubset: everyKept ? undefined : tasks };
}
