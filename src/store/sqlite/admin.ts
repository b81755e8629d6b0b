/** The projection hash and rebuilding projections from the ledger on SQLite (see AdminStore). */
import type Database from 'better-sqlite3';
import { PROJECTION_FAMILIES } from '../../fold/index.js';
import type { AdminStore, ExpiredRecordKind } from '../contract.js';
import { ProjectionHasher } from '../docs.js';
import type { SqliteLedger } from './ledger.js';

type DocRow = { id: string; doc: string };

export class SqliteAdmin implements AdminStore {
  constructor(
    private readonly db: Database.Database,
    private readonly ledger: SqliteLedger,
  ) {}

  async projectionHash(): Promise<string> {
    return this.hash();
  }

  /** The replay and the hash run synchronously, so no append lands between them. */
  async rebuildProjections(onProgress?: (done: number, total: number) => void): Promise<{ events: number; hash: string }> {
    const events = this.ledger.rebuild(onProgress);
    return { events, hash: this.hash() };
  }

  async listExpiredRecords(kind: ExpiredRecordKind, beforeIso: string, limit: number): Promise<string[]> {
    const sql: Record<ExpiredRecordKind, string> = {
      scheduleTicks: `SELECT id FROM schedule_ticks t WHERE json_extract(doc, '$.evaluatedAt') < ?
        AND tick_epoch_seconds < (SELECT MAX(tick_epoch_seconds) FROM schedule_ticks WHERE schedule_name = t.schedule_name)
        ORDER BY json_extract(doc, '$.evaluatedAt'), id LIMIT ?`,
      sensorHistory: "SELECT id FROM sensor_history WHERE json_extract(doc, '$.recordedAt') < ? ORDER BY sequence LIMIT ?",
      automationEvaluations: "SELECT id FROM automation_evaluations WHERE json_extract(doc, '$.evaluatedAt') < ? ORDER BY evaluation_id, id LIMIT ?",
    };
    return (this.db.prepare(sql[kind]).pluck().all(beforeIso, limit) as (string | number)[]).map(String);
  }

  async listExpiredRuns(beforeIso: string, limit: number): Promise<string[]> {
    return this.db
      .prepare("SELECT id FROM runs WHERE status IN ('SUCCESS', 'FAILURE', 'CANCELED') AND updated_at < ? ORDER BY updated_at, id LIMIT ?")
      .pluck()
      .all(beforeIso, limit) as string[];
  }

  /** sha256 over every projection row in (family, id) order, documents in canonical JSON. */
  private hash(): string {
    const hasher = new ProjectionHasher();
    for (const { table } of PROJECTION_FAMILIES) {
      hasher.table(table);
      for (const row of this.db.prepare(`SELECT id, doc FROM ${table} ORDER BY id`).iterate() as Iterable<DocRow>) hasher.row(row.id, row.doc);
    }
    return hasher.digest();
  }
}
