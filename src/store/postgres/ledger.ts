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
import type { LoadedRow, PostgresFolder, PreparedLoad } from './folder.js';
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

/** INSERT's ten parameters: the first batch member of each idempotency key, by column; undefined for no events. */
function insertColumns(events: readonly ArcoEvent[]): unknown[][] | undefined {
  const seen = new Set<string>();
  const columns: unknown[][] = [[], [], [], [], [], [], [], [], [], []];
  for (const e of events) {
    const key = gateKey(e.workspace, e.idempotencyKey);
    if (seen.has(key)) continue;
    seen.add(key);
    const values = [e.eventId, e.type, e.version, e.at, e.workspace, e.idempotencyKey, e.correlationId, e.causationId, e.actor ?? null, JSON.stringify(e.payload)];
    values.forEach((value, i) => columns[i]?.push(value));
  }
  return seen.size === 0 ? undefined : columns;
}

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
    const { sequenceOf, load } = await this.checkInsertLoad(client, events, options.fence, options.expect ?? []);
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
    if (load) await this.folder.foldLoaded(client, appended, load.prepared, load.rows);
    else await this.folder.fold(client, appended);
    return { appended, duplicates };
  }

  /**
   * The fence and every version expectation, the insert of the first batch member of each new
   * idempotency key, and the folder's load of the rows the batch touches: one statement, one
   * round trip instead of three. Returns the inserted events' sequences by key, and the load.
   *
   * The expected rows are locked (FOR UPDATE) until the append commits. The events are inserted
   * only if every check holds (so a refused append draws no sequence number), and the checks are
   * judged again, for their errors, once the statement returns: the fence first (LEADER_FENCED
   * before any CONCURRENT_MODIFICATION), then the expectations in their order.
   *
   * The fence is read under the ledger lock, which every append holds: an append that checks
   * after another daemon took the lease is refused, and one that checked before commits before
   * any append of the new leader can start, so no deposed leader's event follows one of its
   * successor's in the ledger. The lease row is deliberately not locked: a leader frozen (SIGSTOP)
   * in the middle of an append would otherwise hold it and keep every standby from taking it.
   */
  private async checkInsertLoad(
    client: pg.PoolClient,
    events: readonly ArcoEvent[],
    fence: LeaderFence | undefined,
    expectations: readonly VersionExpectation[],
  ): Promise<{ sequenceOf: Map<string, number>; load?: { prepared: PreparedLoad; rows: LoadedRow[] } }> {
    const columns = insertColumns(events);
    // Every part's rows as (k, t, a, b, v, doc): k says which part, the rest as that part needs.
    // The INSERT's parameters are $1..$10 (when there are events): the others follow them.
    const params: unknown[] = columns ? [...columns] : [];
    const ctes: string[] = [];
    const selects: string[] = [];
    // What must hold for the events to be inserted: a refused append draws no sequence number.
    const holds: string[] = [];
    for (const table of VERSIONED_TABLES) {
      const expected = expectations.filter((e) => e.table === table);
      const ids = [...new Set(expected.map((e) => e.id))];
      if (ids.length === 0) continue;
      params.push(ids, expected.map((e) => e.id), expected.map((e) => e.version));
      const [locked, wanted, versions] = [params.length - 2, params.length - 1, params.length];
      ctes.push(`${table}_v AS (SELECT id::text AS id, version FROM ${table} WHERE id = ANY($${locked}::text[]) FOR UPDATE)`);
      selects.push(`SELECT 'c', NULL, '${table}', id, version::bigint, NULL FROM ${table}_v`);
      holds.push(`NOT EXISTS (SELECT 1 FROM unnest($${wanted}::text[], $${versions}::bigint[]) AS x(id, v) LEFT JOIN ${table}_v r ON r.id = x.id WHERE COALESCE(r.version, 0) <> x.v)`);
    }
    if (fence !== undefined) {
      params.push(fence.lease, fence.token);
      const [lease, token] = [params.length - 1, params.length];
      selects.push(`SELECT 'c', NULL, 'fence', name, fencing_token::bigint, NULL FROM leases WHERE name = $${lease}`);
      holds.push(`(SELECT fencing_token FROM leases WHERE name = $${lease}) IS NOT DISTINCT FROM $${token}::bigint`);
    }
    if (columns) {
      ctes.push(`ins AS (${holds.length > 0 ? INSERT.replace('WHERE NOT EXISTS', `WHERE ${holds.join(' AND ')} AND NOT EXISTS`) : INSERT})`);
      selects.unshift(`SELECT 'i', NULL::integer, workspace, "idempotencyKey", sequence::bigint, NULL::text FROM ins`);
    }
    const prepared = columns ? this.folder.prepareLoad(events.map((e) => withSequence(e, 0)), params.length + 1) : undefined;
    if (prepared) {
      params.push(...prepared.params);
      for (const { index, query } of prepared.queries) {
        ctes.push(`l${index} AS (${query})`);
        selects.push(`SELECT 'l', ${index}, NULL, id, NULL, doc FROM l${index}`);
      }
    }
    if (selects.length === 0) return { sequenceOf: new Map() };
    const { rows } = await client.query<{ k: 'i' | 'c' | 'l'; t: number | null; a: string | null; b: string; v: string | null; doc: string | null }>(
      `${ctes.length > 0 ? `WITH ${ctes.join(', ')} ` : ''}SELECT * FROM (${selects.join(' UNION ALL ')}) AS parts(k, t, a, b, v, doc)`,
      params,
    );
    const sequenceOf = new Map<string, number>();
    const found = new Map<string, number>();
    const loaded: LoadedRow[] = [];
    for (const row of rows) {
      if (row.k === 'i') sequenceOf.set(gateKey(row.a as string, row.b), Number(row.v));
      else if (row.k === 'c') found.set(`${row.a}\u0000${row.b}`, Number(row.v));
      else loaded.push({ t: row.t as number, id: row.b, doc: row.doc });
    }
    if (fence !== undefined) {
      const current = found.get(`fence\u0000${fence.lease}`);
      if (current !== fence.token) throw fenced(fence, current);
    }
    for (const expectation of expectations) checkVersion(expectation, found.get(`${expectation.table}\u0000${expectation.id}`) ?? 0);
    return prepared ? { sequenceOf, load: { prepared, rows: loaded } } : { sequenceOf };
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
