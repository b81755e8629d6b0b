/**
 * Applies events to the projection tables inside the caller's transaction. Rows touched by a
 * batch are loaded once, folded in memory by the pure family handlers, and written once at the
 * end of the batch, so a batch of N events touching one run rewrites that run once.
 */
import type Database from 'better-sqlite3';
import { arcoError } from '../../domain/errors/index.js';
import type { StoredEvent } from '../../events/index.js';
import { handlerFor, PROJECTION_FAMILIES, type ProjectionFamily } from '../../fold/index.js';

interface FamilyStatements {
  readonly family: ProjectionFamily<unknown>;
  readonly load: Database.Statement;
  readonly save: Database.Statement;
  readonly columnNames: readonly string[];
}

export class SqliteFolder {
  private readonly families: readonly FamilyStatements[];
  private readonly cache = new Map<string, Map<string, unknown>>();
  private readonly dirty = new Map<string, Set<string>>();

  constructor(db: Database.Database) {
    this.families = PROJECTION_FAMILIES.map((family) => {
      const columnNames = columnNamesOf(db, family.table);
      const all = ['id', 'doc', ...columnNames];
      const updates = all.filter((c) => c !== 'id').map((c) => `${c} = excluded.${c}`);
      return {
        family,
        columnNames,
        load: db.prepare(`SELECT doc FROM ${family.table} WHERE id = ?`),
        save: db.prepare(
          `INSERT INTO ${family.table} (${all.join(', ')}) VALUES (${all.map((c) => `@${c}`).join(', ')}) ` +
            `ON CONFLICT (id) DO UPDATE SET ${updates.join(', ')}`,
        ),
      };
    });
  }

  apply(event: StoredEvent): void {
    for (const f of this.families) {
      const handler = handlerFor(f.family, event);
      if (!handler) continue;
      const rows = this.rowsOf(f.family.table);
      for (const id of handler.ids(event)) {
        const before = rows.has(id) || handler.creates ? rows.get(id) : this.load(f, id);
        rows.set(id, handler.apply(before, event, id));
        this.dirtyOf(f.family.table).add(id);
      }
    }
  }

  /** Writes every changed row and forgets the batch. Call inside the transaction. */
  flush(): void {
    for (const f of this.families) {
      const ids = this.dirty.get(f.family.table);
      if (!ids) continue;
      const rows = this.rowsOf(f.family.table);
      for (const id of ids) {
        const row = rows.get(id);
        const values: Record<string, unknown> = { id, doc: JSON.stringify(row) };
        const columns = f.family.columns(row);
        for (const name of f.columnNames) values[name] = columns[name] ?? null;
        f.save.run(values);
      }
    }
    this.reset();
  }

  /** Forgets cached rows without writing (the transaction is being rolled back). */
  reset(): void {
    this.cache.clear();
    this.dirty.clear();
  }

  private load(f: FamilyStatements, id: string): unknown {
    const found = f.load.get(id) as { doc: string } | undefined;
    return found === undefined ? undefined : parseDoc(f.family, id, found.doc);
  }

  private rowsOf(table: string): Map<string, unknown> {
    let rows = this.cache.get(table);
    if (!rows) this.cache.set(table, (rows = new Map()));
    return rows;
  }

  private dirtyOf(table: string): Set<string> {
    let ids = this.dirty.get(table);
    if (!ids) this.dirty.set(table, (ids = new Set()));
    return ids;
  }
}

/** @throws CORRUPT_PROJECTION naming the table and row. */
export function parseDoc<Row>(family: ProjectionFamily<Row>, id: string, doc: string): Row {
  let raw: unknown;
  try {
    raw = JSON.parse(doc);
  } catch {
    raw = undefined;
  }
  const parsed = family.schema.safeParse(raw);
  if (!parsed.success) {
    throw arcoError('CORRUPT_PROJECTION', `projection ${family.table} row "${id}" cannot be read; run "arco admin rebuild"`, {
      table: family.table,
      id,
    });
  }
  return parsed.data;
}

function columnNamesOf(db: Database.Database, table: string): string[] {
  const info = db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[];
  return info.map((c) => c.name).filter((n) => n !== 'id' && n !== 'doc');
}
