/**
 * Dynamic partitions: a named set whose keys come from the ledger through
 * `PartitionsContext.dynamicKeys`, in insertion order. Adding and removing keys is the ledger's
 * business (DynamicPartitionsChanged); here a set is whatever the context says it is now. A
 * repeated key in the list counts once, at its first position.
 */
import type { DynamicPartitionsDefinition, PartitionsContext } from './definition.js';
import { listPartitions, type KeyedPartitions } from './keyed.js';

const uniqueCache = new WeakMap<readonly string[], readonly string[]>();

function uniqueKeys(keys: readonly string[]): readonly string[] {
  const cached = uniqueCache.get(keys);
  if (cached) return cached;
  const unique = new Set(keys).size === keys.length ? keys : [...new Set(keys)];
  uniqueCache.set(keys, unique);
  return unique;
}

export function dynamicKeyed(definition: DynamicPartitionsDefinition): KeyedPartitions {
  return listPartitions((ctx: PartitionsContext) => uniqueKeys(ctx.dynamicKeys(definition.name)));
}
