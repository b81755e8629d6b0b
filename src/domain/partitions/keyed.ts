/**
 * The one shape every kind of partitions definition answers to, so operations, selectors and
 * mappings never switch on the kind themselves. Indexes are positions in definition order among
 * the partitions that exist in the given context.
 */
import type { PartitionsContext } from './definition.js';

export interface KeyedPartitions {
  /** How many partitions exist. */
  count(ctx: PartitionsContext): number;
  /** Position of an existing key, or -1. */
  indexOf(key: string, ctx: PartitionsContext): number;
  /** Key at a position in `[0, count)`; the caller checks the bounds. */
  keyAt(index: number, ctx: PartitionsContext): string;
  /** Keys at positions `[from, to)` (already clamped to `[0, count]`), lazily. */
  keys(from: number, to: number, ctx: PartitionsContext): Iterable<string>;
}

/** A key list with a position lookup, cached per list object. */
const indexCache = new WeakMap<readonly string[], Map<string, number>>();

export function indexOfInList(list: readonly string[], key: string): number {
  let index = indexCache.get(list);
  if (!index) {
    index = new Map();
    list.forEach((k, i) => {
      if (!index?.has(k)) index?.set(k, i);
    });
    indexCache.set(list, index);
  }
  return index.get(key) ?? -1;
}

export function listPartitions(listOf: (ctx: PartitionsContext) => readonly string[]): KeyedPartitions {
  return {
    count: (ctx) => listOf(ctx).length,
    indexOf: (key, ctx) => indexOfInList(listOf(ctx), key),
    keyAt: (index, ctx) => listOf(ctx)[index] as string,
    keys: (from, to, ctx) => listOf(ctx).slice(from, to),
  };
}
