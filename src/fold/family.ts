/**
 * A projection family: one table of rows, each row a pure fold of the events that touch it.
 * The store engine owns the I/O (load the touched rows, apply, write the changed ones, all inside
 * the append transaction); the family owns only pure functions.
 *
 * Handlers are a mapped type over every event type, so adding an event type does not compile until
 * each family either handles it or says `IGNORE`.
 */
import type { z } from 'zod';
import { InvariantError } from '../domain/errors/index.js';
import { freezeJsonData } from '../domain/ids/index.js';
import type { EventType, StoredEvent } from '../events/index.js';

export const IGNORE = 'ignore' as const;

/**
 * Rows an event deletes: those whose every named column holds one of the listed values (`id`
 * names the row id). Columns are the family's own `columns` (or `id`), never caller text.
 */
export type RowMatch = Readonly<Record<string, readonly string[]>>;

type StoredOf<T extends EventType> = Extract<StoredEvent, { type: T }>;

export interface Handler<Row, E> {
  /** The ids of the rows this event changes. */
  readonly ids: (event: E) => readonly string[];
  /**
   * The row after the event; `row` is undefined when the row does not exist yet. The caller owns
   * `row` (freshly parsed from storage, or cloned) and hands it over: a handler may update it in
   * place and return it, unless its family is `immutable`. Handlers read nothing but the row and
   * the event, so the fold stays a pure function of the ledger; updating in place only spares a
   * copy of the row per event.
   */
  readonly apply: (row: Row | undefined, event: E, id: string) => Row;
  /** The ids are new by construction (e.g. a ledger sequence): the store need not look them up. */
  readonly creates?: true;
  /**
   * Rows the event deletes, before any row of `ids` is applied. Only an operator's explicit
   * forgetting (an asset wipe, a run deletion) deletes: the ledger keeps the events, so a replay
   * deletes the same rows again and the projections still equal a replay.
   */
  readonly removes?: (event: E) => readonly RowMatch[];
}

export type FamilyHandlers<Row> = { readonly [T in EventType]: Handler<Row, StoredOf<T>> | typeof IGNORE };

export type ColumnValue = string | number | null;

export interface ProjectionFamily<Row> {
  /** The table name; also the family's name in projection hashes. */
  readonly table: string;
  /** Parses a stored row document back; a failure is CORRUPT_PROJECTION. */
  readonly schema: z.ZodType<Row>;
  /** Queryable columns stored beside the document (the id column is `id`). */
  readonly columns: (row: Row) => Readonly<Record<string, ColumnValue>>;
  readonly handlers: FamilyHandlers<Row>;
  /**
   * Rows are updated by event after event over a long time (a run, a partition's latest state):
   * a store may keep them parsed between appends. Append-only families leave this off.
   */
  readonly hot?: true;
  /**
   * Handlers never change a row they are handed: they return a new row that shares whatever the
   * event did not touch. A store may then hand out the rows it keeps without copying them, frozen
   * so that a caller that tries to change one fails loudly instead of changing the kept row.
   */
  readonly immutable?: true;
  /** A row's stored document, which `schema` reads back to the same row; JSON.stringify when absent. */
  readonly encode?: (row: Row) => string;
}

/** The stored document of a row. */
export function encodeRow<Row>(family: ProjectionFamily<Row>, row: Row): string {
  return family.encode ? family.encode(row) : JSON.stringify(row);
}

/** A row as a store keeps it between batches: frozen when its family is immutable. */
export function rowToKeep<Row>(family: ProjectionFamily<Row>, row: Row): Row {
  return family.immutable ? freezeJsonData(row) : row;
}

/** A handler that only deletes rows (it changes none). */
export function removeOnly<Row, E>(removes: (event: E) => readonly RowMatch[]): Handler<Row, E> {
  return {
    ids: () => [],
    apply: () => {
      throw new InvariantError('a handler that only removes rows never to apply one', 'apply called');
    },
    removes,
  };
}

/** True when the row (with its id) is one `match` deletes. */
export function rowMatches<Row>(family: ProjectionFamily<Row>, id: string, row: Row, match: RowMatch): boolean {
  const columns = family.columns(row);
  return Object.entries(match).every(([column, values]) => {
    const value = column === 'id' ? id : columns[column];
    return typeof value === 'string' && values.includes(value);
  });
}

export function defineFamily<Row>(family: ProjectionFamily<Row>): ProjectionFamily<Row> {
  return family;
}

/** The handler of an event in a family, or undefined when the family ignores that type. */
export function handlerFor<Row>(family: ProjectionFamily<Row>, event: StoredEvent): Handler<Row, StoredEvent> | undefined {
  const handler = family.handlers[event.type] as Handler<Row, StoredEvent> | typeof IGNORE;
  return handler === IGNORE ? undefined : handler;
}
