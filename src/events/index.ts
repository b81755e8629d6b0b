export * from './catalog.js';
export { idempotencyKeys } from './keys.js';
export { draft, stampEvents, type EventDraft, type StampContext } from './draft.js';
export { parseStoredEvent, type StoredEventRow } from './parse.js';
export type { ErrorInfo, Trigger } from './common.js';
