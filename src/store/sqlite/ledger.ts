/**
 * The ledger on SQLite: append through the idempotency gate and fold in the same transaction;
 * read back with schema validation. better-sqlite3 is synchronous, so a transaction here is never
 * interleaved with another in this process; BEGIN IMMEDIATE serialises writers across processes.
 */
import type Database from 'better-sqlite3';
import { parseStoredEvent, withSequence, type ArcoEvent, type StoredEvent, type StoredEventRow } from '../../events/index.js';
import type { AppendOptions, AppendResult, LeaderFence, LedgerStore, VersionExpectation } from '../contract.js';
import { PROJECTION_FAMILIES } from '../../fold/index.js';
import { SqliteFolder } from './folder.js';
import { checkVersion, fenced } from '../fence.js';

export const EVENT_COLUMNS = `sequence, event_id AS eventId, type, version, at, workspace, idempotency_key AS idempotencyKey,
  correlation_id AS correlationId, causation_id AS causationId, actor, payload`;

export class SqliteLedger implements LedgerStore {
  private readonly insert: Database.Statement;
  private readonly lastUsedSequence: Database.Statement;
  private readonly fenceToken: Database.Statement;
  private readonly versionOf: Readonly<Record<VersionExpectation['table'], Database.Statement>>;
  private readonly folder: SqliteFolder;
  private readonly appendTx: (events: readonly ArcoEvent[], options: AppendOptions) => AppendResult;

  constructor(private readonly db: Database.Database) {
    this.folder = new SqliteFolder(db);
    // The sequence is given, not drawn: an AUTOINCREMENT rowid drawn for a row that ON CONFLICT
    // then drops is used up, and the ledger had a gap for every duplicate (PostgreSQL has none).
    this.insert = db.prepare(
      `INSERT INTO ledger (sequence, event_id, type, version, at, workspace, idempotency_key, correlation_id, causation_id, actor, payload)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (workspace, idempotency_key) DO NOTHING`,
    );
    // The ledger is append-only, so the highest stored sequence is the last one used. (Not
    // sqlite_sequence: SQLite bumps it for a row that ON CONFLICT then drops.)
    this.lastUsedSequence = db.prepare('SELECT COALESCE(MAX(sequence), 0) FROM ledger').pluck();
    this.fenceToken = db.prepare('SELECT fencing_token FROM leases WHERE name = ?').pluck();
    this.versionOf = {
      runs: db.prepare('SELECT version FROM runs WHERE id = ?'),
      sensor_states: db.prepare('SELECT version FROM sensor_states WHERE id = ?'),
      backfills: db.prepare('SELECT version FROM backfills WHERE id = ?'),
    };
    const tx = db.transaction((events: readonly ArcoEvent[], options: AppendOptions) => this.appendInTx(events, options));
    this.appendTx = (events, options) => {
      try {
        return tx.immediate(events, options);
      } catch (error) {
        this.folder.reset();
        throw error;
      }
    };
  }

  /** See SqliteFolder.keptRow: lets reads of a row this connection just wrote skip parsing it. */
  keptRow(table: string, id: string, text: string): unknown {
    return this.folder.keptRow(table, id, text);
  }

  async append(events: readonly ArcoEvent[], options: AppendOptions = {}): Promise<AppendResult> {
    return this.appendTx(events, options);
  }

  private appendInTx(events: readonly ArcoEvent[], options: AppendOptions): AppendResult {
    // Inside BEGIN IMMEDIATE, so no other daemon can take the lease between this check and the commit.
    if (options.fence) this.checkFence(options.fence);
    for (const expectation of options.expect ?? []) this.check(expectation);
    const appended: StoredEvent[] = [];
    const duplicates: string[] = [];
    // Inside BEGIN IMMEDIATE: no other writer takes a sequence meanwhile.
    let sequence = this.lastUsed();
    for (const event of events) {
      const info = this.insert.run(
        sequence + 1,
        event.eventId,
        event.type,
        event.version,
        event.at,
        event.workspace,
        event.idempotencyKey,
        event.correlationId,
        event.causationId,
        event.actor ?? null,
        JSON.stringify(event.payload),
      );
      if (info.changes === 0) {
        duplicates.push(event.idempotencyKey);
        continue;
      }
      sequence += 1;
      const stored = withSequence(event, sequence);
      this.folder.apply(stored);
      appended.push(stored);
    }
    this.folder.flush();
    return { appended, duplicates };
  }

  private checkFence(fence: LeaderFence): void {
    const current = this.fenceToken.get(fence.lease) as number | undefined;
    if (current !== fence.token) throw fenced(fence, current);
  }

  private check(expectation: VersionExpectation): void {
    const row = this.versionOf[expectation.table].get(expectation.id) as { version: number } | undefined;
    checkVersion(expectation, row?.version ?? 0);
  }

  async readEvents(query: { afterSequence?: number; limit: number; correlationId?: string }): Promise<StoredEvent[]> {
    return this.read(query);
  }

  async lastSequence(): Promise<number> {
    return this.lastUsed();
  }

  private read(query: { afterSequence?: number; limit: number; correlationId?: string }): StoredEvent[] {
    const rows = (
      query.correlationId === undefined
        ? this.db.prepare(`SELECT ${EVENT_COLUMNS} FROM ledger WHERE sequence > ? ORDER BY sequence LIMIT ?`).all(query.afterSequence ?? 0, query.limit)
        : this.db
            .prepare(`SELECT ${EVENT_COLUMNS} FROM ledger WHERE correlation_id = ? AND sequence > ? ORDER BY sequence LIMIT ?`)
            .all(query.correlationId, query.afterSequence ?? 0, query.limit)
    ) as StoredEventRow[];
    return rows.map(parseStoredEvent);
  }

  private lastUsed(): number {
    return this.lastUsedSequence.get() as number;
  }

  /**
   * Replays every event into emptied projection tables; one transaction, batches of `pageSize`.
   * Synchronous, so the caller can hash the projections before any other call runs.
   */
  rebuild(onProgress?: (done: number, total: number) => void): number {
    const pageSize = 2000;
    const total = this.lastUsed();
    let done = 0;
    this.db
      .transaction(() => {
        for (const { table } of PROJECTION_FAMILIES) this.db.prepare(`DELETE FROM ${table}`).run();
        let after = 0;
        for (;;) {
          const page = this.read({ afterSequence: after, limit: pageSize });
          if (page.length === 0) break;
          for (const event of page) this.folder.apply(event);
          this.folder.flush();
          after = page[page.length - 1]?.sequence ?? after;
          done += page.length;
          onProgress?.(done, total);
        }
      })
      .immediate();
    return done;
  }
}
