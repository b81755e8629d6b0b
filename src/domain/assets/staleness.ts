/**
 * Staleness of an asset partition (SEMANTICS §8, as Dagster's `CachingStaleStatusResolver`):
 *
 * - MISSING: never materialized. External (source) assets are never MISSING: always FRESH.
 * - FRESH: materialized, and nothing it was computed from differs now. A materialization recorded
 *   without provenance (before provenance existed) is FRESH: there is nothing to compare.
 * - STALE: materialized, with at least one cause:
 *   - CODE `has a new code version`: the definition's code version is set and differs from the one
 *     the materialization recorded (as Dagster, a code version that was removed is no cause).
 *   - DEPENDENCIES `removed dependency on <key>`: the materialization read an asset that is no
 *     longer a parent; `has a new dependency on <key>`: a parent it did not read (one cause per
 *     compared partition edge, as Dagster).
 *   - DATA `has a new dependency data version` / `has a new dependency materialization`: a direct
 *     parent partition's current data version differs from the one recorded, with the nested cause
 *     `has a new data version` / `has a new materialization` on the parent. "Data version" wording
 *     when the parent has a code version, a user-supplied version, or is external.
 *
 * Only direct parents are compared, so staleness is not transitive: a child of a STALE asset stays
 * FRESH until that asset is re-materialized to a different data version. Each upstream partition is
 * its own edge; an edge to 100 or more upstream partitions, or from a time-partitioned parent
 * through an all-partitions mapping, is not compared (Dagster's bound, for cost).
 *
 * `staleSince` is the earliest time a current cause appeared: for a DATA cause, the time of the
 * first parent materialization after the child's whose data version differed from the recorded one
 * (so re-materializing the parent again does not move it; the runtime reads a bounded history); for CODE and DEPENDENCIES causes, the
 * child's own materialization time, because definitions are not events and the moment they changed
 * is unknown: the child's materialization is the earliest the difference can date from. It is
 * therefore fixed while the asset stays stale: only a new materialization of the child resets it.
 */
import { InvariantError } from '../errors/index.js';

export type StaleStatus = 'MISSING' | 'STALE' | 'FRESH';
export type StaleCauseCategory = 'CODE' | 'DATA' | 'DEPENDENCIES';

export interface AssetPartitionRef {
  readonly assetKey: string;
  /** null: unpartitioned, or the asset as a whole. */
  readonly partitionKey: string | null;
}

export interface StaleCause {
  readonly category: StaleCauseCategory;
  readonly reason: string;
  /** The asset partition this cause is about (the stale one, or the parent for a nested cause). */
  readonly key: AssetPartitionRef;
  /** The parent partition the cause comes from, if any. */
  readonly dependency: AssetPartitionRef | null;
  /** Causes on the dependency that explain this one (the deepest are the root causes). */
  readonly causes: readonly StaleCause[];
}

export interface AssetPartitionStaleness extends AssetPartitionRef {
  readonly status: StaleStatus;
  /** Sorted by `key/dependency`. Empty unless STALE. */
  readonly causes: readonly StaleCause[];
  /** The deepest causes, breadth first, without repeats. */
  readonly rootCauses: readonly StaleCause[];
  /** ISO-8601; null unless STALE. */
  readonly staleSince: string | null;
}

/** An asset as defined now. */
export interface StalenessAsset {
  readonly key: string;
  /** Direct parents. */
  readonly deps: readonly string[];
  readonly codeVersion: string | null;
  /** A source asset: never materialized by Arco, always FRESH. */
  readonly external: boolean;
}

/** What a materialization recorded about its inputs (the AssetMaterialized provenance). */
export interface RecordedProvenance {
  readonly codeVersion: string | null;
  readonly userDataVersion: boolean;
  readonly inputs: readonly { readonly assetKey: string; readonly partitionKey: string | null; readonly dataVersion: string | null }[];
}

export interface RecordedMaterialization {
  /** Ledger sequence: orders materializations. */
  readonly sequence: number;
  readonly dataVersion: string;
  /** ISO-8601. */
  readonly materializedAt: string;
  readonly provenance: RecordedProvenance | null;
}

/**
 * The partitions of a parent that one child partition reads now: the whole parent (unpartitioned),
 * or the mapped keys, flagged when they come from a time-partitioned parent through an
 * all-partitions mapping.
 */
export type ParentPartitions =
  | { readonly kind: 'whole' }
  | { readonly kind: 'partitions'; readonly keys: readonly string[]; readonly allOfTimeWindow: boolean }
  /** Known not to be compared without listing the keys: too many, or a key the definitions no longer name. */
  | { readonly kind: 'uncompared' };

/** What staleness reads; the runtime backs it with projections and definitions. */
export interface StalenessSource {
  asset(key: string): StalenessAsset | undefined;
  /** The current materialization of an asset partition (for a partitioned asset read whole: its latest of any partition). */
  lastMaterialization(assetKey: string, partitionKey: string | null): RecordedMaterialization | null;
  parentPartitions(child: string, partitionKey: string | null, parent: string): ParentPartitions;
  /**
   * When the data version of `dependency` last turned from `recorded` to something else after
   * ledger sequence `afterSequence` (ISO-8601): the first of the newest unbroken series of its
   * materializations with another version; null if unknown. Without it, the dependency's current
   * materialization time is used.
   */
  dataChangedAt?(dependency: AssetPartitionRef, recorded: string | null, afterSequence: number): string | null;
}

/** Dagster's SKIP_PARTITION_DATA_VERSION_DEPENDENCY_THRESHOLD: edges to this many partitions or more are not compared. */
export const COMPARED_PARENT_PARTITIONS_MAX = 100;

/** The parent partitions compared for one child partition; null: this edge is not compared. */
export function comparedParentPartitions(parent: ParentPartitions): readonly (string | null)[] | null {
  if (parent.kind === 'whole') return [null];
  if (parent.kind === 'uncompared') return null;
  if (parent.allOfTimeWindow || parent.keys.length >= COMPARED_PARENT_PARTITIONS_MAX) return null;
  return parent.keys;
}

const refOf = (assetKey: string, partitionKey: string | null): AssetPartitionRef => ({ assetKey, partitionKey });
/** Printed as task keys are: `asset` or `asset[partition]`. */
const refText = (ref: AssetPartitionRef): string => (ref.partitionKey === null ? ref.assetKey : `${ref.assetKey}[${ref.partitionKey}]`);

/** Dagster's `StaleCause.sort_key`. */
function sortKey(cause: StaleCause): string {
  return cause.dependency ? `${refText(cause.key)}/${refText(cause.dependency)}` : refText(cause.key);
}

interface Found {
  readonly cause: StaleCause;
  readonly since: string;
}

/** The stale status of one asset partition with its causes. @throws if `assetKey` is not in `source`. */
export function assessStaleness(source: StalenessSource, assetKey: string, partitionKey: string | null): AssetPartitionStaleness {
  const asset = source.asset(assetKey);
  if (!asset) throw new InvariantError('an asset the staleness source defines', `"${assetKey}"`);
  const self = refOf(assetKey, partitionKey);
  const settled = (status: StaleStatus): AssetPartitionStaleness => ({ ...self, status, causes: [], rootCauses: [], staleSince: null });
  if (asset.external) return settled('FRESH');
  const last = source.lastMaterialization(assetKey, partitionKey);
  if (!last) return settled('MISSING');
  if (!last.provenance) return settled('FRESH');
  const found = [...definitionCauses(asset, self, last, last.provenance), ...dataCauses(source, asset, self, last, last.provenance)];
  if (found.length === 0) return settled('FRESH');
  const causes = found.map((f) => f.cause).sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : 0));
  const staleSince = found.reduce((min, f) => (f.since < min ? f.since : min), found[0]!.since);
  return { ...self, status: 'STALE', causes, rootCauses: rootCausesOf(causes), staleSince };
}

/** CODE and removed-dependency causes: differences between the definition and what was recorded. */
function definitionCauses(asset: StalenessAsset, self: AssetPartitionRef, last: RecordedMaterialization, provenance: RecordedProvenance): Found[] {
  const found: Found[] = [];
  const since = last.materializedAt;
  if (asset.codeVersion !== null && asset.codeVersion !== provenance.codeVersion) {
    found.push({ since, cause: { category: 'CODE', reason: 'has a new code version', key: self, dependency: null, causes: [] } });
  }
  const parents = new Set(asset.deps);
  const removed = [...new Set(provenance.inputs.map((i) => i.assetKey))].filter((k) => !parents.has(k)).sort();
  for (const key of removed) {
    found.push({ since, cause: { category: 'DEPENDENCIES', reason: `removed dependency on ${key}`, key: self, dependency: refOf(key, null), causes: [] } });
  }
  return found;
}

/** Recorded input data versions: asset key -> partition key (null: whole) -> data version. */
function recordedInputs(provenance: RecordedProvenance): Map<string, Map<string | null, string | null>> {
  const out = new Map<string, Map<string | null, string | null>>();
  for (const input of provenance.inputs) {
    let byPartition = out.get(input.assetKey);
    if (!byPartition) out.set(input.assetKey, (byPartition = new Map()));
    byPartition.set(input.partitionKey, input.dataVersion);
  }
  return out;
}

/** New-dependency and DATA causes: each compared parent partition against what was recorded. */
function dataCauses(source: StalenessSource, asset: StalenessAsset, self: AssetPartitionRef, last: RecordedMaterialization, provenance: RecordedProvenance): Found[] {
  const found: Found[] = [];
  const recorded = recordedInputs(provenance);
  for (const parentKey of asset.deps) {
    const parent = source.asset(parentKey);
    const edges = comparedParentPartitions(source.parentPartitions(asset.key, self.partitionKey, parentKey));
    if (!parent || edges === null) continue;
    const byPartition = recorded.get(parentKey);
    for (const partitionKey of edges) {
      const dependency = refOf(parentKey, partitionKey);
      if (!byPartition) {
        const reason = `has a new dependency on ${parentKey}`;
        found.push({ since: last.materializedAt, cause: { category: 'DEPENDENCIES', reason, key: self, dependency, causes: [] } });
        continue;
      }
      // Read as a whole when it was recorded (too many partitions then): no per-partition version to compare.
      if (partitionKey !== null && !byPartition.has(partitionKey) && byPartition.has(null)) continue;
      const before = byPartition.get(partitionKey) ?? null;
      const current = source.lastMaterialization(parentKey, partitionKey);
      if ((current?.dataVersion ?? null) === before) continue;
      const versioned = parent.codeVersion !== null || parent.external || (current?.provenance?.userDataVersion ?? false);
      const nested: StaleCause = { category: 'DATA', reason: versioned ? 'has a new data version' : 'has a new materialization', key: dependency, dependency: null, causes: [] };
      const reason = versioned ? 'has a new dependency data version' : 'has a new dependency materialization';
      const since = source.dataChangedAt?.(dependency, before, last.sequence) ?? current?.materializedAt ?? last.materializedAt;
      found.push({ since, cause: { category: 'DATA', reason, key: self, dependency, causes: [nested] } });
    }
  }
  return found;
}

/** The leaves of the cause tree, breadth first, each once (Dagster's `_get_stale_root_causes`). */
function rootCausesOf(causes: readonly StaleCause[]): StaleCause[] {
  const roots: StaleCause[] = [];
  const visited = new Set<string>();
  let candidates: readonly StaleCause[] = causes;
  while (candidates.length > 0) {
    const next: StaleCause[] = [];
    for (const cause of candidates) {
      const id = `${sortKey(cause)}|${cause.category}|${cause.reason}`;
      if (visited.has(id)) continue;
      visited.add(id);
      if (cause.causes.length === 0) roots.push(cause);
      else next.push(...cause.causes);
    }
    candidates = next;
  }
  return roots;
}

/**
 * An asset's status from its partitions' (or its own): STALE if any materialized partition is
 * stale, else MISSING if any is missing, else FRESH.
 */
export function rollUpStaleStatus(statuses: Iterable<StaleStatus>): StaleStatus {
  let missing = false;
  let any = false;
  for (const status of statuses) {
    any = true;
    if (status === 'STALE') return 'STALE';
    if (status === 'MISSING') missing = true;
  }
  return missing || !any ? 'MISSING' : 'FRESH';
}
