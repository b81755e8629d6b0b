import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openSqliteStore } from '../../src/store/index.js';
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
  async cleanup() {
    rmSync(dir, { recursive: true, force: true });
  },
});
