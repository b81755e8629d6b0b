/**
 * PostgreSQL for tests: where it is, whether tests that need it run, and a fresh schema per test.
 *
 * The one rule: tests that need PostgreSQL are skipped only on a developer machine (CI unset) where
 * no database answers. Under CI they always run, so a missing database fails them loudly instead
 * of turning the PostgreSQL half of the conformance suite into silent skips.
 *
 * The database is `process.env.ARCO_TEST_PG ?? 'postgres://127.0.0.1:5432/test'` (trust auth). A URL
 * without a user gets the first of $PGUSER, $USER, the OS user and `postgres` that can connect.
 */
import { randomBytes } from 'node:crypto';
import { userInfo } from 'node:os';
import pg from 'pg';
import { openPostgresStore, type Store } from '../../src/store/index.js';

export const PG_TEST_URL = process.env.ARCO_TEST_PG ?? 'postgres://127.0.0.1:5432/test';

let resolved: Promise<string | undefined> | undefined;

async function answers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The test URL with a user that can connect, or undefined when no database answers. */
function reachableUrl(): Promise<string | undefined> {
  resolved ??= (async () => {
    const url = new URL(PG_TEST_URL);
    if (url.username !== '') return (await answers(PG_TEST_URL)) ? PG_TEST_URL : undefined;
    const users = [process.env.PGUSER, process.env.USER, userInfo().username, 'postgres'].filter((u): u is string => Boolean(u));
    for (const user of [...new Set(users)]) {
      url.username = encodeURIComponent(user);
      if (await answers(url.href)) return url.href;
    }
    return undefined;
  })();
  return resolved;
}

/**
 * `false` when PostgreSQL tests must run; a reason to skip them otherwise (only when CI is unset).
 * Pass it to `skippable` (test/helpers/skippable.ts), so that each test is reported skipped.
 */
export async function postgresSkip(): Promise<string | false> {
  if (process.env.CI !== undefined) return false;
  return (await reachableUrl()) === undefined ? `no PostgreSQL answers at ${PG_TEST_URL} (set ARCO_TEST_PG; under CI this fails)` : false;
}

async function admin<T>(body: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: (await reachableUrl()) ?? PG_TEST_URL });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(`PostgreSQL tests need a database at ${PG_TEST_URL} (CI is set, so they cannot be skipped): ${(error as Error).message}`);
  }
  try {
    return await body(client);
  } finally {
    await client.end();
  }
}

export interface TestSchema {
  /** A URL whose connections use only this schema. */
  readonly url: string;
  readonly name: string;
  /** Opens another store on this schema (another process, as far as the database can tell). */
  open(): Promise<Store>;
  /** Runs SQL in this schema with a connection of its own (to corrupt rows, inspect the catalog). */
  sql<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<R[]>;
  drop(): Promise<void>;
}

/** A new, empty schema; drop it when the test ends. */
export async function freshSchema(): Promise<TestSchema> {
  const name = `arco_test_${randomBytes(6).toString('hex')}`;
  await admin((client) => client.query(`CREATE SCHEMA ${name}`));
  const url = new URL((await reachableUrl()) ?? PG_TEST_URL);
  url.searchParams.set('options', `-csearch_path=${name}`);
  return {
    url: url.href,
    name,
    open: () => openPostgresStore({ connectionString: url.href }),
    sql: <R extends pg.QueryResultRow>(text: string, values: unknown[] = []) =>
      admin(async (client) => {
        await client.query(`SET search_path TO ${name}`);
        return (await client.query<R>(text, values)).rows;
      }),
    drop: () =>
      admin(async (client) => {
        // The store's SQL reader role (migration 7) is per schema but lives in the cluster.
        const readers = await client
          .query<{ role_name: string }>(`SELECT role_name FROM ${name}.sql_reader_login`)
          .then((r) => r.rows, () => []);
        await client.query(`DROP SCHEMA IF EXISTS ${name} CASCADE`);
        for (const { role_name } of readers) await client.query(`DROP ROLE IF EXISTS "${role_name}"`).catch(() => undefined);
      }),
  };
}
