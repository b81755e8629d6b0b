/**
 * The API token store on both engines: what access control relies on. A name is unique among valid
 * tokens only, revoking is by id or name and is final, the secret's hash is what is kept, and a
 * second process sees a token (or its revocation) at once, because the running server and the
 * `arco token` command are different processes sharing the store.
 */
import { describe, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isArcoError } from '../../src/domain/errors/index.js';
import { openSqliteStore, type Store } from '../../src/store/index.js';
import { freshSchema, postgresSkip, type TestSchema } from '../helpers/postgres.js';
import { skippable } from '../helpers/skippable.js';

interface Harness {
  readonly name: string;
  readonly skip: string | false;
  open(): Promise<{ store: Store; another: () => Promise<Store>; cleanup: () => Promise<void> }>;
}

const sqlite: Harness = {
  name: 'SQLite',
  skip: false,
  async open() {
    const dir = mkdtempSync(join(tmpdir(), 'arco-tokens-'));
    const path = join(dir, 'arco.db');
    return { store: openSqliteStore({ path }), another: async () => openSqliteStore({ path }), cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
  },
};

const postgres: Harness = {
  name: 'PostgreSQL',
  skip: await postgresSkip(),
  async open() {
    const schema: TestSchema = await freshSchema();
    return { store: await schema.open(), another: () => schema.open(), cleanup: () => schema.drop() };
  },
};

const token = (id: string, name: string, role: 'viewer' | 'operator' | 'admin' = 'viewer') => ({ id, name, role, secretSha256: `hash-of-${id}`, createdAt: `2026-01-01T00:00:0${id.length % 10}Z`, revokedAt: null, createdBy: 'local', revokedBy: null });

for (const engine of [sqlite, postgres]) {
  const { test } = skippable(engine.skip);
  describe(`${engine.name} token store`, () => {
    let store: Store;
    let others: Store[] = [];
    let cleanup: () => Promise<void>;
    let another: () => Promise<Store>;
    beforeEach(async () => {
      if (engine.skip) return;
      ({ store, another, cleanup } = await engine.open());
      others = [];
    });
    afterEach(async () => {
      if (engine.skip) return;
      for (const other of others) await other.close();
      await store.close();
      await cleanup();
    });

    test('an empty store has no valid token; creating one turns access control on for another process too', async () => {
      assert.equal(await store.tokens.hasValidTokens(), false);
      const other = await another();
      others.push(other);
      await store.tokens.createToken(token('a1', 'ci', 'operator'));
      assert.equal(await other.tokens.hasValidTokens(), true);
      assert.deepEqual(await other.tokens.findToken('a1'), { id: 'a1', name: 'ci', role: 'operator', createdAt: '2026-01-01T00:00:02Z', revokedAt: null, createdBy: 'local', revokedBy: null, secretSha256: 'hash-of-a1' });
      assert.equal(await other.tokens.findToken('nope'), undefined);
    });

    test('a name taken by a valid token is TOKEN_NAME_TAKEN and stores nothing; once revoked the name can be reused', async () => {
      await store.tokens.createToken(token('a1', 'ci'));
      await assert.rejects(store.tokens.createToken(token('b22', 'ci')), (e) => isArcoError(e) && e.code === 'TOKEN_NAME_TAKEN');
      assert.deepEqual((await store.tokens.listTokens()).map((t) => t.id), ['a1']);
      await store.tokens.revokeToken('ci', '2026-01-02T00:00:00Z', 'local');
      await store.tokens.createToken(token('b22', 'ci'));
      assert.deepEqual((await store.tokens.listTokens()).map((t) => [t.id, t.name, t.revokedAt]), [['a1', 'ci', '2026-01-02T00:00:00Z'], ['b22', 'ci', null]]);
    });

    test('a token a process found valid, and may trust from memory, is seen revoked by it soon after another process revokes it', async () => {
      await store.tokens.createToken(token('a1', 'ci'));
      assert.equal((await store.tokens.findToken('a1'))?.revokedAt, null);
      assert.equal((await store.tokens.findToken('a1'))?.revokedAt, null, 'found again');
      const other = await another();
      others.push(other);
      await other.tokens.revokeToken('a1', '2026-01-02T00:00:00Z', 'admin-1');
      // On PostgreSQL the revocation reaches the first process as a signal: well within its cache's 5 s.
      const deadline = Date.now() + 2_000;
      while ((await store.tokens.findToken('a1'))?.revokedAt === null) {
        assert.ok(Date.now() < deadline, 'the revocation is seen within 2 s');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    });

    test('revoking by id or by name is final and seen by another process; revoking again keeps the first time', async () => {
      await store.tokens.createToken(token('a1', 'ci'));
      await store.tokens.createToken(token('b22', 'reader'));
      const other = await another();
      others.push(other);
      assert.equal((await other.tokens.revokeToken('a1', '2026-01-02T00:00:00Z', 'admin-1'))?.revokedAt, '2026-01-02T00:00:00Z');
      assert.equal((await store.tokens.revokeToken('reader', '2026-01-03T00:00:00Z', 'local'))?.id, 'b22');
      assert.deepEqual(
        await store.tokens.revokeToken('a1', '2026-01-09T00:00:00Z', 'admin-2').then((t) => [t?.revokedAt, t?.revokedBy]),
        ['2026-01-02T00:00:00Z', 'admin-1'],
        'the first revocation and who made it are kept',
      );
      assert.equal(await store.tokens.revokeToken('nobody', '2026-01-09T00:00:00Z', 'local'), undefined);
      assert.equal(await other.tokens.hasValidTokens(), false);
      assert.equal((await store.tokens.findToken('a1'))?.revokedAt, '2026-01-02T00:00:00Z');
    });
  });
}
