/**
 * The read-only SQL surface on SQLite. A statement runs only if SQLite itself reports it as
 * read-only, it is a single statement, and it neither attaches databases nor runs pragmas.
 */
import type Database from 'better-sqlite3';
import { arcoError } from '../../domain/errors/index.js';
import type { SqlResult, SystemSqlStore } from '../contract.js';
import { refuseNonQuery } from '../system-sql.js';

export class SqliteSystemSql implements SystemSqlStore {
  constructor(private readonly db: Database.Database) {}

  async querySystem(sql: string, maxRows: number): Promise<SqlResult> {
    refuseNonQuery(sql);
    let statement: Database.Statement;
    try {
      statement = this.db.prepare(sql);
    } catch (error) {
      const message = (error as Error).message;
      if (/more than one statement/i.test(message)) throw arcoError('SQL_REFUSED', 'one statement per query', { sql });
      throw arcoError('SQL_ERROR', message, { sql });
    }
    if (!statement.readonly || !statement.reader) {
      throw arcoError('SQL_REFUSED', 'only read-only queries that return rows are allowed', { sql });
    }
    const columns = statement.columns().map((c) => c.name);
    const rows: unknown[][] = [];
    let truncated = false;
    try {
      for (const row of statement.raw(true).iterate() as Iterable<unknown[]>) {
        if (rows.length === maxRows) {
          truncated = true;
          break;
        }
        rows.push(row);
      }
    } catch (error) {
      throw arcoError('SQL_ERROR', (error as Error).message, { sql });
    }
    return { columns, rows, truncated };
  }
}
