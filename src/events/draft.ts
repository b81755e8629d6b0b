/**
 * Drafts and stamping. Decision code returns drafts (type, payload, idempotency key); the shell
 * stamps the envelope (eventId, time, workspace, version) right before the append, from its
 * injected clock and id factory.
 */
import { arcoError } from '../domain/errors/index.js';
import type { UlidFactory } from '../domain/ids/index.js';
import { DEFAULT_WORKSPACE, EVENT_SCHEMAS, EVENT_VERSION, type ArcoEvent, type EventType, type PayloadOf, type StoredEvent } from './catalog.js';

export type EventDraft = {
  [T in EventType]: {
    readonly type: T;
    readonly payload: PayloadOf<T>;
    readonly idempotencyKey: string;
    readonly correlationId: string | null;
    readonly causationId?: string | null;
  };
}[EventType];

export function draft<T extends EventType>(
  type: T,
  payload: PayloadOf<T>,
  idempotencyKey: string,
  correlationId: string | null,
): EventDraft {
  return { type, payload, idempotencyKey, correlationId } as EventDraft;
}

export interface StampContext {
  readonly ulid: UlidFactory;
  readonly nowEpochMs: number;
  readonly workspace?: string;
  /** Recorded on every event of the append (see EnvelopeFields.actor). */
  readonly actor?: string;
}

/**
 * The payload as its schema reads it back. An event that would not read back is never appended:
 * one bad payload in the ledger makes every later read and every rebuild fail (CORRUPT_EVENT).
 * @throws INTERNAL_ERROR naming the event type, its idempotency key and the offending field.
 */
function checkedPayload(d: EventDraft): PayloadOf<EventType> {
  const parsed = EVENT_SCHEMAS[d.type].safeParse(d.payload);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue?.path.join('.') ?? '';
  throw arcoError('INTERNAL_ERROR', `refused to append a ${d.type} event whose payload would not read back: field "${field}": ${issue?.message ?? 'invalid'}`, {
    type: d.type,
    idempotencyKey: d.idempotencyKey,
    field,
  });
}

export function stampEvents(drafts: readonly EventDraft[], ctx: StampContext): ArcoEvent[] {
  const at = new Date(ctx.nowEpochMs).toISOString();
  return drafts.map(
    (d) =>
      ({
        eventId: ctx.ulid(ctx.nowEpochMs),
        type: d.type,
        version: EVENT_VERSION,
        at,
        workspace: ctx.workspace ?? DEFAULT_WORKSPACE,
        idempotencyKey: d.idempotencyKey,
        correlationId: d.correlationId,
        causationId: d.causationId ?? null,
        ...(ctx.actor === undefined ? {} : { actor: ctx.actor }),
        payload: checkedPayload(d),
      }) as ArcoEvent,
  );
}

/**
 * An appended event with its ledger sequence. Built field by field: spreading the event and adding
 * a property is a slow path in V8, and every append builds one of these per event.
 */
export function withSequence(event: ArcoEvent, sequence: number): StoredEvent {
  return {
    sequence,
    eventId: event.eventId,
    type: event.type,
    version: event.version,
    at: event.at,
    workspace: event.workspace,
    idempotencyKey: event.idempotencyKey,
    correlationId: event.correlationId,
    causationId: event.causationId,
    ...(event.actor === undefined ? {} : { actor: event.actor }),
    payload: event.payload,
  } as StoredEvent;
}
