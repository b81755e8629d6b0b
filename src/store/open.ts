/** Opening a store from one string, as `--db` takes it: a PostgreSQL URL or a SQLite file path. */
import type { Store } from './contract.js';
import type { PostgresStoreOptions } from './postgres/index.js';
import { isPostgresUrl } from './target/index.js';
import { openSqliteStore } from './sqlite/index.js';

export { isPostgresUrl, describeStoreTarget } from './target/index.js';

export interface OpenStoreOptions {
  /** A long-lived writer (the daemon): SQLite checkpoints its WAL from a background thread. */
  readonly longLived?: boolean;
  /** Where a long-lived store reports trouble it recovers from by itself (a failed background checkpoint). */
  readonly onProblem?: (message: string) => void;
}

/**
 * Opens PostgreSQL for a `postgres://` or `postgresql://` URL, else the SQLite file at `target`.
 * @throws STORE_UNAVAILABLE when the database cannot be opened.
 */
export async function openStore(target: string, options: OpenStoreOptions = {}): Promise<Store> {
  if (isPostgresUrl(target)) return openPostgresStore({ connectionString: target });
  if (!options.longLived) return openSqliteStore({ path: target });
  return openSqliteStore({ path: target, backgroundCheckpoint: options.onProblem ? { onProblem: options.onProblem } : true });
}

/**
 * Opens a PostgreSQL store. The engine and its driver load on first use: a command on a SQLite
 * store (most of them) does not pay for importing them.
 */
export async function openPostgresStore(options: PostgresStoreOptions): Promise<Store> {
  const engine = await import('./postgres/index.js');
  return engine.openPostgresStore(options);
}
