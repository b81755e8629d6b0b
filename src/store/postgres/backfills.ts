/** Backfill reads on PostgreSQL: the same queries, orders and validation as the SQLite engine. */
import type pg from 'pg';
import { backfillChunksFamily, backfillsFamily, type BackfillChunk, type BackfillProjection } from '../../fold/index.js';
import type { BackfillListQuery, BackfillStore } from '../contract.js';
import { parseDoc, selectDocs, type DocRow } from './docs.js';

const ACTIVE_STATUSES = "('REQUESTED', 'PAUSED', 'CANCELING')";

export class PostgresBackfills implements BackfillStore {
  constructor(private readonly pool: pg.Pool) {}

  private docs(sql: string, params: readonly unknown[]): Promise<DocRow[]> {
    return selectDocs(this.pool, sql, params);
  }

  async getBackfill(backfillId: string): Promise<BackfillProjection | undefined> {
    const [row] = await this.docs('SELECT id, doc FROM backfills WHERE id = $1', [backfillId]);
    return row && parseDoc(backfillsFamily, String(row.id), row.doc);
  }

  async getBackfillByRequestId(clientRequestId: string): Promise<BackfillProjection | undefined> {
    const [row] = await this.docs('SELECT id, doc FROM backfills WHERE client_request_id = $1', [clientRequestId]);
    return row && parseDoc(backfillsFamily, String(row.id), row.doc);
  }

  async listBackfills(query: BackfillListQuery): Promise<BackfillProjection[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const param = (value: unknown): string => {
      params.push(value);
      return `$${params.length}`;
    };
    if (query.statuses?.length) where.push(`status = ANY(${param(query.statuses)}::text[])`);
    if (query.before !== undefined) where.push(`id < ${param(query.before)}`);
    const sql = `SELECT id, doc FROM backfills ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ${param(query.limit)}`;
    return (await this.docs(sql, params)).map((r) => parseDoc(backfillsFamily, String(r.id), r.doc));
  }

  async listActiveBackfills(): Promise<BackfillProjection[]> {
    const rows = await this.docs(`SELECT id, doc FROM backfills WHERE status IN ${ACTIVE_STATUSES} ORDER BY id`, []);
    return rows.map((r) => parseDoc(backfillsFamily, String(r.id), r.doc));
  }

  async listBackfillChunks(backfillId: string, query: { afterChunkIndex?: number; limit: number }): Promise<BackfillChunk[]> {
    const rows = await this.docs('SELECT id, doc FROM backfill_chunks WHERE backfill_id = $1 AND chunk_index > $2 ORDER BY chunk_index LIMIT $3', [
      backfillId,
      query.afterChunkIndex ?? -1,
      query.limit,
    ]);
    return rows.map((r) => parseDoc(backfillChunksFamily, String(r.id), r.doc));
  }
}
