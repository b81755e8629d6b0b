/**
 * Adding keys to and removing keys from a dynamic partitions set (SEMANTICS §6), decided purely.
 * Used by sensor evaluations and by `arco partitions add|remove`. The event's idempotency key is
 * `dynparts:{name}:{op}:{sha256hex(sorted keys)}:{requestId}`, so one request applied twice is
 * recorded once; a request that would change nothing (every key already present, or absent)
 * appends nothing.
 */
import { arcoError } from '../domain/errors/index.js';
import { forbiddenKeyPart } from '../domain/partitions/index.js';
import { DEFAULT_WORKSPACE, EVENT_VERSION, draft, idempotencyKeys, type EventDraft, type StoredEvent } from '../events/index.js';
import { dynamicPartitionsFamily, foldInMemory, type DynamicPartitionsSet } from '../fold/index.js';

export interface DynamicPartitionsChange {
  /** The dynamic partitions set's name. */
  readonly name: string;
  readonly op: 'add' | 'remove';
  readonly keys: readonly string[];
  /** Identifies the request (a sensor evaluation, a CLI invocation); retries reuse it. */
  readonly requestId: string;
}

/** @throws INVALID_PARTITION_KEY naming the first empty key or key with a forbidden part. */
export function checkDynamicPartitionKeys(name: string, keys: readonly string[]): void {
  for (const key of keys) {
    const forbidden = key === '' ? '' : forbiddenKeyPart(key);
    if (forbidden === undefined) continue;
    const reason = key === '' ? 'is empty' : `contains "${forbidden}"`;
    throw arcoError('INVALID_PARTITION_KEY', `dynamic partition key "${key}" of "${name}" ${reason}`, { name, key, reason });
  }
}

/**
 * @param currentKeys the set's keys now, in insertion order.
 * @throws INVALID_PARTITION_KEY.
 */
export function decideDynamicPartitionsChange(change: DynamicPartitionsChange, currentKeys: readonly string[]): EventDraft[] {
  checkDynamicPartitionKeys(change.name, change.keys);
  const requested = [...new Set(change.keys)];
  const present = new Set(currentKeys);
  const effective = requested.filter((key) => (change.op === 'add' ? !present.has(key) : present.has(key)));
  if (effective.length === 0) return [];
  return [
    draft(
      'DynamicPartitionsChanged',
      { name: change.name, op: change.op, keys: requested, requestId: change.requestId },
      idempotencyKeys.dynamicPartitionsChanged(change.name, change.op, requested, change.requestId),
      null,
    ),
  ];
}

/** The keys of a set after `drafts` (DynamicPartitionsChanged of that set), folded by the real reducer. */
export function keysAfterChanges(name: string, currentKeys: readonly string[], drafts: readonly EventDraft[]): string[] {
  const rows = new Map<string, DynamicPartitionsSet>([[name, { name, keys: [...currentKeys], updatedAt: '' }]]);
  const events = drafts
    .filter((d) => d.type === 'DynamicPartitionsChanged' && d.payload.name === name)
    .map((d, i) => ({ ...d, causationId: null, eventId: '', version: EVENT_VERSION, at: '', workspace: DEFAULT_WORKSPACE, sequence: i }) as StoredEvent);
  return foldInMemory(dynamicPartitionsFamily, rows, events).get(name)?.keys ?? [];
}
