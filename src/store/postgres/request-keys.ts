/** Idempotency-Key records on PostgreSQL (see RequestKeyStore). */
import type pg from 'pg';
import { InvariantError } from '../../domain/errors/index.js';
import type { RequestKeyClaim, RequestKeyStore } from '../contract.js';

/**
 * Claim attempts: a claim can lose its insert to a record that is released (deleted) before it
 * reads the record; the next attempt then claims. More than one such turn means a release
 * racing every claim, which callers do not do.
 */
const CLAIM_ATTEMPTS_MAX = 3;

export class PostgresRequestKeys implements RequestKeyStore {
  constructor(private readonly pool: pg.Pool) {}

  async claimRequestKey(scope: string, key: string, requestHash: string, nowEpochMs: number): Promise<RequestKeyClaim> {
    for (let attempt = 0; attempt < CLAIM_ATTEMPTS_MAX; attempt += 1) {
      const inserted = await this.pool.query(
        'INSERT INTO request_keys (scope, key, request_hash, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (scope, key) DO NOTHING',
        [scope, key, requestHash, nowEpochMs],
      );
      if (inserted.rowCount === 1) return { state: 'claimed' };
      const { rows } = await this.pool.query<{ requestHash: string; status: number | null; body: string | null }>(
        'SELECT request_hash AS "requestHash", status, body FROM request_keys WHERE scope = $1 AND key = $2',
        [scope, key],
      );
      const row = rows[0];
      if (row === undefined) continue;
      return row.status === null || row.body === null
        ? { state: 'pending', requestHash: row.requestHash }
        : { state: 'done', requestHash: row.requestHash, status: row.status, body: row.body };
    }
    throw new InvariantError(`a claimable or readable request key ${scope}/${key}`, `released during each of ${CLAIM_ATTEMPTS_MAX} claims`);
  }

  async completeRequestKey(scope: string, key: string, status: number, body: string): Promise<void> {
    await this.pool.query('UPDATE request_keys SET status = $1, body = $2 WHERE scope = $3 AND key = $4', [status, body, scope, key]);
  }

  async releaseRequestKey(scope: string, key: string): Promise<void> {
    await this.pool.query('DELETE FROM request_keys WHERE scope = $1 AND key = $2 AND status IS NULL', [scope, key]);
  }
}
