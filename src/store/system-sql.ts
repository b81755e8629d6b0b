/** What both engines refuse before running a statement over the `system_*` views (see SystemSqlStore). */
import { arcoError } from '../domain/errors/index.js';

const QUERY_START = /^\s*(select|with|values)\b/i;
const REFUSED_WORDS = /\b(attach|detach|pragma|vacuum|reindex|analyze)\b/i;

/** @throws SQL_REFUSED for a statement that is no query, or names ATTACH, PRAGMA or maintenance. */
export function refuseNonQuery(sql: string): void {
  if (!QUERY_START.test(sql)) {
    throw arcoError('SQL_REFUSED', 'only queries (SELECT, WITH … SELECT, VALUES) are allowed', { sql });
  }
  if (REFUSED_WORDS.test(sql)) {
    throw arcoError('SQL_REFUSED', 'only read-only queries over the system_* views are allowed (no ATTACH, PRAGMA or maintenance)', { sql });
  }
}
