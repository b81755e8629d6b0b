/**
 * Runs and run-key conflicts on PostgreSQL. Same filters, orders and validation as the SQLite
 * engine; each is one statement on a pooled connection, so reads never wait for appends.
 */
import type pg from 'pg';
import { poolLimitsFamily, runKeyConflictsFamily, runsFamily, type PoolLimit, type RunKeyConflict, type RunProjection } from '../../fold/index.js';
import type { RunStatus } from '../../domain/runs/index.js';
import type { ChangedRuns, RunHead, RunListQuery, RunStore } from '../contract.js';
import { KeptRowReader, parseRunHead, type KeptRow, type KeptWrite } from '../docs.js';
import { InvariantError } from '../../domain/errors/index.js';
import { parseDoc, selectDocs, type DocRow } from './docs.js';

const ACTIVE_STATUSES = "('QUEUED', 'STARTED', 'CANCELING')";
const HEAD_COLUMNS = "id, status, version, (doc::json -> 'tags')::text AS tags";
type HeadRow = { id: string; status: string; version: number; tags: string | null };

export class PostgresRuns implements RunStore {
  private readonly runs: KeptRowReader<RunProjection>;

  /** `keptRow`, `keptWrite`: this process's folder's kept rows (see KeptRowReader, PostgresFolder). */
  constructor(
    private readonly pool: pg.Pool,
    keptRow: KeptRow = () => undefined,
    private readonly keptWrite: KeptWrite = () => [],
  ) {
    this.runs = new KeptRowReader(runsFamily, keptRow);
  }

  /**
   * This process's folder's kept writes of runs `ids`, taken before a read that skips their
   * documents: the read's parameters (the ids, each one's last write's xmin, and while that one
   * may be uncommitted the one before) and the run a row of it stands for, as it was sent (`x`
   * its xmin, `doc` null where the document was skipped). Resolved against this snapshot, never a
   * later one: the folder may have moved on by the time the rows arrive.
   */
  private keptSnapshot(ids: readonly string[]): { params: [string[], string[], string[]]; runOf(id: string, x: string, doc: string | null): RunProjection } {
    const kept = ids.map((id) => (this.runs.trusted ? this.keptWrite(runsFamily.table, id) : []));
    const keptOf = new Map(ids.map((id, i) => [id, kept[i] ?? []]));
    return {
      params: [[...ids], kept.map((k) => k[0]?.xmin ?? ''), kept.map((k) => k[1]?.xmin ?? '')],
      runOf: (id, x, doc) => {
        if (doc !== null) return this.runs.read(id, doc);
        const write = keptOf.get(id)?.find((k) => k.xmin === x);
        if (write === undefined) throw new InvariantError(`the kept row of run ${id}, stored unchanged`, 'none');
        return this.runs.handOut(write.row);
      },
    };
  }

  /**
   * Runs by id, each document sent only when the stored row is not one this process's folder
   * wrote (its xmin is another): a daemon reads back the runs it just appended to, and a run of
   * 100 tasks is 80 KB to detoast, send and compare each time (see keptSnapshot).
   */
  private async readRuns(runIds: readonly string[]): Promise<RunProjection[]> {
    const kept = this.keptSnapshot(runIds);
    const { rows } = await this.pool.query<{ id: string; x: string; doc: string | null }>(
      `SELECT r.id, r.xmin::text AS x, CASE WHEN r.xmin::text IN (k.x, k.p) THEN NULL ELSE r.doc END AS doc
       FROM runs r JOIN unnest($1::text[], $2::text[], $3::text[]) AS k(id, x, p) ON r.id = k.id ORDER BY r.id`,
      kept.params,
    );
    return rows.map((r) => kept.runOf(r.id, r.x, r.doc));
  }

  /**
   * One statement: each run's head, the document only of runs in progress and only when it is not
   * one this process's folder wrote (as readRuns), the tags only of queued runs (extracting them
   * parses the whole document on the server).
   */
  async readChangedRuns(runIds: readonly string[]): Promise<ChangedRuns> {
    const kept = this.keptSnapshot([...new Set(runIds)]);
    // One statement is one snapshot: the ledger's last sequence in it is what the documents reflect.
    const { rows } = await this.pool.query<{ id: string | null; status: string; version: number; x: string; tags: string | null; doc: string | null; s: string | null }>(
      `SELECT r.id, r.status, r.version, r.xmin::text AS x,
         CASE WHEN r.status = 'QUEUED' THEN (r.doc::json -> 'tags')::text END AS tags,
         CASE WHEN r.status IN ('STARTED', 'CANCELING') AND r.xmin::text NOT IN (k.x, k.p) THEN r.doc END AS doc,
         NULL::text AS s
       FROM runs r JOIN unnest($1::text[], $2::text[], $3::text[]) AS k(id, x, p) ON r.id = k.id
       WHERE r.status IN ('QUEUED', 'STARTED', 'CANCELING')
       UNION ALL SELECT NULL, '', 0, '', NULL, NULL, (SELECT MAX(sequence) FROM ledger)::text
       ORDER BY 1`,
      kept.params,
    );
    const queued: RunHead[] = [];
    const inProgress: RunProjection[] = [];
    let through = 0;
    for (const r of rows) {
      if (r.id === null) through = Number(r.s ?? 0);
      else if (r.status === 'QUEUED') queued.push(parseRunHead(r.id, r.status, r.version, r.tags));
      else inProgress.push(kept.runOf(r.id, r.x, r.doc));
    }
    return { queued, inProgress, through };
  }

  /** The run as the transaction `xmin` stored it: a row this process's folder kept when it wrote it, else read. */
  async getRunStoredAs(runId: string, xmin: string): Promise<RunProjection | undefined> {
    const write = this.runs.trusted ? this.keptWrite(runsFamily.table, runId).find((k) => k.xmin === xmin) : undefined;
    if (write !== undefined) return this.runs.handOut(write.row);
    return this.getRun(runId);
  }

  private docs(sql: string, params: readonly unknown[]): Promise<DocRow[]> {
    return selectDocs(this.pool, sql, params);
  }

  async getRun(runId: string): Promise<RunProjection | undefined> {
    const [run] = await this.readRuns([runId]);
    return run;
  }

  async getRunByKey(runKey: string): Promise<RunProjection | undefined> {
    const [row] = await this.docs('SELECT id, doc FROM runs WHERE run_key = $1', [runKey]);
    return row && this.runs.read(String(row.id), row.doc);
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
    for (const [key, value] of query.tags ?? []) {
      // Quotes are dropped from the tag name as the SQLite engine does when building its JSON path.
      where.push(`(doc::json -> 'tags' ->> ${param(key.replace(/"/g, ''))}::text) = ${param(value)}`);
    }
    if (query.assetKey !== undefined) where.push(`(doc::jsonb -> 'assetKeys') ? ${param(query.assetKey)}::text`);
    if (query.createdFrom !== undefined) where.push(`created_at >= ${param(query.createdFrom)}`);
    if (query.createdBefore !== undefined) where.push(`created_at < ${param(query.createdBefore)}`);
    if (query.triggerKind !== undefined) where.push(`(doc::json -> 'trigger' ->> 'kind') = ${param(query.triggerKind)}`);
    const sql = `SELECT id, doc FROM runs ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ${param(query.limit)}`;
    return (await this.docs(sql, params)).map((r) => parseDoc(runsFamily, String(r.id), r.doc));
  }

  async listActiveRuns(): Promise<RunProjection[]> {
    const rows = await this.docs(`SELECT id, doc FROM runs WHERE status IN ${ACTIVE_STATUSES} ORDER BY id`, []);
    return rows.map((r) => this.runs.read(String(r.id), r.doc));
  }

  async listPoolLimits(): Promise<PoolLimit[]> {
    const rows = await this.docs('SELECT id, doc FROM pool_limits ORDER BY id', []);
    return rows.map((r) => parseDoc(poolLimitsFamily, String(r.id), r.doc));
  }

  async countRunsByStatus(): Promise<Map<RunStatus, number>> {
    const { rows } = await this.pool.query<{ status: RunStatus; count: string }>('SELECT status, COUNT(*) AS count FROM runs GROUP BY status');
    // COUNT is a bigint, which pg returns as a string.
    return new Map(rows.map((r) => [r.status, Number(r.count)]));
  }

  async getRuns(runIds: readonly string[]): Promise<RunProjection[]> {
    if (runIds.length === 0) return [];
    return this.readRuns([...new Set(runIds)]);
  }

  async listActiveRunHeads(): Promise<RunHead[]> {
    const { rows } = await this.pool.query<HeadRow>(`SELECT ${HEAD_COLUMNS} FROM runs WHERE status IN ${ACTIVE_STATUSES} ORDER BY id`);
    return rows.map((r) => parseRunHead(r.id, r.status, r.version, r.tags));
  }

  async getRunHeads(runIds: readonly string[]): Promise<RunHead[]> {
    if (runIds.length === 0) return [];
    const { rows } = await this.pool.query<HeadRow>(`SELECT ${HEAD_COLUMNS} FROM runs WHERE id = ANY($1::text[]) ORDER BY id`, [[...runIds]]);
    return rows.map((r) => parseRunHead(r.id, r.status, r.version, r.tags));
  }

  async listRunKeyConflicts(query: { runKey?: string; limit: number }): Promise<RunKeyConflict[]> {
    const rows =
      query.runKey === undefined
        ? await this.docs('SELECT id, doc FROM run_key_conflicts ORDER BY recorded_at DESC, id LIMIT $1', [query.limit])
        : await this.docs('SELECT id, doc FROM run_key_conflicts WHERE run_key = $1 ORDER BY recorded_at DESC, id LIMIT $2', [query.runKey, query.limit]);
    return rows.map((r) => parseDoc(runKeyConflictsFamily, String(r.id), r.doc));
  }
}
