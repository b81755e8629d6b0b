/** Reads of the partition status projection on PostgreSQL: the same queries as the SQLite engine. */
import type pg from 'pg';
import { assetPartitionsFamily, assetPartitionStatusFamily, type AssetPartitionState, type AssetPartitionStatusRow } from '../../fold/index.js';
import { taskKeyOf } from '../../domain/runs/index.js';
import { parseDoc, selectDocs } from './docs.js';

export async function getAssetPartitionStatus(pool: pg.Pool, assetKey: string): Promise<AssetPartitionStatusRow | undefined> {
  const [row] = await selectDocs(pool, 'SELECT id, doc FROM asset_partition_status WHERE id = $1', [assetKey]);
  return row && parseDoc(assetPartitionStatusFamily, String(row.id), row.doc);
}

export async function listAssetPartitionStatuses(pool: pg.Pool): Promise<AssetPartitionStatusRow[]> {
  const rows = await selectDocs(pool, 'SELECT id, doc FROM asset_partition_status ORDER BY id', []);
  return rows.map((r) => parseDoc(assetPartitionStatusFamily, String(r.id), r.doc));
}

export async function getAssetPartition(pool: pg.Pool, assetKey: string, partitionKey: string | null): Promise<AssetPartitionState | undefined> {
  const [row] = await selectDocs(pool, 'SELECT id, doc FROM asset_partitions WHERE id = $1', [taskKeyOf(assetKey, partitionKey)]);
  return row && parseDoc(assetPartitionsFamily, String(row.id), row.doc);
}
