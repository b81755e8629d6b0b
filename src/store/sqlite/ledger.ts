/**
 * The ledger on SQLite: append through the idempotency gate and fold in the same transaction;
 * read back with schema validation. better-sqlite3 is synchronous, so a transaction here is never
 * interleaved with another in this process; BEGIN IMMEDIATE serialises writers across processes.
 */
import type Database from 'better-sqlite3';
import { arcoError } from '../../domain/errors/index.js';
import { parseStoredEvent, withSequence, type ArcoEvent, type StoredEvent, type StoredEventRow } from '../../events/index.js';
import type { AppendOptions, AppendResult, VersionExpectation } from '../contract.js';
import { PROJECTION_FAMILIES } from '../../fold/index.js';
import { SqliteFolder } from './folder.js';

export const EVENT_COLUMNS = `sequence, event_id AS eventId, type, version, at, workspace, idempotency_key AS idempotencyKey,
  correlation_id AS correlationId, causation_id AS causationId, payload`;

/** Ledger rows per multi-row INSERT (9 parameters each, far below SQLite's limit). */
const INSERT_CHUNK = 64;
const LEDGER_COLUMNS = 'sequence, event_id, type, version, at, workspace, idempotency_key, correlation_id, causation_id, payload';
const ROW_PLACEHOLDERS = '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)';
const ROW_WIDTH = 10;

export class SqliteLedger {
  private readonly insertOne: Database.Statement;
  private readonly insertChunk: Database.Statement;
  private readonly existingKeys: Database.Statement;
  private readonly lastUsedSequence: Database.Statement;
  private readonly versionOf: Readonly<Record<VersionExpectation['table'], Database.Statement>>;
  private readonly folder: SqliteFolder;
  private readonly appendTx: (events: readonly ArcoEvent[], options: AppendOptions) => AppendResult;

  constructor(private readonly db: Database.Database) {
    this.folder = new SqliteFolder(db);
    // Duplicates are found before inserting (below), so the inserts carry no ON CONFLICT clause:
    // a key that slipped past that check would fail the whole transaction, never be dropped silently.
    this.insertOne = db.prepare(`INSERT INTO ledger (${LEDGER_COLUMNS}) VALUES ${ROW_PLACEHOLDERS}`);
    this.insertChunk = db.prepare(`INSERT INTO ledger (${LEDGER_COLUMNS}) VALUES ${Array.from({ length: INSERT_CHUNK }, () => ROW_PLACEHOLDERS).join(', ')}`);
    this.existingKeys = db.prepare('SELECT idempotency_key AS key FROM ledger WHERE workspace = ? AND idempotency_key IN (SELECT value FROM json_each(?))').pluck();
    // AUTOINCREMENT's record of the highest sequence ever used (never reused, even after a delete).
    this.lastUsedSequence = db.prepare("SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'ledger'), 0), COALESCE((SELECT MAX(sequence) FROM ledger), 0))").pluck();
    this.versionOf = {
      runs: db.prepare('SELECT version FROM runs WHERE id = ?'),
      sensor_states: db.prepare('SELECT version FROM sensor_states WHERE id = ?'),
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

  append(events: readonly ArcoEvent[], options: AppendOptions = {}): AppendResult {
    return this.appendTx(events, options);
  }

  /**
   * Inside the write transaction (BEGIN IMMEDIATE), so no other writer can take a sequence or a
   * key meanwhile: the keys already stored are looked up once for the whole batch, the new events
   * get the next sequences in batch order, and the rows go in as multi-row INSERTs, which cost far
   * less per row than one statement per event.
   */
  private appendInTx(events: readonly ArcoEvent[], options: AppendOptions): AppendResult {
    for (const expectation of options.expect ?? []) this.check(expectation);
    const seen = this.storedKeys(events);
    const appended: StoredEvent[] = [];
    const duplicates: string[] = [];
    const values: unknown[] = [];
    let sequence = this.lastUsedSequence.get() as number;
    for (const event of events) {
      const keys = seen.get(event.workspace);
      // A key stored before, or earlier in this batch, is a duplicate (SEMANTICS §1).
      if (keys?.has(event.idempotencyKey)) {
        duplicates.push(event.idempotencyKey);
        continue;
      }
      if (keys) keys.add(event.idempotencyKey);
      else seen.set(event.workspace, new Set([event.idempotencyKey]));
      sequence += 1;
      values.push(
        sequence,
        event.eventId,
        event.type,
        event.version,
        event.at,
        event.workspace,
        event.idempotencyKey,
        event.correlationId,
        event.causationId,
        JSON.stringify(event.payload),
      );
      const stored = withSequence(event, sequence);
      this.folder.apply(stored);
      appended.push(stored);
    }
    let at = 0;
    for (; values.length - at >= INSERT_CHUNK * ROW_WIDTH; at += INSERT_CHUNK * ROW_WIDTH) this.insertChunk.run(values.slice(at, at + INSERT_CHUNK * ROW_WIDTH));
    for (; at < values.length; at += ROW_WIDTH) this.insertOne.run(values.slice(at, at + ROW_WIDTH));
    this.folder.flush();
    return { appended, duplicates };
  }

  /** The idempotency keys of `events` already in the ledger, by workspace. */
  private storedKeys(events: readonly ArcoEvent[]): Map<string, Set<string>> {
    const byWorkspace = new Map<string, string[]>();
    for (const event of events) {
      const keys = byWorkspace.get(event.workspace);
      if (keys) keys.push(event.idempotencyKey);
      else byWorkspace.set(event.workspace, [event.idempotencyKey]);
    }
    const stored = new Map<string, Set<string>>();
    for (const [workspace, keys] of byWorkspace) stored.set(workspace, new Set(this.existingKeys.all(workspace, JSON.stringify(keys)) as string[]));
    return stored;
  }

  private check(expectation: VersionExpectation): void {
    const row = this.versionOf[expectation.table].get(expectation.id) as { version: number } | undefined;
    const actual = row?.version ?? 0;
    if (actual !== expectation.version) {
      throw arcoError('CONCURRENT_MODIFICATION', `${expectation.table} "${expectation.id}" changed while deciding; retry`, {
        table: expectation.table,
        id: expectation.id,
        expectedVersion: expectation.version,
        actualVersion: actual,
      });
    }
  }

  read(query: { afterSequence?: number; limit: number; correlationId?: string }): StoredEvent[] {
    const rows = (
      query.correlationId === undefined
        ? this.db.prepare(`SELECT ${EVENT_COLUMNS} FROM ledger WHERE sequence > ? ORDER BY sequence LIMIT ?`).all(query.afterSequence ?? 0, query.limit)
        : this.db
            .prepare(`SELECT ${EVENT_COLUMNS} FROM ledger WHERE correlation_id = ? AND sequence > ? ORDER BY sequence LIMIT ?`)
            .all(query.correlationId, query.afterSequence ?? 0, query.limit)
    ) as StoredEventRow[];
    return rows.map(parseStoredEvent);
  }

  lastSequence(): number {
    const row = this.db.prepare('SELECT MAX(sequence) AS s FROM ledger').get() as { s: number | null };
    return row.s ?? 0;
  }

  /** Replays every event into emptied projection tables; one transaction, batches of `pageSize`. */
  rebuild(onProgress?: (done: number, total: number) => void): number {
    const pageSize = 2000;
    const total = this.lastSequence();
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
