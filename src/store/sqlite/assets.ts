/** Asset partitions and materializations on SQLite. */
import type Database from 'better-sqlite3';
import { assetPartitionsFamily, materializationsFamily, type AssetFreshnessRecord, type AssetPartitionState, type Materialization } from '../../fold/index.js';
import type { AssetStore, FreshnessStateRead, LastMaterializedAt } from '../contract.js';
import { parseDoc } from '../docs.js';
import { getAssetFreshness, latestMaterializedAt, listAssetFreshness, listFreshnessStates, listMaterializedAtAfter } from './freshness.js';
import { getAssetPartition, getAssetPartitionStatus, listAssetPartitionStatuses } from './partition-status.js';
import { assetWipesFamily, type AssetPartitionStatusRow, type AssetWipe } from '../../fold/index.js';

type DocRow = { id: string; doc: string };

export class SqliteAssets implements AssetStore {
  constructor(private readonly db: Database.Database) {}

  async listAssetPartitions(assetKey?: string): Promise<AssetPartitionState[]> {
    const rows = (
      assetKey === undefined
        ? this.db.prepare('SELECT id, doc FROM asset_partitions ORDER BY asset_key, id').all()
        : this.db.prepare('SELECT id, doc FROM asset_partitions WHERE asset_key = ? ORDER BY id').all(assetKey)
    ) as DocRow[];
    return rows.map((r) => parseDoc(assetPartitionsFamily, r.id, r.doc));
  }

  async listMaterializations(assetKey: string, limit: number): Promise<Materialization[]> {
    const rows = this.db
      .prepare('SELECT id, doc FROM materializations WHERE asset_key = ? ORDER BY sequence DESC LIMIT ?')
      .all(assetKey, limit) as DocRow[];
    return rows.map((r) => parseDoc(materializationsFamily, r.id, r.doc));
  }

  async listAssetFreshness(): Promise<AssetFreshnessRecord[]> {
    return listAssetFreshness(this.db);
  }

  async getAssetFreshness(assetKey: string): Promise<AssetFreshnessRecord | undefined> {
    return getAssetFreshness(this.db, assetKey);
  }

  async listFreshnessStates(): Promise<FreshnessStateRead[]> {
    return listFreshnessStates(this.db);
  }

  async latestMaterializedAt(assetKeys: readonly string[]): Promise<Map<string, LastMaterializedAt>> {
    return latestMaterializedAt(this.db, assetKeys);
  }

  async listMaterializedAtAfter(afterSequence: number, limit: number): Promise<(LastMaterializedAt & { readonly assetKey: string })[]> {
    return listMaterializedAtAfter(this.db, afterSequence, limit);
  }

  async getAssetPartitionStatus(assetKey: string): Promise<AssetPartitionStatusRow | undefined> {
    return getAssetPartitionStatus(this.db, assetKey);
  }

  async listAssetPartitionStatuses(): Promise<AssetPartitionStatusRow[]> {
    return listAssetPartitionStatuses(this.db);
  }

  async listAssetWipes(query: { assetKey?: string; afterSequence?: number; limit: number }): Promise<AssetWipe[]> {
    const rows = this.db
      .prepare('SELECT id, doc FROM asset_wipes WHERE (? IS NULL OR asset_key = ?) AND id > ? ORDER BY id DESC LIMIT ?')
      .all(query.assetKey ?? null, query.assetKey ?? null, query.afterSequence ?? 0, query.limit) as DocRow[];
    return rows.map((r) => parseDoc(assetWipesFamily, r.id, r.doc));
  }

  async getAssetPartition(assetKey: string, partitionKey: string | null): Promise<AssetPartitionState | undefined> {
    return getAssetPartition(this.db, assetKey, partitionKey);
  }
}
