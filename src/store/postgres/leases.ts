/** Leader lease, attempt heartbeats and daemon cursors on PostgreSQL (operational state, see LeaseStore). */
import type pg from 'pg';
import { InvariantError } from '../../domain/errors/index.js';
import type { LeaseGrant, LeaseRecord, LeaseStore } from '../contract.js';
import { inTransaction } from './connection.js';

/**
 * Takes the row only when it is free: absent, already ours, expired, or held by the named dead
 * holder. ON CONFLICT locks the existing row before the WHERE is checked, so of several daemons
 * asking at once exactly one takes an expired lease. A new holder draws the next fencing token,
 * which appends compare under the ledger lock (PostgresLedger.checkExpectations).
 */
const TAKE = `
  INSERT INTO leases (name, holder, expires_at, fencing_token) VALUES ($1, $2, $3, 1)
  ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at,
    fencing_token = CASE WHEN leases.holder = excluded.holder THEN leases.fencing_token ELSE leases.fencing_token + 1 END
  WHERE leases.holder = $2 OR leases.expires_at <= $4 OR leases.holder = $5
  RETURNING fencing_token AS "fencingToken"`;

const LEASE_COLUMNS = 'name, holder, expires_at AS "expiresAtEpochMs", fencing_token AS "fencingToken"';

export class PostgresLeases implements LeaseStore {
  constructor(private readonly pool: pg.Pool) {}

  acquireLease(name: string, holder: string, ttlMs: number, nowEpochMs: number, takeoverFrom?: string): Promise<LeaseGrant> {
    return inTransaction(this.pool, {}, async (client): Promise<LeaseGrant> => {
      const expiresAt = nowEpochMs + ttlMs;
      const taken = await client.query<{ fencingToken: string }>(TAKE, [name, holder, expiresAt, nowEpochMs, takeoverFrom ?? null]);
      const grant = taken.rows[0];
      if (grant !== undefined) return { acquired: true, holder, expiresAtEpochMs: expiresAt, fencingToken: Number(grant.fencingToken) };
      // The row is locked by our INSERT attempt, so it is still the holder we lost to.
      const current = await readLease(client, name);
      if (current === undefined) throw new InvariantError(`lease ${name} held by someone after a refused take`, 'no row');
      return { acquired: false, holder: current.holder, expiresAtEpochMs: current.expiresAtEpochMs, fencingToken: current.fencingToken };
    });
  }

  async releaseLease(name: string, holder: string): Promise<void> {
    await this.pool.query('UPDATE leases SET expires_at = 0 WHERE name = $1 AND holder = $2', [name, holder]);
  }

  readLease(name: string): Promise<LeaseRecord | undefined> {
    return readLease(this.pool, name);
  }

  /** One statement for every attempt; ids sorted so concurrent recorders lock rows in one order. */
  async recordHeartbeats(attemptIds: readonly string[], nowEpochMs: number): Promise<void> {
    const ids = [...new Set(attemptIds)].sort();
    if (ids.length === 0) return;
    await this.pool.query(
      `INSERT INTO attempt_heartbeats (attempt_id, seen_at) SELECT id, $2 FROM unnest($1::text[]) AS u(id) ORDER BY id
       ON CONFLICT (attempt_id) DO UPDATE SET seen_at = excluded.seen_at`,
      [ids, nowEpochMs],
    );
  }

  async readHeartbeats(attemptIds: readonly string[]): Promise<Map<string, number>> {
    if (attemptIds.length === 0) return new Map();
    const { rows } = await this.pool.query<{ id: string; seenAt: number }>(
      'SELECT attempt_id AS id, seen_at AS "seenAt" FROM attempt_heartbeats WHERE attempt_id = ANY($1::text[])',
      [[...attemptIds]],
    );
    const seen = new Map(rows.map((r) => [r.id, r.seenAt]));
    // In the order asked, as the SQLite engine answers.
    const out = new Map<string, number>();
    for (const id of attemptIds) {
      const at = seen.get(id);
      if (at !== undefined) out.set(id, at);
    }
    return out;
  }

  async readCursor(name: string): Promise<number | undefined> {
    const { rows } = await this.pool.query<{ sequence: string }>('SELECT sequence FROM daemon_cursors WHERE name = $1', [name]);
    return rows[0] === undefined ? undefined : Number(rows[0].sequence);
  }

  async writeCursor(name: string, sequence: number): Promise<void> {
    await this.pool.query(
      'INSERT INTO daemon_cursors (name, sequence) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET sequence = GREATEST(daemon_cursors.sequence, excluded.sequence)',
      [name, sequence],
    );
  }
}

async function readLease(db: pg.Pool | pg.PoolClient, name: string): Promise<LeaseRecord | undefined> {
  const { rows } = await db.query<{ name: string; holder: string; expiresAtEpochMs: string; fencingToken: string }>(`SELECT ${LEASE_COLUMNS} FROM leases WHERE name = $1`, [name]);
  const row = rows[0];
  return row && { name: row.name, holder: row.holder, expiresAtEpochMs: Number(row.expiresAtEpochMs), fencingToken: Number(row.fencingToken) };
}
