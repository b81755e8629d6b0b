import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { stampEvents } from '../../src/events/index.js';
import { openSqliteStore, type CheckpointResult } from '../../src/store/index.js';
import { SQLITE_MIGRATIONS } from '../../src/store/sqlite/migrations.js';
import { makeIds, requestedRun, T0 } from '../helpers/runs.js';
import { storeConformance } from './conformance.js';

let dir = '';
storeConformance({
  name: 'SQLite',
  async open() {
    dir = mkdtempSync(join(tmpdir(), 'arco-store-'));
    return openSqliteStore({ path: join(dir, 'arco.db') });
  },
  async openAnother() {
    return openSqliteStore({ path: join(dir, 'arco.db') });
  },
  async corruptEvent(_store, sequence) {
    const db = new Database(join(dir, 'arco.db'));
    db.prepare("UPDATE ledger SET payload = '{\"runId\": 42}' WHERE sequence = ?").run(sequence);
    db.close();
  },
  async damageProjection(sql) {
    const db = new Database(join(dir, 'arco.db'));
    db.exec(sql);
    db.close();
  },
  async cleanup() {
    rmSync(dir, { recursive: true, force: true });
  },
});

describe('SQLite store files', () => {
  test('a store written before migration 4 keeps its tick history, now in an ordinary table', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'arco-migrate-'));
    try {
      const path = join(folder, 'arco.db');
      const old = new Database(path);
      old.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY)');
      for (const migration of SQLITE_MIGRATIONS.filter((m) => m.version <= 3)) {
        old.exec(migration.sql);
        old.prepare('INSERT INTO schema_migrations (version) VALUES (?)').run(migration.version);
      }
      const tick = (epochSeconds: number) => ({
        scheduleName: 'hourly',
        epochSeconds,
        local: new Date(epochSeconds * 1000).toISOString().replace('.000Z', '+00:00'),
        status: 'SKIPPED',
        skipReason: 'shouldExecute returned false',
        error: null,
        runKey: null,
        runId: null,
        partitionKey: null,
        definitionVersion: 1,
        sequence: epochSeconds / 3600,
        evaluatedAt: new Date(epochSeconds * 1000).toISOString(),
      });
      for (const t of [tick(1767225600), tick(1767229200)]) {
        old
          .prepare('INSERT INTO schedule_ticks (id, schedule_name, tick_epoch_seconds, status, run_id, sequence, doc) VALUES (?, ?, ?, ?, ?, ?, ?)')
          .run(`hourly:${t.epochSeconds}`, 'hourly', t.epochSeconds, t.status, null, t.sequence, JSON.stringify(t));
      }
      old.close();

      const store = openSqliteStore({ path });
      const ticks = await store.automation.listScheduleTicks({ scheduleName: 'hourly', limit: 10 });
      assert.deepEqual(ticks.map((t) => t.epochSeconds), [1767229200, 1767225600], 'newest first, nothing lost');
      await store.close();
      const reopened = new Database(path, { readonly: true });
      const withoutRowid = reopened.prepare("SELECT COUNT(*) AS n FROM sqlite_master WHERE name = 'schedule_ticks' AND sql LIKE '%WITHOUT ROWID%'").get() as { n: number };
      reopened.close();
      assert.equal(withoutRowid.n, 0);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  test('with a background checkpointer the WAL is copied into the database file by its thread, and closing removes the WAL', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'arco-checkpoint-'));
    try {
      const path = join(folder, 'arco.db');
      const results: CheckpointResult[] = [];
      const store = openSqliteStore({ path, backgroundCheckpoint: { intervalMs: 20, onCheckpoint: (r) => results.push(r) } });
      const ids = makeIds(7);
      for (let batch = 0; batch < 5; batch += 1) {
        const drafts = Array.from({ length: 200 }, (_, i) => requestedRun({ dag: { a: [] }, runKey: `k${batch}-${i}`, ids }).drafts).flat();
        await store.ledger.append(stampEvents(drafts, { ulid: ids.ulid, nowEpochMs: T0 + batch }));
      }
      const deadline = Date.now() + 10_000;
      while (!results.some((r) => r.walFrames > 0 && r.checkpointedFrames === r.walFrames) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      assert.ok(results.some((r) => r.walFrames > 0 && r.checkpointedFrames === r.walFrames), 'the thread checkpointed every frame of the WAL');
      await store.close();
      assert.equal(existsSync(`${path}-wal`), false, 'the WAL is folded in and removed on close');
      const reopened = openSqliteStore({ path });
      assert.equal(await reopened.ledger.lastSequence(), 1000);
      await reopened.close();
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
