/** Freshness reads on SQLite: the recorded states, and the latest materialization of each asset. */
import type Database from 'better-sqlite3';
import { assetFreshnessFamily, materializationsFamily, type AssetFreshnessRecord, type Materialization } from '../../fold/index.js';
import { parseDoc } from '../docs.js';

type DocRow = { id: string; doc: string };

export function listAssetFreshness(db: Database.Database): AssetFreshnessRecord[] {
  const rows = db.prepare('SELECT id, doc FROM asset_freshness ORDER BY id').all() as DocRow[];
  return rows.map((r) => parseDoc(assetFreshnessFamily, r.id, r.doc));
}

export function getAssetFreshness(db: Database.Database, assetKey: string): AssetFreshnessRecord | undefined {
  const row = db.prepare('SELECT id, doc FROM asset_freshness WHERE id = ?').get(assetKey) as DocRow | undefined;
  return row ? parseDoc(assetFreshnessFamily, row.id, row.doc) : undefined;
}

/**
 * One index seek per key on `materializations (asset_key, sequence)`: in-process SQLite answers
 * each in microseconds, so a batch query would save nothing and scan more.
 */
export function latestMaterializations(db: Database.Database, assetKeys: readonly string[]): Map<string, Materialization> {
  const statement = db.prepare('SELECT id, doc FROM materializations WHERE asset_key = ? ORDER BY sequence DESC LIMIT 1');
  const latest = new Map<string, Materialization>();
  for (const key of new Set(assetKeys)) {
    const row = statement.get(key) as DocRow | undefined;
    if (row) latest.set(key, parseDoc(materializationsFamily, String(row.id), row.doc));
  }
  return latest;
}
