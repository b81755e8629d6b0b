/**
 * The staleness view (SEMANTICS §8): per asset, and per materialized partition of a partitioned
 * asset, MISSING | STALE | FRESH with causes and `staleSince`, computed from the asset partitions
 * projection (the last materialization of every asset partition, with its provenance) and the
 * definitions loaded now. Nothing is stored: replaying the ledger rebuilds the projection it reads.
 *
 * Cost: the first computation for a store reads the whole projection once and compares every
 * edge (cheap); later ones read only the ledger events since, and recompute only the assets those
 * events materialized and their direct children (staleness is not transitive, so nothing further
 * can change): after one root changes, that is its children. Assets found STALE through a parent's
 * data version cost one bounded history read per changed parent, to date the change (`staleSince`).
 */
import {
  assessStaleness,
  COMPARED_PARENT_PARTITIONS_MAX,
  type AssetPartitionRef,
  type AssetPartitionStaleness,
  type ParentPartitions,
  type RecordedMaterialization,
  type StalenessAsset,
  type StalenessSource,
} from '../domain/assets/index.js';
import { isArcoError } from '../domain/errors/index.js';
import { partitionCount, partitionKeys, upstreamPartitions, type PartitionsContext } from '../domain/partitions/index.js';
import { taskKeyOf } from '../domain/runs/index.js';
import type { StoredEvent } from '../events/index.js';
import type { AssetPartitionState, Materialization } from '../fold/index.js';
import type { Store } from '../store/index.js';
import type { RuntimeContext } from './context.js';
import type { LoadedDefinitions } from './definitions-loader.js';
import { partitionsContextAt } from './partitions-context.js';
import { assetView, type AssetStalenessView } from './staleness-view.js';

/** Up to this many assets (a selection and its parents), reading each is cheaper than reading all. */
const PER_ASSET_READS_MAX = 50;
/** Events read per page when catching up, and pages before reading the whole projection is cheaper. */
const CATCH_UP_PAGE_EVENTS = 2_000;
const CATCH_UP_PAGES_MAX = 5;
/** Materializations of a changed parent read to date its change; older changes date from the oldest read. */
const CHANGE_HISTORY_MAX = 1000;

export { assetStalenessSchema, stalenessResultSchema, type AssetStalenessView, type StaleCauseView } from './staleness-view.js';

/** What the computation touched, for the benchmark: assets compared, and assets found stale through data. */
export interface StalenessStats {
  assetsCompared: number;
  partitionsCompared: number;
  changedParentsDated: number;
  /** Wall time reading the projection rows, and comparing (ms); for the benchmark only. */
  readMs: number;
  compareMs: number;
}

function recordedOf(m: Materialization): RecordedMaterialization {
  return { sequence: m.sequence, dataVersion: m.dataVersion, materializedAt: m.materializedAt, provenance: m.provenance };
}

/** Dagster's default data version of an external asset never observed nor reported. */
export const INITIAL_DATA_VERSION = 'INITIAL';

/** Stands for the version of an external asset partition before anything was recorded of it. */
const INITIAL_RECORD: RecordedMaterialization = { sequence: 0, dataVersion: INITIAL_DATA_VERSION, materializedAt: new Date(0).toISOString(), provenance: null };

/**
 * The current data version of an asset partition: its latest materialization (by a run or
 * reported) or its latest observation, whichever the ledger recorded last. An observation has no
 * provenance: external assets are never assessed themselves, only read by their children.
 */
export function currentVersionOf(state: AssetPartitionState): RecordedMaterialization | null {
  const m = state.lastMaterialization;
  const o = state.lastObservation;
  if (o && (!m || o.sequence > m.sequence)) return { sequence: o.sequence, dataVersion: o.dataVersion, materializedAt: o.observedAt, provenance: null };
  return m ? recordedOf(m) : null;
}

/** The projection rows staleness reads, indexed: last materialization per asset partition and per asset. */
export class MaterializationIndex {
  private readonly byTaskKey = new Map<string, RecordedMaterialization>();
  private readonly latestByAsset = new Map<string, RecordedMaterialization>();
  readonly partitionsByAsset = new Map<string, string[]>();

  constructor(rows: Iterable<AssetPartitionState>) {
    for (const row of rows) {
      const current = currentVersionOf(row);
      if (current) this.apply(row.assetKey, row.partitionKey, current);
    }
  }

  /** Records a materialization unless a later one of the same asset partition is already known. */
  apply(assetKey: string, partitionKey: string | null, recorded: RecordedMaterialization): void {
    const taskKey = taskKeyOf(assetKey, partitionKey);
    const known = this.byTaskKey.get(taskKey);
    if (known && known.sequence >= recorded.sequence) return;
    this.byTaskKey.set(taskKey, recorded);
    const latest = this.latestByAsset.get(assetKey);
    if (!latest || latest.sequence < recorded.sequence) this.latestByAsset.set(assetKey, recorded);
    if (partitionKey !== null && !known) {
      const list = this.partitionsByAsset.get(assetKey);
      if (list) list.push(partitionKey);
      else this.partitionsByAsset.set(assetKey, [partitionKey]);
    }
  }

  /** For a partitioned asset read whole (partitionKey null), the latest of any partition, as data versions are derived. */
  last(assetKey: string, partitionKey: string | null): RecordedMaterialization | null {
    return this.byTaskKey.get(taskKeyOf(assetKey, partitionKey)) ?? (partitionKey === null ? (this.latestByAsset.get(assetKey) ?? null) : null);
  }
}

/** Dates of parent changes: for each parent partition, its materializations newest first. */
type ChangeHistory = ReadonlyMap<string, readonly Materialization[]>;

function sourceOf(defs: LoadedDefinitions, partitions: PartitionsContext, index: MaterializationIndex, history?: ChangeHistory): StalenessSource {
  // Each asset is asked for once per child: build its view once.
  const assets = new Map<string, StalenessAsset | undefined>();
  return {
    asset: (key) => {
      if (assets.has(key)) return assets.get(key);
      const a = defs.assets.get(key);
      const asset = a ? { key, deps: defs.graph.parents(key), codeVersion: a.codeVersion, external: a.external } : undefined;
      assets.set(key, asset);
      return asset;
    },
    lastMaterialization: (assetKey, partitionKey) => index.last(assetKey, partitionKey) ?? (defs.isExternal(assetKey) ? INITIAL_RECORD : null),
    parentPartitions: (child, partitionKey, parent) => parentPartitionsOf(defs, partitions, child, partitionKey, parent),
    dataChangedAt: history ? (dependency, recorded, after) => changedAt(history, dependency, recorded, after) : undefined,
  };
}

/**
 * The parent partitions one child partition reads now. An all-partitions mapping is counted before
 * it is listed (an edge that long is not compared), so a parent of a million partitions costs nothing.
 */
function parentPartitionsOf(defs: LoadedDefinitions, partitions: PartitionsContext, child: string, partitionKey: string | null, parent: string): ParentPartitions {
  const upDef = defs.partitionsOf(parent);
  if (upDef === null) return { kind: 'whole' };
  const mapping = defs.mappingOf(child, parent);
  if (mapping.kind === 'allPartitions') {
    if (upDef.kind === 'timeWindow') return { kind: 'partitions', keys: [], allOfTimeWindow: true };
    if (partitionCount(upDef, partitions) >= COMPARED_PARENT_PARTITIONS_MAX) return { kind: 'uncompared' };
    return { kind: 'partitions', keys: [...partitionKeys(upDef, partitions)], allOfTimeWindow: false };
  }
  try {
    const read = upstreamPartitions(mapping, upDef, defs.partitionsOf(child) ?? undefined, partitionKey === null ? [] : [partitionKey], partitions);
    return { kind: 'partitions', keys: read.keys, allOfTimeWindow: false };
  } catch (error) {
    // A partition the definitions no longer name (a removed dynamic key): nothing to compare it with.
    if (isArcoError(error)) return { kind: 'uncompared' };
    throw error;
  }
}

/** The start of the newest unbroken series of parent materializations whose version differs from the recorded one. */
function changedAt(history: ChangeHistory, dependency: AssetPartitionRef, recorded: string | null, afterSequence: number): string | null {
  let since: string | null = null;
  for (const m of history.get(dependency.assetKey) ?? []) {
    if (m.partitionKey !== dependency.partitionKey && dependency.partitionKey !== null) continue;
    if (m.sequence <= afterSequence || m.dataVersion === recorded) break;
    since = m.materializedAt;
  }
  return since;
}

/** Staleness of every asset partition the view lists, one asset after another. */
function assessAll(source: StalenessSource, defs: LoadedDefinitions, index: MaterializationIndex, keys: readonly string[], stats: StalenessStats): Map<string, AssetPartitionStaleness[]> {
  const out = new Map<string, AssetPartitionStaleness[]>();
  for (const key of keys) {
    stats.assetsCompared += 1;
    const partitionKeysOf = defs.partitionsOf(key) === null ? [null] : (index.partitionsByAsset.get(key) ?? []);
    stats.partitionsCompared += partitionKeysOf.length;
    out.set(key, partitionKeysOf.map((p) => assessStaleness(source, key, p)));
  }
  return out;
}


/**
 * What one store's staleness was last computed from: the ledger position, the index of last
 * materializations there, and the results per unpartitioned asset. Later calls read only the
 * events after that position and recompute only the assets they changed and those assets' direct
 * children (staleness compares direct parents only, so nothing further can change). Partitioned
 * assets are recomputed on every call: which partitions exist moves with the clock.
 */
interface StalenessCache {
  readonly definitions: LoadedDefinitions;
  sequence: number;
  readonly index: MaterializationIndex;
  /** Views of unpartitioned assets, by key. */
  readonly results: Map<string, AssetStalenessView>;
}

const caches = new WeakMap<Store, StalenessCache>();

/** Drops what was cached for a store (the next computation reads the whole projection again). */
export function forgetStaleness(store: Store): void {
  caches.delete(store);
}

async function freshCache(ctx: RuntimeContext): Promise<StalenessCache> {
  // The position first: events appended while the rows are read are applied again, harmlessly.
  const sequence = await ctx.store.ledger.lastSequence();
  const index = new MaterializationIndex(await ctx.store.assets.listAssetPartitions());
  return { definitions: ctx.definitions, sequence, index, results: new Map() };
}

/** Brings a cache up to the ledger's end; null when too much happened (read everything again instead). */
async function caughtUp(ctx: RuntimeContext, cache: StalenessCache): Promise<StalenessCache | null> {
  for (let page = 0; page < CATCH_UP_PAGES_MAX; page += 1) {
    const events = await ctx.store.ledger.readEvents({ afterSequence: cache.sequence, limit: CATCH_UP_PAGE_EVENTS });
    for (const e of events) {
      if (e.type === 'DynamicPartitionsChanged') cache.results.clear();
      // A wipe forgets materializations the index holds; wipes are rare, so read everything again.
      if (e.type === 'AssetWiped') return null;
      const recorded = versionRecordedBy(e);
      if (recorded === null) continue;
      const p = e.payload as { assetKey: string; partitionKey: string | null };
      cache.index.apply(p.assetKey, p.partitionKey, recorded);
      cache.results.delete(p.assetKey);
      for (const child of ctx.definitions.graph.children(p.assetKey)) cache.results.delete(child);
    }
    const last = events[events.length - 1];
    if (last) cache.sequence = last.sequence;
    if (events.length < CATCH_UP_PAGE_EVENTS) return cache;
  }
  return null;
}

/** The data version an event records for an asset partition, or null when it records none. */
function versionRecordedBy(e: StoredEvent): RecordedMaterialization | null {
  switch (e.type) {
    case 'AssetMaterialized':
      return { sequence: e.sequence, dataVersion: e.payload.dataVersion, materializedAt: e.at, provenance: e.payload.provenance };
    case 'AssetMaterializationReported':
      return { sequence: e.sequence, dataVersion: e.payload.dataVersion, materializedAt: e.at, provenance: null };
    case 'AssetObserved':
      return { sequence: e.sequence, dataVersion: e.payload.dataVersion, materializedAt: e.payload.observedAt, provenance: null };
    default:
      return null;
  }
}

/**
 * The cache for this store, caught up. Without one, a small selection (a CLI call, a stale-only
 * run of a few assets) reads only its assets and their parents, into a cache used once.
 */
async function cacheFor(ctx: RuntimeContext, keys: readonly string[]): Promise<StalenessCache> {
  const known = caches.get(ctx.store);
  const current = known && known.definitions === ctx.definitions ? await caughtUp(ctx, known) : null;
  if (current) return current;
  const needed = new Set(keys);
  for (const key of keys) for (const parent of ctx.definitions.graph.parents(key)) needed.add(parent);
  if (needed.size <= PER_ASSET_READS_MAX) {
    const rows: AssetPartitionState[] = [];
    for (const key of needed) rows.push(...(await ctx.store.assets.listAssetPartitions(key)));
    return { definitions: ctx.definitions, sequence: 0, index: new MaterializationIndex(rows), results: new Map() };
  }
  const cache = await freshCache(ctx);
  caches.set(ctx.store, cache);
  return cache;
}

/**
 * Staleness of the given assets (keys the definitions hold), in the order given.
 * @param stats filled with what was touched, when given.
 */
export async function computeStaleness(ctx: RuntimeContext, keys: readonly string[], stats?: StalenessStats): Promise<AssetStalenessView[]> {
  const touched = stats ?? { assetsCompared: 0, partitionsCompared: 0, changedParentsDated: 0, readMs: 0, compareMs: 0 };
  const started = performance.now();
  const partitions = await partitionsContextAt(ctx, ctx.clock.now());
  const cache = await cacheFor(ctx, keys);
  const read = performance.now();
  touched.readMs = read - started;
  const defs = ctx.definitions;
  const missing = keys.filter((key) => !cache.results.has(key));
  const results = assessAll(sourceOf(defs, partitions, cache.index), defs, cache.index, missing, touched);
  // Second pass, only for what the first found stale through a parent's data: date the change.
  const changedParents = new Set<string>();
  for (const list of results.values()) for (const s of list) for (const c of s.causes) if (c.category === 'DATA' && c.dependency) changedParents.add(c.dependency.assetKey);
  if (changedParents.size > 0) {
    const history = new Map<string, Materialization[]>();
    for (const parent of changedParents) history.set(parent, await ctx.store.assets.listMaterializations(parent, CHANGE_HISTORY_MAX));
    touched.changedParentsDated = changedParents.size;
    const dated = sourceOf(defs, partitions, cache.index, history);
    for (const [key, list] of results) {
      if (list.some((s) => s.causes.some((c) => c.category === 'DATA'))) results.set(key, list.map((s) => (s.status === 'STALE' ? assessStaleness(dated, key, s.partitionKey) : s)));
    }
  }
  const views = keys.map((key) => {
    const cached = cache.results.get(key);
    if (cached) return cached;
    const view = assetView(defs, partitions, key, results.get(key) ?? []);
    if (view.partitionCounts === null) cache.results.set(key, view);
    return view;
  });
  touched.compareMs = performance.now() - read;
  return views;
}
