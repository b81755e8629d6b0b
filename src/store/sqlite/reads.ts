/** Projection queries on SQLite: runs, asset partitions, materializations, logs, and the hash. */
import type Database from 'better-sqlite3';
import {
  PROJECTION_FAMILIES,
  assetPartitionsFamily,
  materializationsFamily,
  runsFamily,
  runKeyConflictsFamily,
  type RunKeyConflict,
  type AssetPartitionState,
  type LogLine,
  type Materialization,
  type RunProjection,
} from '../../fold/index.js';
import type { RunListQuery } from '../contract.js';
import { parseDoc, ProjectionHasher } from '../docs.js';
import { EVENT_COLUMNS } from './ledger.js';
import { parseStoredEvent, type StoredEventRow } from '../../events/index.js';
import { InvariantError } from '../../domain/errors/index.js';

type DocRow = { id: string; doc: string };

export class SqliteReads {
  constructor(private readonly db: Database.Database) {}

  getRun(runId: string): RunProjection | undefined {
    const row = this.db.prepare('SELECT id, doc FROM runs WHERE id = ?').get(runId) as DocRow | undefined;
    return row && parseDoc(runsFamily, row.id, row.doc);
  }

  getRunByKey(runKey: string): RunProjection | undefined {
    const row = this.db.prepare('SELECT id, doc FROM runs WHERE run_key = ?').get(runKey) as DocRow | undefined;
    return row && parseDoc(runsFamily, row.id, row.doc);
  }

  listRuns(query: RunListQuery): RunProjection[] {
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
    if (query.tag) {
      where.push('json_extract(doc, ?) = ?');
      params.push(`$.tags."${query.tag[0].replace(/"/g, '')}"`, query.tag[1]);
    }
    const sql = `SELECT id, doc FROM runs ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`;
    const rows = this.db.prepare(sql).all(...params, query.limit) as DocRow[];
    return rows.map((r) => parseDoc(runsFamily, r.id, r.doc));
  }

  listActiveRuns(): RunProjection[] {
    const rows = this.db
      .prepare("SELECT id, doc FROM runs WHERE status IN ('QUEUED', 'STARTED', 'CANCELING') ORDER BY id")
      .all() as DocRow[];
    return rows.map((r) => parseDoc(runsFamily, r.id, r.doc));
  }

  listRunKeyConflicts(query: { runKey?: string; limit: number }): RunKeyConflict[] {
    const rows = (
      query.runKey === undefined
        ? this.db.prepare('SELECT id, doc FROM run_key_conflicts ORDER BY recorded_at DESC, id LIMIT ?').all(query.limit)
        : this.db.prepare('SELECT id, doc FROM run_key_conflicts WHERE run_key = ? ORDER BY recorded_at DESC, id LIMIT ?').all(query.runKey, query.limit)
    ) as DocRow[];
    return rows.map((r) => parseDoc(runKeyConflictsFamily, r.id, r.doc));
  }

  listAssetPartitions(assetKey?: string): AssetPartitionState[] {
    const rows = (
      assetKey === undefined
        ? this.db.prepare('SELECT id, doc FROM asset_partitions ORDER BY asset_key, id').all()
        : this.db.prepare('SELECT id, doc FROM asset_partitions WHERE asset_key = ? ORDER BY id').all(assetKey)
    ) as DocRow[];
    return rows.map((r) => parseDoc(assetPartitionsFamily, r.id, r.doc));
  }

  listMaterializations(assetKey: string, limit: number): Materialization[] {
    const rows = this.db
      .prepare('SELECT id, doc FROM materializations WHERE asset_key = ? ORDER BY sequence DESC LIMIT ?')
      .all(assetKey, limit) as DocRow[];
    return rows.map((r) => parseDoc(materializationsFamily, r.id, r.doc));
  }

  /** Log lines are read from the ledger itself (the log index only counts them), validated like any event. */
  listLogs(runId: string, query: { afterSequence?: number; limit: number }): LogLine[] {
    const rows = this.db
      .prepare(`SELECT ${EVENT_COLUMNS} FROM ledger WHERE correlation_id = ? AND type = 'TaskLogged' AND sequence > ? ORDER BY sequence LIMIT ?`)
      .all(runId, query.afterSequence ?? 0, query.limit) as StoredEventRow[];
    return rows.map((row) => {
      const event = parseStoredEvent(row);
      if (event.type !== 'TaskLogged') throw new InvariantError('a TaskLogged event', event.type);
      const p = event.payload;
      return { sequence: event.sequence, runId: p.runId, taskKey: p.taskKey, attempt: p.attempt, level: p.level, message: p.message, loggedAt: p.loggedAt };
    });
  }

  /** sha256 over every projection row in (family, id) order, documents in canonical JSON. */
  projectionHash(): string {
    const hasher = new ProjectionHasher();
    for (const { table } of PROJECTION_FAMILIES) {
      hasher.table(table);
      for (const row of this.db.prepare(`SELECT id, doc FROM ${table} ORDER BY id`).iterate() as Iterable<DocRow>) hasher.row(row.id, row.doc);
    }
    return hasher.digest();
  }
}
