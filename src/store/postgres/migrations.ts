/**
 * PostgreSQL schema, as numbered forward-only migrations mirroring the SQLite ones (same version
 * numbers, same tables, columns, indexes and `system_*` views). A migration is never edited once
 * released; a change is a new migration on both engines. The file is longer than 400 lines because
 * the list is the schema's history, read in order; splitting it would scatter that history.
 *
 * Choices that keep both engines answering alike:
 * - Documents and payloads are TEXT holding exactly what JSON.stringify wrote, as on SQLite, not
 *   JSONB: the text read back is the text written (JSONB reorders keys and rejects "\u0000", which
 *   a user's metadata may hold), and the folder's parsed-row cache compares stored text.
 * - Every text column is COLLATE "C", so ordering and `id < cursor` compare bytes, like SQLite's
 *   BINARY collation, whatever the database's locale.
 * - Rows keyed by ledger sequence (materializations, sensor history) have BIGINT ids, as SQLite's
 *   INTEGER keys, so they sort numerically in reads and in the projection hash.
 * - The views parse `doc::json` (not jsonb): `->` then returns the stored JSON text unchanged, the
 *   same text SQLite's json() gives.
 *
 * All pending migrations run in one transaction under an advisory lock for this schema, so
 * processes opening the store at once wait for each other instead of racing.
 */
import type pg from 'pg';
import { appliedVersion, type SchemaVersion } from '../schema-version.js';

const T = 'TEXT COLLATE "C"';

export const POSTGRES_MIGRATIONS: readonly { readonly version: number; readonly sql: string }[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE ledger (
        sequence BIGSERIAL PRIMARY KEY,
        event_id ${T} NOT NULL,
        type ${T} NOT NULL,
        version INTEGER NOT NULL,
        at ${T} NOT NULL,
        workspace ${T} NOT NULL,
        idempotency_key ${T} NOT NULL,
        correlation_id ${T},
        causation_id ${T},
        payload ${T} NOT NULL,
        UNIQUE (workspace, idempotency_key)
      );
      -- The sequence is explicit here (SQLite appends its rowid to every index entry): "events of
      -- a run in sequence order" is one index range.
      CREATE INDEX ledger_correlation ON ledger (correlation_id, sequence);

      CREATE TABLE runs (
        id ${T} PRIMARY KEY,
        status ${T} NOT NULL,
        run_key ${T} UNIQUE,
        created_at ${T} NOT NULL,
        updated_at ${T} NOT NULL,
        version INTEGER NOT NULL,
        doc ${T} NOT NULL
      );
      CREATE INDEX runs_status ON runs (status, id);

      CREATE TABLE materializations (
        id BIGINT PRIMARY KEY,
        asset_key ${T} NOT NULL,
        partition_key ${T},
        run_id ${T} NOT NULL,
        sequence BIGINT NOT NULL,
        materialized_at ${T} NOT NULL,
        doc ${T} NOT NULL
      );
      CREATE INDEX materializations_asset ON materializations (asset_key, sequence);

      CREATE TABLE asset_partitions (
        id ${T} PRIMARY KEY,
        asset_key ${T} NOT NULL,
        partition_key ${T},
        last_materialized_at ${T},
        doc ${T} NOT NULL
      );
      CREATE INDEX asset_partitions_asset ON asset_partitions (asset_key, id);

      CREATE TABLE log_index (
        id ${T} PRIMARY KEY,
        lines INTEGER NOT NULL,
        last_sequence BIGINT NOT NULL,
        doc ${T} NOT NULL
      );

      CREATE TABLE run_key_conflicts (
        id ${T} PRIMARY KEY,
        run_key ${T} NOT NULL,
        existing_run_id ${T} NOT NULL,
        recorded_at ${T} NOT NULL,
        doc ${T} NOT NULL
      );
      CREATE INDEX run_key_conflicts_key ON run_key_conflicts (run_key);

      CREATE TABLE leases (name ${T} PRIMARY KEY, holder ${T} NOT NULL, expires_at BIGINT NOT NULL);
      CREATE TABLE attempt_heartbeats (attempt_id ${T} PRIMARY KEY, seen_at BIGINT NOT NULL);
      CREATE TABLE request_keys (
        scope ${T} NOT NULL,
        key ${T} NOT NULL,
        request_hash ${T} NOT NULL,
        status INTEGER,
        body ${T},
        created_at BIGINT NOT NULL,
        PRIMARY KEY (scope, key)
      );
    `,
  },
  {
    // The documented read-only SQL surface (docs/sql.md): the same views and column names as on
    // SQLite. Numbers inside documents are cast so they come back as numbers, as json_extract's do.
    version: 2,
    sql: `
      CREATE VIEW system_runs AS
        SELECT r.id AS run_id, r.status, r.run_key, r.created_at, r.updated_at,
          j.d ->> 'startedAt' AS started_at, j.d ->> 'finishedAt' AS finished_at,
          j.d -> 'trigger' ->> 'kind' AS trigger_kind, j.d ->> 'partition' AS partition,
          j.d ->> 'parentRunId' AS parent_run_id, j.d ->> 'rootRunId' AS root_run_id,
          (j.d -> 'tags')::text AS tags, (j.d -> 'assetKeys')::text AS asset_keys,
          json_array_length(j.d -> 'tasks') AS task_count
        FROM runs r CROSS JOIN LATERAL (SELECT r.doc::json AS d) j;
      CREATE VIEW system_tasks AS
        SELECT r.id AS run_id, t.value ->> 'taskKey' AS task_key, t.value ->> 'assetKey' AS asset_key,
          t.value ->> 'partitionKey' AS partition_key, t.value ->> 'status' AS status,
          json_array_length(t.value -> 'attempts') AS attempts, t.value ->> 'retryAt' AS retry_at,
          t.value ->> 'finishedAt' AS finished_at, t.value -> 'skipCause' ->> 'taskKey' AS skipped_because
        FROM runs r CROSS JOIN LATERAL json_array_elements(r.doc::json -> 'tasks') AS t(value);
      CREATE VIEW system_attempts AS
        SELECT r.id AS run_id, t.value ->> 'taskKey' AS task_key, (a.value ->> 'attempt')::bigint AS attempt,
          a.value ->> 'attemptId' AS attempt_id, a.value ->> 'workerId' AS worker_id,
          a.value ->> 'dispatchedAt' AS dispatched_at, a.value ->> 'startedAt' AS started_at,
          a.value ->> 'finishedAt' AS finished_at, a.value ->> 'outcome' AS outcome,
          a.value -> 'error' ->> 'code' AS error_code, a.value -> 'error' ->> 'message' AS error_message,
          (a.value ->> 'durationMs')::double precision AS duration_ms
        FROM runs r
          CROSS JOIN LATERAL json_array_elements(r.doc::json -> 'tasks') AS t(value)
          CROSS JOIN LATERAL json_array_elements(t.value -> 'attempts') AS a(value);
      CREATE VIEW system_run_key_conflicts AS
        SELECT c.id AS conflict_id, c.run_key, c.existing_run_id, c.recorded_at,
          j.d ->> 'conflictType' AS conflict_type, j.d ->> 'existingFingerprint' AS existing_fingerprint,
          j.d ->> 'requestedFingerprint' AS requested_fingerprint, (j.d -> 'differingFields')::text AS differing_fields
        FROM run_key_conflicts c CROSS JOIN LATERAL (SELECT c.doc::json AS d) j;
      CREATE VIEW system_materializations AS
        SELECT m.id AS sequence, m.asset_key, m.partition_key, m.run_id, m.materialized_at,
          j.d ->> 'dataVersion' AS data_version, j.d ->> 'codeVersion' AS code_version,
          (j.d -> 'metadata')::text AS metadata
        FROM materializations m CROSS JOIN LATERAL (SELECT m.doc::json AS d) j;
      CREATE VIEW system_asset_partitions AS
        SELECT p.asset_key, p.partition_key, p.last_materialized_at,
          j.d -> 'lastMaterialization' ->> 'runId' AS last_run_id,
          j.d -> 'lastMaterialization' ->> 'dataVersion' AS data_version,
          j.d -> 'lastFailure' ->> 'failedAt' AS last_failed_at
        FROM asset_partitions p CROSS JOIN LATERAL (SELECT p.doc::json AS d) j;
      CREATE VIEW system_logs AS
        SELECT l.sequence, l.correlation_id AS run_id, j.p ->> 'taskKey' AS task_key,
          (j.p ->> 'attempt')::bigint AS attempt, j.p ->> 'level' AS level,
          j.p ->> 'message' AS message, j.p ->> 'loggedAt' AS logged_at
        FROM ledger l CROSS JOIN LATERAL (SELECT l.payload::json AS p) j WHERE l.type = 'TaskLogged';
      CREATE VIEW system_events AS
        SELECT sequence, event_id, type, version, at, workspace, idempotency_key, correlation_id, causation_id, payload FROM ledger;
    `,
  },
  {
    // Automation: schedules (state, ticks), sensors (state with the CAS version, history) and
    // dynamic partitions sets.
    version: 3,
    sql: `
      CREATE TABLE schedule_states (
        id ${T} PRIMARY KEY,
        status ${T} NOT NULL,
        state_version INTEGER NOT NULL,
        definition_version INTEGER NOT NULL,
        doc ${T} NOT NULL
      );
      CREATE TABLE schedule_ticks (
        id ${T} PRIMARY KEY,
        schedule_name ${T} NOT NULL,
        tick_epoch_seconds BIGINT NOT NULL,
        status ${T} NOT NULL,
        run_id ${T},
        sequence BIGINT NOT NULL,
        doc ${T} NOT NULL
      );
      CREATE INDEX schedule_ticks_by_time ON schedule_ticks (schedule_name, tick_epoch_seconds);
      CREATE TABLE sensor_states (
        id ${T} PRIMARY KEY,
        status ${T} NOT NULL,
        version INTEGER NOT NULL,
        definition_version INTEGER NOT NULL,
        doc ${T} NOT NULL
      );
      CREATE TABLE sensor_history (
        id BIGINT PRIMARY KEY,
        sensor_name ${T} NOT NULL,
        kind ${T} NOT NULL,
        status ${T},
        message_id ${T},
        sequence BIGINT NOT NULL,
        doc ${T} NOT NULL
      );
      CREATE INDEX sensor_history_by_sensor ON sensor_history (sensor_name, sequence);
      CREATE INDEX sensor_history_by_message ON sensor_history (sensor_name, message_id);
      CREATE TABLE dynamic_partitions (
        id ${T} PRIMARY KEY,
        key_count INTEGER NOT NULL,
        updated_at ${T} NOT NULL,
        doc ${T} NOT NULL
      );
    `,
  },
  // Version 4 is SQLite's alone (a table rebuild PostgreSQL never needed); numbers stay aligned.
  {
    // Backfills (SEMANTICS §7), as SQLite migration 5.
    version: 5,
    sql: `
      CREATE TABLE backfills (
        id ${T} PRIMARY KEY,
        status ${T} NOT NULL,
        version INTEGER NOT NULL,
        client_request_id ${T} NOT NULL UNIQUE,
        created_at ${T} NOT NULL,
        updated_at ${T} NOT NULL,
        doc ${T} NOT NULL
      );
      CREATE INDEX backfills_status ON backfills (status, id);
      CREATE TABLE backfill_chunks (
        id ${T} PRIMARY KEY,
        backfill_id ${T} NOT NULL,
        chunk_index INTEGER NOT NULL,
        run_id ${T},
        status ${T} NOT NULL,
        doc ${T} NOT NULL
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
        id ${T} PRIMARY KEY,
        doc ${T} NOT NULL
      );
      CREATE TABLE asset_freshness (
        id ${T} PRIMARY KEY,
        state ${T} NOT NULL,
        state_version INTEGER NOT NULL,
        doc ${T} NOT NULL
      );
    `,
  },
  {
    // The SQL surface's own login role (docs/security.md "SQL surface"), PostgreSQL only: it may
    // read the documented system_* views and nothing else, and every session it opens is read-only
    // with a statement timeout. It logs in itself rather than being SET ROLE'd to: a session that
    // logged in as the store's (often superuser) role can always set its role back, even from
    // inside a query (set_config('role', …)). One role per database and schema, so stores sharing
    // a database cannot read each other. Its password is random and kept in sql_reader_login,
    // which only the store's role reads. Needs CREATEROLE (or superuser) once, here. A later
    // migration adding a system_* view grants SELECT on it to this role.
    version: 7,
    sql: `
      CREATE TABLE sql_reader_login (
        role_name ${T} PRIMARY KEY,
        password ${T} NOT NULL
      );
      -- Stops a query whose answer has grown past max_bytes (the SQL surface's byte limit).
      CREATE FUNCTION arco_sql_within(bytes bigint, max_bytes bigint) RETURNS boolean LANGUAGE plpgsql AS $fn$
      BEGIN
        IF bytes > max_bytes THEN
          RAISE EXCEPTION 'the answer is larger than % bytes', max_bytes USING ERRCODE = 'program_limit_exceeded';
        END IF;
        RETURN true;
      END $fn$;
      DO $$
      DECLARE
        reader text := 'arco_sql_' || left(md5(current_database() || '/' || current_schema()), 24);
        secret text := md5(gen_random_uuid()::text) || md5(gen_random_uuid()::text);
        existing record;
        view_name text;
      BEGIN
        SELECT rolsuper, rolcreaterole, rolcreatedb, rolreplication, rolbypassrls INTO existing FROM pg_roles WHERE rolname = reader;
        IF NOT FOUND THEN
          EXECUTE format('CREATE ROLE %I LOGIN NOINHERIT CONNECTION LIMIT 8 PASSWORD %L', reader, secret);
        ELSIF existing.rolsuper OR existing.rolcreaterole OR existing.rolcreatedb OR existing.rolreplication OR existing.rolbypassrls THEN
          RAISE EXCEPTION 'role % exists with more than login rights; the SQL surface needs it unprivileged', reader;
        ELSE
          EXECUTE format('ALTER ROLE %I LOGIN NOINHERIT CONNECTION LIMIT 8 PASSWORD %L', reader, secret);
        END IF;
        EXECUTE format('ALTER ROLE %I SET default_transaction_read_only = on', reader);
        EXECUTE format('ALTER ROLE %I SET statement_timeout = %L', reader, '5s');
        EXECUTE format('ALTER ROLE %I SET search_path = %I', reader, current_schema());
        EXECUTE format('GRANT USAGE ON SCHEMA %I TO %I', current_schema(), reader);
        FOR view_name IN SELECT viewname FROM pg_views WHERE schemaname = current_schema() AND viewname LIKE 'system\\_%' LOOP
          EXECUTE format('GRANT SELECT ON %I TO %I', view_name, reader);
        END LOOP;
        INSERT INTO sql_reader_login (role_name, password) VALUES (reader, secret);
      EXCEPTION WHEN insufficient_privilege THEN
        RAISE EXCEPTION 'the store''s role needs CREATEROLE to create the SQL surface''s role %: %', reader, SQLERRM
          USING ERRCODE = 'insufficient_privilege';
      END $$;
    `,
  },
  {
    // API tokens (docs/security.md): operational state like leases, outside the ledger. Only the
    // secret's sha256 is kept. A name is unique among valid tokens, so a revoked name can be reused.
    version: 8,
    sql: `
      CREATE TABLE api_tokens (
        id ${T} PRIMARY KEY,
        name ${T} NOT NULL,
        role ${T} NOT NULL,
        secret_sha256 ${T} NOT NULL,
        created_at ${T} NOT NULL,
        revoked_at ${T}
      );
      CREATE UNIQUE INDEX api_tokens_valid_name ON api_tokens (name) WHERE revoked_at IS NULL;
    `,
  },
  {
    // Materializations reported without a run (AssetMaterializationReported) have no run_id.
    version: 9,
    sql: `
      ALTER TABLE materializations ALTER COLUMN run_id DROP NOT NULL;
    `,
  },
  {
    // Automation condition evaluations (SEMANTICS §8): one row per evaluation and asset with a
    // condition (why it did or did not run), and the one cursor row the next evaluation starts from.
    version: 10,
    sql: `
      CREATE TABLE automation_evaluations (
        id ${T} PRIMARY KEY,
        evaluation_id INTEGER NOT NULL,
        asset_key ${T} NOT NULL,
        requested INTEGER NOT NULL,
        doc ${T} NOT NULL
      );
      CREATE INDEX automation_evaluations_by_asset ON automation_evaluations (asset_key, evaluation_id);
      CREATE INDEX automation_evaluations_by_evaluation ON automation_evaluations (evaluation_id);
      CREATE TABLE automation_cursor (
        id ${T} PRIMARY KEY,
        evaluation_id INTEGER NOT NULL,
        doc ${T} NOT NULL
      );
    `,
  },
  {
    // Asset wipes (Dagster's `asset wipe`): one row per AssetWiped, in ledger order.
    version: 11,
    sql: `
      CREATE TABLE asset_wipes (
        id BIGINT PRIMARY KEY,
        asset_key ${T} NOT NULL,
        sequence BIGINT NOT NULL,
        wiped_at ${T} NOT NULL,
        doc ${T} NOT NULL
      );
      CREATE INDEX asset_wipes_asset ON asset_wipes (asset_key, sequence);
    `,
  },
  {
    // Asset check results: the latest execution of each check per asset partition (fold/asset-checks.ts).
    version: 12,
    sql: `
      CREATE TABLE asset_check_results (
        id ${T} PRIMARY KEY,
        asset_key ${T} NOT NULL,
        check_name ${T} NOT NULL,
        partition_key ${T},
        status ${T} NOT NULL,
        doc ${T} NOT NULL
      );
      CREATE INDEX asset_check_results_by_asset ON asset_check_results (asset_key, check_name);
    `,
  },
  {
    // Who made each write: the envelope's `actor` (shown by `arco events` and system_events), and who
    // created and revoked each API token.
    // CREATE OR REPLACE may only add columns at the end, and keeps the reader role's grant.
    version: 13,
    sql: `
      ALTER TABLE ledger ADD COLUMN actor ${T};
      ALTER TABLE api_tokens ADD COLUMN created_by ${T};
      ALTER TABLE api_tokens ADD COLUMN revoked_by ${T};
      CREATE OR REPLACE VIEW system_events AS
        SELECT sequence, event_id, type, version, at, workspace, idempotency_key, correlation_id, causation_id, payload, actor FROM ledger;
    `,
  },
  {
    // Ledger positions of daemon steps that follow the ledger (run retries): operational, like leases.
    version: 14,
    sql: `
      CREATE TABLE daemon_cursors (name ${T} PRIMARY KEY, sequence BIGINT NOT NULL);
    `,
  },
  {
    // Leader fencing and daemon liveness (src/runtime/leadership.ts): every change of the leader
    // lease's holder draws the next fencing token, and a release only expires the row, so tokens
    // never repeat. Daemons record who they are and when they were last alive.
    version: 15,
    sql: `
      ALTER TABLE leases ADD COLUMN fencing_token BIGINT NOT NULL DEFAULT 0;
      CREATE TABLE daemon_heartbeats (
        daemon_id ${T} PRIMARY KEY,
        host ${T} NOT NULL,
        pid INTEGER NOT NULL,
        role ${T} NOT NULL,
        started_at BIGINT NOT NULL,
        seen_at BIGINT NOT NULL,
        fencing_token BIGINT
      );
    `,
  },
  {
    // Pool slot limits (fold/pool-limits.ts), set by `arco pool set`.
    version: 16,
    sql: `
      CREATE TABLE pool_limits (
        id ${T} PRIMARY KEY,
        updated_at ${T} NOT NULL,
        doc ${T} NOT NULL
      );
    `,
  },
  {
    // When each loop of a daemon last completed (`arco instance info`, `/healthz`).
    version: 17,
    sql: `
      ALTER TABLE daemon_heartbeats ADD COLUMN loops ${T} NOT NULL DEFAULT '{}';
    `,
  },
  {
    // Remote workers (`arco worker`, docs/worker-protocol.md): who registered, with its slots and
    // last heartbeat, and the attempts the leader dispatched to each, claimed once (FOR UPDATE SKIP
    // LOCKED), with the hash of the attempt token minted at the claim and the finished report
    // until the leader records it.
    version: 18,
    sql: `
      CREATE TABLE remote_workers (
        worker_id ${T} PRIMARY KEY,
        host ${T} NOT NULL,
        pid INTEGER NOT NULL,
        slots INTEGER NOT NULL,
        heartbeat_timeout_ms BIGINT NOT NULL,
        registered_at BIGINT NOT NULL,
        seen_at BIGINT NOT NULL
      );
      CREATE TABLE worker_dispatches (
        attempt_id ${T} PRIMARY KEY,
        worker_id ${T} NOT NULL,
        run_id ${T} NOT NULL,
        task_key ${T} NOT NULL,
        envelope ${T} NOT NULL,
        state ${T} NOT NULL,
        token_sha256 ${T},
        result ${T},
        dispatched_at BIGINT NOT NULL
      );
      CREATE INDEX worker_dispatches_worker ON worker_dispatches (worker_id, state, dispatched_at);
    `,
  },
  {
    // The sequence number of the last claim request a remote worker made, so that a request that
    // arrives late (its worker gave up on it and claimed again) hands out nothing a second time.
    version: 19,
    sql: `
      ALTER TABLE remote_workers ADD COLUMN claim_seq BIGINT NOT NULL DEFAULT 0;
    `,
  },
  {
    // A waiting claim's token hashes (docs/worker-protocol.md, "Claims answered by the dispatch"):
    // the statement that writes the next dispatch rows for the worker claims them under these,
    // and its NOTIFY carries them to the API that holds the claim, which answers with no
    // statement of its own. Empty: the worker's latest request is not waiting.
    version: 20,
    sql: `
      CREATE TABLE worker_waits (
        worker_id ${T} PRIMARY KEY,
        claim_seq BIGINT NOT NULL,
        tokens TEXT[] NOT NULL
      );
    `,
  },
  {
    // Documents (a run's is tens of KB: one entry per task) are compressed with lz4 where the
    // server has it: pglz took about 0.7 ms of the server's CPU for each 90 KB run document the
    // leader writes, lz4 under 0.1 ms, and compresses JSON as well. Values already stored keep
    // pglz (both are read). A server before PostgreSQL 14, or built without lz4, keeps pglz for all.
    version: 21,
    sql: `
      DO $$
      DECLARE c record;
      BEGIN
        -- Column compression methods came with PostgreSQL 14; older servers keep pglz.
        IF current_setting('server_version_num')::int < 140000 THEN
          RETURN;
        END IF;
        FOR c IN SELECT t.relname, a.attname FROM pg_attribute a
                   JOIN pg_class t ON t.oid = a.attrelid JOIN pg_namespace n ON n.oid = t.relnamespace
                 WHERE n.nspname = current_schema() AND t.relkind = 'r' AND a.attname IN ('doc', 'payload') AND NOT a.attisdropped
        LOOP
          EXECUTE format('ALTER TABLE %I ALTER COLUMN %I SET COMPRESSION lz4', c.relname, c.attname);
        END LOOP;
      EXCEPTION WHEN feature_not_supported THEN
        NULL;
      END $$;
    `,
  },
];

/** Advisory lock class of schema migrations (the object id is the schema's hash). */
export const MIGRATION_LOCK_CLASS = 0x4152_4330; // "ARC0"

/** Applies every pending migration in one transaction. Call on a connection outside a transaction. */
/** The highest migration this build has. */
const NEWEST_POSTGRES_MIGRATION = Math.max(...POSTGRES_MIGRATIONS.map((m) => m.version));

/** Applies the migrations the store lacks. @throws STORE_SCHEMA_NEWER for a store a newer build migrated (nothing is changed). */
export async function migratePostgres(client: pg.ClientBase, target: string): Promise<SchemaVersion> {
  await client.query('BEGIN ISOLATION LEVEL READ COMMITTED READ WRITE');
  try {
    // coalesce: with no existing schema on the search_path the lock must still be taken (a NULL
    // key would make the strict lock function return without locking); CREATE then fails clearly.
    await client.query(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK_CLASS}, hashtext(coalesce(current_schema(), '')))`);
    await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY)');
    const applied = new Set((await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version));
    const before = appliedVersion(applied, NEWEST_POSTGRES_MIGRATION, target);
    for (const migration of POSTGRES_MIGRATIONS) {
      if (applied.has(migration.version)) continue;
      await client.query(migration.sql);
      await client.query('INSERT INTO schema_migrations (version) VALUES ($1)', [migration.version]);
    }
    await client.query('COMMIT');
    return { before, version: NEWEST_POSTGRES_MIGRATION };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
