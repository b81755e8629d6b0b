/**
 * The embedded engine: one SQLite file in WAL mode. Opening it creates the file and applies
 * migrations. Each family's module implements its part of the contract on the one connection,
 * asynchronous around synchronous better-sqlite3 calls; this module only wires them together.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { arcoError, isArcoError } from '../../domain/errors/index.js';
import type { SchemaVersion } from '../schema-version.js';
import type { Store } from '../contract.js';
import { SqliteAdmin } from './admin.js';
import { SqliteAssets } from './assets.js';
import { SqliteAutomation } from './automation.js';
import { SqliteBackfills } from './backfills.js';
import { SqliteChecks } from './checks.js';
import { SqliteLedger } from './ledger.js';
import { SqliteLeases } from './leases.js';
import { SqliteDaemons } from './daemons.js';
import { SqliteWorkers } from './workers.js';
import { SignalHub } from '../signals.js';
import { SqliteLogs } from './logs.js';
import { migrateSqlite } from './migrations.js';
import { SqliteRequestKeys } from './request-keys.js';
import { SqliteRuns } from './runs.js';
import { SqliteSystemSql } from './system-sql.js';
import { SqliteTokens } from './tokens.js';
import { guardedSqlite } from './faults.js';
import { BackgroundCheckpointer, type CheckpointerOptions } from './checkpointer.js';

/** How long a writer waits for another process's transaction before STORE_UNAVAILABLE. */
const BUSY_TIMEOUT_MS = 10_000;
/** Page cache per connection. The default 2 MiB thrashes once the ledger and projections outgrow it. */
const CACHE_KIB = 65_536;
/**
 * Checkpoint the WAL every 64 MiB of pages instead of SQLite's 4 MiB: each checkpoint ends in an
 * fsync, and a daemon appending tens of thousands of events a minute paid for several a minute.
 */
const WAL_CHECKPOINT_PAGES = 16_384;
/**
 * With a background checkpointer the writer's own checkpoint is only a bound on the WAL (256 MiB)
 * for when the thread falls behind.
 */
const WAL_CHECKPOINT_FALLBACK_PAGES = 32_768;

export interface SqliteStoreOptions {
  /** File path, or ':memory:' for tests. */
  readonly path: string;
  /**
   * Checkpoint the WAL from a worker thread instead of inside commits: for long-lived writers
   * (`arco dev`). Short-lived processes (CLI commands) keep SQLite's automatic checkpoint.
   */
  readonly backgroundCheckpoint?: boolean | CheckpointerOptions;
}

export function openSqliteStore(options: SqliteStoreOptions): Store {
  let db: Database.Database | undefined;
  let schema: SchemaVersion;
  // What the background checkpointer is started with, or null for SQLite's own checkpoints.
  const background: CheckpointerOptions | null =
    options.path === ':memory:' || !options.backgroundCheckpoint ? null : options.backgroundCheckpoint === true ? {} : options.backgroundCheckpoint;
  try {
    if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
    db = new Database(options.path);
    // 16 KiB pages (new files only): run documents and event payloads of a few KiB fit with less
    // B-tree overhead than in the default 4 KiB pages, and the WAL takes half the frames (two
    // write calls each) of 8 KiB pages for the same bytes.
    db.pragma('page_size = 16384');
    db.pragma('journal_mode = WAL');
    // NORMAL in WAL mode keeps every committed transaction across an application crash (kill -9);
    // only an OS crash or power loss can lose the last transactions.
    db.pragma('synchronous = NORMAL');
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    db.pragma(`cache_size = -${CACHE_KIB}`);
    db.pragma(`wal_autocheckpoint = ${background !== null ? WAL_CHECKPOINT_FALLBACK_PAGES : WAL_CHECKPOINT_PAGES}`);
    db.pragma('foreign_keys = ON');
    schema = migrateSqlite(db, options.path);
  } catch (error) {
    if (isArcoError(error) && error.code === 'STORE_SCHEMA_NEWER') {
      db?.close();
      throw error;
    }
    throw arcoError('STORE_UNAVAILABLE', `cannot open SQLite store at ${options.path}: ${(error as Error).message}`, {
      path: options.path,
    });
  }
  const ledger = new SqliteLedger(db);
  const checkpointer = background === null ? null : new BackgroundCheckpointer(options.path, background);
  const sql = new SqliteSystemSql(db, options.path);
  const guard = <F extends object>(family: F): F => guardedSqlite(family, options.path);
  const signals = new SignalHub();
  const runs = guard(new SqliteRuns(db, (table, id, text) => ledger.keptRow(table, id, text)));
  return {
    engine: 'sqlite',
    schema,
    ledger: guard(ledger),
    runs,
    assets: guard(new SqliteAssets(db)),
    logs: guard(new SqliteLogs(db)),
    checks: guard(new SqliteChecks(db)),
    admin: guard(new SqliteAdmin(db, ledger)),
    leases: guard(new SqliteLeases(db)),
    daemons: guard(new SqliteDaemons(db)),
    workers: guard(new SqliteWorkers(db, signals, runs)),
    requestKeys: guard(new SqliteRequestKeys(db)),
    sql: guard(sql),
    automation: guard(new SqliteAutomation(db)),
    backfills: guard(new SqliteBackfills(db)),
    tokens: guard(new SqliteTokens(db)),
    close: async () => {
      // The thread's connection goes first, so closing the last connection here folds the WAL
      // into the database file and removes it.
      await checkpointer?.stop();
      signals.close();
      sql.close();
      db.close();
    },
  };
}
