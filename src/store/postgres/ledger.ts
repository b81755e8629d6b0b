/**
 * The ledger on PostgreSQL: append through the idempotency gate and fold in the same transaction;
 * read back with schema validation.
 *
 * Sequence order = fold order = commit order. Every append (and every rebuild) first takes one
 * transaction-level advisory lock on this schema's ledger, so appends run one at a time across all
 * processes on the database while reads never wait. Two alternatives were rejected:
 * - Row locks alone (FOR UPDATE on the projection rows): a transaction draws its sequence before
 *   it waits for a row, so two appends to one run could fold in the opposite of sequence order.
 * - SERIALIZABLE without the lock: appends to different rows could commit out of sequence order,
 *   so a reader tailing the ledger by sequence could see 11 before 10 commits and skip 10 forever;
 *   and appends to one busy run would fail and retry more as contention grows.
 * The lock costs parallelism between appends, which SQLite never had either (BEGIN IMMEDIATE); an
 * append holds it for a few round trips. Within one process appends also queue in memory, so they
 * never occupy several pooled connections waiting for the lock (starving reads), and the folder's
 * cache serves one batch at a time.
 *
 * Sequence numbers increase in commit order but, unlike SQLite's, may skip the numbers of a
 * rolled-back append (PostgreSQL sequences are not transactional). A duplicate draws no number:
 * keys already in the ledger are filtered out before the sequence default is evaluated.
 */
import type pg from 'pg';
import { setTimeout as delay } from 'node:timers/promises';
import { arcoError, InvariantError } from '../../domain/errors/index.js';
import { withSequence, parseStoredEvent, type ArcoEvent, type StoredEvent, type StoredEventRow } from '../../events/index.js';
import { PROJECTION_FAMILIES } from '../../fold/index.js';
import type { AppendOptions, AppendResult, LeaderFence, LedgerStore, VersionExpectation } from '../contract.js';
import { checkVersion, fenced } from '../fence.js';
import { inTransaction, isRetryable, sqlStateOf, type AdvisoryLock } from './connection.js';
import type { PostgresFolder } from './folder.js';
import { hashProjections } from './docs.js';

export const EVENT_COLUMNS = `sequence, event_id AS "eventId", type, version, at, workspace, idempotency_key AS "idempotencyKey",
  correlation_id AS "correlationId", causation_id AS "causationId", actor, payload`;

/** Advisory lock class of the ledger (the object id is the schema's hash). */
export const LEDGER_LOCK_CLASS = 0x4152_4331; // "ARC1"
/** Attempts of one append when PostgreSQL asks to retry (serialization failure, deadlock, ...). */
const APPEND_ATTEMPTS_MAX = 5;
/** Back-off step between attempts: attempt n waits n steps. */
const RETRY_STEP_MS = 20;
/** Events replayed per page during a rebuild. */
const REBUILD_PAGE_SIZE = 2000;

const INSERT = `
  INSERT INTO ledger (event_id, type, version, at, workspace, idempotency_key, correlation_id, causation_id, actor, payload)
  SELECT e.event_id, e.type, e.version, e.at, e.workspace, e.idempotency_key, e.correlation_id, e.causation_id, e.actor, e.payload
  FROM unnest($1::text[], $2::text[], $3::integer[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[])
    WITH ORDINALITY AS e(event_id, type, version, at, workspace, idempotency_key, correlation_id, causation_id, actor, payload, n)
  WHERE NOT EXISTS (SELECT 1 FROM ledger l WHERE l.workspace = e.workspace AND l.idempotency_key = e.idempotency_key)
  ORDER BY e.n
  ON CONFLICT (workspace, idempotency_key) DO NOTHING
  RETURNING sequence, workspace, idempotency_key AS "idempotencyKey"`;

/** The tables a version expectation may name (VersionExpectation), each with `id` and `version` columns. */
const VERSIONED_TABLES: readonly VersionExpectation['table'][] = ['runs', 'sensor_states', 'backfills'];

const gateKey = (workspace: string, idempotencyKey: string): string => `${workspace}\u0000${idempotencyKey}`;

export class PostgresLedger implements LedgerStore {
  private readonly lock: AdvisoryLock;
  /** The tail of this process's append queue. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly pool: pg.Pool,
    private readonly folder: PostgresFolder,
    schemaHash: number,
  ) {
    this.lock = { classId: LEDGER_LOCK_CLASS, objectId: schemaHash };
  }

  /** @throws CONCURRENT_MODIFICATION or LEADER_FENCED (see LedgerStore; nothing is appended). */
  append(events: readonly ArcoEvent[], options: AppendOptions = {}): Promise<AppendResult> {
    if (events.length === 0 && (options.expect?.length ?? 0) === 0 && !options.fence) return Promise.resolve({ appended: [], duplicates: [] });
    return this.serialised(() => this.retried(() => inTransaction(this.pool, { lock: this.lock }, (client) => this.appendInTx(client, events, options))));
  }

  private async appendInTx(client: pg.PoolClient, events: readonly ArcoEvent[], options: AppendOptions): Promise<AppendResult> {
    await this.checkExpectations(client, options.fence, options.expect ?? []);
    const sequenceOf = await this.insert(client, events);
    const appended: StoredEvent[] = [];
    const duplicates: string[] = [];
    for (const event of events) {
      const key = gateKey(event.workspace, event.idempotencyKey);
      const sequence = sequenceOf.get(key);
      if (sequence === undefined) {
        duplicates.push(event.idempotencyKey);
        continue;
      }
      // A later batch member with the same key is a duplicate of this one.
      sequenceOf.delete(key);
      const previous = appended[appended.length - 1]?.sequence ?? 0;
      if (sequence <= previous) throw new InvariantError('sequences increasing in batch order', `${sequence} after ${previous}`);
      appended.push(withSequence(event, sequence));
    }
    await this.folder.fold(client, appended);
    return { appended, duplicates };
  }

  /** Inserts the first batch member of each new idempotency key; returns their sequences by key. */
  private async insert(client: pg.PoolClient, events: readonly ArcoEvent[]): Promise<Map<string, number>> {
    const seen = new Set<string>();
    const columns: unknown[][] = [[], [], [], [], [], [], [], [], [], []];
    for (const e of events) {
      const key = gateKey(e.workspace, e.idempotencyKey);
      if (seen.has(key)) continue;
      seen.add(key);
      const values = [e.eventId, e.type, e.version, e.at, e.workspace, e.idempotencyKey, e.correlationId, e.causationId, e.actor ?? null, JSON.stringify(e.payload)];
      values.forEach((value, i) => columns[i]?.push(value));
    }
    if (seen.size === 0) return new Map();
    const { rows } = await client.query<{ sequence: number; workspace: string; idempotencyKey: string }>(INSERT, columns);
    return new Map(rows.map((r) => [gateKey(r.workspace, r.idempotencyKey), r.sequence]));
  }

  /**
   * The fence and every version expectation, in one statement: the expected rows are locked (FOR
   * UPDATE) until the append commits, and the fence is checked first (as LEADER_FENCED, before any
   * CONCURRENT_MODIFICATION), then the expectations in their order.
   *
   * The fence is read under the ledger lock, which every append holds: an append that checks
   * after another daemon took the lease is refused, and one that checked before commits before
   * any append of the new leader can start, so no deposed leader's event follows one of its
   * successor's in the ledger. The lease row is deliberately not locked: a leader frozen (SIGSTOP)
   * in the middle of an append would otherwise hold it and keep every standby from taking it.
   */
  private async checkExpectations(client: pg.PoolClient, fence: LeaderFence | undefined, expectations: readonly VersionExpectation[]): Promise<void> {
    if (fence === undefined && expectations.length === 0) return;
    const params: unknown[] = [];
    const locks: string[] = [];
    const selects: string[] = [];
    for (const table of VERSIONED_TABLES) {
      const ids = [...new Set(expectations.filter((e) => e.table === table).map((e) => e.id))];
      if (ids.length === 0) continue;
      params.push(ids);
      locks.push(`${table}_v AS (SELECT id::text AS id, version FROM ${table} WHERE id = ANY($${params.length}::text[]) FOR UPDATE)`);
      selects.push(`SELECT '${table}' AS t, id, version::bigint AS v FROM ${table}_v`);
    }
    if (fence !== undefined) {
      params.push(fence.lease);
      selects.push(`SELECT 'fence' AS t, name AS id, fencing_token::bigint AS v FROM leases WHERE name = $${params.length}`);
    }
    const { rows } = await client.query<{ t: string; id: string; v: string }>(`${locks.length > 0 ? `WITH ${locks.join(', ')} ` : ''}${selects.join(' UNION ALL ')}`, params);
    const found = new Map(rows.map((r) => [`${r.t}\u0000${r.id}`, Number(r.v)]));
    if (fence !== undefined) {
      const current = found.get(`fence\u0000${fence.lease}`);
      if (current !== fence.token) throw fenced(fence, current);
    }
    for (const expectation of expectations) checkVersion(expectation, found.get(`${expectation.table}\u0000${expectation.id}`) ?? 0);
  }

  /** Runs appends and rebuilds of this process one at a time, in call order. */
  private serialised<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Runs the whole transaction again after a retryable SQLSTATE, a bounded number of times. */
  private async retried<T>(attempt: () => Promise<T>): Promise<T> {
    for (let n = 1; ; n += 1) {
      try {
        return await attempt();
      } catch (error) {
        if (!isRetryable(error)) throw error;
        if (n >= APPEND_ATTEMPTS_MAX) {
          // A unique violation that survives every attempt is no race but a real conflict.
          if (sqlStateOf(error) === '23505') throw error;
          throw arcoError('STORE_UNAVAILABLE', `append kept failing with a retryable error: ${(error as Error).message}`, {
            sqlState: sqlStateOf(error),
            attempts: n,
          });
        }
        await delay(RETRY_STEP_MS * n);
      }
    }
  }

  readEvents(query: { afterSequence?: number; limit: number; correlationId?: string }): Promise<StoredEvent[]> {
    return this.read(query, this.pool);
  }

  private async read(query: { afterSequence?: number; limit: number; correlationId?: string }, client: pg.ClientBase | pg.Pool): Promise<StoredEvent[]> {
    const { rows } =
      query.correlationId === undefined
        ? await client.query<StoredEventRow>(`SELECT ${EVENT_COLUMNS} FROM ledger WHERE sequence > $1 ORDER BY sequence LIMIT $2`, [query.afterSequence ?? 0, query.limit])
        : await client.query<StoredEventRow>(`SELECT ${EVENT_COLUMNS} FROM ledger WHERE correlation_id = $1 AND sequence > $2 ORDER BY sequence LIMIT $3`, [
            query.correlationId,
            query.afterSequence ?? 0,
            query.limit,
          ]);
    return rows.map(parseStoredEvent);
  }

  async lastSequence(): Promise<number> {
    const { rows } = await this.pool.query<{ s: number | null }>('SELECT MAX(sequence) AS s FROM ledger');
    return rows[0]?.s ?? 0;
  }

  /**
   * Replays every event into emptied projection tables in one transaction, holding the ledger
   * lock, and hashes the result before committing. Readers keep seeing the old projections until
   * the commit (DELETE, not TRUNCATE, which would block them).
   */
  rebuild(onProgress?: (done: number, total: number) => void): Promise<{ events: number; hash: string }> {
    return this.serialised(() =>
      inTransaction(this.pool, { lock: this.lock }, async (client) => {
        for (const { table } of PROJECTION_FAMILIES) await client.query(`DELETE FROM ${table}`);
        const total = (await client.query<{ n: number }>('SELECT COUNT(*) AS n FROM ledger')).rows[0]?.n ?? 0;
        let done = 0;
        let after = 0;
        for (;;) {
          const page = await this.read({ afterSequence: after, limit: REBUILD_PAGE_SIZE }, client);
          if (page.length === 0) break;
          await this.folder.fold(client, page);
          after = page[page.length - 1]?.sequence ?? after;
          done += page.length;
          onProgress?.(done, total);
        }
        return { events: done, hash: await hashProjections(client) };
      }),
    );
  }
}
