/**
 * The distributed engine: PostgreSQL through a pg Pool, for many daemons, API servers and workers
 * on many machines sharing one database. Opening it applies pending migrations (once, whoever
 * opens first; see migrations.ts). How appends are ordered across processes is in ledger.ts.
 *
 * A schema other than the search path's first is chosen in the URL, as libpq does:
 * `postgres://host/db?options=-csearch_path%3Darco`. Connection failures surface as
 * STORE_UNAVAILABLE (retryable), naming the URL without its password.
 */
import { arcoError } from '../../domain/errors/index.js';
import type { Store } from '../contract.js';
import { PostgresAutomation } from './automation.js';
import { POOL_CONNECTIONS_DEFAULT, createPool, redactUrl, sqlStateOf, unavailableOr } from './connection.js';
import { PostgresFolder } from './folder.js';
import { PostgresLedger } from './ledger.js';
import { PostgresLeases } from './leases.js';
import { migratePostgres } from './migrations.js';
import { PostgresReads } from './reads.js';
import { PostgresRequestKeys } from './request-keys.js';
import { PostgresBackfills } from './backfills.js';
import { querySystemSql } from './system-sql.js';

export interface PostgresStoreOptions {
  /** A `postgres://` or `postgresql://` URL. Without a user: $PGUSER, then $USER, then the OS user (as libpq). */
  readonly connectionString: string;
  /** Pooled connections of this store (this process). @default 10 */
  readonly connectionsMax?: number;
}

/** @throws STORE_UNAVAILABLE when the database cannot be reached or migrated. */
export async function openPostgresStore(options: PostgresStoreOptions): Promise<Store> {
  const target = redactUrl(options.connectionString);
  const pool = createPool(options.connectionString, options.connectionsMax ?? POOL_CONNECTIONS_DEFAULT);
  let folder: PostgresFolder;
  let schemaHash: number;
  try {
    const client = await pool.connect();
    try {
      await migratePostgres(client);
      const { rows } = await client.query<{ hash: number }>('SELECT hashtext(current_schema()) AS hash');
      schemaHash = rows[0]?.hash ?? 0;
      folder = await PostgresFolder.create(client);
    } finally {
      client.release();
    }
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw arcoError('STORE_UNAVAILABLE', `cannot open PostgreSQL store at ${target}: ${(error as Error).message}`, {
      target,
      ...(sqlStateOf(error) === undefined ? {} : { sqlState: sqlStateOf(error) }),
    });
  }
  const ledger = new PostgresLedger(pool, folder, schemaHash);
  const reads = new PostgresReads(pool);
  const automation = new PostgresAutomation(pool);
  const leases = new PostgresLeases(pool);
  const requestKeys = new PostgresRequestKeys(pool);
  const backfills = new PostgresBackfills(pool);
  const run = async <T>(fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (error) {
      throw unavailableOr(error, target);
    }
  };
  let closed: Promise<void> | undefined;
  return {
    engine: 'postgres',
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
    rebuildProjections: (onProgress) => run(() => ledger.rebuild(onProgress)),
    acquireLease: (name, holder, ttlMs, now, takeoverFrom) => run(() => leases.acquire(name, holder, ttlMs, now, takeoverFrom)),
    releaseLease: (name, holder) => run(() => leases.release(name, holder)),
    recordHeartbeats: (ids, now) => run(() => leases.recordHeartbeats(ids, now)),
    readHeartbeats: (ids) => run(() => leases.read(ids)),
    claimRequestKey: (scope, key, hash, now) => run(() => requestKeys.claim(scope, key, hash, now)),
    completeRequestKey: (scope, key, status, body) => run(() => requestKeys.complete(scope, key, status, body)),
    releaseRequestKey: (scope, key) => run(() => requestKeys.release(scope, key)),
    querySystem: (sql, maxRows) => run(() => querySystemSql(pool, sql, maxRows)),
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
    // Idempotent: the pool refuses a second end().
    close: () => (closed ??= pool.end()),
  };
}
