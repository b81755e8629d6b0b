/**
 * Connections to PostgreSQL: the pool, how values come back, transactions, and which failures mean
 * "the database is unavailable" (STORE_UNAVAILABLE) or "run the transaction again".
 *
 * Values come back the way better-sqlite3 returns them, so both engines answer alike: 64-bit
 * integers and numerics as numbers, JSON and date/time values as their text (SQLite has no
 * such types; a `system_*` query returning them must not turn into objects on one engine only).
 */
import pg from 'pg';
import { createHash } from 'node:crypto';
import { userInfo } from 'node:os';
import { arcoError, isArcoError } from '../../domain/errors/index.js';

/** Connections per store; appends use one at a time (see ledger.ts), the others serve reads. */
export const POOL_CONNECTIONS_DEFAULT = 10;
/** How long a caller waits for a free connection before STORE_UNAVAILABLE (SQLite's busy timeout). */
const CONNECT_TIMEOUT_MS = 10_000;

const INT8_OID = 20;
const NUMERIC_OID = 1700;
/** json, jsonb, date, time, timestamp, timestamptz, interval, timetz. */
const RAW_TEXT_OIDS: ReadonlySet<number> = new Set([114, 3802, 1082, 1083, 1114, 1184, 1186, 1266]);

const asText = (value: string): string => value;
const asNumber = (value: string): number => Number(value);

function typeParser(oid: number, format?: string): unknown {
  if (format === 'binary') return pg.types.getTypeParser(oid, 'binary');
  if (oid === INT8_OID || oid === NUMERIC_OID) return asNumber;
  if (RAW_TEXT_OIDS.has(oid)) return asText;
  return pg.types.getTypeParser(oid, 'text');
}

/** A transaction-level advisory lock: two int4 halves (PostgreSQL's two-key form). */
export interface AdvisoryLock {
  readonly classId: number;
  readonly objectId: number;
}

/**
 * Like libpq, a URL without a user connects as $PGUSER, else $USER, else the OS user (pg alone
 * sends no user at all when $USER is unset, which the server refuses).
 */
export function withDefaultUser(connectionString: string): string {
  let url: URL;
  try {
    url = new URL(connectionString);
  } catch {
    return connectionString;
  }
  if (url.username !== '' || url.hostname === '' || url.searchParams.has('user')) return connectionString;
  url.username = encodeURIComponent(process.env.PGUSER || process.env.USER || userInfo().username);
  return url.href;
}

/** The URL without its password, for messages and logs. */
export { redactUrl } from '../target/index.js';

/**
 * The server ends a session that sits in an open transaction this long without sending anything:
 * a process frozen mid-transaction (SIGSTOP, a VM paused) would otherwise hold the ledger lock and
 * stall every append of every daemon, including the standby that takes over its lease. Healthy
 * transactions here wait on the client for milliseconds between statements.
 */
export const IDLE_IN_TRANSACTION_MS = 10_000;

/** Named statements per connection at most; texts past it are sent unnamed, as before. */
const PREPARED_PER_CONNECTION_MAX = 500;

/**
 * Sends every parameterized statement as a named prepared statement, prepared once per connection
 * (its name is a hash of its text): PostgreSQL then parses and plans it once instead of at every
 * call, which was most of its CPU per statement for the short statements a daemon repeats. A
 * statement without parameters is left alone: it may hold several statements (BEGIN with a lock),
 * which only the simple protocol takes.
 */
function prepareRepeatedStatements(client: pg.PoolClient): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  const named = new Set<string>();
  (client as { query: unknown }).query = (config: unknown, values?: unknown, callback?: unknown): unknown => {
    if (typeof config !== 'string' || !Array.isArray(values) || values.length === 0) return query(config, values, callback);
    const name = `arco_${createHash('sha1').update(config).digest('hex').slice(0, 24)}`;
    if (!named.has(name)) {
      if (named.size >= PREPARED_PER_CONNECTION_MAX) return query(config, values, callback);
      named.add(name);
    }
    return query({ name, text: config, values }, callback);
  };
}

export function createPool(connectionString: string, connectionsMax: number, options: { prepare?: boolean } = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString: withDefaultUser(connectionString),
    max: connectionsMax,
    idle_in_transaction_session_timeout: IDLE_IN_TRANSACTION_MS,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    types: { getTypeParser: typeParser as pg.CustomTypesConfig['getTypeParser'] },
  });
  // An idle connection the server closed (restart, failover) is dropped by the pool and the next
  // checkout opens a fresh one; without a listener the 'error' event would end the process.
  pool.on('error', () => undefined);
  if (options.prepare) pool.on('connect', prepareRepeatedStatements);
  return pool;
}

/** SQLSTATE classes and codes meaning the database cannot serve us now, rather than a bad statement. */
const UNAVAILABLE_SQLSTATE = /^(08|53|57P|28|3D000)/;
/** pg raises these connection failures without a code. */
const UNAVAILABLE_MESSAGE = /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Cannot use a pool after calling end)/;

export function sqlStateOf(error: unknown): string | undefined {
  return error instanceof pg.DatabaseError ? error.code : undefined;
}

export function isUnavailable(error: unknown): boolean {
  if (!(error instanceof Error) || isArcoError(error)) return false;
  const state = sqlStateOf(error);
  if (state !== undefined) return UNAVAILABLE_SQLSTATE.test(state);
  return typeof (error as { syscall?: unknown }).syscall === 'string' || UNAVAILABLE_MESSAGE.test(error.message);
}

/** Maps a connection-level failure to STORE_UNAVAILABLE; any other error passes through unchanged. */
export function unavailableOr(error: unknown, target: string): unknown {
  if (!isUnavailable(error)) return error;
  return arcoError('STORE_UNAVAILABLE', `PostgreSQL store at ${target} is unavailable: ${(error as Error).message}`, {
    target,
    ...(sqlStateOf(error) === undefined ? {} : { sqlState: sqlStateOf(error) }),
  });
}

/**
 * The family with each method's connection-level failures mapped to STORE_UNAVAILABLE (see
 * unavailableOr), whichever of its queries met the outage. Methods run on the family itself, so
 * its calls to its own methods are not mapped twice.
 */
export function guarded<F extends object>(family: F, target: string): F {
  const mapped = new Map<PropertyKey, unknown>();
  return new Proxy(family, {
    get(object, name) {
      const value: unknown = Reflect.get(object, name, object);
      if (typeof value !== 'function') return value;
      if (!mapped.has(name)) {
        mapped.set(name, async (...args: unknown[]): Promise<unknown> => {
          try {
            return await (value as (...a: unknown[]) => unknown).apply(object, args);
          } catch (error) {
            throw unavailableOr(error, target);
          }
        });
      }
      return mapped.get(name);
    },
  });
}

export interface TransactionMode {
  readonly readOnly?: boolean;
  /** REPEATABLE READ gives every statement one snapshot (hashes, rebuilds). @default 'READ COMMITTED' */
  readonly isolation?: 'READ COMMITTED' | 'REPEATABLE READ';
  /** Taken first, released by COMMIT or ROLLBACK (so it also works behind a transaction-mode pooler). */
  readonly lock?: AdvisoryLock;
  readonly statementTimeoutMs?: number;
}

function int(value: number): number {
  if (!Number.isSafeInteger(value)) throw new TypeError(`expected an integer, got ${value}`);
  return value;
}

/** One simple-protocol round trip opening the transaction in the given mode. */
function beginSql(mode: TransactionMode): string {
  const parts = [`BEGIN ISOLATION LEVEL ${mode.isolation ?? 'READ COMMITTED'} ${mode.readOnly ? 'READ ONLY' : 'READ WRITE'}`];
  if (mode.statementTimeoutMs !== undefined) parts.push(`SET LOCAL statement_timeout = ${int(mode.statementTimeoutMs)}`);
  if (mode.lock) parts.push(`SELECT pg_advisory_xact_lock(${int(mode.lock.classId)}, ${int(mode.lock.objectId)})`);
  return parts.join('; ');
}

/**
 * Listens for the server ending a checked-out connection; the returned function stops listening and
 * says what ended it, if anything. The pool listens only to idle connections: a connection the server
 * ends between two statements of ours (a process frozen past IDLE_IN_TRANSACTION_MS, a restart)
 * would otherwise emit an 'error' nobody hears and end the process. Heard here, the next statement
 * fails instead, and the connection is discarded on release.
 */
export function listenForLoss(client: pg.PoolClient): () => Error | undefined {
  let lost: Error | undefined;
  const onError = (error: Error) => {
    lost = error;
  };
  client.on('error', onError);
  return () => {
    client.off('error', onError);
    return lost;
  };
}

/** Runs `body` in one transaction on one pooled connection; rolls back on any error. */
export async function inTransaction<T>(pool: pg.Pool, mode: TransactionMode, body: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  const stopListening = listenForLoss(client);
  let broken: Error | undefined;
  try {
    await client.query(beginSql(mode));
    const result = await body(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    // A connection that cannot even roll back is discarded instead of returning to the pool.
    await client.query('ROLLBACK').catch((rollbackError: Error) => {
      broken = rollbackError;
    });
    throw error;
  } finally {
    const lost = stopListening();
    client.release(broken ?? lost);
  }
}

/**
 * SQLSTATEs after which the whole transaction may simply run again. The ledger lock makes them
 * rare (appends never interleave); they remain possible with other sessions on the same rows.
 */
export const RETRYABLE_SQLSTATES: Readonly<Record<string, string>> = {
  '40001': 'serialization_failure',
  '40P01': 'deadlock_detected',
  '55P03': 'lock_not_available',
  // A projection row inserted by a concurrent writer between our read and our insert: on the
  // next attempt the row is read and updated instead.
  '23505': 'unique_violation',
};

export function isRetryable(error: unknown): boolean {
  const state = sqlStateOf(error);
  return state !== undefined && Object.hasOwn(RETRYABLE_SQLSTATES, state);
}
