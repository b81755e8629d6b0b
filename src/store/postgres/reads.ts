/**
 * Projection queries on PostgreSQL: runs, run-key conflicts, asset partitions, materializations,
 * logs and the projection hash. Same filters, orders and validation as the SQLite engine; each is
 * one statement on a pooled connection, so reads never wait for appends.
 */
import type pg from 'pg';
import { InvariantError } from '../../domain/errors/index.js';
import { parseStoredEvent, type StoredEventRow } from '../../events/index.js';
import {
  assetPartitionsFamily,
  materializationsFamily,
  runKeyConflictsFamily,
  runsFamily,
  type AssetPartitionState,
  type LogLine,
  type Materialization,
  type RunKeyConflict,
  type RunProjection,
} from '../../fold/index.js';
import type { RunListQuery } from '../contract.js';
import { inTransaction } from './connection.js';
import { hashProjections, parseDoc, type DocRow } from './docs.js';
import { EVENT_COLUMNS } from './ledger.js';

const ACTIVE_STATUSES = "('QUEUED', 'STARTED', 'CANCELING')";

export class PostgresReads {
  constructor(private readonly pool: pg.Pool) {}

  private async docs(sql: string, params: readonly unknown[]): Promise<DocRow[]> {
    return (await this.pool.query<DocRow>(sql, params as unknown[])).rows;
  }

  async getRun(runId: string): Promise<RunProjection | undefined> {
    const [row] = await this.docs('SELECT id, doc FROM runs WHERE id = $1', [runId]);
    return row && parseDoc(runsFamily, String(row.id), row.doc);
  }

  async getRunByKey(runKey: string): Promise<RunProjection | undefined> {
    const [row] = await this.docs('SELECT id, doc FROM runs WHERE run_key = $1', [runKey]);
    return row && parseDoc(runsFamily, String(row.id), row.doc);
  }

  async listRuns(query: RunListQuery): Promise<RunProjection[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const param = (value: unknown): string => {
      params.push(value);
      return `$${params.length}`;
    };
    if (query.statuses?.length) where.push(`status = ANY(${param(query.statuses)}::text[])`);
    if (query.before) where.push(`id < ${param(query.before)}`);
    if (query.tag) {
      // Quotes are dropped from the tag name as the SQLite engine does when building its JSON path.
      where.push(`(doc::json -> 'tags' ->> ${param(query.tag[0].replace(/"/g, ''))}::text) = ${param(query.tag[1])}`);
    }
    const sql = `SELECT id, doc FROM runs ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ${param(query.limit)}`;
    return (await this.docs(sql, params)).map((r) => parseDoc(runsFamily, String(r.id), r.doc));
  }

  async listActiveRuns(): Promise<RunProjection[]> {
    const rows = await this.docs(`SELECT id, doc FROM runs WHERE status IN ${ACTIVE_STATUSES} ORDER BY id`, []);
    return rows.map((r) => parseDoc(runsFamily, String(r.id), r.doc));
  }

  async listRunKeyConflicts(query: { runKey?: string; limit: number }): Promise<RunKeyConflict[]> {
    const rows =
      query.runKey === undefined
        ? await this.docs('SELECT id, doc FROM run_key_conflicts ORDER BY recorded_at DESC, id LIMIT $1', [query.limit])
        : await this.docs('SELECT id, doc FROM run_key_conflicts WHERE run_key = $1 ORDER BY recorded_at DESC, id LIMIT $2', [query.runKey, query.limit]);
    return rows.map((r) => parseDoc(runKeyConflictsFamily, String(r.id), r.doc));
  }

  async listAssetPartitions(assetKey?: string): Promise<AssetPartitionState[]> {
    const rows =
      assetKey === undefined
        ? await this.docs('SELECT id, doc FROM asset_partitions ORDER BY asset_key, id', [])
        : await this.docs('SELECT id, doc FROM asset_partitions WHERE asset_key = $1 ORDER BY id', [assetKey]);
    return rows.map((r) => parseDoc(assetPartitionsFamily, String(r.id), r.doc));
  }

  async listMaterializations(assetKey: string, limit: number): Promise<Materialization[]> {
    const rows = await this.docs('SELECT id, doc FROM materializations WHERE asset_key = $1 ORDER BY sequence DESC LIMIT $2', [assetKey, limit]);
    return rows.map((r) => parseDoc(materializationsFamily, String(r.id), r.doc));
  }

  /** Log lines are read from the ledger itself (the log index only counts them), validated like any event. */
  async listLogs(runId: string, query: { afterSequence?: number; limit: number }): Promise<LogLine[]> {
    const { rows } = await this.pool.query<StoredEventRow>(
      `SELECT ${EVENT_COLUMNS} FROM ledger WHERE correlation_id = $1 AND type = 'TaskLogged' AND sequence > $2 ORDER BY sequence LIMIT $3`,
      [runId, query.afterSequence ?? 0, query.limit],
    );
    return rows.map((row) => {
      const event = parseStoredEvent(row);
      if (event.type !== 'TaskLogged') throw new InvariantError('a TaskLogged event', event.type);
      const p = event.payload;
      return { sequence: event.sequence, runId: p.runId, taskKey: p.taskKey, attempt: p.attempt, level: p.level, message: p.message, loggedAt: p.loggedAt };
    });
  }

  /** The hash of one consistent snapshot of every projection (see hashProjections). */
  projectionHash(): Promise<string> {
    return inTransaction(this.pool, { readOnly: true, isolation: 'REPEATABLE READ' }, (client) => hashProjections(client));
  }
}
