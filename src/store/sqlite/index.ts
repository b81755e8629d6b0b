/**
 * The embedded engine: one SQLite file in WAL mode. Opening it creates the file and applies
 * migrations. Every method wraps synchronous better-sqlite3 calls in the asynchronous contract.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { arcoError } from '../../domain/errors/index.js';
import type { Store } from '../contract.js';
import { SqliteLedger } from './ledger.js';
import { SqliteLeases } from './leases.js';
import { migrateSqlite } from './migrations.js';
import { SqliteReads } from './reads.js';
import { SqliteAutomation } from './automation.js';
import { SqliteRequestKeys } from './request-keys.js';
import { SqliteBackfills } from './backfills.js';
import { querySystemSql } from './system-sql.js';
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
  let db: Database.Database;
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
    migrateSqlite(db);
  } catch (error) {
    throw arcoError('STORE_UNAVAILABLE', `cannot open SQLite store at ${options.path}: ${(error as Error).message}`, {
      path: options.path,
    });
  }
  const ledger = new SqliteLedger(db);
  const reads = new SqliteReads(db);
  const automation = new SqliteAutomation(db);
  const leases = new SqliteLeases(db);
  const requestKeys = new SqliteRequestKeys(db);
  const backfills = new SqliteBackfills(db);
  const checkpointer = background === null ? null : new BackgroundCheckpointer(options.path, background);
  const run = async <T>(fn: () => T): Promise<T> => fn();
  return {
    engine: 'sqlite',
    append: (events, opts) => run(() => ledger.append(events, opts)),
    readEvents: (query) => run(() => ledger.read(query)),
    lastSequence: () => run(() => ledger.lastSequence()),
    getRun: (runId) => run(() => reads.getRun(runId)),
    getRunByKey: (runKey) => run(() => reads.getRunByKey(runKey)),
    listRuns: (query) => run(() => reads.listRuns(query)),
    listActiveRuns: () => run(() => reads.listActiveRuns()),
    listRunKeyConflicts: (query) => run(() => reads.listRunKeyConflicts(query)),
    listAssetPartitions: (assetKey) => run(() => reads.listAssetPartitions(assetKey)),
    listMaterializations: (assetKey, limit) => run(() => reads.listMaterializations(assetKey, limit)),
    listLogs: (runId, query) => run(() => reads.listLogs(runId, query)),
    projectionHash: () => run(() => reads.projectionHash()),
    rebuildProjections: (onProgress) =>
      run(() => {
        const events = ledger.rebuild(onProgress);
        return { events, hash: reads.projectionHash() };
      }),
    acquireLease: (name, holder, ttlMs, now, takeoverFrom) => run(() => leases.acquire(name, holder, ttlMs, now, takeoverFrom)),
    releaseLease: (name, holder) => run(() => leases.release(name, holder)),
    recordHeartbeats: (ids, now) => run(() => leases.recordHeartbeats(ids, now)),
    readHeartbeats: (ids) => run(() => leases.read(ids)),
    claimRequestKey: (scope, key, hash, now) => run(() => requestKeys.claim(scope, key, hash, now)),
    completeRequestKey: (scope, key, status, body) => run(() => requestKeys.complete(scope, key, status, body)),
    releaseRequestKey: (scope, key) => run(() => requestKeys.release(scope, key)),
    querySystem: (sql, maxRows) => run(() => querySystemSql(db, sql, maxRows)),
    listScheduleStates: () => run(() => automation.listScheduleStates()),
    getScheduleState: (name) => run(() => automation.getScheduleState(name)),
    scheduleStatesSignature: () => run(() => automation.scheduleStatesSignature()),
    listRunsByKeys: (keys) => run(() => automation.listRunsByKeys(keys)),
    listScheduleTicks: (query) => run(() => automation.listScheduleTicks(query)),
    listSensorStates: () => run(() => automation.listSensorStates()),
    getSensorState: (name) => run(() => automation.getSensorState(name)),
    listSensorHistory: (query) => run(() => automation.listSensorHistory(query)),
    findPushEvaluation: (name, messageId) => run(() => automation.findPushEvaluation(name, messageId)),
    listDynamicPartitions: () => run(() => automation.listDynamicPartitions()),
    getDynamicPartitionKeys: (name) => run(() => automation.getDynamicPartitionKeys(name)),
    listRunsFinished: (after, scanMax, limit) => run(() => automation.listRunsFinished(after, scanMax, limit)),
    listMaterializationsAfter: (assetKey, after, limit) => run(() => automation.listMaterializationsAfter(assetKey, after, limit)),
    getBackfill: (id) => run(() => backfills.getBackfill(id)),
    getBackfillByRequestId: (id) => run(() => backfills.getBackfillByRequestId(id)),
    listBackfills: (query) => run(() => backfills.listBackfills(query)),
    listActiveBackfills: () => run(() => backfills.listActiveBackfills()),
    listBackfillChunks: (id, query) => run(() => backfills.listBackfillChunks(id, query)),
    close: async () => {
      // The thread's connection goes first, so closing the last connection here folds the WAL
      // into the database file and removes it.
      await checkpointer?.stop();
      db.close();
    },
  };
}
