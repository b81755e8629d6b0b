/** Leader lease, attempt heartbeats and daemon cursors on SQLite (operational state, see LeaseStore). */
import type Database from 'better-sqlite3';
import type { LeaseGrant, LeaseRecord, LeaseStore } from '../contract.js';

const LEASE_COLUMNS = 'name, holder, expires_at AS expiresAtEpochMs, fencing_token AS fencingToken';

export class SqliteLeases implements LeaseStore {
  constructor(private readonly db: Database.Database) {}

  async acquireLease(name: string, holder: string, ttlMs: number, nowEpochMs: number, takeoverFrom?: string): Promise<LeaseGrant> {
    return this.db
      .transaction((): LeaseGrant => {
        const current = this.read(name);
        const free =
          current === undefined ||
          current.holder === holder ||
          current.expiresAtEpochMs <= nowEpochMs ||
          (takeoverFrom !== undefined && current.holder === takeoverFrom);
        if (!free) return { acquired: false, holder: current.holder, expiresAtEpochMs: current.expiresAtEpochMs, fencingToken: current.fencingToken };
        const expiresAt = nowEpochMs + ttlMs;
        const token = current === undefined ? 1 : current.holder === holder ? current.fencingToken : current.fencingToken + 1;
        this.db
          .prepare(
            'INSERT INTO leases (name, holder, expires_at, fencing_token) VALUES (?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at, fencing_token = excluded.fencing_token',
          )
          .run(name, holder, expiresAt, token);
        return { acquired: true, holder, expiresAtEpochMs: expiresAt, fencingToken: token };
      })
      .immediate();
  }

  async releaseLease(name: string, holder: string): Promise<void> {
    this.db.prepare('UPDATE leases SET expires_at = 0 WHERE name = ? AND holder = ?').run(name, holder);
  }

  async readLease(name: string): Promise<LeaseRecord | undefined> {
    return this.read(name);
  }

  private read(name: string): LeaseRecord | undefined {
    return this.db.prepare(`SELECT ${LEASE_COLUMNS} FROM leases WHERE name = ?`).get(name) as LeaseRecord | undefined;
  }

  async recordHeartbeats(attemptIds: readonly string[], nowEpochMs: number): Promise<void> {
    const upsert = this.db.prepare(
      'INSERT INTO attempt_heartbeats (attempt_id, seen_at) VALUES (?, ?) ON CONFLICT (attempt_id) DO UPDATE SET seen_at = excluded.seen_at',
    );
    this.db.transaction(() => {
      for (const id of attemptIds) upsert.run(id, nowEpochMs);
    })();
  }

  async readHeartbeats(attemptIds: readonly string[]): Promise<Map<string, number>> {
    const select = this.db.prepare('SELECT seen_at AS seenAt FROM attempt_heartbeats WHERE attempt_id = ?');
    const out = new Map<string, number>();
    for (const id of attemptIds) {
      const row = select.get(id) as { seenAt: number } | undefined;
      if (row) out.set(id, row.seenAt);
    }
    return out;
  }

  async readCursor(name: string): Promise<number | undefined> {
    const row = this.db.prepare('SELECT sequence FROM daemon_cursors WHERE name = ?').get(name) as { sequence: number } | undefined;
    return row?.sequence;
  }

  async writeCursor(name: string, sequence: number): Promise<void> {
    this.db
      .prepare('INSERT INTO daemon_cursors (name, sequence) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET sequence = MAX(sequence, excluded.sequence)')
      .run(name, sequence);
  }
}
