/** Reads of the partition status projection on SQLite (one row per asset, keyed by asset key). */
import type Database from 'better-sqlite3';
import { assetPartitionsFamily, assetPartitionStatusFamily, type AssetPartitionState, type AssetPartitionStatusRow } from '../../fold/index.js';
import { taskKeyOf } from '../../domain/runs/index.js';
import { parseDoc } from '../docs.js';

type DocRow = { id: string; doc: string };

export function getAssetPartitionStatus(db: Database.Database, assetKey: string): AssetPartitionStatusRow | undefined {
  const row = db.prepare('SELECT id, doc FROM asset_partition_status WHERE id = ?').get(assetKey) as DocRow | undefined;
  return row && parseDoc(assetPartitionStatusFamily, row.id, row.doc);
}

export function listAssetPartitionStatuses(db: Database.Database): AssetPartitionStatusRow[] {
  const rows = db.prepare('SELECT id, doc FROM asset_partition_status ORDER BY id').all() as DocRow[];
  return rows.map((r) => parseDoc(assetPartitionStatusFamily, r.id, r.doc));
}

export function getAssetPartition(db: Database.Database, assetKey: string, partitionKey: string | null): AssetPartitionState | undefined {
  const row = db.prepare('SELECT id, doc FROM asset_partitions WHERE id = ?').get(taskKeyOf(assetKey, partitionKey)) as DocRow | undefined;
  return row && parseDoc(assetPartitionsFamily, row.id, row.doc);
}
