/**
 * SQLite schema, as numbered forward-only migrations. A migration is never edited once released;
 * a change is a new migration. Projection tables hold a JSON `doc` (the folded row) plus the
 * columns queries filter on; `leases` and `attempt_heartbeats` are operational, not projections.
 * The file is longer than 400 lines because the list is the schema's history, read in order.
 */
import type Database from 'better-sqlite3';
import { appliedVersion, type SchemaVersion } from '../schema-version.js';

export const SQLITE_MIGRATIONS: readonly { readonly version: number; readonly sql: string }[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE ledger (
        sequence INTEGER PRIMARY KEY AUTOINCREMENT,
        event_id TEXT NOT NULL,
        type TEXT NOT NULL,
        version INTEGER NOT NULL,
        at TEXT NOT NULL,
        workspace TEXT NOT NULL,
        idempotency_key TEXT NOT NULL,
        correlation_id TEXT,
        causation_id TEXT,
        payload TEXT NOT NULL,
        UNIQUE (workspace, idempotency_key)
      );
      -- SQLite appends the rowid (the sequence) to every index entry, so this also serves
      -- "events of a run in sequence order".
      CREATE INDEX ledger_correlation ON ledger (correlation_id);

      CREATE TABLE runs (
        id TEXT PRIMARY KEY,
        status TEXT NOT NULL,
        run_key TEXT UNIQUE,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        version INTEGER NOT NULL,
        doc TEXT NOT NULL
      );
      CREATE INDEX runs_status ON runs (status, id);

      CREATE TABLE materializations (
        id INTEGER PRIMARY KEY,
        asset_key TEXT NOT NULL,
        partition_key TEXT,
        run_id TEXT NOT NULL,
        sequence INTEGER NOT NULL,
        materialized_at TEXT NOT NULL,
        doc TEXT NOT NULL
      );
      CREATE INDEX materializations_asset ON materializations (asset_key, sequence);

      CREATE TABLE asset_partitions (
        id TEXT PRIMARY KEY,
        asset_key TEXT NOT NULL,
        partition_key TEXT,
        last_materialized_at TEXT,
        doc TEXT NOT NULL
      );
      CREATE INDEX asset_partitions_asset ON asset_partitions (asset_key, id);

      CREATE TABLE log_index (
        id TEXT PRIMARY KEY,
        lines INTEGER NOT NULL,
        last_sequence INTEGER NOT NULL,
        doc TEXT NOT NULL
      );

      CREATE TABLE run_key_conflicts (
        id TEXT PRIMARY KEY,
        run_key TEXT NOT NULL,
        existing_run_id TEXT NOT NULL,
        recorded_at TEXT NOT NULL,
        doc TEXT NOT NULL
      );
      CREATE INDEX run_key_conflicts_key ON run_key_conflicts (run_key);

      CREATE TABLE leases (name TEXT PRIMARY KEY, holder TEXT NOT NULL, expires_at INTEGER NOT NULL);
      CREATE TABLE attempt_heartbeats (attempt_id TEXT PRIMARY KEY, seen_at INTEGER NOT NULL);
      CREATE TABLE request_keys (
        scope TEXT NOT NULL,
        key TEXT NOT NULL,
        request_hash TEXT NOT NULL,
        status INTEGER,
        body TEXT,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (scope, key)
      );
    `,
  },
  {
    // The documented read-only SQL surface (docs/sql.md): stable column names over the projections.
    version: 2,
    sql: `
      CREATE VIEW system_runs AS
        SELECT id AS run_id, status, run_key, created_at, updated_at,
          json_extract(doc, '$.startedAt') AS started_at, json_extract(doc, '$.finishedAt') AS finished_at,
          json_extract(doc, '$.trigger.kind') AS trigger_kind, json_extract(doc, '$.partition') AS partition,
          json_extract(doc, '$.parentRunId') AS parent_run_id, json_extract(doc, '$.rootRunId') AS root_run_id,
          json(json_extract(doc, '$.tags')) AS tags, json(json_extract(doc, '$.assetKeys')) AS asset_keys,
          json_array_length(doc, '$.tasks') AS task_count
        FROM runs;
      CREATE VIEW system_tasks AS
        SELECT r.id AS run_id, json_extract(t.value, '$.taskKey') AS task_key, json_extract(t.value, '$.assetKey') AS asset_key,
          json_extract(t.value, '$.partitionKey') AS partition_key, json_extract(t.value, '$.status') AS status,
          json_array_length(t.value, '$.attempts') AS attempts, json_extract(t.value, '$.retryAt') AS retry_at,
          json_extract(t.value, '$.finishedAt') AS finished_at, json_extract(t.value, '$.skipCause.taskKey') AS skipped_because
        FROM runs r, json_each(r.doc, '$.tasks') t;
      CREATE VIEW system_attempts AS
        SELECT r.id AS run_id, json_extract(t.value, '$.taskKey') AS task_key, json_extract(a.value, '$.attempt') AS attempt,
          json_extract(a.value, '$.attemptId') AS attempt_id, json_extract(a.value, '$.workerId') AS worker_id,
          json_extract(a.value, '$.dispatchedAt') AS dispatched_at, json_extract(a.value, '$.startedAt') AS started_at,
          json_extract(a.value, '$.finishedAt') AS finished_at, json_extract(a.value, '$.outcome') AS outcome,
          json_extract(a.value, '$.error.code') AS error_code, json_extract(a.value, '$.error.message') AS error_message,
          json_extract(a.value, '$.durationMs') AS duration_ms
        FROM runs r, json_each(r.doc, '$.tasks') t, json_each(t.value, '$.attempts') a;
      CREATE VIEW system_run_key_conflicts AS
        SELECT id AS conflict_id, run_key, existing_run_id, recorded_at,
          json_extract(doc, '$.conflictType') AS conflict_type, json_extract(doc, '$.existingFingerprint') AS existing_fingerprint,
          json_extract(doc, '$.requestedFingerprint') AS requested_fingerprint, json(json_extract(doc, '$.differingFields')) AS differing_fields
        FROM run_key_conflicts;
      CREATE VIEW system_materializations AS
        SELECT id AS sequence, asset_key, partition_key, run_id, materialized_at,
          json_extract(doc, '$.dataVersion') AS data_version, json_extract(doc, '$.codeVersion') AS code_version,
          json(json_extract(doc, '$.metadata')) AS metadata
        FROM materializations;
      CREATE VIEW system_asset_partitions AS
        SELECT asset_key, partition_key, last_materialized_at,
          json_extract(doc, '$.lastMaterialization.runId') AS last_run_id,
          json_extract(doc, '$.lastMaterialization.dataVersion') AS data_version,
          json_extract(doc, '$.lastFailure.failedAt') AS last_failed_at
        FROM asset_partitions;
      CREATE VIEW system_logs AS
        SELECT sequence, correlation_id AS run_id, json_extract(payload, '$.taskKey') AS task_key,
          json_extract(payload, '$.attempt') AS attempt, json_extract(payload, '$.level') AS level,
          json_extract(payload, '$.message') AS message, json_extract(payload, '$.loggedAt') AS logged_at
        FROM ledger WHERE type = 'TaskLogged';
      CREATE VIEW system_events AS
        SELECT sequence, event_id, type, version, at, workspace, idempotency_key, correlation_id, causation_id, payload FROM ledger;
    `,
  },
  {
    // Automation: schedules (state, ticks), sensors (state with the CAS `version`, history) and
    // dynamic partitions sets.
    version: 3,
    sql: `
      CREATE TABLE schedule_states (
        id TEXT PRIMARY KEY,
        status TEXT NOT NULL,
        state_version INTEGER NOT NULL,
        definition_version INTEGER NOT NULL,
        doc TEXT NOT NULL
      );
      CREATE TABLE schedule_ticks (
        id TEXT PRIMARY KEY,
        schedule_name TEXT NOT NULL,
        tick_epoch_seconds INTEGER NOT NULL,
        status TEXT NOT NULL,
        run_id TEXT,
        sequence INTEGER NOT NULL,
        doc TEXT NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX schedule_ticks_by_time ON schedule_ticks (schedule_name, tick_epoch_seconds);
      CREATE TABLE sensor_states (
        id TEXT PRIMARY KEY,
        status TEXT NOT NULL,
        version INTEGER NOT NULL,
        definition_version INTEGER NOT NULL,
        doc TEXT NOT NULL
      );
      CREATE TABLE sensor_history (
        id INTEGER PRIMARY KEY,
        sensor_name TEXT NOT NULL,
        kind TEXT NOT NULL,
        status TEXT,
        message_id TEXT,
        sequence INTEGER NOT NULL,
        doc TEXT NOT NULL
      );
      CREATE INDEX sensor_history_by_sensor ON sensor_history (sensor_name, sequence);
      CREATE INDEX sensor_history_by_message ON sensor_history (sensor_name, message_id);
      CREATE TABLE dynamic_partitions (
        id TEXT PRIMARY KEY,
        key_count INTEGER NOT NULL,
        updated_at TEXT NOT NULL,
        doc TEXT NOT NULL
      );
    `,
  },
  {
    // schedule_ticks as an ordinary table. Clustered on the tick id (\`name:epoch\`), every minute's
    // ten thousand new ticks landed on as many different pages, so each transaction rewrote
    // nearly the whole table into the WAL, more with every minute of history. In insertion order
    // new rows fill the last pages; only the two small indexes take scattered inserts.
    version: 4,
    sql: `
      CREATE TABLE schedule_ticks_v4 (
        id TEXT PRIMARY KEY,
        schedule_name TEXT NOT NULL,
        tick_epoch_seconds INTEGER NOT NULL,
        status TEXT NOT NULL,
        run_id TEXT,
        sequence INTEGER NOT NULL,
        doc TEXT NOT NULL
      );
      INSERT INTO schedule_ticks_v4 (id, schedule_name, tick_epoch_seconds, status, run_id, sequence, doc)
        SELECT id, schedule_name, tick_epoch_seconds, status, run_id, sequence, doc FROM schedule_ticks ORDER BY sequence;
      DROP TABLE schedule_ticks;
      ALTER TABLE schedule_ticks_v4 RENAME TO schedule_ticks;
      CREATE INDEX schedule_ticks_by_time ON schedule_ticks (schedule_name, tick_epoch_seconds);
    `,
  },
  {
    // Backfills (SEMANTICS §7): one row per backfill (\`version\` is its state version, for
    // compare-and-swap) and one per planned chunk, keyed \`backfillId:chunkIndex\` zero-padded.
    version: 5,
    sql: `
      CREATE TABLE backfills (
        id TEXT PRIMARY KEY,
        status TEXT NOT NULL,
        version INTEGER NOT NULL,
        client_request_id TEXT NOT NULL UNIQUE,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        doc TEXT NOT NULL
      );
      CREATE INDEX backfills_status ON backfills (status, id);
      CREATE TABLE backfill_chunks (
        id TEXT PRIMARY KEY,
        backfill_id TEXT NOT NULL,
        chunk_index INTEGER NOT NULL,
        run_id TEXT,
        status TEXT NOT NULL,
        doc TEXT NOT NULL
      );
      CREATE INDEX backfill_chunks_by_backfill ON backfill_chunks (backfill_id, chunk_index);
    `,
  },
  {
    // Partition status (SEMANTICS §8): one row per asset holding its materialized and failed
    // partitions as ranges (time windows merged), so its size follows the number of ranges, not of
    // partitions. Freshness: one row per asset with a policy, its last recorded state.
    version: 6,
    sql: `
      CREATE TABLE asset_partition_status (
        id TEXT PRIMARY KEY,
        doc TEXT NOT NULL
      );
      CREATE TABLE asset_freshness (
        id TEXT PRIMARY KEY,
        state TEXT NOT NULL,
        state_version INTEGER NOT NULL,
        doc TEXT NOT NULL
      );
    `,
  },
  {
    // API tokens (docs/security.md): operational state like leases, outside the ledger. Only the
    // secret's sha256 is kept. A name is unique among valid tokens, so a revoked name can be reused.
    version: 8,
    sql: `
      CREATE TABLE api_tokens (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        role TEXT NOT NULL,
        secret_sha256 TEXT NOT NULL,
        created_at TEXT NOT NULL,
        revoked_at TEXT
      );
      CREATE UNIQUE INDEX api_tokens_valid_name ON api_tokens (name) WHERE revoked_at IS NULL;
    `,
  },
  {
    // Materializations reported without a run (AssetMaterializationReported) have no run_id. SQLite
    // cannot drop NOT NULL in place: the table is copied, and the view over it made again.
    version: 9,
    sql: `
      DROP VIEW system_materializations;
      CREATE TABLE materializations_v9 (
        id INTEGER PRIMARY KEY,
        asset_key TEXT NOT NULL,
        partition_key TEXT,
        run_id TEXT,
        sequence INTEGER NOT NULL,
        materialized_at TEXT NOT NULL,
        doc TEXT NOT NULL
      );
      INSERT INTO materializations_v9 (id, asset_key, partition_key, run_id, sequence, materialized_at, doc)
        SELECT id, asset_key, partition_key, run_id, sequence, materialized_at, doc FROM materializations;
      DROP TABLE materializations;
      ALTER TABLE materializations_v9 RENAME TO materializations;
      CREATE INDEX materializations_asset ON materializations (asset_key, sequence);
      CREATE VIEW system_materializations AS
        SELECT id AS sequence, asset_key, partition_key, run_id, materialized_at,
          json_extract(doc, '$.dataVersion') AS data_version, json_extract(doc, '$.codeVersion') AS code_version,
          json(json_extract(doc, '$.metadata')) AS metadata
        FROM materializations;
    `,
  },
  {
    // Automation condition evaluations (SEMANTICS §8): one row per evaluation and asset with a
    // condition (why it did or did not run), and the one cursor row the next evaluation starts from.
    version: 10,
    sql: `
      CREATE TABLE automation_evaluations (
        id TEXT PRIMARY KEY,
        evaluation_id INTEGER NOT NULL,
        asset_key TEXT NOT NULL,
        requested INTEGER NOT NULL,
        doc TEXT NOT NULL
      );
      CREATE INDEX automation_evaluations_by_asset ON automation_evaluations (asset_key, evaluation_id);
      CREATE INDEX automation_evaluations_by_evaluation ON automation_evaluations (evaluation_id);
      CREATE TABLE automation_cursor (
        id TEXT PRIMARY KEY,
        evaluation_id INTEGER NOT NULL,
        doc TEXT NOT NULL
      );
    `,
  },
  {
    // Asset wipes (Dagster's `asset wipe`): one row per AssetWiped, in ledger order.
    version: 11,
    sql: `
      CREATE TABLE asset_wipes (
        id INTEGER PRIMARY KEY,
        asset_key TEXT NOT NULL,
        sequence INTEGER NOT NULL,
        wiped_at TEXT NOT NULL,
        doc TEXT NOT NULL
      );
      CREATE INDEX asset_wipes_asset ON asset_wipes (asset_key, sequence);
    `,
  },
  {
    // Asset check results: the latest execution of each check per asset partition (fold/asset-checks.ts).
    version: 12,
    sql: `
      CREATE TABLE asset_check_results (
        id TEXT PRIMARY KEY,
        asset_key TEXT NOT NULL,
        check_name TEXT NOT NULL,
        partition_key TEXT,
        status TEXT NOT NULL,
        doc TEXT NOT NULL
      );
      CREATE INDEX asset_check_results_by_asset ON asset_check_results (asset_key, check_name);
    `,
  },
  {
    // Who made each write: the envelope's `actor` (shown by `arco events` and system_events), and who
    // created and revoked each API token.
    version: 13,
    sql: `
      ALTER TABLE ledger ADD COLUMN actor TEXT;
      ALTER TABLE api_tokens ADD COLUMN created_by TEXT;
      ALTER TABLE api_tokens ADD COLUMN revoked_by TEXT;
      DROP VIEW system_events;
      CREATE VIEW system_events AS
        SELECT sequence, event_id, type, version, at, workspace, idempotency_key, correlation_id, causation_id, payload, actor FROM ledger;
    `,
  },
  {
    // Ledger positions of daemon steps that follow the ledger (run retries): operational, like leases.
    version: 14,
    sql: `
      CREATE TABLE daemon_cursors (name TEXT PRIMARY KEY, sequence INTEGER NOT NULL);
    `,
  },
  {
    // Leader fencing and daemon liveness (src/runtime/leadership.ts): every change of the leader
    // lease's holder draws the next fencing token, and a release only expires the row, so tokens
    // never repeat. Daemons record who they are and when they were last alive.
    version: 15,
    sql: `
      ALTER TABLE leases ADD COLUMN fencing_token INTEGER NOT NULL DEFAULT 0;
      CREATE TABLE daemon_heartbeats (
        daemon_id TEXT PRIMARY KEY,
        host TEXT NOT NULL,
        pid INTEGER NOT NULL,
        role TEXT NOT NULL,
        started_at INTEGER NOT NULL,
        seen_at INTEGER NOT NULL,
        fencing_token INTEGER
      );
    `,
  },
  {
    // Pool slot limits (fold/pool-limits.ts), set by `arco pool set`.
    version: 16,
    sql: `
      CREATE TABLE pool_limits (
        id TEXT PRIMARY KEY,
        updated_at TEXT NOT NULL,
        doc TEXT NOT NULL
      );
    `,
  },
  {
    // When each loop of a daemon last completed (`arco instance info`, `/healthz`).
    version: 17,
    sql: `
      ALTER TABLE daemon_heartbeats ADD COLUMN loops TEXT NOT NULL DEFAULT '{}';
    `,
  },
  {
    // Remote workers (`arco worker`, docs/worker-protocol.md): who registered, with its slots and
    // last heartbeat, and the attempts the leader dispatched to each, claimed once, with the hash
    // of the attempt token minted at the claim and the finished report until the leader records it.
    version: 18,
    sql: `
      CREATE TABLE remote_workers (
        worker_id TEXT PRIMARY KEY,
        host TEXT NOT NULL,
        pid INTEGER NOT NULL,
        slots INTEGER NOT NULL,
        heartbeat_timeout_ms INTEGER NOT NULL,
        registered_at INTEGER NOT NULL,
        seen_at INTEGER NOT NULL
      );
      CREATE TABLE worker_dispatches (
        attempt_id TEXT PRIMARY KEY,
        worker_id TEXT NOT NULL,
        run_id TEXT NOT NULL,
        task_key TEXT NOT NULL,
        envelope TEXT NOT NULL,
        state TEXT NOT NULL,
        token_sha256 TEXT,
        result TEXT,
        dispatched_at INTEGER NOT NULL
      );
      CREATE INDEX worker_dispatches_worker ON worker_dispatches (worker_id, state, dispatched_at);
    `,
  },
  {
    // The sequence number of the last claim request a remote worker made, so that a request that
    // arrives late (its worker gave up on it and claimed again) hands out nothing a second time.
    version: 19,
    sql: `
      ALTER TABLE remote_workers ADD COLUMN claim_seq INTEGER NOT NULL DEFAULT 0;
    `,
  },
];

/** The highest migration this build has. */
const NEWEST_SQLITE_MIGRATION = Math.max(...SQLITE_MIGRATIONS.map((m) => m.version));

/** Applies the migrations the store lacks. @throws STORE_SCHEMA_NEWER for a store a newer build migrated (nothing is changed). */
export function migrateSqlite(db: Database.Database, target: string): SchemaVersion {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY)');
  const applied = new Set(
    (db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((r) => r.version),
  );
  const before = appliedVersion(applied, NEWEST_SQLITE_MIGRATION, target);
  for (const migration of SQLITE_MIGRATIONS) {
    if (applied.has(migration.version)) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      db.prepare('INSERT INTO schema_migrations (version) VALUES (?)').run(migration.version);
    }).immediate();
  }
  return { before, version: NEWEST_SQLITE_MIGRATION };
}
