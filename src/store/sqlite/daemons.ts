/** Daemon liveness heartbeats on SQLite (operational state, see DaemonStore). */
import type Database from 'better-sqlite3';
import type { DaemonHeartbeat, DaemonStore } from '../contract.js';
import { parseLoops } from '../docs.js';

const COLUMNS = `daemon_id AS daemonId, host, pid, role, started_at AS startedAtEpochMs, seen_at AS seenAtEpochMs,
  fencing_token AS fencingToken, loops`;

export class SqliteDaemons implements DaemonStore {
  constructor(private readonly db: Database.Database) {}

  async recordDaemonHeartbeat(h: DaemonHeartbeat): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO daemon_heartbeats (daemon_id, host, pid, role, started_at, seen_at, fencing_token, loops) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (daemon_id) DO UPDATE SET role = excluded.role, seen_at = excluded.seen_at, fencing_token = excluded.fencing_token, loops = excluded.loops`,
      )
      .run(h.daemonId, h.host, h.pid, h.role, h.startedAtEpochMs, h.seenAtEpochMs, h.fencingToken, JSON.stringify(h.loops));
  }

  async listDaemonHeartbeats(sinceEpochMs: number): Promise<DaemonHeartbeat[]> {
    const rows = this.db.prepare(`SELECT ${COLUMNS} FROM daemon_heartbeats WHERE seen_at >= ? ORDER BY seen_at DESC, daemon_id`).all(sinceEpochMs) as (Omit<DaemonHeartbeat, 'loops'> & { loops: string })[];
    return rows.map((r) => ({ ...r, loops: parseLoops(r.loops) }));
  }

  async removeDaemonHeartbeat(daemonId: string): Promise<void> {
    this.db.prepare('DELETE FROM daemon_heartbeats WHERE daemon_id = ?').run(daemonId);
  }
}

