/**
 * The read-only SQL surface on PostgreSQL. The boundary is the database's own privileges, not
 * the query's text: a query runs on a connection that logged in as the store's SQL reader role
 * (migration 7), which may read the documented `system_*` views and nothing else, so server
 * files, large objects, other sessions, base tables and role changes are all refused by
 * PostgreSQL itself (SQL_REFUSED). On top of that:
 * - the statement runs in a READ ONLY transaction (the role's default too) with a statement
 *   timeout (SQL_TIMEOUT);
 * - it is the body of a subquery, sent with the extended protocol, so it is one query;
 * - the answer's size is summed as rows are produced and the query stops past the byte limit
 *   (SQL_RESULT_TOO_LARGE), so a huge answer never crosses the wire; rows come through a cursor,
 *   at most maxRows + 1 of them;
 * - every connection is closed after its one query (session advisory locks released first), so
 *   nothing a query sets or holds outlives it. A query may still take an advisory lock the
 *   ledger's writers wait for: they wait at most until the statement timeout ends it.
 * The reader connections are a pool of their own, so queries never take the store's connections.
 */
import pg from 'pg';
import { arcoError, isArcoError } from '../../domain/errors/index.js';
import type { SqlLimits, SqlResult, SystemSqlStore } from '../contract.js';
import { asSubqueryBody, refuseNonQuery, sqlLimits, sqlResultTooLarge, sqlTimeout } from '../system-sql.js';
import { createPool, isUnavailable, listenForLoss, sqlStateOf, withDefaultUser } from './connection.js';

/** Queries of one store running at once; more wait for a connection (the role allows 8 in all). */
const READER_CONNECTIONS = 2;
const CURSOR = 'arco_system_sql';
const SYNTAX_ERROR = '42601';

export class PostgresSystemSql implements SystemSqlStore {
  private readers: Promise<pg.Pool> | undefined;

  constructor(
    private readonly pool: pg.Pool,
    private readonly connectionString: string,
  ) {}

  async querySystem(sql: string, maxRows: number, limits?: Partial<SqlLimits>): Promise<SqlResult> {
    refuseNonQuery(sql);
    const { timeoutMs, maxBytes } = sqlLimits(limits);
    const rows = Math.max(0, Math.floor(maxRows));
    const client = await (await this.readerPool()).connect();
    const stopListening = listenForLoss(client);
    try {
      await client.query(`BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; SET LOCAL statement_timeout = ${int(timeoutMs)}`);
      // queryMode (pg >= 8.12, not yet in @types/pg) forces the extended protocol even without
      // parameters: one statement only. The last column is the running size of the answer.
      const declare: pg.QueryConfig & { queryMode: 'extended' } = {
        text:
          `DECLARE ${CURSOR} NO SCROLL CURSOR FOR SELECT s.* FROM (` +
          `SELECT q.*, sum(pg_column_size(q.*)) OVER (ROWS UNBOUNDED PRECEDING) AS arco_bytes FROM (\n${asSubqueryBody(sql)}\n) q` +
          `) s WHERE arco_sql_within(s.arco_bytes, ${int(maxBytes)})`,
        queryMode: 'extended',
      };
      await client.query(declare);
      const fetched = await client.query<unknown[]>({ text: `FETCH ${rows + 1} FROM ${CURSOR}`, rowMode: 'array' });
      const width = fetched.fields.length - 1;
      const answer = fetched.rows.slice(0, rows).map((row) => row.slice(0, width));
      return { columns: fetched.fields.slice(0, width).map((f) => f.name), rows: answer, truncated: fetched.rows.length > rows };
    } catch (error) {
      if (sqlStateOf(error) === SYNTAX_ERROR) throw await refuseOrExplain(client, sql);
      throw classify(error, sql, timeoutMs, maxBytes);
    } finally {
      await client.query('ROLLBACK; SELECT pg_advisory_unlock_all()').catch(() => undefined);
      // Closed, never reused: a setting or lock the query left on its session goes with it.
      stopListening();
      client.release(true);
    }
  }

  async close(): Promise<void> {
    const readers = this.readers;
    this.readers = undefined;
    if (readers) await (await readers.catch(() => undefined))?.end();
  }

  /** The reader role's pool, from its login kept by migration 7. */
  private readerPool(): Promise<pg.Pool> {
    this.readers ??= (async () => {
      const { rows } = await this.pool.query<{ role_name: string; password: string }>('SELECT role_name, password FROM sql_reader_login');
      const login = rows[0];
      if (!login) throw arcoError('STORE_UNAVAILABLE', 'the SQL reader role is missing (sql_reader_login is empty); reopen the store to migrate it');
      const url = new URL(withDefaultUser(this.connectionString));
      url.username = encodeURIComponent(login.role_name);
      url.password = encodeURIComponent(login.password);
      return createPool(url.href, READER_CONNECTIONS);
    })();
    // A failed lookup is tried again by the next query.
    this.readers.catch(() => {
      this.readers = undefined;
    });
    return this.readers;
  }
}

/**
 * The wrapped query did not parse: says whether the statement alone is no single query
 * (SQL_REFUSED) or a query with an error (SQL_ERROR, with the message about its own text).
 * PREPARE parses without running anything.
 */
async function refuseOrExplain(client: pg.PoolClient, sql: string): Promise<unknown> {
  try {
    await client.query('ROLLBACK');
    const prepare: pg.QueryConfig & { queryMode: 'extended' } = { text: `PREPARE arco_system_sql_check AS ${asSubqueryBody(sql)}`, queryMode: 'extended' };
    await client.query(prepare);
  } catch (error) {
    if (isArcoError(error) || isUnavailable(error) || sqlStateOf(error) === undefined) return error;
    if (/multiple commands/i.test((error as Error).message)) return arcoError('SQL_REFUSED', 'one statement per query', { sql });
    return arcoError('SQL_ERROR', (error as Error).message, { sql, sqlState: sqlStateOf(error) });
  }
  return arcoError('SQL_REFUSED', 'only a query (SELECT, WITH … SELECT, VALUES) over the system_* views is allowed', { sql });
}

function int(value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) throw new TypeError(`expected a non-negative integer, got ${value}`);
  return value;
}

function classify(error: unknown, sql: string, timeoutMs: number, maxBytes: number): unknown {
  const state = sqlStateOf(error);
  if (isArcoError(error) || isUnavailable(error) || state === undefined) return error;
  const message = (error as Error).message;
  switch (state) {
    case '42501': // insufficient_privilege: a table, function or setting the reader role may not use
      return arcoError('SQL_REFUSED', `only the system_* views are readable: ${message}`, { sql, sqlState: state });
    case '25006': // a write in a read-only transaction
      return arcoError('SQL_REFUSED', 'only read-only queries that return rows are allowed', { sql, sqlState: state });
    case '57014': // query_canceled: the statement timeout
      return sqlTimeout(sql, timeoutMs);
    case '54000': // program_limit_exceeded: the byte limit, or a value PostgreSQL itself cannot build
      return sqlResultTooLarge(sql, maxBytes);
    default:
  }
  // A data-modifying WITH cannot be a subquery.
  if (state === '0A000' && /data-modifying/i.test(message)) return arcoError('SQL_REFUSED', 'only read-only queries that return rows are allowed', { sql, sqlState: state });
  return arcoError('SQL_ERROR', message, { sql, sqlState: state });
}
