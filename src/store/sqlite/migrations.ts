/**
 * SQLite schema, as numbered forward-only migrations. A migration is never edited once released;
 * a change is a new migration. Projection tables hold a JSON `doc` (the folded row) plus the
 * columns queries filter on; `leases` and `attempt_heartbeats` are operational, not projections.
 */
import type Database from 'better-sqlite3';

export const SQLITE_MIGRATIONS: readonly { readonly version: number; readonly sql: string }[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE ledger (
        sequence INTEGER PRIMARY KEY AUTOINCREMENT,
        event_id TEXT NOT NULL UNIQUE,
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
      CREATE INDEX ledger_correlation ON ledger (correlation_id, sequence);

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
        id TEXT PRIMARY KEY,
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

      CREATE TABLE logs (
        id TEXT PRIMARY KEY,
        run_id TEXT NOT NULL,
        task_key TEXT NOT NULL,
        sequence INTEGER NOT NULL,
        level TEXT NOT NULL,
        logged_at TEXT NOT NULL,
        doc TEXT NOT NULL
      );
      CREATE INDEX logs_run ON logs (run_id, sequence);

      CREATE TABLE leases (name TEXT PRIMARY KEY, holder TEXT NOT NULL, expires_at INTEGER NOT NULL);
      CREATE TABLE attempt_heartbeats (attempt_id TEXT PRIMARY KEY, seen_at INTEGER NOT NULL);
    `,
  },
];

export function migrateSqlite(db: Database.Database): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY)');
  const applied = new Set(
    (db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((r) => r.version),
  );
  for (const migration of SQLITE_MIGRATIONS) {
    if (applied.has(migration.version)) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      db.prepare('INSERT INTO schema_migrations (version) VALUES (?)').run(migration.version);
    }).immediate();
  }
}
