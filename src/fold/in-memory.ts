/**
 * Folding without a store: applies events to an in-memory map of rows. Controllers use it to see
 * the state their own decisions lead to (e.g. "does this batch end the run?"), and tests use it as
 * the reference the stored fold must agree with.
 */
import type { StoredEvent } from '../events/index.js';
import { handlerFor, rowMatches, type ProjectionFamily } from './family.js';

export function foldInMemory<Row>(family: ProjectionFamily<Row>, rows: Map<string, Row>, events: Iterable<StoredEvent>): Map<string, Row> {
  for (const event of events) {
    const handler = handlerFor(family, event);
    if (!handler) continue;
    for (const match of handler.removes?.(event) ?? []) {
      for (const [id, row] of rows) if (rowMatches(family, id, row, match)) rows.delete(id);
    }
    for (const id of handler.ids(event)) rows.set(id, handler.apply(rows.get(id), event, id));
  }
  return rows;
}
