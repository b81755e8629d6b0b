/** Runs and run-key conflicts on SQLite: by id, by run key, by status and tag, newest first. */
import type Database from 'better-sqlite3';
import { poolLimitsFamily, runsFamily, runKeyConflictsFamily, type PoolLimit, type RunKeyConflict, type RunProjection } from '../../fold/index.js';
import type { RunStatus } from '../../domain/runs/index.js';
import type { ChangedRuns, RunHead, RunListQuery, RunStore } from '../contract.js';
import { KeptRowReader, parseDoc, parseRunHead, type KeptRow } from '../docs.js';

type DocRow = { id: string; doc: string };
type HeadRow = { id: string; status: string; version: number; tags: string | null };

const ACTIVE = "status IN ('QUEUED', 'STARTED', 'CANCELING')";
const HEAD_COLUMNS = "id, status, version, json_extract(doc, '$.tags') AS tags";

export class SqliteRuns implements RunStore {
  private readonly runs: KeptRowReader<RunProjection>;

  /** `keptRow`: the connection's folder's kept rows (see KeptRowReader). */
  constructor(
    private readonly db: Database.Database,
    keptRow: KeptRow = () => undefined,
  ) {
    this.runs = new KeptRowReader(runsFamily, keptRow);
  }

  private parseRun(id: string, doc: string): RunProjection {
    return this.runs.read(id, doc);
  }

  async getRun(runId: string): Promise<RunProjection | undefined> {
    const row = this.db.prepare('SELECT id, doc FROM runs WHERE id = ?').get(runId) as DocRow | undefined;
    return row && this.parseRun(row.id, row.doc);
  }

  async getRunByKey(runKey: string): Promise<RunProjection | undefined> {
    const row = this.db.prepare('SELECT id, doc FROM runs WHERE run_key = ?').get(runKey) as DocRow | undefined;
    return row && this.parseRun(row.id, row.doc);
  }

  async listRuns(query: RunListQuery): Promise<RunProjection[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (query.statuses?.length) {
      where.push(`status IN (${query.statuses.map(() => '?').join(', ')})`);
      params.push(...query.statuses);
    }
    if (query.before) {
      where.push('id < ?');
      params.push(query.before);
    }
    for (const [key, value] of query.tags ?? []) {
      where.push('json_extract(doc, ?) = ?');
      params.push(`$.tags."${key.replace(/"/g, '')}"`, value);
    }
    if (query.assetKey !== undefined) {
      where.push("EXISTS (SELECT 1 FROM json_each(doc, '$.assetKeys') WHERE value = ?)");
      params.push(query.assetKey);
    }
    if (query.createdFrom !== undefined) {
      where.push('created_at >= ?');
      params.push(query.createdFrom);
    }
    if (query.createdBefore !== undefined) {
      where.push('created_at < ?');
      params.push(query.createdBefore);
    }
    if (query.triggerKind !== undefined) {
      where.push("json_extract(doc, '$.trigger.kind') = ?");
      params.push(query.triggerKind);
    }
    const sql = `SELECT id, doc FROM runs ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`;
    const rows = this.db.prepare(sql).all(...params, query.limit) as DocRow[];
    return rows.map((r) => parseDoc(runsFamily, r.id, r.doc));
  }

  async listActiveRuns(): Promise<RunProjection[]> {
    const rows = this.db
      .prepare(`SELECT id, doc FROM runs WHERE ${ACTIVE} ORDER BY id`)
      .all() as DocRow[];
    return rows.map((r) => this.parseRun(r.id, r.doc));
  }

  async listPoolLimits(): Promise<PoolLimit[]> {
    return (this.db.prepare('SELECT id, doc FROM pool_limits ORDER BY id').all() as DocRow[]).map((r) => parseDoc(poolLimitsFamily, r.id, r.doc));
  }

  async countRunsByStatus(): Promise<Map<RunStatus, number>> {
    const rows = this.db.prepare('SELECT status, COUNT(*) AS count FROM runs GROUP BY status').all() as { status: RunStatus; count: number }[];
    return new Map(rows.map((r) => [r.status, r.count]));
  }

  async getRuns(runIds: readonly string[]): Promise<RunProjection[]> {
    if (runIds.length === 0) return [];
    // One JSON array parameter however many ids: SQLite limits the number of parameters.
    const rows = this.db.prepare('SELECT id, doc FROM runs WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id').all(JSON.stringify(runIds)) as DocRow[];
    return rows.map((r) => this.parseRun(r.id, r.doc));
  }

  async listActiveRunHeads(): Promise<RunHead[]> {
    const rows = this.db.prepare(`SELECT ${HEAD_COLUMNS} FROM runs WHERE ${ACTIVE} ORDER BY id`).all() as HeadRow[];
    return rows.map((r) => parseRunHead(r.id, r.status, r.version, r.tags));
  }

  async getRunHeads(runIds: readonly string[]): Promise<RunHead[]> {
    if (runIds.length === 0) return [];
    const rows = this.db
      .prepare(`SELECT ${HEAD_COLUMNS} FROM runs WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id`)
      .all(JSON.stringify(runIds)) as HeadRow[];
    return rows.map((r) => parseRunHead(r.id, r.status, r.version, r.tags));
  }

  async readChangedRuns(runIds: readonly string[]): Promise<ChangedRuns> {
    // One read transaction: the ledger's last sequence in it is what the documents reflect.
    return this.db.transaction((): ChangedRuns => {
      const through = (this.db.prepare('SELECT MAX(sequence) AS s FROM ledger').get() as { s: number | null }).s ?? 0;
      const rows = this.db
        .prepare(`SELECT ${HEAD_COLUMNS}, CASE WHEN status IN ('STARTED', 'CANCELING') THEN doc END AS doc FROM runs WHERE id IN (SELECT value FROM json_each(?)) AND ${ACTIVE} ORDER BY id`)
        .all(JSON.stringify(runIds)) as (HeadRow & { doc: string | null })[];
      const queued = rows.filter((r) => r.status === 'QUEUED').map((r) => parseRunHead(r.id, r.status, r.version, r.tags));
      const inProgress = rows.flatMap((r) => (r.doc === null ? [] : [this.parseRun(r.id, r.doc)]));
      return { queued, inProgress, through };
    })();
  }

  async listRunKeyConflicts(query: { runKey?: string; limit: number }): Promise<RunKeyConflict[]> {
    const rows = (
      query.runKey === undefined
        ? this.db.prepare('SELECT id, doc FROM run_key_conflicts ORDER BY recorded_at DESC, id LIMIT ?').all(query.limit)
        : this.db.prepare('SELECT id, doc FROM run_key_conflicts WHERE run_key = ? ORDER BY recorded_at DESC, id LIMIT ?').all(query.runKey, query.limit)
    ) as DocRow[];
    return rows.map((r) => parseDoc(runKeyConflictsFamily, r.id, r.doc));
  }
}
