/**
 * Partitions definitions as plain, serializable data. They are stored in definitions, run plans
 * and fingerprints, so they hold no functions and no caches; operations compile what they need
 * on first use and keep it in WeakMaps keyed by the definition object.
 */
import { canonicalJson } from '../ids/index.js';

/** Keys as given, in order. */
export interface StaticPartitionsDefinition {
  readonly kind: 'static';
  readonly keys: readonly string[];
}

/**
 * Windows between consecutive ticks of `cron` in `timezone` (SEMANTICS §6). `start` and `end` are
 * ISO-8601 instants with the timezone's offset (`2024-01-01T00:00:00-08:00`), normalised from
 * what the user gave.
 */
export interface TimeWindowPartitionsDefinition {
  readonly kind: 'timeWindow';
  readonly cron: string;
  readonly start: string;
  readonly end?: string;
  readonly timezone: string;
  readonly fmt: string;
  readonly endOffset: number;
}

/** A named set whose keys live in the ledger; `PartitionsContext.dynamicKeys` supplies them. */
export interface DynamicPartitionsDefinition {
  readonly kind: 'dynamic';
  readonly name: string;
}

/** A definition usable as one dimension of a multi-partitions definition. */
export type DimensionPartitionsDefinition =
  | StaticPartitionsDefinition
  | TimeWindowPartitionsDefinition
  | DynamicPartitionsDefinition;

export interface PartitionDimension {
  readonly name: string;
  readonly definition: DimensionPartitionsDefinition;
}

/** Exactly two dimensions, sorted by name; a key is `value0|value1`. */
export interface MultiPartitionsDefinition {
  readonly kind: 'multi';
  readonly dimensions: readonly [PartitionDimension, PartitionDimension];
}

export type PartitionsDefinition =
  | StaticPartitionsDefinition
  | TimeWindowPartitionsDefinition
  | MultiPartitionsDefinition
  | DynamicPartitionsDefinition;

/** Everything partition answers depend on besides the definition: the time and dynamic sets. */
export interface PartitionsContext {
  /** The current time in epoch milliseconds (time windows exist once they have ended). */
  readonly nowEpochMs: number;
  /** Keys of a dynamic partitions set, in insertion order. */
  readonly dynamicKeys: (name: string) => readonly string[];
}

/** A time window `[start, end)`; ISO-8601 local times with offset plus the same instants. */
export interface TimeWindow {
  readonly start: string;
  readonly end: string;
  readonly startEpochMs: number;
  readonly endEpochMs: number;
}

/** The separator of multi-partition keys (`2024-01-01|eu`). */
export const MULTI_KEY_SEPARATOR = '|';

/** Text a partition key must not contain (it would break multi keys, lists and ranges). */
export const FORBIDDEN_KEY_PARTS: readonly string[] = ['|', ',', '[', ']', '...'];

/** The first forbidden part a key contains, or undefined if the key is usable. */
export function forbiddenKeyPart(key: string): string | undefined {
  return FORBIDDEN_KEY_PARTS.find((part) => key.includes(part));
}

/** Whether two definitions are the same partitioning (structural equality). */
export function sameDefinition(a: PartitionsDefinition | undefined, b: PartitionsDefinition | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return false;
  return canonicalJson(a) === canonicalJson(b);
}
