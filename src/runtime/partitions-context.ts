/**
 * The partitions context for decisions taken now: the current time, and the keys of every dynamic
 * partition set the definitions use, read from the store once per decision.
 */
import type { PartitionsContext } from '../domain/partitions/index.js';
import type { RuntimeContext } from './context.js';

export async function partitionsContextAt(ctx: Pick<RuntimeContext, 'store' | 'definitions'>, nowEpochMs: number): Promise<PartitionsContext> {
  const keysByName = new Map<string, readonly string[]>();
  for (const name of ctx.definitions.dynamicPartitionNames) keysByName.set(name, await ctx.store.automation.getDynamicPartitionKeys(name));
  return { nowEpochMs, dynamicKeys: (name) => keysByName.get(name) ?? [] };
}
