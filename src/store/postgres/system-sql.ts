/**
 * The read-only SQL surface on PostgreSQL, with the SQLite engine's rules: one statement, a query
 * (SELECT, WITH … SELECT, VALUES), no maintenance words. PostgreSQL then enforces them itself:
 * - the statement runs in a READ ONLY transaction, which refuses every write (a data-modifying
 *   WITH, nextval, SELECT … FOR UPDATE): SQL_REFUSED;
 * - it is sent with the extended protocol, which takes exactly one statement, so
 *   "SELECT 1; COMMIT; DROP …" cannot leave the transaction: SQL_REFUSED;
 * - a statement timeout bounds a runaway query: SQL_ERROR.
 * A read-only transaction still runs functions whose effects live outside it: killing sessions,
 * reading server files, session advisory locks (which would outlive the query on a pooled
 * connection), session settings, notifications, and functions that run SQL given as text. Those
 * are refused by name. The strict boundary would be a database role allowed to read the views
 * only; deployments that expose the API widely should connect the store with such a role.
 *
 * Rows come through a cursor, at most maxRows + 1 of them, so a huge result never crosses the wire.
 */
import type pg from 'pg';
import { arcoError, isArcoError } from '../../domain/errors/index.js';
import type { SqlResult, SystemSqlStore } from '../contract.js';
import { refuseNonQuery } from '../system-sql.js';
import { inTransaction, isUnavailable, sqlStateOf } from './connection.js';

const REFUSED_FUNCTIONS =
  /\b(pg_(terminate|cancel)_backend|pg_reload_conf|pg_rotate_logfile|pg_read(_binary)?_file|pg_ls_\w+|pg_stat_file|pg_(try_)?advisory\w*|pg_notify|set_config|lo_\w+|dblink\w*|pg_switch_wal|pg_create_\w+|pg_drop_\w+|pg_logical_emit_message|pg_promote|pg_backup_\w+|pg_file_\w+|(query|cursor)_to_xml\w*)\s*\(/i;
/** A query over the views that runs longer than this is cut off (SQL_ERROR). */
const STATEMENT_TIMEOUT_MS = 10_000;
const CURSOR = 'arco_system_sql';

export class PostgresSystemSql implements SystemSqlStore {
  constructor(private readonly pool: pg.Pool) {}

  async querySystem(sql: string, maxRows: number): Promise<SqlResult> {
    refuseNonQuery(sql);
    const refusedFunction = REFUSED_FUNCTIONS.exec(sql);
    if (refusedFunction) {
      throw arcoError('SQL_REFUSED', `only read-only queries are allowed; ${refusedFunction[1]}() acts outside the query`, { sql, function: refusedFunction[1] });
    }
    try {
      return await inTransaction(this.pool, { readOnly: true, statementTimeoutMs: STATEMENT_TIMEOUT_MS }, async (client) => {
        // queryMode (pg >= 8.12, not yet in @types/pg) forces the extended protocol even without parameters.
        const declare: pg.QueryConfig & { queryMode: 'extended' } = { text: `DECLARE ${CURSOR} NO SCROLL CURSOR FOR ${sql}`, queryMode: 'extended' };
        await client.query(declare);
        const fetched = await client.query<unknown[]>({ text: `FETCH ${Math.max(0, Math.floor(maxRows)) + 1} FROM ${CURSOR}`, rowMode: 'array' });
        const truncated = fetched.rows.length > maxRows;
        return { columns: fetched.fields.map((f) => f.name), rows: truncated ? fetched.rows.slice(0, maxRows) : fetched.rows, truncated };
      });
    } catch (error) {
      throw classify(error, sql);
    }
  }
}

function classify(error: unknown, sql: string): unknown {
  const state = sqlStateOf(error);
  if (isArcoError(error) || isUnavailable(error) || state === undefined) return error;
  const message = (error as Error).message;
  if (/multiple commands/i.test(message)) return arcoError('SQL_REFUSED', 'one statement per query', { sql });
  // 25006: a write in a read-only transaction; 0A000: a data-modifying WITH under a cursor.
  if (state === '25006' || (state === '0A000' && /data-modifying/i.test(message))) {
    return arcoError('SQL_REFUSED', 'only read-only queries that return rows are allowed', { sql });
  }
  return arcoError('SQL_ERROR', message, { sql, sqlState: state });
}
