/** Adding and removing keys of a dynamic partitions set from the API or CLI, as ledger events. */
import { decideDynamicPartitionsChange } from '../controllers/index.js';
import { arcoError } from '../domain/errors/index.js';
import { commit, type RuntimeContext } from './context.js';

export interface DynamicPartitionsRequest {
  readonly name: string;
  readonly op: 'add' | 'remove';
  readonly keys: readonly string[];
  /** Identifies the request so a retry is recorded once; a fresh id when omitted. */
  readonly requestId?: string;
}

export interface DynamicPartitionsOutcome {
  readonly name: string;
  /** The set's keys afterwards, in insertion order. */
  readonly keys: string[];
  /** False when every key was already present (add) or absent (remove), or the request was a repeat. */
  readonly changed: boolean;
}

/** @throws UNKNOWN_DYNAMIC_PARTITIONS, INVALID_PARTITION_KEY. */
export async function changeDynamicPartitions(ctx: RuntimeContext, request: DynamicPartitionsRequest): Promise<DynamicPartitionsOutcome> {
  if (!ctx.definitions.dynamicPartitionNames.includes(request.name)) {
    throw arcoError('UNKNOWN_DYNAMIC_PARTITIONS', `no asset uses dynamic partitions "${request.name}"`, {
      name: request.name,
      known: ctx.definitions.dynamicPartitionNames,
    });
  }
  const now = ctx.clock.now();
  const current = await ctx.store.automation.getDynamicPartitionKeys(request.name);
  const drafts = decideDynamicPartitionsChange(
    { name: request.name, op: request.op, keys: request.keys, requestId: request.requestId ?? ctx.ids.ulid(now) },
    current,
  );
  const result = await commit(ctx, drafts, now);
  return { name: request.name, keys: await ctx.store.automation.getDynamicPartitionKeys(request.name), changed: result.appended.length > 0 };
}
