/** The projection hash and rebuilding projections from the ledger on PostgreSQL (see AdminStore). */
import type pg from 'pg';
import type { AdminStore, ExpiredRecordKind } from '../contract.js';
import { inTransaction } from './connection.js';
import { hashProjections } from './docs.js';
import type { PostgresLedger } from './ledger.js';

export class PostgresAdmin implements AdminStore {
  constructor(
    private readonly pool: pg.Pool,
    private readonly ledger: PostgresLedger,
  ) {}

  /** The hash of one consistent snapshot of every projection (see hashProjections). */
  projectionHash(): Promise<string> {
    return inTransaction(this.pool, { readOnly: true, isolation: 'REPEATABLE READ' }, (client) => hashProjections(client));
  }

  async listExpiredRecords(kind: ExpiredRecordKind, beforeIso: string, limit: number): Promise<string[]> {
    const sql: Record<ExpiredRecordKind, string> = {
      scheduleTicks: `SELECT id FROM schedule_ticks t WHERE doc::json ->> 'evaluatedAt' < $1
        AND tick_epoch_seconds < (SELECT MAX(tick_epoch_seconds) FROM schedule_ticks WHERE schedule_name = t.schedule_name)
        ORDER BY doc::json ->> 'evaluatedAt', id LIMIT $2`,
      sensorHistory: "SELECT id FROM sensor_history WHERE doc::json ->> 'recordedAt' < $1 ORDER BY sequence LIMIT $2",
      automationEvaluations: "SELECT id FROM automation_evaluations WHERE doc::json ->> 'evaluatedAt' < $1 ORDER BY evaluation_id, id LIMIT $2",
    };
    const { rows } = await this.pool.query<{ id: string }>(sql[kind], [beforeIso, limit]);
    return rows.map((r) => String(r.id));
  }

  async listExpiredRuns(beforeIso: string, limit: number): Promise<string[]> {
    const { rows } = await this.pool.query<{ id: string }>(
      "SELECT id FROM runs WHERE status IN ('SUCCESS', 'FAILURE', 'CANCELED') AND updated_at < $1 ORDER BY updated_at, id LIMIT $2",
      [beforeIso, limit],
    );
    return rows.map((r) => r.id);
  }

  /** The rebuild holds the ledger lock and queues with this process's appends (see PostgresLedger.rebuild). */
  rebuildProjections(onProgress?: (done: number, total: number) => void): Promise<{ events: number; hash: string }> {
    return this.ledger.rebuild(onProgress);
  }
}
