/** Asset partitions and materializations on PostgreSQL: the same queries and orders as the SQLite engine. */
import type pg from 'pg';
import { assetPartitionsFamily, materializationsFamily, type AssetFreshnessRecord, type AssetPartitionState, type Materialization } from '../../fold/index.js';
import type { AssetStore, FreshnessStateRead, LastMaterializedAt } from '../contract.js';
import { parseDoc, selectDocs, type DocRow } from './docs.js';
import { getAssetFreshness, latestMaterializedAt, listAssetFreshness, listFreshnessStates, listMaterializedAtAfter } from './freshness.js';
import { getAssetPartition, getAssetPartitionStatus, listAssetPartitionStatuses } from './partition-status.js';
import { assetWipesFamily, type AssetPartitionStatusRow, type AssetWipe } from '../../fold/index.js';

export class PostgresAssets implements AssetStore {
  constructor(private readonly pool: pg.Pool) {}

  private docs(sql: string, params: readonly unknown[]): Promise<DocRow[]> {
    return selectDocs(this.pool, sql, params);
  }

  async listAssetPartitions(assetKey?: string): Promise<AssetPartitionState[]> {
    const rows =
      assetKey === undefined
        ? await this.docs('SELECT id, doc FROM asset_partitions ORDER BY asset_key, id', [])
        : await this.docs('SELECT id, doc FROM asset_partitions WHERE asset_key = $1 ORDER BY id', [assetKey]);
    return rows.map((r) => parseDoc(assetPartitionsFamily, String(r.id), r.doc));
  }

  async listMaterializations(assetKey: string, limit: number): Promise<Materialization[]> {
    const rows = await this.docs('SELECT id, doc FROM materializations WHERE asset_key = $1 ORDER BY sequence DESC LIMIT $2', [assetKey, limit]);
    return rows.map((r) => parseDoc(materializationsFamily, String(r.id), r.doc));
  }

  async listAssetFreshness(): Promise<AssetFreshnessRecord[]> {
    return listAssetFreshness(this.pool);
  }

  async getAssetFreshness(assetKey: string): Promise<AssetFreshnessRecord | undefined> {
    return getAssetFreshness(this.pool, assetKey);
  }

  async listFreshnessStates(): Promise<FreshnessStateRead[]> {
    return listFreshnessStates(this.pool);
  }

  async latestMaterializedAt(assetKeys: readonly string[]): Promise<Map<string, LastMaterializedAt>> {
    return latestMaterializedAt(this.pool, assetKeys);
  }

  async listMaterializedAtAfter(afterSequence: number, limit: number): Promise<(LastMaterializedAt & { readonly assetKey: string })[]> {
    return listMaterializedAtAfter(this.pool, afterSequence, limit);
  }

  async getAssetPartitionStatus(assetKey: string): Promise<AssetPartitionStatusRow | undefined> {
    return getAssetPartitionStatus(this.pool, assetKey);
  }

  async listAssetPartitionStatuses(): Promise<AssetPartitionStatusRow[]> {
    return listAssetPartitionStatuses(this.pool);
  }

  async listAssetWipes(query: { assetKey?: string; afterSequence?: number; limit: number }): Promise<AssetWipe[]> {
    const rows = await this.docs('SELECT id, doc FROM asset_wipes WHERE ($1::text IS NULL OR asset_key = $1) AND id > $2 ORDER BY id DESC LIMIT $3', [
      query.assetKey ?? null,
      query.afterSequence ?? 0,
      query.limit,
    ]);
    return rows.map((r) => parseDoc(assetWipesFamily, String(r.id), r.doc));
  }

  async getAssetPartition(assetKey: string, partitionKey: string | null): Promise<AssetPartitionState | undefined> {
    return getAssetPartition(this.pool, assetKey, partitionKey);
  }
}
