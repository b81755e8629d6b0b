/**
 * Both store engines for a test that runs once per engine: a SQLite file in a temporary folder and
 * a fresh PostgreSQL schema (skipped only when CI is unset and no database answers). `exec` and
 * `count` reach the database behind the store's back, to damage a projection and see it rebuilt.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore, type Store } from '../../src/store/index.js';
import { freshSchema, postgresSkip, type TestSchema } from './postgres.js';

export interface StoreEngine {
  readonly name: string;
  readonly skip: string | false;
  open(): Promise<Store>;
  /** Runs one statement against the store's database, not through the store. */
  exec(sql: string): Promise<void>;
  /** How many rows a table holds, read past the store. */
  count(table: string): Promise<number>;
  cleanup(): Promise<void>;
}

function sqliteEngine(prefix: string): StoreEngine {
  let dir = '';
  const file = () => join(dir, 'arco.db');
  return {
    name: 'SQLite',
    skip: false,
    async open() {
      dir = mkdtempSync(join(tmpdir(), prefix));
      return openSqliteStore({ path: file() });
    },
    async exec(sql) {
      const db = new Database(file());
      db.exec(sql);
      db.close();
    },
    async count(table) {
      const db = new Database(file(), { readonly: true });
      const { n } = db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number };
      db.close();
      return n;
    },
    async cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function postgresEngine(): Promise<StoreEngine> {
  let schema: TestSchema | undefined;
  return {
    name: 'PostgreSQL',
    skip: await postgresSkip(),
    async open() {
      schema = await freshSchema();
      return schema.open();
    },
    async exec(sql) {
      await schema?.sql(sql);
    },
    async count(table) {
      const [row] = (await schema?.sql<{ n: string }>(`SELECT COUNT(*) AS n FROM ${table}`)) ?? [];
      return Number(row?.n ?? -1);
    },
    async cleanup() {
      await schema?.drop();
    },
  };
}

/** `prefix` names the SQLite test folder (e.g. `arco-freshness-`). */
export async function storeEngines(prefix: string): Promise<StoreEngine[]> {
  return [sqliteEngine(prefix), await postgresEngine()];
}
