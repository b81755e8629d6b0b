/**
 * Multi partitions (SEMANTICS §6): the product of exactly two dimensions ordered by name. A key
 * is `value0|value1` in that order, and keys are ordered with the second dimension varying
 * fastest, so position = index0 * count1 + index1.
 */
import {
  MULTI_KEY_SEPARATOR,
  type DimensionPartitionsDefinition,
  type MultiPartitionsDefinition,
  type PartitionsContext,
} from './definition.js';
import type { KeyedPartitions } from './keyed.js';
import { staticKeyed } from './static.js';
import { dynamicKeyed } from './dynamic.js';
import { timeWindowKeyed } from './time-window.js';

export function dimensionKeyed(definition: DimensionPartitionsDefinition): KeyedPartitions {
  switch (definition.kind) {
    case 'static':
      return staticKeyed(definition);
    case 'dynamic':
      return dynamicKeyed(definition);
    case 'timeWindow':
      return timeWindowKeyed(definition);
  }
}

/** The two values of a multi key, or undefined if it does not have exactly two parts. */
export function splitMultiKey(key: string): [string, string] | undefined {
  const parts = key.split(MULTI_KEY_SEPARATOR);
  return parts.length === 2 ? (parts as [string, string]) : undefined;
}

export function joinMultiKey(first: string, second: string): string {
  return `${first}${MULTI_KEY_SEPARATOR}${second}`;
}

export function multiKeyed(definition: MultiPartitionsDefinition): KeyedPartitions {
  const [outer, inner] = definition.dimensions.map((d) => dimensionKeyed(d.definition)) as [KeyedPartitions, KeyedPartitions];
  return {
    count: (ctx) => outer.count(ctx) * inner.count(ctx),
    indexOf: (key, ctx) => {
      const parts = splitMultiKey(key);
      if (!parts) return -1;
      const outerIndex = outer.indexOf(parts[0], ctx);
      const innerIndex = outerIndex < 0 ? -1 : inner.indexOf(parts[1], ctx);
      return innerIndex < 0 ? -1 : outerIndex * inner.count(ctx) + innerIndex;
    },
    keyAt: (index, ctx) => {
      const innerCount = inner.count(ctx);
      return joinMultiKey(outer.keyAt(Math.floor(index / innerCount), ctx), inner.keyAt(index % innerCount, ctx));
    },
    keys: (from, to, ctx) => multiKeys(outer, inner, from, to, ctx),
  };
}

function* multiKeys(outer: KeyedPartitions, inner: KeyedPartitions, from: number, to: number, ctx: PartitionsContext): Generator<string> {
  const innerCount = inner.count(ctx);
  if (from >= to || innerCount === 0) return;
  const innerKeys = [...inner.keys(0, innerCount, ctx)];
  let index = from;
  for (const outerKey of outer.keys(Math.floor(from / innerCount), Math.ceil(to / innerCount), ctx)) {
    for (let innerIndex = index % innerCount; innerIndex < innerCount && index < to; innerIndex += 1, index += 1) {
      yield joinMultiKey(outerKey, innerKeys[innerIndex] as string);
    }
  }
}
