/**
 * Applies events to the projection tables inside the caller's transaction. Rows touched by a
 * batch are loaded once, folded in memory by the pure family handlers, and written once at the
 * end of the batch, so a batch of N events touching one run rewrites that run once.
 *
 * Rows this folder wrote recently are kept parsed, with the exact text it stored. A load whose
 * stored text is still that text reuses the parsed row instead of parsing and validating it again
 * (validation dominated the fold's cost); any other text, such as a row another process changed,
 * is parsed and validated as usual.
 */
import type Database from 'better-sqlite3';
import type { StoredEvent } from '../../events/index.js';
import { EVENT_TYPES } from '../../events/index.js';
import { encodeRow, IGNORE, PROJECTION_FAMILIES, rowToKeep, type Handler, type ProjectionFamily, type RowMatch } from '../../fold/index.js';
import { parseDoc } from '../docs.js';

interface FamilyStatements {
  readonly family: ProjectionFamily<unknown>;
  readonly load: Database.Statement;
  readonly save: Database.Statement;
  /** The same upsert for SAVE_CHUNK rows at once. */
  readonly saveChunk: Database.Statement;
  readonly columnNames: readonly string[];
  /** Rows of this family touched by the current batch, and which of them changed. */
  readonly rows: Map<string, unknown>;
  readonly dirty: Set<string>;
  /** Rows of the batch that already existed in storage (the ones worth keeping parsed). */
  readonly existed: Set<string>;
}

/**
 * Rows written per multi-row upsert: one statement for many rows costs far less per row than one
 * statement per row, and 64 rows of even the widest table stay far below SQLite's parameter limit.
 */
const SAVE_CHUNK = 64;

/** Parsed rows kept between batches; enough for every run a busy daemon has in flight. */
const WRITTEN_ROWS_KEPT_MAX = 10_000;

export class SqliteFolder {
  /** `table\u0000id` -> the text last written and the row it encodes (owned by this folder). */
  private readonly written = new Map<string, { text: string; row: unknown }>();
  private readonly families: readonly FamilyStatements[];
  /** Per event type, the families that handle it: most events concern one or two families. */
  private readonly byType = new Map<string, { f: FamilyStatements; handler: Handler<unknown, StoredEvent> }[]>();

  constructor(private readonly db: Database.Database) {
    this.families = PROJECTION_FAMILIES.map((family) => {
      const columnNames = columnNamesOf(db, family.table);
      const all = ['id', 'doc', ...columnNames];
      const updates = all.filter((c) => c !== 'id').map((c) => `${c} = excluded.${c}`);
      const upsert = (rows: number) =>
        db.prepare(
          `INSERT INTO ${family.table} (${all.join(', ')}) VALUES ${Array.from({ length: rows }, () => `(${all.map(() => '?').join(', ')})`).join(', ')} ` +
            `ON CONFLICT (id) DO UPDATE SET ${updates.join(', ')}`,
        );
      return {
        family,
        columnNames,
        load: db.prepare(`SELECT doc FROM ${family.table} WHERE id = ?`),
        save: upsert(1),
        saveChunk: upsert(SAVE_CHUNK),
        rows: new Map<string, unknown>(),
        dirty: new Set<string>(),
        existed: new Set<string>(),
      };
    });
    for (const type of EVENT_TYPES) {
      const handling = this.families.flatMap((f) => {
        const handler = f.family.handlers[type] as Handler<unknown, StoredEvent> | typeof IGNORE;
        return handler === IGNORE ? [] : [{ f, handler }];
      });
      this.byType.set(type, handling);
    }
  }

  apply(event: StoredEvent): void {
    for (const { f, handler } of this.byType.get(event.type) ?? []) {
      if (handler.removes) this.remove(f, handler.removes(event));
      for (const id of handler.ids(event)) {
        const before = f.rows.has(id) || handler.creates ? f.rows.get(id) : this.load(f, id);
        if (before !== undefined && !f.rows.has(id)) f.existed.add(id);
        f.rows.set(id, handler.apply(before, event, id));
        f.dirty.add(id);
      }
    }
  }

  /** Writes every changed row and forgets the batch. Call inside the transaction. */
  flush(): void {
    for (const f of this.families) {
      if (f.dirty.size === 0) continue;
      const width = 2 + f.columnNames.length;
      // Positional parameters, many rows per statement: binding arrays is cheaper than binding
      // named parameters, and one statement per chunk cheaper than one per row.
      const values: unknown[] = [];
      for (const id of f.dirty) {
        const row = f.rows.get(id);
        const columns = f.family.columns(row);
        const text = encodeRow(f.family, row);
        values.push(id, text);
        for (const name of f.columnNames) values.push(columns[name] ?? null);
        // Only rows that outlived a batch are kept: a row created now (a run just requested) may
        // never be touched again, and keeping every new row only fed the garbage collector.
        if (f.family.hot && f.existed.has(id)) this.remember(`${f.family.table}\u0000${id}`, text, rowToKeep(f.family, row));
      }
      let at = 0;
      for (; values.length - at >= SAVE_CHUNK * width; at += SAVE_CHUNK * width) f.saveChunk.run(values.slice(at, at + SAVE_CHUNK * width));
      for (; at < values.length; at += width) f.save.run(values.slice(at, at + width));
    }
    for (const f of this.families) {
      f.rows.clear();
      f.dirty.clear();
      f.existed.clear();
    }
  }

  /**
   * Deletes the matching rows. The batch so far is written first, so the rows it created or
   * changed are deleted by the same statement as the stored ones. Deletions are rare (an
   * operator's wipe or run deletion), so the extra write costs nothing that matters. Kept parsed
   * rows need no care: a kept row is used only when the stored text is still its text.
   */
  private remove(f: FamilyStatements, removals: readonly RowMatch[]): void {
    if (removals.length === 0) return;
    this.flush();
    for (const match of removals) {
      const columns = Object.keys(match);
      // A JSON array per column: one parameter however many values (SQLite limits parameters).
      const where = columns.map((c) => `${c} IN (SELECT value FROM json_each(?))`).join(' AND ');
      this.db.prepare(`DELETE FROM ${f.family.table} WHERE ${where}`).run(...columns.map((c) => JSON.stringify(match[c])));
    }
  }

  /** Forgets the batch without writing (the transaction is being rolled back). */
  reset(): void {
    for (const f of this.families) {
      // Rows of this batch may have been updated in place: their kept copies are no longer what is stored.
      if (f.family.hot) for (const id of f.rows.keys()) this.written.delete(`${f.family.table}\u0000${id}`);
      f.rows.clear();
      f.dirty.clear();
      f.existed.clear();
    }
  }

  /**
   * The row this folder last wrote for `table`/`id`, when `text` is still what it wrote (owned by
   * this folder: a caller copies it before handing it out, unless its family is immutable and the
   * row frozen), else undefined.
   */
  keptRow(table: string, id: string, text: string): unknown {
    const kept = this.written.get(`${table}\u0000${id}`);
    return kept !== undefined && kept.text === text ? kept.row : undefined;
  }

  private load(f: FamilyStatements, id: string): unknown {
    const found = f.load.get(id) as { doc: string } | undefined;
    if (found === undefined) return undefined;
    const kept = this.written.get(`${f.family.table}\u0000${id}`);
    return kept !== undefined && kept.text === found.doc ? kept.row : parseDoc(f.family, id, found.doc);
  }

  private remember(key: string, text: string, row: unknown): void {
    this.written.delete(key);
    this.written.set(key, { text, row });
    if (this.written.size > WRITTEN_ROWS_KEPT_MAX) {
      const oldest = this.written.keys().next().value;
      if (oldest !== undefined) this.written.delete(oldest);
    }
  }
}

function columnNamesOf(db: Database.Database, table: string): string[] {
  const info = db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[];
  return info.map((c) => c.name).filter((n) => n !== 'id' && n !== 'doc');
}
