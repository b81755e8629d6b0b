/** Daemon liveness heartbeats on PostgreSQL (operational state, see DaemonStore). */
import type pg from 'pg';
import type { DaemonHeartbeat, DaemonStore } from '../contract.js';
import { parseLoops } from '../docs.js';

const COLUMNS = `daemon_id AS "daemonId", host, pid, role, started_at AS "startedAtEpochMs", seen_at AS "seenAtEpochMs",
  fencing_token AS "fencingToken", loops`;

type Row = { [K in keyof DaemonHeartbeat]: DaemonHeartbeat[K] extends number | null ? string | number | null : DaemonHeartbeat[K] };

export class PostgresDaemons implements DaemonStore {
  constructor(private readonly pool: pg.Pool) {}

  async recordDaemonHeartbeat(h: DaemonHeartbeat): Promise<void> {
    await this.pool.query(
      `INSERT INTO daemon_heartbeats (daemon_id, host, pid, role, started_at, seen_at, fencing_token, loops) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (daemon_id) DO UPDATE SET role = excluded.role, seen_at = excluded.seen_at, fencing_token = excluded.fencing_token, loops = excluded.loops`,
      [h.daemonId, h.host, h.pid, h.role, h.startedAtEpochMs, h.seenAtEpochMs, h.fencingToken, JSON.stringify(h.loops)],
    );
  }

  async listDaemonHeartbeats(sinceEpochMs: number): Promise<DaemonHeartbeat[]> {
    const { rows } = await this.pool.query<Row>(`SELECT ${COLUMNS} FROM daemon_heartbeats WHERE seen_at >= $1 ORDER BY seen_at DESC, daemon_id`, [sinceEpochMs]);
    return rows.map((r) => ({
      daemonId: r.daemonId,
      host: r.host,
      pid: Number(r.pid),
      role: r.role,
      startedAtEpochMs: Number(r.startedAtEpochMs),
      seenAtEpochMs: Number(r.seenAtEpochMs),
      fencingToken: r.fencingToken === null ? null : Number(r.fencingToken),
      loops: parseLoops(r.loops as unknown as string | null),
    }));
  }

  async removeDaemonHeartbeat(daemonId: string): Promise<void> {
    await this.pool.query('DELETE FROM daemon_heartbeats WHERE daemon_id = $1', [daemonId]);
  }
}
