/**
 * The event catalog: one payload schema per event type. Type names and payload fields are storage
 * names, frozen once released; a change is a new `version` with an upcaster in `parse.ts`.
 */
import { z } from 'zod';
import { runEventSchemas } from './run-events.js';
import { taskEventSchemas } from './task-events.js';
import { automationEventSchemas } from './automation-events.js';
import { backfillEventSchemas } from './backfill-events.js';
import { assetEventSchemas } from './asset-events.js';

export const EVENT_SCHEMAS = {
  ...runEventSchemas,
  ...taskEventSchemas,
  ...automationEventSchemas,
  ...backfillEventSchemas,
  ...assetEventSchemas,
} as const;

export type EventType = keyof typeof EVENT_SCHEMAS;
export const EVENT_TYPES = Object.keys(EVENT_SCHEMAS) as EventType[];
export type PayloadOf<T extends EventType> = z.infer<(typeof EVENT_SCHEMAS)[T]>;

export function isEventType(value: string): value is EventType {
  return Object.hasOwn(EVENT_SCHEMAS, value);
}

/** The current schema version of every event type. */
export const EVENT_VERSION = 1;

/** What every event carries besides its payload (SEMANTICS §1). */
export interface EnvelopeFields {
  /** ULID, monotonic per process. */
  readonly eventId: string;
  readonly version: number;
  /** Server time of the append decision, ISO-8601 UTC. */
  readonly at: string;
  readonly workspace: string;
  readonly idempotencyKey: string;
  /** The runId when the event belongs to a run. */
  readonly correlationId: string | null;
  readonly causationId: string | null;
  /**
   * Who asked for the write: an API token's name, `local` for the CLI on the store itself,
   * `anonymous` over HTTP while access control is off. Absent for the daemon's own decisions.
   */
  readonly actor?: string;
}

export type EventOf<T extends EventType> = EnvelopeFields & { readonly type: T; readonly payload: PayloadOf<T> };
export type ArcoEvent = { [T in EventType]: EventOf<T> }[EventType];

/** An event as read back from the ledger, with its position. Fold order is sequence order. */
export type StoredEvent = ArcoEvent & { readonly sequence: number };

export const DEFAULT_WORKSPACE = 'default';
