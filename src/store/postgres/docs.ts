/**
 * Projection documents: reading one back with its family's schema, and the projection hash.
 * Both follow the SQLite engine exactly (same error, same hashed lines), because the projection
 * hash of a ledger must not depend on the engine that folded it.
 */
import type pg from 'pg';
import { ProjectionHasher } from '../docs.js';
import { PROJECTION_FAMILIES } from '../../fold/index.js';

/** A projection row as queries select it (sequence-keyed tables have numeric ids). */
export type DocRow = { id: string | number; doc: string };

export { parseDoc } from '../docs.js';

/** The projection rows a query selects, on a pooled connection. */
export async function selectDocs(pool: pg.Pool, sql: string, params: readonly unknown[]): Promise<DocRow[]> {
  return (await pool.query<DocRow>(sql, params as unknown[])).rows;
}

/** Rows per query while hashing, so a large table is never held in memory at once. */
const HASH_PAGE_SIZE = 5000;

/**
 * sha256 over every projection row, table by table in PROJECTION_FAMILIES order and row by row in
 * id order (bytes for text ids, numbers for sequence ids), each row as `id<TAB>canonical doc`:
 * the lines SQLite hashes. Run it inside one snapshot (REPEATABLE READ, or holding the ledger lock).
 */
export async function hashProjections(client: pg.ClientBase): Promise<string> {
  const hasher = new ProjectionHasher();
  for (const { table } of PROJECTION_FAMILIES) {
    hasher.table(table);
    let after: string | number | undefined;
    for (;;) {
      const { rows } =
        after === undefined
          ? await client.query<DocRow>(`SELECT id, doc FROM ${table} ORDER BY id LIMIT $1`, [HASH_PAGE_SIZE])
          : await client.query<DocRow>(`SELECT id, doc FROM ${table} WHERE id > $1 ORDER BY id LIMIT $2`, [after, HASH_PAGE_SIZE]);
      for (const row of rows) hasher.row(row.id, row.doc);
      if (rows.length < HASH_PAGE_SIZE) break;
      after = rows[rows.length - 1]?.id;
    }
  }
  return hasher.digest();
}
