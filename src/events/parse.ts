/**
 * Reading events back from storage. Every stored event is parsed against the catalog; an event
 * that fails its schema, has an unknown type or an unknown version is an error naming its sequence
 * number. Nothing is ever skipped silently: a fold over a corrupt ledger must stop, not guess.
 */
import { arcoError } from '../domain/errors/index.js';
import { EVENT_SCHEMAS, EVENT_VERSION, isEventType, type StoredEvent } from './catalog.js';

export interface StoredEventRow {
  readonly sequence: number;
  readonly eventId: string;
  readonly type: string;
  readonly version: number;
  readonly at: string;
  readonly workspace: string;
  readonly idempotencyKey: string;
  readonly correlationId: string | null;
  readonly causationId: string | null;
  readonly actor?: string | null;
  readonly payload: string;
}

/** @throws CORRUPT_EVENT (details: sequence, type, reason). */
export function parseStoredEvent(row: StoredEventRow): StoredEvent {
  const fail = (reason: string): never => {
    throw arcoError('CORRUPT_EVENT', `ledger event #${row.sequence} (${row.type}) cannot be read: ${reason}`, {
      sequence: row.sequence,
      type: row.type,
      reason,
    });
  };
  if (!isEventType(row.type)) return fail(`unknown event type "${row.type}"`);
  if (row.version !== EVENT_VERSION) return fail(`unknown version ${row.version}`);
  let raw: unknown;
  try {
    raw = JSON.parse(row.payload);
  } catch {
    return fail('payload is not JSON');
  }
  const parsed = EVENT_SCHEMAS[row.type].safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return fail(`payload field "${issue?.path.join('.') ?? ''}": ${issue?.message ?? 'invalid'}`);
  }
  return {
    sequence: row.sequence,
    eventId: row.eventId,
    type: row.type,
    version: row.version,
    at: row.at,
    workspace: row.workspace,
    idempotencyKey: row.idempotencyKey,
    correlationId: row.correlationId,
    causationId: row.causationId,
    ...(typeof row.actor === 'string' ? { actor: row.actor } : {}),
    payload: parsed.data,
  } as StoredEvent;
}
