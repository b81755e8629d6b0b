/** Asset check results on PostgreSQL: the same query and order as the SQLite engine. */
import type pg from 'pg';
import { assetCheckResultsFamily, type AssetCheckResult } from '../../fold/index.js';
import type { AssetCheckStore } from '../contract.js';
import { parseDoc, selectDocs } from './docs.js';

export class PostgresChecks implements AssetCheckStore {
  constructor(private readonly pool: pg.Pool) {}

  async listAssetCheckResults(assetKey: string): Promise<AssetCheckResult[]> {
    const rows = await selectDocs(this.pool, 'SELECT id, doc FROM asset_check_results WHERE asset_key = $1 ORDER BY id', [assetKey]);
    return rows.map((r) => parseDoc(assetCheckResultsFamily, String(r.id), r.doc));
  }
}
