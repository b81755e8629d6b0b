/**
 * The distributed engine: PostgreSQL through a pg Pool, for many daemons, API servers and workers
 * on many machines sharing one database. Opening it applies pending migrations (once, whoever
 * opens first; see migrations.ts). How appends are ordered across processes is in ledger.ts.
 *
 * A schema other than the search path's first is chosen in the URL, as libpq does:
 * `postgres://host/db?options=-csearch_path%3Darco`. Connection failures surface as
 * STORE_UNAVAILABLE (retryable), naming the URL without its password.
 *
 * Each family's module implements its part of the contract on the shared pool; this module only
 * wires them together, each guarded so connection failures surface as STORE_UNAVAILABLE.
 */
import { arcoError, isArcoError } from '../../domain/errors/index.js';
import type { SchemaVersion } from '../schema-version.js';
import type { Store } from '../contract.js';
import { PostgresAdmin } from './admin.js';
import { PostgresAssets } from './assets.js';
import { PostgresChecks } from './checks.js';
import { PostgresAutomation } from './automation.js';
import { PostgresBackfills } from './backfills.js';
import { POOL_CONNECTIONS_DEFAULT, createPool, guarded, listenForLoss, redactUrl, sqlStateOf } from './connection.js';
import { PostgresFolder } from './folder.js';
import { PostgresLedger } from './ledger.js';
import { PostgresLeases } from './leases.js';
import { PostgresDaemons } from './daemons.js';
import { PostgresWorkers } from './workers.js';
import { PostgresNotifications, signalChannel } from './notifications.js';
import { SignalHub } from '../signals.js';
import { PostgresLogs } from './logs.js';
import { migratePostgres } from './migrations.js';
import { PostgresRequestKeys } from './request-keys.js';
import { PostgresRuns } from './runs.js';
import { PostgresSystemSql } from './system-sql.js';
import { PostgresTokens } from './tokens.js';

export interface PostgresStoreOptions {
  /** A `postgres://` or `postgresql://` URL. Without a user: $PGUSER, then $USER, then the OS user (as libpq). */
  readonly connectionString: string;
  /** Pooled connections of this store (this process). @default 10 */
  readonly connectionsMax?: number;
}

/** @throws STORE_UNAVAILABLE when the database cannot be reached or migrated. */
export async function openPostgresStore(options: PostgresStoreOptions): Promise<Store> {
  const target = redactUrl(options.connectionString);
  const pool = createPool(options.connectionString, options.connectionsMax ?? POOL_CONNECTIONS_DEFAULT, { prepare: true });
  let folder: PostgresFolder;
  let schemaHash: number;
  let schema: SchemaVersion;
  try {
    const client = await pool.connect();
    const stopListening = listenForLoss(client);
    try {
      schema = await migratePostgres(client, target);
      const { rows } = await client.query<{ hash: number }>('SELECT hashtext(current_schema()) AS hash');
      schemaHash = rows[0]?.hash ?? 0;
      folder = await PostgresFolder.create(client);
    } finally {
      client.release(stopListening());
    }
  } catch (error) {
    await pool.end().catch(() => undefined);
    if (isArcoError(error) && error.code === 'STORE_SCHEMA_NEWER') throw error;
    throw arcoError('STORE_UNAVAILABLE', `cannot open PostgreSQL store at ${target}: ${(error as Error).message}`, {
      target,
      ...(sqlStateOf(error) === undefined ? {} : { sqlState: sqlStateOf(error) }),
    });
  }
  const ledger = new PostgresLedger(pool, folder, schemaHash);
  const sql = new PostgresSystemSql(pool, options.connectionString);
  const notifications = new PostgresNotifications(options.connectionString, signalChannel(schemaHash), new SignalHub());
  const runs = new PostgresRuns(pool, (table, id, text) => folder.keptRow(table, id, text), (table, id) => folder.keptWrite(table, id));
  let closed: Promise<void> | undefined;
  return {
    engine: 'postgres',
    schema,
    ledger: guarded(ledger, target),
    runs: guarded(runs, target),
    assets: guarded(new PostgresAssets(pool), target),
    logs: guarded(new PostgresLogs(pool), target),
    checks: guarded(new PostgresChecks(pool), target),
    admin: guarded(new PostgresAdmin(pool, ledger), target),
    leases: guarded(new PostgresLeases(pool), target),
    daemons: guarded(new PostgresDaemons(pool), target),
    workers: guarded(new PostgresWorkers(pool, notifications, (runId, xmin) => runs.getRunStoredAs(runId, xmin)), target),
    requestKeys: guarded(new PostgresRequestKeys(pool), target),
    sql: guarded(sql, target),
    automation: guarded(new PostgresAutomation(pool), target),
    backfills: guarded(new PostgresBackfills(pool), target),
    tokens: guarded(new PostgresTokens(pool, notifications), target),
    // Idempotent: the pool refuses a second end().
    close: () => (closed ??= Promise.all([sql.close(), notifications.close(), pool.end()]).then(() => undefined)),
  };
}
