// The SQLite SQL sandbox's process (see system-sql.ts). Plain JavaScript so it starts without a
// TypeScript loader, and a process rather than a thread: SQLite cannot be interrupted from
// JavaScript (better-sqlite3 has neither sqlite3_interrupt nor a progress handler), and a worker
// thread stuck in a native step can be neither terminated nor joined, so only killing a process
// stops an endless query. Its memory is its own, too: a query building huge values can at worst
// end this process, never the daemon.
//
// The boundary, enforced by SQLite rather than by reading the query's text:
// - the connection is read-only (its main database is an empty scratch file opened read-only, and
//   the store file attached to it inherits that), and `query_only` is on while user SQL runs;
// - the store is attached under a random name chosen for each query, so user SQL cannot name its
//   tables; the documented `system_*` views are TEMP views over it, and every other name of the
//   store is shadowed by an empty TEMP table;
// - before it runs, the query's compiled program (EXPLAIN) must open b-trees only in the store
//   and only those of the tables the views read (the TEMP stubs and sqlite_schema are not), may
//   open no virtual table but json_each/json_tree (no pragma_* or dbstat tables), and writes
//   nothing;
// - the statement runs as the body of `SELECT * FROM (…)`, so only a query compiles at all.
// Limits: rows (the answer says `truncated`), bytes (SQL_RESULT_TOO_LARGE); time is the parent's
// (it kills this process), with a watchdog thread here as a backstop should the parent be gone.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';

const scratchDir = mkdtempSync(join(tmpdir(), 'arco-sql-'));
const scratch = join(scratchDir, 'empty.db');
// Zero bytes is a valid, empty SQLite database.
writeFileSync(scratch, '');
const db = new Database(scratch, { readonly: true, fileMustExist: true });
process.on('exit', () => rmSync(scratchDir, { recursive: true, force: true }));

// A thread of its own keeps time even while the main thread is inside an endless native step.
const watchdog = new Worker(
  `const { parentPort } = require('node:worker_threads');
   let timer;
   parentPort.on('message', (ms) => {
     clearTimeout(timer);
     if (ms > 0) timer = setTimeout(() => process.kill(process.pid, 'SIGKILL'), ms);
   });`,
  { eval: true },
);
watchdog.unref();
/** How long after the parent's own deadline the watchdog ends the process. */
const WATCHDOG_GRACE_MS = 2000;

const quote = (name) => `"${name.replaceAll('"', '""')}"`;

class Refusal extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

let alias = null;

/** Attaches the store under a fresh name and rebuilds the views and stubs; returns what the checks need. */
/** Drops the views and stubs and detaches the store; leaves `query_only` off. */
function detach() {
  db.pragma('query_only = OFF');
  // One transaction for all the DDL: a commit each would cost more than the query itself.
  db.transaction(() => {
    for (const { name, type } of db.prepare("SELECT name, type FROM sqlite_temp_schema WHERE type IN ('table', 'view')").all()) {
      db.exec(`DROP ${type === 'view' ? 'VIEW' : 'TABLE'} temp.${quote(name)}`);
    }
  })();
  if (alias !== null) db.exec(`DETACH ${quote(alias)}`);
  alias = null;
}

function attach(storePath) {
  detach();
  const name = `store_${randomBytes(16).toString('hex')}`;
  db.prepare(`ATTACH ? AS ${quote(name)}`).run(storePath);
  alias = name;
  const store = quote(name);
  const objects = db.prepare(`SELECT type, name, tbl_name AS tableName, rootpage FROM ${store}.sqlite_schema`).all();
  const views = objects.filter((o) => o.type === 'view' && o.name.startsWith('system_')).map((o) => o.name);
  db.transaction(() => {
    for (const o of objects) {
      if ((o.type === 'table' || o.type === 'view') && !views.includes(o.name) && !o.name.startsWith('sqlite_')) {
        db.exec(`CREATE TEMP TABLE ${quote(o.name)} (shadowed)`);
      }
    }
    for (const view of views) db.exec(`CREATE TEMP VIEW ${quote(view)} AS SELECT * FROM ${store}.${quote(view)}`);
  })();
  const storeIndex = db.prepare('SELECT seq FROM pragma_database_list WHERE name = ?').get(name).seq;
  // The tables the views read, then every b-tree (table or index) of those tables.
  const tableOfRoot = new Map(objects.filter((o) => o.rootpage > 0).map((o) => [o.rootpage, o.tableName]));
  const viewTables = new Set();
  for (const view of views) {
    for (const op of db.prepare(`EXPLAIN SELECT * FROM ${store}.${quote(view)}`).all()) {
      if (op.opcode === 'OpenRead' && op.p3 === storeIndex) viewTables.add(tableOfRoot.get(op.p2));
    }
  }
  const readableRoots = new Set(objects.filter((o) => o.rootpage > 0 && viewTables.has(o.tableName)).map((o) => o.rootpage));
  // Eponymous virtual tables have one instance per connection: EXPLAIN names it by address.
  const jsonTables = new Set(
    ['json_each', 'json_tree'].map((fn) => db.prepare(`EXPLAIN SELECT * FROM ${fn}('[]')`).all().find((op) => op.opcode === 'VOpen')?.p4),
  );
  db.pragma('query_only = ON');
  return { storeIndex, readableRoots, jsonTables };
}

function refuse(message) {
  throw new Refusal('SQL_REFUSED', message);
}

/** Accepts the compiled program only if it reads the views' tables and writes nothing. */
function checkProgram(sql, { storeIndex, readableRoots, jsonTables }) {
  for (const op of db.prepare(`EXPLAIN ${sql}`).all()) {
    switch (op.opcode) {
      case 'OpenRead':
      case 'ReopenIdx':
        if (op.p3 !== storeIndex || !readableRoots.has(op.p2)) refuse('only the system_* views are readable (docs/sql.md)');
        break;
      case 'VOpen':
        if (!jsonTables.has(op.p4)) refuse('only the system_* views, json_each and json_tree are readable (no pragma or other virtual tables)');
        break;
      case 'OpenWrite':
      case 'VUpdate':
      case 'VCreate':
      case 'VDestroy':
        refuse('only read-only queries are allowed');
        break;
      case 'Transaction':
        if (op.p2 !== 0) refuse('only read-only queries are allowed');
        break;
      default:
    }
  }
}

function prepare(sql) {
  try {
    return db.prepare(sql);
  } catch (error) {
    if (/more than one statement/i.test(error.message)) refuse('one statement per query');
    throw new Refusal('SQL_ERROR', error.message);
  }
}

function valueBytes(value) {
  if (typeof value === 'string') return value.length;
  if (value instanceof Uint8Array) return value.byteLength;
  return 8;
}

function run({ body, maxRows, maxBytes }, checks) {
  const own = prepare(body);
  if (!own.reader || !own.readonly) refuse('only read-only queries that return rows are allowed');
  // The line break keeps a trailing `--` comment from swallowing the parenthesis.
  const sql = `SELECT * FROM (\n${body}\n)`;
  let statement;
  try {
    statement = db.prepare(sql);
  } catch (error) {
    refuse(`only a query (SELECT, WITH … SELECT, VALUES) is allowed: ${error.message}`);
  }
  checkProgram(sql, checks);
  // Named as the statement alone names them (the wrapper would keep a trailing comment in a name).
  const columns = own.columns().map((c) => c.name);
  const rows = [];
  let bytes = 0;
  let truncated = false;
  try {
    for (const row of statement.raw(true).iterate()) {
      if (rows.length === maxRows) {
        truncated = true;
        break;
      }
      for (const value of row) bytes += valueBytes(value);
      if (bytes > maxBytes) throw new Refusal('SQL_RESULT_TOO_LARGE', `more than ${maxBytes} bytes`);
      rows.push(row);
    }
  } catch (error) {
    if (error instanceof Refusal) throw error;
    throw new Refusal('SQL_ERROR', error.message);
  }
  return { columns, rows, truncated };
}

function answer(message) {
  const { id, source, timeoutMs } = message;
  let snapshotDir = null;
  watchdog.postMessage(timeoutMs + WATCHDOG_GRACE_MS);
  try {
    let storePath = source.path;
    if (source.snapshot) {
      // An in-memory store cannot be opened from another process: its pages come as a snapshot.
      snapshotDir = mkdtempSync(join(tmpdir(), 'arco-sql-snapshot-'));
      storePath = join(snapshotDir, 'store.db');
      writeFileSync(storePath, source.snapshot);
    }
    const result = run(message, attach(storePath));
    process.send({ id, ok: true, ...result });
  } catch (error) {
    const code = error instanceof Refusal ? error.code : 'SQL_ERROR';
    process.send({ id, ok: false, code, message: error instanceof Error ? error.message : String(error) });
  } finally {
    watchdog.postMessage(0);
    if (snapshotDir !== null) {
      detach();
      rmSync(snapshotDir, { recursive: true, force: true });
    }
  }
}

process.on('message', answer);
// The parent is gone (exited or killed): nothing is left to answer.
process.on('disconnect', () => process.exit(0));
process.send({ ready: true });
