/**
 * What both engines share for the read-only SQL surface over the `system_*` views (docs/sql.md,
 * docs/security.md): the limits every query runs under, their errors, and the first refusal of
 * a statement that is no query.
 *
 * The first-keyword check below only gives a clear message early; it is not the boundary. Each
 * engine enforces the boundary itself: SQLite runs the query in a separate process on a read-only
 * connection and accepts it only if its compiled program reads nothing but the views' tables
 * (sqlite/sql-sandbox.mjs); PostgreSQL runs it as a role that may read only the views.
 */
import { arcoError } from '../domain/errors/index.js';
import type { SqlLimits } from './contract.js';

/** A query running longer than this is stopped: SQL_TIMEOUT. */
export const SQL_TIMEOUT_MS = 5_000;
/**
 * An answer larger than this is refused: SQL_RESULT_TOO_LARGE (an error, not a cut, so an
 * operator never mistakes a partial aggregate for the whole). Counted as the values' sizes
 * (text length, blob bytes, 8 per number) on SQLite, and by `pg_column_size` on PostgreSQL.
 */
export const SQL_RESULT_BYTES_MAX = 16 * 1024 * 1024;

export function sqlLimits(limits: Partial<SqlLimits> = {}): SqlLimits {
  return { timeoutMs: limits.timeoutMs ?? SQL_TIMEOUT_MS, maxBytes: limits.maxBytes ?? SQL_RESULT_BYTES_MAX };
}

const QUERY_START = /^\s*(select|with|values)\b/i;

/** @throws SQL_REFUSED for a statement that does not start as a query (SELECT, WITH, VALUES). */
export function refuseNonQuery(sql: string): void {
  if (!QUERY_START.test(sql)) {
    throw arcoError('SQL_REFUSED', 'only queries (SELECT, WITH … SELECT, VALUES) over the system_* views are allowed', { sql });
  }
}

export function sqlTimeout(sql: string, timeoutMs: number): Error {
  return arcoError('SQL_TIMEOUT', `the query ran longer than ${timeoutMs} ms and was stopped; narrow it (WHERE, LIMIT) or aggregate less`, { sql, timeoutMs });
}

export function sqlResultTooLarge(sql: string, maxBytes: number): Error {
  return arcoError('SQL_RESULT_TOO_LARGE', `the answer is larger than ${maxBytes} bytes; select fewer rows (LIMIT, WHERE) or fewer and smaller columns`, { sql, maxBytes });
}

/**
 * The statement made ready to be the body of a subquery, where only a query parses whatever the
 * statement's text says: trailing semicolons are dropped since they cannot stand inside
 * parentheses. Callers put a line break before the closing parenthesis, so a trailing `--`
 * comment cannot swallow it.
 */
export function asSubqueryBody(sql: string): string {
  return sql.replace(/[\s;]+$/, '');
}
