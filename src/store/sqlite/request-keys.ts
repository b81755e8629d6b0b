/** Idempotency-Key records on SQLite (see RequestKeyStore). */
import type Database from 'better-sqlite3';
import type { RequestKeyClaim, RequestKeyStore } from '../contract.js';

export class SqliteRequestKeys implements RequestKeyStore {
  constructor(private readonly db: Database.Database) {}

  async claimRequestKey(scope: string, key: string, requestHash: string, nowEpochMs: number): Promise<RequestKeyClaim> {
    return this.db
      .transaction((): RequestKeyClaim => {
        const inserted = this.db
          .prepare('INSERT INTO request_keys (scope, key, request_hash, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (scope, key) DO NOTHING')
          .run(scope, key, requestHash, nowEpochMs);
        if (inserted.changes === 1) return { state: 'claimed' };
        const row = this.db.prepare('SELECT request_hash AS requestHash, status, body FROM request_keys WHERE scope = ? AND key = ?').get(scope, key) as {
          requestHash: string;
          status: number | null;
          body: string | null;
        };
        return row.status === null || row.body === null
          ? { state: 'pending', requestHash: row.requestHash }
          : { state: 'done', requestHash: row.requestHash, status: row.status, body: row.body };
      })
      .immediate();
  }

  async completeRequestKey(scope: string, key: string, status: number, body: string): Promise<void> {
    this.db.prepare('UPDATE request_keys SET status = ?, body = ? WHERE scope = ? AND key = ?').run(status, body, scope, key);
  }

  async releaseRequestKey(scope: string, key: string): Promise<void> {
    this.db.prepare('DELETE FROM request_keys WHERE scope = ? AND key = ? AND status IS NULL').run(scope, key);
  }
}
