/** Backfill reads on SQLite: backfills by id, request id and status, and their chunks in order. */
import type Database from 'better-sqlite3';
import { backfillChunksFamily, backfillsFamily, type BackfillChunk, type BackfillProjection } from '../../fold/index.js';
import type { BackfillListQuery, BackfillStore } from '../contract.js';
import { parseDoc } from '../docs.js';

type DocRow = { id: string; doc: string };

const ACTIVE_STATUSES = "('REQUESTED', 'PAUSED', 'CANCELING')";

export class SqliteBackfills implements BackfillStore {
  private readonly statements: {
    readonly byId: Database.Statement;
    readonly byRequestId: Database.Statement;
    readonly active: Database.Statement;
    readonly chunks: Database.Statement;
  };

  constructor(private readonly db: Database.Database) {
    this.statements = {
      byId: db.prepare('SELECT id, doc FROM backfills WHERE id = ?'),
      byRequestId: db.prepare('SELECT id, doc FROM backfills WHERE client_request_id = ?'),
      active: db.prepare(`SELECT id, doc FROM backfills WHERE status IN ${ACTIVE_STATUSES} ORDER BY id`),
      chunks: db.prepare('SELECT id, doc FROM backfill_chunks WHERE backfill_id = ? AND chunk_index > ? ORDER BY chunk_index LIMIT ?'),
    };
  }

  async getBackfill(backfillId: string): Promise<BackfillProjection | undefined> {
    const row = this.statements.byId.get(backfillId) as DocRow | undefined;
    return row && parseDoc(backfillsFamily, row.id, row.doc);
  }

  async getBackfillByRequestId(clientRequestId: string): Promise<BackfillProjection | undefined> {
    const row = this.statements.byRequestId.get(clientRequestId) as DocRow | undefined;
    return row && parseDoc(backfillsFamily, row.id, row.doc);
  }

  async listBackfills(query: BackfillListQuery): Promise<BackfillProjection[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (query.statuses?.length) {
      where.push(`status IN (${query.statuses.map(() => '?').join(', ')})`);
      params.push(...query.statuses);
    }
    if (query.before !== undefined) {
      where.push('id < ?');
      params.push(query.before);
    }
    const sql = `SELECT id, doc FROM backfills ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`;
    return (this.db.prepare(sql).all(...params, query.limit) as DocRow[]).map((r) => parseDoc(backfillsFamily, r.id, r.doc));
  }

  async listActiveBackfills(): Promise<BackfillProjection[]> {
    return (this.statements.active.all() as DocRow[]).map((r) => parseDoc(backfillsFamily, r.id, r.doc));
  }

  async listBackfillChunks(backfillId: string, query: { afterChunkIndex?: number; limit: number }): Promise<BackfillChunk[]> {
    const rows = this.statements.chunks.all(backfillId, query.afterChunkIndex ?? -1, query.limit) as DocRow[];
    return rows.map((r) => parseDoc(backfillChunksFamily, r.id, r.doc));
  }
}
