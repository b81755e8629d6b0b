/**
 * Applies events to the projection tables inside the caller's transaction, with the same pure
 * family handlers, per-event-type dispatch and batch-level row cache as the SQLite folder. Every
 * statement costs a network round trip here, so a batch runs in three steps of one statement
 * each, whatever its size and however many families it touches:
 * 1. load: every row the batch touches, per family an `= ANY(...) FOR UPDATE` query, all of them
 *    in one statement (a handler's ids are a pure function of its event, so they are known before
 *    applying anything); for a batch that folds in one segment, the same statement as the ledger's
 *    checks and insert (prepareLoad);
 * 2. apply: every event in sequence order, in memory;
 * 3. write: per family, every changed row in one upsert, all of them in one statement (each a
 *    data-modifying WITH query; they touch different tables, so none sees another's rows).
 *
 * Rows of hot families this folder wrote are kept parsed with the exact text stored and the id of
 * the transaction that wrote them (xmin): a loaded row still as this folder wrote it is not even
 * sent (its xmin is unchanged) and the kept row is reused instead of parsed and validated again; a
 * row another process changed has another xmin and is parsed as usual. The ledger runs one fold at
 * a time per process (see ledger.ts), so the cache is never used by two batches at once.
 */
import type pg from 'pg';
import { InvariantError } from '../../domain/errors/index.js';
import { EVENT_TYPES, type StoredEvent } from '../../events/index.js';
import { encodeRow, IGNORE, PROJECTION_FAMILIES, rowToKeep, type Handler, type ProjectionFamily, type RowMatch } from '../../fold/index.js';
import { parseDoc } from './docs.js';
import { copyJsonData } from '../../domain/ids/index.js';

interface FamilyTable {
  readonly family: ProjectionFamily<unknown>;
  readonly columnNames: readonly string[];
  /**
   * The rows of ids `$n`, locked. A hot family's also takes `$n+1`, the transaction id that wrote
   * each row this folder keeps, and its document comes back NULL while the row is still that
   * write (nothing else changed it since): the folder has it parsed already.
   */
  readonly load: (n: number) => string;
  /** Parameters `load` takes: 1, or 2 for a hot family. */
  readonly loadParams: 1 | 2;
  /** The upsert of `rows` rows, its parameters from `$first` on: one per column, or one array per column. */
  readonly save: (first: number, rows: number) => string;
  /** SQL type of each column (and `id`), for the arrays a deletion binds. */
  readonly types: ReadonlyMap<string, string>;
}

interface Dispatch {
  readonly index: number;
  readonly handler: Handler<unknown, StoredEvent>;
}

/** A row a load read: its family's index, id, and stored text (NULL: still as this folder wrote it). */
export type LoadedRow = { readonly t: number; readonly id: string; readonly doc: string | null };

/** A batch's load, sent with the statement before the fold (prepareLoad): per family loading rows, its query. */
export type PreparedLoad = { readonly wanted: readonly Set<string>[]; readonly queries: readonly { readonly index: number; readonly query: string }[]; readonly params: readonly unknown[] };

/** Per family (by index): the rows touched by the batch and which of them changed. */
type Batch = { readonly rows: Map<string, unknown>; readonly dirty: Set<string> }[];

interface Kept {
  readonly text: string;
  readonly row: unknown;
  readonly xmin: string;
  /**
   * While the transaction `xmin` may still be open: the write it replaced, which readers on other
   * connections still see until it commits (see `keptWrite`).
   */
  readonly previous?: KeptVersion;
}

/** A row this folder wrote and the transaction that wrote it. */
export interface KeptVersion {
  readonly xmin: string;
  readonly row: unknown;
}

/** A loaded row that is still what this folder wrote (its document was not sent). */
const UNCHANGED = null;

/** Parsed rows kept between batches; enough for every run a busy daemon has in flight. */
const WRITTEN_ROWS_KEPT_MAX = 10_000;

/** Column names and SQL types of the projection tables, in table order, from the catalog. */
async function columnsOf(client: pg.ClientBase): Promise<Map<string, { name: string; type: string }[]>> {
  const { rows } = await client.query<{ table: string; name: string; type: string }>(
    `SELECT c.relname AS "table", a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type
     FROM unnest($1::text[]) AS t(name)
       JOIN pg_class c ON c.oid = to_regclass(t.name)
       JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
     ORDER BY c.relname, a.attnum`,
    [PROJECTION_FAMILIES.map((f) => f.table)],
  );
  const out = new Map<string, { name: string; type: string }[]>();
  for (const row of rows) out.set(row.table, [...(out.get(row.table) ?? []), { name: row.name, type: row.type }]);
  return out;
}

function tableOf(family: ProjectionFamily<unknown>, columns: readonly { name: string; type: string }[] = []): FamilyTable {
  const id = columns.find((c) => c.name === 'id');
  const doc = columns.find((c) => c.name === 'doc');
  if (id === undefined || doc === undefined) {
    throw new InvariantError(`a migrated table ${family.table} with id and doc columns`, JSON.stringify(columns));
  }
  const all = [id, doc, ...columns.filter((c) => c !== id && c !== doc)];
  const names = all.map((c) => c.name);
  const updates = names.filter((n) => n !== 'id').map((n) => `${n} = excluded.${n}`);
  return {
    family,
    types: new Map(all.map((c) => [c.name, c.type])),
    columnNames: names.slice(2),
    load: family.hot
      ? (n) =>
          `SELECT t.id::text AS id, CASE WHEN t.xmin::text = k.x THEN NULL ELSE t.doc END AS doc ` +
          `FROM ${family.table} t JOIN unnest($${n}::${id.type}[], $${n + 1}::text[]) AS k(id, x) ON t.id = k.id FOR UPDATE OF t`
      : (n) => `SELECT id::text AS id, doc FROM ${family.table} WHERE id = ANY($${n}::${id.type}[]) FOR UPDATE`,
    loadParams: family.hot ? 2 : 1,
    // One row: a parameter per column. Several: zipped arrays, one per column. A document in an
    // array parameter is escaped character by character on the way (a run's is tens of KB).
    save: (first, rows) =>
      `INSERT INTO ${family.table} (${names.join(', ')}) ` +
      (rows === 1 ? `VALUES (${all.map((c, i) => `$${first + i}::${c.type}`).join(', ')})` : `SELECT * FROM unnest(${all.map((c, i) => `$${first + i}::${c.type}[]`).join(', ')})`) +
      ` ON CONFLICT (id) DO UPDATE SET ${updates.join(', ')}`,
  };
}

export class PostgresFolder {
  /**
   * `table\u0000id` -> the text last written, the row it encodes (owned by this folder), and the
   * id of the transaction that wrote it (its `xmin`): while the stored row still has that xmin,
   * it is this write, committed, and nobody changed it since (another write has another xmin, and
   * a write that never committed is never seen).
   */
  private readonly written = new Map<string, Kept>();
  /** Keys of `written` that hold a `previous`: dropped when the next fold begins, its write over. */
  private readonly withPrevious = new Set<string>();
  /** Per event type, the families that handle it: most events concern one or two families. */
  private readonly byType = new Map<string, readonly Dispatch[]>();
  /** Event types some family deletes rows for (wipes, run deletions): only these split a batch. */
  private readonly removing = new Set<string>();

  private constructor(private readonly tables: readonly FamilyTable[]) {
    for (const type of EVENT_TYPES) {
      const handling = tables.flatMap((t, index) => {
        const handler = t.family.handlers[type] as Handler<unknown, StoredEvent> | typeof IGNORE;
        return handler === IGNORE ? [] : [{ index, handler }];
      });
      this.byType.set(type, handling);
      if (handling.some(({ handler }) => handler.removes !== undefined)) this.removing.add(type);
    }
  }

  /** Reads the projection tables' columns (the schema is the source of truth, as on SQLite). */
  static async create(client: pg.ClientBase): Promise<PostgresFolder> {
    const columns = await columnsOf(client);
    return new PostgresFolder(PROJECTION_FAMILIES.map((family) => tableOf(family, columns.get(family.table))));
  }

  /**
   * Folds `events`, in sequence order, into the projections. Call inside the transaction. An event
   * that deletes rows (an asset wipe, a run deletion) starts a segment of its own: what came
   * before it is written first, so its DELETE sees every row the batch made so far.
   */
  async fold(client: pg.ClientBase, events: readonly StoredEvent[]): Promise<void> {
    this.settle();
    let start = 0;
    for (let i = 1; i <= events.length; i += 1) {
      const next = events[i];
      if (next !== undefined && (!this.removing.has(next.type) || this.removals(next).length === 0)) continue;
      await this.foldSegment(client, start === 0 && i === events.length ? events : events.slice(start, i));
      start = i;
    }
  }

  /** What the event deletes, per family (by index). */
  private removals(event: StoredEvent): { index: number; match: RowMatch }[] {
    return (this.byType.get(event.type) ?? []).flatMap(({ index, handler }) => (handler.removes?.(event) ?? []).map((match) => ({ index, match })));
  }

  private async remove(client: pg.ClientBase, event: StoredEvent): Promise<void> {
    if (!this.removing.has(event.type)) return;
    for (const { index, match } of this.removals(event)) {
      const table = this.tables[index] as FamilyTable;
      const columns = Object.keys(match);
      const where = columns.map((c, i) => `${c} = ANY($${i + 1}::${table.types.get(c) ?? 'text'}[])`).join(' AND ');
      await client.query(`DELETE FROM ${table.family.table} WHERE ${where}`, columns.map((c) => match[c]));
    }
  }

  /**
   * The load of a batch of `events`, sent in the statement that appends them (ledger.ts): each
   * family's locking read (rows `id`, `doc`), parameters from `$first`. Undefined when it loads
   * nothing or deletes rows (its fold goes in segments). The events need no sequence: handlers
   * whose ids depend on it create their rows, which are never loaded.
   */
  prepareLoad(events: readonly StoredEvent[], first: number): PreparedLoad | undefined {
    if (events.some((e) => this.removing.has(e.type))) return undefined;
    this.settle();
    const wanted = this.wantedIds(events);
    const plan = this.loadPlan(wanted, first);
    return plan && { wanted, ...plan };
  }

  /**
   * fold, for a batch whose rows `prepared` loaded (`rows`). The appended events are the prepared
   * ones less duplicates; should they touch a row not loaded, the batch is folded as usual.
   */
  async foldLoaded(client: pg.ClientBase, events: readonly StoredEvent[], prepared: PreparedLoad, rows: readonly LoadedRow[]): Promise<void> {
    const wanted = this.wantedIds(events);
    if (wanted.some((ids, index) => [...ids].some((id) => !prepared.wanted[index]?.has(id)))) return this.fold(client, events);
    await this.foldSegment(client, events, this.loaded(rows));
  }

  private async foldSegment(client: pg.ClientBase, events: readonly StoredEvent[], preloaded?: Map<string, string | typeof UNCHANGED>[]): Promise<void> {
    const first = events[0];
    if (first === undefined) return;
    await this.remove(client, first);
    const batch: Batch = this.tables.map(() => ({ rows: new Map<string, unknown>(), dirty: new Set<string>() }));
    try {
      const stored = preloaded ?? (await this.load(client, events));
      for (const event of events) {
        for (const { index, handler } of this.byType.get(event.type) ?? []) {
          const { rows, dirty } = batch[index] as Batch[number];
          for (const id of handler.ids(event)) {
            const before = rows.has(id) || handler.creates ? rows.get(id) : this.parse(index, id, stored[index]?.get(id));
            rows.set(id, handler.apply(before, event, id));
            dirty.add(id);
          }
        }
      }
      await this.save(client, batch);
    } catch (error) {
      this.forget(batch);
      throw error;
    }
  }

  /**
   * The stored text of every existing row the batch touches (rows created by the batch excluded),
   * or UNCHANGED for a row still as this folder wrote it.
   */
  private async load(client: pg.ClientBase, events: readonly StoredEvent[]): Promise<Map<string, string | typeof UNCHANGED>[]> {
    const out: Map<string, string | typeof UNCHANGED>[] = this.tables.map(() => new Map<string, string | typeof UNCHANGED>());
    const plan = this.loadPlan(this.wantedIds(events), 1);
    if (plan === undefined) return out;
    const { queries, params } = plan;
    const [only] = queries;
    if (queries.length === 1 && only !== undefined) {
      const { rows } = await client.query<{ id: string; doc: string | null }>(only.query, params);
      for (const row of rows) out[only.index]?.set(row.id, row.doc);
      return out;
    }
    // Each family's locking read as a WITH query (FOR UPDATE is not allowed beside UNION).
    const sql = `WITH ${queries.map(({ index, query }) => `l${index} AS (${query})`).join(', ')} ` + queries.map(({ index }) => `SELECT ${index} AS t, id, doc FROM l${index}`).join(' UNION ALL ');
    const { rows } = await client.query<LoadedRow>(sql, params);
    return this.loaded(rows);
  }

  /** The ids of the existing rows `events` touch, per family (rows the batch creates excluded). */
  private wantedIds(events: readonly StoredEvent[]): Set<string>[] {
    const wanted = this.tables.map(() => new Set<string>());
    for (const event of events) {
      for (const { index, handler } of this.byType.get(event.type) ?? []) {
        if (!handler.creates) for (const id of handler.ids(event)) wanted[index]?.add(id);
      }
    }
    return wanted;
  }

  /** Each family's locking read of the `wanted` rows, parameters from `$first` on; undefined when none is wanted. */
  private loadPlan(wanted: readonly Set<string>[], first: number): { queries: { index: number; query: string }[]; params: unknown[] } | undefined {
    const loading = [...this.tables.entries()].filter(([index]) => (wanted[index] as Set<string>).size > 0);
    if (loading.length === 0) return undefined;
    const params: unknown[] = [];
    const queries = loading.map(([index, table]) => {
      const ids = [...(wanted[index] as Set<string>)];
      const query = table.load(first + params.length);
      params.push(ids);
      if (table.loadParams === 2) params.push(ids.map((id) => this.written.get(`${table.family.table}\u0000${id}`)?.xmin ?? ''));
      return { index, query };
    });
    return { queries, params };
  }

  /** Loaded rows by family: the stored text, or UNCHANGED (NULL) for a row still as this folder wrote it. */
  private loaded(rows: readonly LoadedRow[]): Map<string, string | typeof UNCHANGED>[] {
    const out: Map<string, string | typeof UNCHANGED>[] = this.tables.map(() => new Map<string, string | typeof UNCHANGED>());
    for (const row of rows) out[row.t]?.set(row.id, row.doc);
    return out;
  }

  private parse(index: number, id: string, text: string | typeof UNCHANGED | undefined): unknown {
    if (text === undefined) return undefined;
    const family = (this.tables[index] as FamilyTable).family;
    const key = `${family.table}\u0000${id}`;
    const kept = this.written.get(key);
    // One fold at a time (see the header): a row found unchanged is still kept when it is parsed.
    if (text === UNCHANGED && kept === undefined) throw new InvariantError(`the kept row ${key} of a row loaded as unchanged`, 'none');
    if (kept === undefined || (text !== UNCHANGED && kept.text !== text)) return parseDoc(family, id, text as string);
    // The batch updates its row in place while its transaction is open, and reads on other pooled
    // connections run meanwhile, still seeing `text`: they are served the kept row, so the batch
    // gets a copy (cheaper than the document those readers would otherwise be sent and parse).
    // An immutable family's handlers leave the row as it is.
    return family.immutable ? kept.row : copyJsonData(kept.row);
  }

  /**
   * The row this folder last wrote for `table`/`id`, when `text` is still what it wrote (owned by
   * this folder: a caller copies it before handing it out, unless its family is immutable and
   * the row frozen), else undefined. A reader gets `text` from the committed state: the kept row
   * of a batch not yet committed has the batch's text, so it never stands for what an earlier
   * commit stored.
   */
  keptRow(table: string, id: string, text: string): unknown {
    const kept = this.written.get(`${table}\u0000${id}`);
    return kept !== undefined && kept.text === text ? kept.row : undefined;
  }

  /**
   * The row this folder last wrote for `table`/`id` and the id of the transaction that wrote it,
   * for a reader that asks for the document only when the stored row has another xmin (see
   * `written`). Owned by this folder, as keptRow's.
   */
  keptWrite(table: string, id: string): readonly KeptVersion[] {
    const kept = this.written.get(`${table}\u0000${id}`);
    if (kept === undefined) return [];
    return kept.previous === undefined ? [kept] : [kept, kept.previous];
  }

  /** The last fold's transaction has ended: the writes it replaced are no one's to read now. */
  private settle(): void {
    for (const key of this.withPrevious) {
      const kept = this.written.get(key);
      if (kept !== undefined) this.written.set(key, { text: kept.text, row: kept.row, xmin: kept.xmin });
    }
    this.withPrevious.clear();
  }

  private async save(client: pg.ClientBase, batch: Batch): Promise<void> {
    const upserts: string[] = [];
    const params: unknown[] = [];
    const kept: { table: FamilyTable; rows: Map<string, unknown>; ids: string[]; texts: string[] }[] = [];
    for (const [index, table] of this.tables.entries()) {
      const { rows, dirty } = batch[index] as Batch[number];
      if (dirty.size === 0) continue;
      const columns: unknown[][] = [[], [], ...table.columnNames.map(() => [])];
      const texts: string[] = [];
      for (const id of dirty) {
        const row = rows.get(id);
        const values = table.family.columns(row);
        const text = encodeRow(table.family, row);
        texts.push(text);
        columns[0]?.push(id);
        columns[1]?.push(text);
        table.columnNames.forEach((name, i) => columns[i + 2]?.push(values[name] ?? null));
      }
      upserts.push(table.save(params.length + 1, dirty.size));
      params.push(...(dirty.size === 1 ? columns.map((c) => c[0]) : columns));
      kept.push({ table, rows, ids: [...dirty], texts });
    }
    if (upserts.length === 0) return;
    // Every row this transaction writes has its id as xmin: kept with the rows (see `written`).
    const { rows: written } = await client.query<{ x: string }>(`WITH ${upserts.map((u, i) => `w${i} AS (${u} RETURNING xmin::text AS x)`).join(', ')} SELECT x FROM w0 LIMIT 1`, params);
    const xmin = written[0]?.x;
    if (xmin === undefined) throw new InvariantError('the transaction id of an upsert', 'no row returned');
    for (const { table, rows, ids, texts } of kept) {
      if (table.family.hot) ids.forEach((id, i) => this.remember(`${table.family.table}\u0000${id}`, { text: texts[i] as string, row: rowToKeep(table.family, rows.get(id)), xmin }));
    }
  }

  /** The batch is being rolled back: its rows may have been updated in place, so kept copies are stale. */
  private forget(batch: Batch): void {
    for (const [index, table] of this.tables.entries()) {
      if (!table.family.hot) continue;
      for (const id of (batch[index] as Batch[number]).rows.keys()) {
        this.written.delete(`${table.family.table}\u0000${id}`);
        this.withPrevious.delete(`${table.family.table}\u0000${id}`);
      }
    }
  }

  private remember(key: string, write: Kept): void {
    const old = this.written.get(key);
    // Committed, or not yet: either way what readers see until this write commits (a second
    // segment of one transaction keeps the first's `previous`).
    const previous = old === undefined ? undefined : old.xmin === write.xmin ? old.previous : { xmin: old.xmin, row: old.row };
    const kept = previous === undefined ? write : { ...write, previous };
    if (previous !== undefined) this.withPrevious.add(key);
    this.written.delete(key);
    this.written.set(key, kept);
    if (this.written.size > WRITTEN_ROWS_KEPT_MAX) {
      const oldest = this.written.keys().next().value;
      if (oldest !== undefined) {
        this.written.delete(oldest);
        this.withPrevious.delete(oldest);
      }
    }
  }
}
