/** Daemon liveness heartbeats on SQLite (operational state, see DaemonStore). */
import type Database from 'better-sqlite3';
import type { DaemonHeartbeat, DaemonStore } from '../contract.js';

const COLUMNS = `daemon_id AS daemonId, host, pid, role, started_at AS startedAtEpochMs, seen_at AS seenAtEpochMs,
  fencing_token AS fencingToken`;

export class SqliteDaemons implements DaemonStore {
  constructor(private readonly db: Database.Database) {}

  async recordDaemonHeartbeat(h: DaemonHeartbeat): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO daemon_heartbeats (daemon_id, host, pid, role, started_at, seen_at, fencing_token) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (daemon_id) DO UPDATE SET role = excluded.role, seen_at = excluded.seen_at, fencing_token = excluded.fencing_token`,
      )
      .run(h.daemonId, h.host, h.pid, h.role, h.startedAtEpochMs, h.seenAtEpochMs, h.fencingToken);
  }

  async listDaemonHeartbeats(sinceEpochMs: number): Promise<DaemonHeartbeat[]> {
    return this.db.prepare(`SELECT ${COLUMNS} FROM daemon_heartbeats WHERE seen_at >= ? ORDER BY seen_at DESC, daemon_id`).all(sinceEpochMs) as DaemonHeartbeat[];
  }

  async removeDaemonHeartbeat(daemonId: string): Promise<void> {
    this.db.prepare('DELETE FROM daemon_heartbeats WHERE daemon_id = ?').run(daemonId);
  }
}
