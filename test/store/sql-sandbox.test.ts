/**
 * The system SQL surface under attack (issue 15, "The SQL surface"), on each engine: every query
 * that froze, crashed, wrote to or read around the store before the sandbox is stopped or refused,
 * the store keeps answering meanwhile, and the documented views still answer.
 */
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createUlidFactory, seededRng } from '../../src/domain/ids/index.js';
import { stampEvents, type EventDraft } from '../../src/events/index.js';
import { openSqliteStore, type Store } from '../../src/store/index.js';
import { LEDGER_LOCK_CLASS } from '../../src/store/postgres/ledger.js';
import { freshSchema, postgresSkip, type TestSchema } from '../helpers/postgres.js';
import { T0, requestedRun } from '../helpers/runs.js';
import { skippable } from '../helpers/skippable.js';

const ENDLESS = 'WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n+1 FROM r) SELECT count(*) FROM r';
/** 10,000 rows of 1 MB each. */
const HUGE_SQLITE = [
  'WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n+1 FROM r WHERE n < 10000) SELECT zeroblob(1000000) FROM r',
  'WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n+1 FROM r WHERE n < 10000) SELECT randomblob(1000000) FROM r',
  "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n+1 FROM r WHERE n < 10000) SELECT printf('%.*c', 1000000, 'x') FROM r",
];

/** Settles with what the promise did, so a test can look at the order in which things finished. */
function settle<T>(promise: Promise<T>, order: string[], name: string): Promise<unknown> {
  return promise.then(
    (value) => (order.push(name), value),
    (error: unknown) => (order.push(name), error),
  );
}

describe('system SQL sandbox on SQLite', () => {
  let dir: string;
  let path: string;
  let store: Store;
  let runId: string;
  const ulid = createUlidFactory(seededRng(41));
  const stamp = (drafts: readonly EventDraft[], at = T0) => stampEvents(drafts, { ulid, nowEpochMs: at });

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'arco-sql-sandbox-'));
    path = join(dir, 'arco.db');
    store = openSqliteStore({ path });
    const { run, drafts } = requestedRun({ dag: { a: [], b: ['a'] } });
    runId = run.runId;
    await store.ledger.append(stamp(drafts));
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('an endless recursive query is stopped with SQL_TIMEOUT while the store keeps answering, and the next query runs', { timeout: 60_000 }, async () => {
    const order: string[] = [];
    const endless = settle(store.sql.querySystem(ENDLESS, 10, { timeoutMs: 1500 }), order, 'sql');
    const read = settle(store.runs.getRun(runId), order, 'read');
    const { run: other, drafts } = requestedRun({ dag: { c: [] }, at: T0 + 1, ids: { ulid: createUlidFactory(seededRng(42)) } });
    const append = settle(store.ledger.append(stamp(drafts, T0 + 1)), order, 'append');
    assert.equal(((await read) as { runId: string } | undefined)?.runId, runId);
    assert.equal(((await append) as { appended: unknown[] }).appended.length, drafts.length);
    assert.deepEqual(order, ['read', 'append'], 'the store answered while the query was still running');
    assert.equal(((await endless) as { code?: string }).code, 'SQL_TIMEOUT');
    const after = await store.sql.querySystem('SELECT run_id FROM system_runs ORDER BY run_id', 10);
    assert.deepEqual(after.rows, [[runId], [other.runId]].sort());
  });

  test('10,000 rows of 1 MB (zeroblob, randomblob, printf) are refused with SQL_RESULT_TOO_LARGE', async () => {
    for (const sql of HUGE_SQLITE) {
      await assert.rejects(store.sql.querySystem(sql, 10_000), { code: 'SQL_RESULT_TOO_LARGE' }, sql);
    }
    // Under the limit the same kind of query answers.
    const small = await store.sql.querySystem("WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n+1 FROM r WHERE n < 3) SELECT printf('%.*c', 1000, 'x') FROM r", 10_000);
    assert.deepEqual(small.rows.map((row) => String(row[0]).length), [1000, 1000, 1000]);
  });

  test('table-valued pragmas (pragma_optimize, pragma_database_list) and dbstat are refused and write nothing', async () => {
    for (const sql of ['SELECT * FROM pragma_optimize', 'SELECT * FROM pragma_optimize(0x10002)', 'SELECT * FROM pragma_database_list', 'SELECT * FROM pragma_table_info(\'runs\')', 'SELECT * FROM dbstat']) {
      await assert.rejects(store.sql.querySystem(sql, 10), { code: 'SQL_REFUSED' }, sql);
    }
    await store.close();
    const file = new Database(path, { readonly: true });
    try {
      const stats = file.prepare("SELECT COUNT(*) AS n FROM sqlite_master WHERE name LIKE 'sqlite_stat%'").get() as { n: number };
      assert.equal(stats.n, 0, 'ANALYZE never ran');
    } finally {
      file.close();
    }
    store = openSqliteStore({ path });
  });

  test('only the documented system_* views are readable: base tables, the schema and other databases are refused', async () => {
    for (const sql of [
      'SELECT * FROM runs',
      'SELECT * FROM ledger',
      'SELECT * FROM leases',
      'SELECT * FROM sqlite_master',
      'SELECT * FROM main.sqlite_master',
      'SELECT * FROM temp.sqlite_master',
      'SELECT * FROM system_runs, leases',
      'SELECT (SELECT COUNT(*) FROM request_keys) FROM system_runs',
    ]) {
      await assert.rejects(store.sql.querySystem(sql, 10), { code: 'SQL_REFUSED' }, sql);
    }
    for (const sql of ['SELECT 1; SELECT 2', 'PRAGMA query_only = OFF', "ATTACH DATABASE '/tmp/x.db' AS x", 'DELETE FROM runs']) {
      await assert.rejects(store.sql.querySystem(sql, 10), { code: 'SQL_REFUSED' }, sql);
    }
    await assert.rejects(store.sql.querySystem("SELECT load_extension('/tmp/evil')", 10), { code: 'SQL_ERROR' });
    const views = await store.sql.querySystem("SELECT r.run_id, COUNT(t.task_key), json_extract(r.asset_keys, '$[0]') FROM system_runs r JOIN system_tasks t USING (run_id) GROUP BY r.run_id", 10);
    assert.deepEqual(views.rows, [[runId, 2, 'a']]);
    const json = await store.sql.querySystem("SELECT value FROM json_each('[1,2]')", 10);
    assert.deepEqual(json.rows, [[1], [2]]);
  });

  test('an in-memory store answers from a snapshot of its pages, as of the query', async () => {
    const memory = openSqliteStore({ path: ':memory:' });
    try {
      const { run, drafts } = requestedRun({ dag: { m: [] }, ids: { ulid: createUlidFactory(seededRng(44)) } });
      assert.deepEqual((await memory.sql.querySystem('SELECT COUNT(*) FROM system_runs', 10)).rows, [[0]]);
      await memory.ledger.append(stamp(drafts));
      assert.deepEqual((await memory.sql.querySystem('SELECT run_id, task_count FROM system_runs', 10)).rows, [[run.runId, 1]]);
      await assert.rejects(memory.sql.querySystem('SELECT * FROM runs', 10), { code: 'SQL_REFUSED' });
    } finally {
      await memory.close();
    }
  });
});

const pgSkip = await postgresSkip();
const pg = skippable(pgSkip);

describe('system SQL sandbox on PostgreSQL', () => {
  let db: TestSchema;
  let store: Store;
  let runId: string;
  const ulid = createUlidFactory(seededRng(43));
  const stamp = (drafts: readonly EventDraft[], at = T0) => stampEvents(drafts, { ulid, nowEpochMs: at });
  let n = 0;
  /** Appends a new run through `writer` (another process's store, say). */
  const anotherRun = async (writer: Store) => {
    n += 1;
    const { drafts } = requestedRun({ dag: { c: [] }, at: T0 + n, ids: { ulid: createUlidFactory(seededRng(100 + n)) } });
    return writer.ledger.append(stamp(drafts, T0 + n));
  };

  beforeEach(async () => {
    if (pgSkip) return;
    db = await freshSchema();
    store = await db.open();
    const { run, drafts } = requestedRun({ dag: { a: [], b: ['a'] } });
    runId = run.runId;
    await store.ledger.append(stamp(drafts));
  });
  afterEach(async () => {
    if (pgSkip) return;
    await store.close();
    await db.drop();
  });

  pg.test('quoted server functions are refused by the reader role: "pg_read_file", "lo_import", "pg_ls_dir"', async () => {
    const objectsBefore = await db.sql<{ n: number }>('SELECT COUNT(*)::int AS n FROM pg_largeobject_metadata');
    for (const sql of [`SELECT "pg_read_file"('/etc/hostname')`, `SELECT "lo_import"('/etc/hostname')`, `SELECT "pg_catalog"."lo_import"('/etc/hostname', 4242)`, `SELECT "pg_ls_dir"('.')`]) {
      await assert.rejects(store.sql.querySystem(sql, 10), { code: 'SQL_REFUSED' }, sql);
    }
    assert.deepEqual(await db.sql('SELECT COUNT(*)::int AS n FROM pg_largeobject_metadata'), objectsBefore, 'no large object was created');
  });

  pg.test('a query cannot take its role back: set_config(role) and query_to_xml over base tables are refused', async () => {
    for (const sql of [
      "SELECT set_config('role', (SELECT rolname FROM pg_roles WHERE rolsuper LIMIT 1), true), query_to_xml('select pg_read_file(''/etc/hostname'')', true, true, '')",
      "SELECT set_config('session_authorization', (SELECT rolname FROM pg_roles WHERE rolsuper LIMIT 1), true)",
      "SELECT query_to_xml('select * from runs', true, true, '')",
      'SELECT * FROM runs',
      'SELECT * FROM sql_reader_login',
    ]) {
      await assert.rejects(store.sql.querySystem(sql, 10), { code: 'SQL_REFUSED' }, sql);
    }
  });

  pg.test('a session advisory lock on the ledger key is released with the query, so appends go on', async () => {
    const lock = `SELECT "pg_advisory_lock"(${LEDGER_LOCK_CLASS}, hashtext(current_schema()))`;
    // The writer is another store on the database, as a daemon beside the API server would be.
    const daemon = await db.open();
    try {
      const ledgerLocks = `SELECT COUNT(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND classid = ${LEDGER_LOCK_CLASS} AND objid::int = hashtext('${db.name}')`;
      assert.equal((await store.sql.querySystem(lock, 10)).rows.length, 1);
      assert.deepEqual(await db.sql(ledgerLocks), [{ n: 0 }], 'no session holds the ledger key once the query has answered');
      // Were the lock still held, this append would wait for it.
      const order: string[] = [];
      const append = settle(anotherRun(daemon), order, 'append');
      const bound = settle(new Promise((resolve) => setTimeout(resolve, 20_000).unref()), order, 'bound');
      await Promise.race([append, bound]);
      assert.deepEqual(order, ['append']);
      // Held with a sleep: the writer waits only until the statement timeout ends the query.
      const holding = settle(store.sql.querySystem(`${lock}, pg_sleep(60)`, 10, { timeoutMs: 1000 }), order, 'sql');
      await new Promise((resolve) => setTimeout(resolve, 300));
      const waiting = settle(anotherRun(daemon), order, 'append after the query');
      assert.equal(((await holding) as { code?: string }).code, 'SQL_TIMEOUT');
      assert.equal(((await waiting) as { appended: unknown[] }).appended.length > 0, true);
      assert.deepEqual(await db.sql(ledgerLocks), [{ n: 0 }]);
      const runs = await store.sql.querySystem('SELECT COUNT(*) FROM system_runs', 10);
      assert.deepEqual(runs.rows, [[3]]);
    } finally {
      await daemon.close();
    }
  });

  pg.test('an endless recursive query is stopped with SQL_TIMEOUT and 10,000 rows of 1 MB with SQL_RESULT_TOO_LARGE', async () => {
    await assert.rejects(store.sql.querySystem(ENDLESS, 10, { timeoutMs: 1000 }), { code: 'SQL_TIMEOUT' });
    for (const sql of ["SELECT repeat('x', 1000000) FROM generate_series(1, 10000)", "SELECT lpad('', 1000000, 'x') FROM generate_series(1, 10000)"]) {
      await assert.rejects(store.sql.querySystem(sql, 10_000), { code: 'SQL_RESULT_TOO_LARGE' }, sql);
    }
    const small = await store.sql.querySystem("SELECT repeat('x', 1000) FROM generate_series(1, 3)", 10_000);
    assert.deepEqual(small.rows.map((row) => String(row[0]).length), [1000, 1000, 1000]);
    assert.deepEqual((await store.sql.querySystem('SELECT run_id, task_count FROM system_runs', 10)).rows, [[runId, 2]]);
  });
});
