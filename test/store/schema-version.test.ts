/**
 * Upgrades (PRD-26): opening a store applies the migrations it lacks and reports the schema version
 * before and after; a store migrated by a newer Arco Flow is refused with STORE_SCHEMA_NEWER and
 * left as it was, on both engines; `arco instance migrate` does the same as a command of its own.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openSqliteStore } from '../../src/store/index.js';
import { SQLITE_MIGRATIONS } from '../../src/store/sqlite/migrations.js';
import { POSTGRES_MIGRATIONS } from '../../src/store/postgres/migrations.js';
import { arco, arcoJson } from '../helpers/cli.js';
import { tempProject } from '../helpers/project.js';
import { freshSchema, postgresSkip } from '../helpers/postgres.js';
import { skippable } from '../helpers/skippable.js';
import { TWO_ASSETS } from '../helpers/server.js';

const NEWEST_SQLITE = Math.max(...SQLITE_MIGRATIONS.map((m) => m.version));
const NEWEST_POSTGRES = Math.max(...POSTGRES_MIGRATIONS.map((m) => m.version));
const { test: pgTest } = skippable(await postgresSkip());

describe('store schema versions', () => {
  test('SQLite: a new store is migrated from 0 to the newest version, an up-to-date one stays; one a newer build migrated is STORE_SCHEMA_NEWER and unchanged', async () => {
    const project = tempProject(TWO_ASSETS);
    const path = join(project.dir, 'arco.db');
    try {
      const fresh = openSqliteStore({ path });
      assert.deepEqual(fresh.schema, { before: 0, version: NEWEST_SQLITE });
      await fresh.close();
      const again = openSqliteStore({ path });
      assert.deepEqual(again.schema, { before: NEWEST_SQLITE, version: NEWEST_SQLITE });
      await again.close();

      const raw = new Database(path);
      raw.prepare('INSERT INTO schema_migrations (version) VALUES (?)').run(NEWEST_SQLITE + 1);
      raw.close();
      assert.throws(() => openSqliteStore({ path }), (e: { code: string; details: Record<string, unknown>; message: string }) => {
        assert.equal(e.code, 'STORE_SCHEMA_NEWER');
        assert.deepEqual([e.details['storeVersion'], e.details['buildVersion']], [NEWEST_SQLITE + 1, NEWEST_SQLITE]);
        assert.match(e.message, /upgrade arco-flow/);
        return true;
      });
      const after = new Database(path, { readonly: true });
      assert.equal((after.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number }).v, NEWEST_SQLITE + 1);
      after.close();
    } finally {
      project.remove();
    }
  });

  pgTest('PostgreSQL: a new schema is migrated from 0 to the newest version; one a newer build migrated is STORE_SCHEMA_NEWER and unchanged', async () => {
    const db = await freshSchema();
    try {
      const fresh = await db.open();
      assert.deepEqual(fresh.schema, { before: 0, version: NEWEST_POSTGRES });
      await fresh.close();
      await db.sql('INSERT INTO schema_migrations (version) VALUES ($1)', [NEWEST_POSTGRES + 1]);
      await assert.rejects(db.open(), (e: { code: string; details: Record<string, unknown> }) => {
        assert.equal(e.code, 'STORE_SCHEMA_NEWER');
        assert.deepEqual([e.details['storeVersion'], e.details['buildVersion']], [NEWEST_POSTGRES + 1, NEWEST_POSTGRES]);
        return true;
      });
      assert.deepEqual(await db.sql('SELECT MAX(version) AS v FROM schema_migrations'), [{ v: NEWEST_POSTGRES + 1 }]);
    } finally {
      await db.drop();
    }
  });

  test('arco instance migrate migrates a new store, then has nothing to do, and refuses a store from a newer build', () => {
    const project = tempProject(TWO_ASSETS);
    try {
      const first = arcoJson<{ before: number; version: number; migrated: boolean }>(['instance', 'migrate', '--project', project.dir]);
      assert.equal(first.status, 0, first.stderr);
      assert.deepEqual([first.body.before, first.body.version, first.body.migrated], [0, NEWEST_SQLITE, true]);
      const second = arco(['instance', 'migrate', '--project', project.dir]);
      assert.equal(second.status, 0, second.stderr);
      assert.match(second.stdout, new RegExp(`schema at version ${NEWEST_SQLITE}, nothing to migrate`));
      const raw = new Database(join(project.dir, '.arco', 'arco.db'));
      raw.prepare('INSERT INTO schema_migrations (version) VALUES (?)').run(NEWEST_SQLITE + 1);
      raw.close();
      const refused = arco(['instance', 'migrate', '--project', project.dir]);
      assert.notEqual(refused.status, 0);
      assert.match(refused.stderr, /STORE_SCHEMA_NEWER/);
    } finally {
      project.remove();
    }
  });
});
