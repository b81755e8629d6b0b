/** Asset check results on SQLite. */
import type Database from 'better-sqlite3';
import { assetCheckResultsFamily, type AssetCheckResult } from '../../fold/index.js';
import type { AssetCheckStore } from '../contract.js';
import { parseDoc } from '../docs.js';

type DocRow = { id: string; doc: string };

export class SqliteChecks implements AssetCheckStore {
  constructor(private readonly db: Database.Database) {}

  async listAssetCheckResults(assetKey: string): Promise<AssetCheckResult[]> {
    const rows = this.db.prepare('SELECT id, doc FROM asset_check_results WHERE asset_key = ? ORDER BY id').all(assetKey) as DocRow[];
    return rows.map((r) => parseDoc(assetCheckResultsFamily, r.id, r.doc));
  }
}
