/** The projection hash and rebuilding projections from the ledger on SQLite (see AdminStore). */
import type Database from 'better-sqlite3';
import { PROJECTION_FAMILIES } from '../../fold/index.js';
import type { AdminStore } from '../contract.js';
import { ProjectionHasher } from '../docs.js';
import type { SqliteLedger } from './ledger.js';

type DocRow = { id: string; doc: string };

export class SqliteAdmin implements AdminStore {
  constructor(
    private readonly db: Database.Database,
    private readonly ledger: SqliteLedger,
  ) {}

  async projectionHash(): Promise<string> {
    return this.hash();
  }

  /** The replay and the hash run synchronously, so no append lands between them. */
  async rebuildProjections(onProgress?: (done: number, total: number) => void): Promise<{ events: number; hash: string }> {
    const events = this.ledger.rebuild(onProgress);
    return { events, hash: this.hash() };
  }

  /** sha256 over every projection row in (family, id) order, documents in canonical JSON. */
  private hash(): string {
    const hasher = new ProjectionHasher();
    for (const { table } of PROJECTION_FAMILIES) {
      hasher.table(table);
      for (const row of this.db.prepare(`SELECT id, doc FROM ${table} ORDER BY id`).iterate() as Iterable<DocRow>) hasher.row(row.id, row.doc);
    }
    return hasher.digest();
  }
}
