/** Freshness reads on SQLite: the recorded states, and when each asset was last materialized. */
import type Database from 'better-sqlite3';
import { freshnessStateSchema } from '../../events/index.js';
import { assetFreshnessFamily, type AssetFreshnessRecord } from '../../fold/index.js';
import type { FreshnessStateRead, LastMaterializedAt } from '../contract.js';
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

/** Columns only: with thousands of policies, parsing every document each evaluation cost more than the rest. */
export function listFreshnessStates(db: Database.Database): FreshnessStateRead[] {
  const rows = db.prepare('SELECT id, state, state_version FROM asset_freshness ORDER BY id').all() as { id: string; state: string; state_version: number }[];
  return rows.map((r) => ({ assetKey: r.id, state: freshnessStateSchema.parse(r.state), stateVersion: r.state_version }));
}

/**
 * One index seek per key on `materializations (asset_key, sequence)`, reading columns only:
 * in-process SQLite answers each in microseconds, where one grouped query would scan every
 * materialization ever recorded.
 */
export function latestMaterializedAt(db: Database.Database, assetKeys: readonly string[]): Map<string, LastMaterializedAt> {
  const statement = db.prepare('SELECT sequence, materialized_at FROM materializations WHERE asset_key = ? ORDER BY sequence DESC LIMIT 1');
  const latest = new Map<string, LastMaterializedAt>();
  for (const key of new Set(assetKeys)) {
    const row = statement.get(key) as { sequence: number; materialized_at: string } | undefined;
    if (row) latest.set(key, { sequence: row.sequence, materializedAt: row.materialized_at });
  }
  return latest;
}

/** A range of the table's integer key (the ledger sequence): no index beyond the rows it returns. */
export function listMaterializedAtAfter(db: Database.Database, afterSequence: number, limit: number): (LastMaterializedAt & { assetKey: string })[] {
  const rows = db
    .prepare('SELECT asset_key, sequence, materialized_at FROM materializations WHERE id > ? ORDER BY id LIMIT ?')
    .all(afterSequence, limit) as { asset_key: string; sequence: number; materialized_at: string }[];
  return rows.map((r) => ({ assetKey: r.asset_key, sequence: r.sequence, materializedAt: r.materialized_at }));
}
