/**
 * The PostgreSQL engine: the shared conformance suite, each test in a fresh schema, plus what only
 * a server database has to prove (concurrent opening, bytewise ordering whatever the locale,
 * reads that never wait for appends, unavailable servers, server functions the SQL surface
 * refuses). Skipped only on a developer machine with no database (see test/helpers/postgres.ts).
 */
import { describe, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import pg from 'pg';
import { createUlidFactory, seededRng } from '../../src/domain/ids/index.js';
import { decideCancel } from '../../src/controllers/index.js';
import { parseStoredEvent, stampEvents, type ArcoEvent, type EventDraft, type StoredEventRow } from '../../src/events/index.js';
import { openPostgresStore, type Store } from '../../src/store/index.js';
import { createPool, inTransaction } from '../../src/store/postgres/connection.js';
import { LEDGER_LOCK_CLASS } from '../../src/store/postgres/ledger.js';
import { POSTGRES_MIGRATIONS } from '../../src/store/postgres/migrations.js';
import { freshSchema, postgresSkip, type TestSchema } from '../helpers/postgres.js';
import { T0, requestedRun, step } from '../helpers/runs.js';
import { storeConformance } from './conformance.js';
import { skippable } from '../helpers/skippable.js';

const skip = await postgresSkip();

async function until(what: string, probe: () => Promise<boolean>): Promise<void> {
  for (let i = 0; !(await probe()); i += 1) {
    if (i > 400) throw new Error(`timed out waiting until ${what}`);
    await delay(25);
  }
}
const { test } = skippable(skip);
const GOLDEN = new URL('../fixtures/golden/', import.meta.url);

let schema: TestSchema | undefined;
storeConformance({
  name: 'PostgreSQL',
  skip,
  async open() {
    schema = await freshSchema();
    return schema.open();
  },
  async openAnother() {
    if (!schema) throw new Error('open() first');
    return schema.open();
  },
  async corruptEvent(_store, sequence) {
    await schema?.sql(`UPDATE ledger SET payload = '{"runId": 42}' WHERE sequence = $1`, [sequence]);
  },
  async damageProjection(sql) {
    await schema?.sql(sql);
  },
  async cleanup() {
    await schema?.drop();
    schema = undefined;
  },
});

describe('PostgreSQL store', () => {
  let db: TestSchema;
  let store: Store;
  const ulid = createUlidFactory(seededRng(5));
  const stamp = (drafts: readonly EventDraft[], at = T0) => stampEvents(drafts, { ulid, nowEpochMs: at });

  beforeEach(async () => {
    db = await freshSchema();
    store = await db.open();
  });
  afterEach(async () => {
    await store.close();
    await db.drop();
  });

  test('the golden ledgers replay to the projection hash recorded with SQLite', async () => {
    const files = readdirSync(GOLDEN).filter((f) => f.endsWith('.ndjson'));
    assert.ok(files.length > 0);
    for (const file of files) {
      const expected = JSON.parse(readFileSync(new URL(file.replace('.ndjson', '.json'), GOLDEN), 'utf8')) as { events: number; projectionHash: string };
      const events = readFileSync(new URL(file, GOLDEN), 'utf8')
        .trim()
        .split('\n')
        .map((line) => {
          const raw = JSON.parse(line) as StoredEventRow & { payload: unknown };
          const { sequence: _sequence, ...event } = parseStoredEvent({ ...raw, payload: JSON.stringify(raw.payload) });
          return event as ArcoEvent;
        });
      const golden = await freshSchema();
      const replayed = await golden.open();
      try {
        assert.equal((await replayed.ledger.append(events)).appended.length, expected.events);
        assert.equal(await replayed.admin.projectionHash(), expected.projectionHash, file);
        assert.equal((await replayed.admin.rebuildProjections()).hash, expected.projectionHash, file);
      } finally {
        await replayed.close();
        await golden.drop();
      }
    }
  });

  test('several processes opening a new database at once migrate it exactly once', async () => {
    const opened = await Promise.all(Array.from({ length: 4 }, () => db.open()));
    await Promise.all(opened.map((s) => s.close()));
    assert.deepEqual(await db.sql('SELECT version FROM schema_migrations ORDER BY version'), POSTGRES_MIGRATIONS.map((m) => ({ version: m.version })));
  });

  test('every text column sorts by bytes, as SQLite does, whatever the database locale', async () => {
    const loose = await db.sql(
      `SELECT table_name, column_name, collation_name FROM information_schema.columns
       WHERE table_schema = $1 AND data_type = 'text' AND table_name NOT LIKE 'system_%' AND collation_name IS DISTINCT FROM 'C'`,
      [db.name],
    );
    assert.deepEqual(loose, []);
  });

  test('a duplicate takes no sequence number, so sequences stay dense when nothing fails', async () => {
    const first = requestedRun({ dag: { a: [] }, runKey: 'k' });
    await store.ledger.append(stamp(first.drafts));
    await store.ledger.append(stamp(first.drafts));
    const second = requestedRun({ dag: { a: [] }, at: T0 + 1, ids: { ulid: createUlidFactory(seededRng(9)) } });
    const result = await store.ledger.append(stamp([...first.drafts, ...second.drafts, ...second.drafts]));
    assert.deepEqual(result.appended.map((e) => e.sequence), [2]);
    assert.equal(result.duplicates.length, 2);
  });

  test('reads answer while an append waits for the ledger lock, and the append proceeds once it is free', async () => {
    const { run, drafts } = requestedRun({ dag: { a: [] } });
    await store.ledger.append(stamp(drafts));
    // Another session holds the ledger lock, as a long append in another process would.
    const holder = new pg.Client({ connectionString: db.url });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query(`SELECT pg_advisory_xact_lock(${LEDGER_LOCK_CLASS}, hashtext(current_schema()))`);
      let appended = false;
      const waiting = store.ledger.append(stamp(requestedRun({ dag: { a: [] }, at: T0 + 5, ids: { ulid: createUlidFactory(seededRng(11)) } }).drafts)).then(() => {
        appended = true;
      });
      assert.equal((await store.runs.getRun(run.runId))?.runId, run.runId);
      assert.equal((await store.runs.listRuns({ limit: 10 })).length, 1);
      assert.equal(await store.admin.projectionHash(), await store.admin.projectionHash());
      await delay(100);
      assert.equal(appended, false, 'the append waits for the lock');
      await holder.query('COMMIT');
      await waiting;
      assert.equal((await store.runs.listRuns({ limit: 10 })).length, 2);
    } finally {
      await holder.end();
    }
  });

  test('a run read while an append changes it is the committed run, never the append in progress (the folder keeps runs it wrote parsed)', async () => {
    const { run, drafts } = requestedRun({ dag: { a: [] } });
    await store.ledger.append(stamp(drafts));
    // Read once, so the kept row is what reads use from now on.
    assert.equal((await store.runs.getRun(run.runId))?.status, 'QUEUED');
    const holder = new pg.Client({ connectionString: db.url });
    await holder.connect();
    try {
      // Lets the append load and fold the run (FOR UPDATE takes a lesser lock) but not write it.
      await holder.query('BEGIN');
      await holder.query('LOCK TABLE runs IN SHARE MODE');
      const appending = store.ledger.append(stamp(step(run, T0 + 1).drafts, T0 + 1));
      await until('the append waits to write the run', async () => (await holder.query("SELECT 1 FROM pg_locks WHERE NOT granted AND relation = 'runs'::regclass")).rowCount === 1);
      const read = await store.runs.getRun(run.runId);
      assert.equal(read?.status, 'QUEUED', 'what is committed, not the run the open append folded');
      assert.equal(read?.tasks[0]?.attempts.length, 0, 'no attempt dispatched yet');
      await holder.query('COMMIT');
      await appending;
      assert.equal((await store.runs.getRun(run.runId))?.status, 'STARTED');
    } finally {
      await holder.end();
    }
  });

  test('a run another process changed after this one wrote it is read, and folded, as the other process stored it', async () => {
    // This process keeps what it wrote and skips the document while the row is still that write:
    // a write of another process (another store on the same schema) must end that.
    const other = await db.open();
    try {
      const { run, drafts } = requestedRun({ dag: { a: [], b: [] } });
      await store.ledger.append(stamp(drafts));
      assert.equal((await store.runs.getRun(run.runId))?.status, 'QUEUED');
      assert.equal((await store.runs.getRun(run.runId))?.status, 'QUEUED', 'read again, from what this process kept');
      const started = step(run, T0 + 1);
      await other.ledger.append(stamp(started.drafts, T0 + 1), { expect: [{ table: 'runs', id: run.runId, version: run.version }] });
      const [read] = await store.runs.getRuns([run.runId]);
      assert.equal(read?.status, 'STARTED', 'the other process wrote it since');
      assert.equal((await store.runs.getRun(run.runId))?.version, started.run.version);
      // This process's next append folds onto the other's write, not onto what it kept.
      const canceled = await store.ledger.append(stamp(decideCancel(started.run, 'canceled by the test', T0 + 2), T0 + 2), { expect: [{ table: 'runs', id: run.runId, version: started.run.version }] });
      assert.ok(canceled.appended.length > 0);
      const after = await other.runs.getRun(run.runId);
      assert.equal(after?.status, 'CANCELING');
      assert.deepEqual(after?.tasks.map((t) => t.attempts.length), started.run.tasks.map((t) => t.attempts.length), "the other process's dispatches are still there");
    } finally {
      await other.close();
    }
  });

  test('an unreachable database is STORE_UNAVAILABLE and the message does not show the password', async () => {
    await assert.rejects(openPostgresStore({ connectionString: 'postgres://arco:s3cret@127.0.0.1:1/none' }), (error: Error & { code: string }) => {
      assert.equal(error.code, 'STORE_UNAVAILABLE');
      assert.doesNotMatch(error.message, /s3cret/);
      return true;
    });
  });

  test('a connection the server ends between two statements of a transaction fails that transaction, not the process, and the next runs on a fresh connection', async () => {
    // What a daemon frozen mid-transaction meets when resumed: the server ended its session
    // (idle_in_transaction_session_timeout) and the news arrives while no statement is running.
    const pool = createPool(db.url, 2);
    const killer = new pg.Client({ connectionString: db.url });
    await killer.connect();
    try {
      await assert.rejects(
        inTransaction(pool, {}, async (client) => {
          const pid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid;
          await killer.query('SELECT pg_terminate_backend($1)', [pid]);
          await delay(300);
          await client.query('SELECT 1');
        }),
      );
      const answer = await inTransaction(pool, {}, async (client) => (await client.query<{ one: number }>('SELECT 1 AS one')).rows[0]?.one);
      assert.equal(answer, 1);
    } finally {
      await killer.end();
      await pool.end();
    }
  });

  test('system SQL refuses server functions that act outside the read-only query', async () => {
    // Another live session (a store's own connection would do as well).
    const other = new pg.Client({ connectionString: db.url });
    await other.connect();
    const otherPid = (await other.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid;
    for (const sql of [
      `SELECT pg_terminate_backend(${otherPid})`,
      "SELECT set_config('role', (SELECT rolname FROM pg_roles WHERE rolsuper LIMIT 1), false)",
      "SELECT set_config('session_authorization', 'postgres', false)",
      "SELECT pg_read_file('/etc/passwd')",
      "SELECT query_to_xml('select * from runs', true, true, '')",
      "SELECT nextval('ledger_sequence_seq')",
      'SELECT * FROM runs FOR UPDATE',
      'WITH gone AS (DELETE FROM runs RETURNING id) SELECT * FROM gone',
    ]) {
      await assert.rejects(store.sql.querySystem(sql, 10), { code: 'SQL_REFUSED' }, sql);
    }
    assert.deepEqual((await other.query('SELECT 1 AS alive')).rows, [{ alive: 1 }]);
    await other.end();
    // Still usable afterwards: no setting or lock leaked onto a pooled connection.
    assert.deepEqual((await store.sql.querySystem('SELECT COUNT(*) AS n FROM system_runs', 10)).rows, [[0]]);
  });

  test('system SQL returns JSON and timestamps as text, as SQLite returns them', async () => {
    const result = await store.sql.querySystem(`SELECT '{"a":1}'::json AS j, '2026-01-01T00:00:00Z'::timestamptz AS t, 5::bigint AS n`, 10);
    assert.deepEqual(result.rows.map((row) => row.map((v) => typeof v)), [['string', 'string', 'number']]);
  });
});
