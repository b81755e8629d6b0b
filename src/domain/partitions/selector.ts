/**
 * Partition selectors: the compact way runs and backfills name partitions (explicit keys, a
 * range, all, or a filter), resolved against a definition only when needed so a backfill never
 * stores a copy of a million keys.
 */
import { arcoError } from '../errors/index.js';
import type { PartitionsContext, PartitionsDefinition } from './definition.js';
import { keyedOf, namesPartition, partitionKeys, partitionKeysBetween } from './operations.js';
import { compileTimeWindow, timeWindowIndexOfKey, timeWindowKeys } from './time-window.js';
import { dimensionKeyed, joinMultiKey } from './multi.js';
import { indexRangesOf } from './partition-subset.js';

export type PartitionSelector =
  | { readonly kind: 'explicit'; readonly keys: readonly string[] }
  | { readonly kind: 'range'; readonly start: string; readonly end: string }
  | { readonly kind: 'all' }
  | {
      readonly kind: 'filter';
      /** Multi partitions only: dimension name to the values it may take. */
      readonly dimensions?: Readonly<Record<string, readonly string[]>>;
      /** Glob over the whole key; `*` matches any text. */
      readonly pattern?: string;
    };

/** The JSON-able, input-order-independent form of a selector (for run fingerprints). */
export type CanonicalPartitionSelector =
  | { kind: 'explicit'; keys: string[] }
  | { kind: 'range'; start: string; end: string }
  | { kind: 'all' }
  | { kind: 'filter'; dimensions?: Record<string, string[]>; pattern?: string };

const RANGE_SEPARATOR = '...';

function invalidSelector(message: string, details: Record<string, unknown>): never {
  throw arcoError('INVALID_PARTITION_SELECTOR', message, details);
}

/** The statuses a partition can be in (SEMANTICS §8), in the order views list them. */
export const PARTITION_STATUSES = ['MATERIALIZED', 'FAILED', 'IN_PROGRESS', 'MISSING'] as const;
export type PartitionStatus = (typeof PARTITION_STATUSES)[number];

/** The prefix of a selector naming partitions by their status: `status:MISSING,FAILED`. */
export const STATUS_SELECTOR_PREFIX = 'status:';

/**
 * The statuses of a `status:` selector (`status:MISSING`, `status:missing,failed`), or undefined
 * when the text is not one. Which partitions are in a status is known only to the runtime, which
 * reads the partition status projection; this only reads the text.
 * @throws INVALID_PARTITION_SELECTOR naming the valid statuses for an unknown or empty status.
 */
export function parseStatusSelector(input: string): PartitionStatus[] | undefined {
  if (!input.startsWith(STATUS_SELECTOR_PREFIX)) return undefined;
  return parsePartitionStatuses(input.slice(STATUS_SELECTOR_PREFIX.length));
}

/**
 * Reads a comma list of statuses, any case.
 * @throws INVALID_PARTITION_SELECTOR naming the valid statuses for an unknown or empty one.
 */
export function parsePartitionStatuses(text: string): PartitionStatus[] {
  const names = text.split(',').map((name) => name.trim().toUpperCase());
  const unknown = names.find((name) => !(PARTITION_STATUSES as readonly string[]).includes(name));
  if (unknown !== undefined) {
    invalidSelector(`unknown partition status "${unknown}": valid statuses are ${PARTITION_STATUSES.join(', ')}`, {
      status: unknown,
      valid: [...PARTITION_STATUSES],
    });
  }
  return [...new Set(names as PartitionStatus[])];
}

/**
 * Reads a selector from CLI/API text: `start...end` is a range, `a,b,c` a list of keys (keys never
 * contain `,`), any other string is one key, an array is explicit keys.
 * @throws INVALID_PARTITION_SELECTOR for an empty string or key, a range without two endpoints, or
 *   a `status:` selector (only runs, backfills and partition status resolve those).
 */
export function parsePartitionSelector(input: string | readonly string[]): PartitionSelector {
  if (typeof input === 'string' && input.startsWith(STATUS_SELECTOR_PREFIX)) {
    invalidSelector(`"${input}" selects partitions by status, which only runs, backfills and asset status take`, { input, reason: 'status selector' });
  }
  if (typeof input !== 'string') {
    input.forEach((key) => {
      if (typeof key !== 'string' || key === '') invalidSelector('partition keys must be non-empty strings', { key });
    });
    return { kind: 'explicit', keys: [...input] };
  }
  if (input === '') invalidSelector('a partition selector must not be empty', { input });
  if (!input.includes(RANGE_SEPARATOR)) return parsePartitionSelector(input.includes(',') ? input.split(',').map((k) => k.trim()) : [input]);
  const parts = input.split(RANGE_SEPARATOR);
  const [start, end] = parts;
  if (parts.length !== 2 || !start || !end) {
    invalidSelector(`a partition range is "start...end", got "${input}"`, { input, reason: 'malformed range' });
  }
  return { kind: 'range', start, end };
}

function globRegex(pattern: string): RegExp {
  const source = pattern.split('*').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*');
  return new RegExp(`^${source}$`, 's');
}

function filterKeys(
  definition: PartitionsDefinition,
  selector: Extract<PartitionSelector, { kind: 'filter' }>,
  ctx: PartitionsContext,
): string[] {
  const test = selector.pattern === undefined ? undefined : globRegex(selector.pattern);
  const wanted = selector.dimensions ?? {};
  const names = Object.keys(wanted);
  if (names.length === 0) return [...partitionKeys(definition, ctx)].filter((key) => !test || test.test(key));
  if (definition.kind !== 'multi') {
    invalidSelector('dimension filters need a multi-partitions definition', { dimension: names[0], kind: definition.kind });
  }
  const known = definition.dimensions.map((d) => d.name);
  const unknown = names.find((name) => !known.includes(name));
  if (unknown !== undefined) invalidSelector(`unknown partition dimension "${unknown}"`, { dimension: unknown, known });
  const [outer, inner] = definition.dimensions.map((dimension) => {
    const keyed = dimensionKeyed(dimension.definition);
    const all = [...keyed.keys(0, keyed.count(ctx), ctx)];
    const allowed = wanted[dimension.name];
    return allowed === undefined ? all : all.filter((key) => allowed.includes(key));
  }) as [string[], string[]];
  const keys: string[] = [];
  for (const first of outer) {
    for (const second of inner) {
      const key = joinMultiKey(first, second);
      if (!test || test.test(key)) keys.push(key);
    }
  }
  return keys;
}

/**
 * The keys a selector names, in definition order, without repeats.
 * @throws UNKNOWN_PARTITION with details `{ key }` for an explicit key that does not exist;
 *   INVALID_PARTITION_RANGE for a range with a missing endpoint or start after end;
 *   INVALID_PARTITION_SELECTOR for a filter naming an unknown dimension.
 */
export function resolvePartitionSelector(
  definition: PartitionsDefinition,
  selector: PartitionSelector,
  ctx: PartitionsContext,
): string[] {
  switch (selector.kind) {
    case 'all':
      return [...partitionKeys(definition, ctx)];
    case 'range':
      return partitionKeysBetween(definition, selector.start, selector.end, ctx);
    case 'filter':
      return filterKeys(definition, selector, ctx);
    case 'explicit': {
      const keyed = keyedOf(definition);
      const positions = new Map<number, string>();
      for (const key of selector.keys) {
        const index = keyed.indexOf(key, ctx);
        if (index < 0) throw arcoError('UNKNOWN_PARTITION', `partition "${key}" does not exist`, { key });
        positions.set(index, key);
      }
      return [...positions.entries()].sort(([a], [b]) => a - b).map(([, key]) => key);
    }
  }
}

/**
 * The keys a selector names when they are given to a partition mapping: like
 * `resolvePartitionSelector`, except that time windows that have not closed at now count (Dagster
 * maps them). Explicit keys keep their input order without repeats; a range of a time-window
 * definition runs from start to end whether or not its windows have closed; `all` and filters name
 * the partitions that exist.
 * @throws UNKNOWN_PARTITION with details `{ key }` for an explicit key that names no partition;
 *   INVALID_PARTITION_RANGE for a range whose endpoint names no partition or whose start is after
 *   its end; INVALID_PARTITION_SELECTOR as `resolvePartitionSelector`.
 */
export function resolveSelectorWithOpenWindows(
  definition: PartitionsDefinition,
  selector: PartitionSelector,
  ctx: PartitionsContext,
): string[] {
  if (selector.kind === 'explicit') {
    for (const key of selector.keys) {
      if (!namesPartition(definition, key, ctx)) throw arcoError('UNKNOWN_PARTITION', `"${key}" names no partition`, { key });
    }
    return [...new Set(selector.keys)];
  }
  if (selector.kind === 'range' && definition.kind === 'timeWindow') {
    const c = compileTimeWindow(definition);
    const from = timeWindowIndexOfKey(c, selector.start);
    const to = timeWindowIndexOfKey(c, selector.end);
    const fail = (reason: string): never => {
      throw arcoError('INVALID_PARTITION_RANGE', `invalid partition range ${selector.start}...${selector.end}: ${reason}`, {
        start: selector.start,
        end: selector.end,
        reason,
      });
    };
    if (from < 0) fail('start is not a partition');
    if (to < 0) fail('end is not a partition');
    if (from > to) fail('start is after end');
    return [...timeWindowKeys(c, from, to + 1)];
  }
  return resolvePartitionSelector(definition, selector, ctx);
}

function sortedUnique(values: readonly string[]): string[] {
  return [...new Set(values)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The selector in a canonical JSON-able form: explicit keys and filter values sorted, repeats dropped. */
export function canonicalPartitionSelector(selector: PartitionSelector): CanonicalPartitionSelector {
  switch (selector.kind) {
    case 'all':
      return { kind: 'all' };
    case 'range':
      return { kind: 'range', start: selector.start, end: selector.end };
    case 'explicit':
      return { kind: 'explicit', keys: sortedUnique(selector.keys) };
    case 'filter': {
      const out: { kind: 'filter'; dimensions?: Record<string, string[]>; pattern?: string } = { kind: 'filter' };
      if (selector.dimensions !== undefined) {
        out.dimensions = Object.fromEntries(
          sortedUnique(Object.keys(selector.dimensions)).map((name) => [name, sortedUnique(selector.dimensions?.[name] ?? [])]),
        );
      }
      if (selector.pattern !== undefined) out.pattern = selector.pattern;
      return out;
    }
  }
}

/**
 * The positions `[from, to)` in definition order that a selector names, as merged ranges: a range
 * or `all` without listing keys (a million time partitions cost two lookups).
 * @throws as `resolvePartitionSelector`.
 */
export function selectorPositions(
  definition: PartitionsDefinition,
  selector: PartitionSelector,
  ctx: PartitionsContext,
): [number, number][] {
  const keyed = keyedOf(definition);
  switch (selector.kind) {
    case 'all': {
      const total = keyed.count(ctx);
      return total > 0 ? [[0, total]] : [];
    }
    case 'range': {
      // Validates the endpoints exactly as resolving would, on a one-key range each.
      const from = keyed.indexOf(selector.start, ctx);
      const to = keyed.indexOf(selector.end, ctx);
      if (from < 0 || to < 0 || from > to) partitionKeysBetween(definition, selector.start, selector.end, ctx);
      return [[from, to + 1]];
    }
    case 'explicit':
    case 'filter':
      return indexRangesOf(resolvePartitionSelector(definition, selector, ctx).map((key) => keyed.indexOf(key, ctx)));
  }
}
