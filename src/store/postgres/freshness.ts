/** Freshness reads on PostgreSQL: the same answers and orders as the SQLite engine. */
import type pg from 'pg';
import { assetFreshnessFamily, materializationsFamily, type AssetFreshnessRecord, type Materialization } from '../../fold/index.js';
import { parseDoc, selectDocs } from './docs.js';

export async function listAssetFreshness(pool: pg.Pool): Promise<AssetFreshnessRecord[]> {
  const rows = await selectDocs(pool, 'SELECT id, doc FROM asset_freshness ORDER BY id', []);
  return rows.map((r) => parseDoc(assetFreshnessFamily, String(r.id), r.doc));
}

export async function getAssetFreshness(pool: pg.Pool, assetKey: string): Promise<AssetFreshnessRecord | undefined> {
  const [row] = await selectDocs(pool, 'SELECT id, doc FROM asset_freshness WHERE id = $1', [assetKey]);
  return row ? parseDoc(assetFreshnessFamily, String(row.id), row.doc) : undefined;
}

/** One round trip for all keys: an index seek per key on `materializations (asset_key, sequence)`. */
export async function latestMaterializations(pool: pg.Pool, assetKeys: readonly string[]): Promise<Map<string, Materialization>> {
  const keys = [...new Set(assetKeys)];
  const latest = new Map<string, Materialization>();
  if (keys.length === 0) return latest;
  const { rows } = await pool.query<{ key: string; id: string | number; doc: string }>(
    `SELECT k.key, m.id, m.doc FROM unnest($1::text[]) AS k(key)
     CROSS JOIN LATERAL (SELECT id, doc FROM materializations WHERE asset_key = k.key ORDER BY sequence DESC LIMIT 1) m`,
    [keys],
  );
  for (const row of rows) latest.set(row.key, parseDoc(materializationsFamily, String(row.id), row.doc));
  return latest;
}
