/** Static partitions: the keys as given, in order (SEMANTICS §6). */
import type { StaticPartitionsDefinition } from './definition.js';
import { listPartitions, type KeyedPartitions } from './keyed.js';

export function staticKeyed(definition: StaticPartitionsDefinition): KeyedPartitions {
  return listPartitions(() => definition.keys);
}
