/** Freshness reads on PostgreSQL: the same answers and orders as the SQLite engine. */
import type pg from 'pg';
import { freshnessStateSchema } from '../../events/index.js';
import { assetFreshnessFamily, type AssetFreshnessRecord } from '../../fold/index.js';
import type { FreshnessStateRead, LastMaterializedAt } from '../contract.js';
import { parseDoc, selectDocs } from './docs.js';

export async function listAssetFreshness(pool: pg.Pool): Promise<AssetFreshnessRecord[]> {
  const rows = await selectDocs(pool, 'SELECT id, doc FROM asset_freshness ORDER BY id', []);
  return rows.map((r) => parseDoc(assetFreshnessFamily, String(r.id), r.doc));
}

export async function getAssetFreshness(pool: pg.Pool, assetKey: string): Promise<AssetFreshnessRecord | undefined> {
  const [row] = await selectDocs(pool, 'SELECT id, doc FROM asset_freshness WHERE id = $1', [assetKey]);
  return row ? parseDoc(assetFreshnessFamily, String(row.id), row.doc) : undefined;
}

export async function listFreshnessStates(pool: pg.Pool): Promise<FreshnessStateRead[]> {
  const { rows } = await pool.query<{ id: string; state: string; state_version: number }>('SELECT id, state, state_version FROM asset_freshness ORDER BY id');
  return rows.map((r) => ({ assetKey: r.id, state: freshnessStateSchema.parse(r.state), stateVersion: Number(r.state_version) }));
}

/** One round trip for all keys: an index seek per key on `materializations (asset_key, sequence)`. */
export async function latestMaterializedAt(pool: pg.Pool, assetKeys: readonly string[]): Promise<Map<string, LastMaterializedAt>> {
  const keys = [...new Set(assetKeys)];
  const latest = new Map<string, LastMaterializedAt>();
  if (keys.length === 0) return latest;
  const { rows } = await pool.query<{ key: string; sequence: string | number; materialized_at: string }>(
    `SELECT k.key, m.sequence, m.materialized_at FROM unnest($1::text[]) AS k(key)
     CROSS JOIN LATERAL (SELECT sequence, materialized_at FROM materializations WHERE asset_key = k.key ORDER BY sequence DESC LIMIT 1) m`,
    [keys],
  );
  for (const row of rows) latest.set(row.key, { sequence: Number(row.sequence), materializedAt: row.materialized_at });
  return latest;
}

export async function listMaterializedAtAfter(pool: pg.Pool, afterSequence: number, limit: number): Promise<(LastMaterializedAt & { assetKey: string })[]> {
  const { rows } = await pool.query<{ asset_key: string; sequence: string | number; materialized_at: string }>(
    'SELECT asset_key, sequence, materialized_at FROM materializations WHERE id > $1 ORDER BY id LIMIT $2',
    [afterSequence, limit],
  );
  return rows.map((r) => ({ assetKey: r.asset_key, sequence: Number(r.sequence), materializedAt: r.materialized_at }));
}
