/**
 * What a partition error adds so the user can fix the key: the keys nearest to the one given,
 * the definition's key format, and its first and last key (SEMANTICS §6 key formats).
 */
import { arcoError, type ArcoError } from '../errors/index.js';
import {
  partitionCount,
  partitionKeyAt,
  partitionKeys,
  type DimensionPartitionsDefinition,
  type PartitionsContext,
  type PartitionsDefinition,
} from '../partitions/index.js';
import { didYouMean, nearestNames, suggestionDetails } from './nearest-names.js';

/** The shape of a definition's keys, e.g. `%Y-%m-%d`, `static key`, `date: %Y-%m-%d | region: static key`. */
export function partitionKeyFormat(definition: PartitionsDefinition): string {
  const one = (d: DimensionPartitionsDefinition): string =>
    d.kind === 'timeWindow' ? d.fmt : d.kind === 'static' ? 'static key' : `key of dynamic partitions "${d.name}"`;
  return definition.kind === 'multi' ? definition.dimensions.map((d) => `${d.name}: ${one(d.definition)}`).join(' | ') : one(definition);
}

export interface PartitionsHint {
  readonly format: string;
  readonly count: number;
  /** null when no partition exists (yet). */
  readonly firstKey: string | null;
  readonly lastKey: string | null;
}

export function partitionsHint(definition: PartitionsDefinition, ctx: PartitionsContext): PartitionsHint {
  const count = partitionCount(definition, ctx);
  return {
    format: partitionKeyFormat(definition),
    count,
    firstKey: count === 0 ? null : partitionKeyAt(definition, 0, ctx),
    lastKey: count === 0 ? null : partitionKeyAt(definition, count - 1, ctx),
  };
}

function hintText(hint: PartitionsHint): string {
  const range =
    hint.firstKey === null
      ? 'no partition exists yet'
      : hint.count === 1
        ? `the only partition is "${hint.firstKey}"`
        : `partitions run from "${hint.firstKey}" to "${hint.lastKey}" (${hint.count})`;
  return ` (keys look like ${hint.format}; ${range})`;
}

/**
 * UNKNOWN_PARTITION and INVALID_PARTITION_RANGE explained against the definition they failed on:
 * the message gains the nearest keys (for an unknown key), the key format and the first and last
 * key; details gain `suggestions` (when any), `format`, `firstKey`, `lastKey` and `count`. Other
 * errors are returned as they are.
 */
export function explainPartitionError(error: ArcoError, definition: PartitionsDefinition, ctx: PartitionsContext): ArcoError {
  if (error.code !== 'UNKNOWN_PARTITION' && error.code !== 'INVALID_PARTITION_RANGE') return error;
  const key = error.code === 'UNKNOWN_PARTITION' ? error.details?.key : undefined;
  const suggestions = typeof key === 'string' ? nearestNames(key, partitionKeys(definition, ctx)) : [];
  const hint = partitionsHint(definition, ctx);
  return arcoError(error.code, `${error.message}${didYouMean(suggestions)}${hintText(hint)}`, {
    ...error.details,
    ...suggestionDetails(suggestions),
    format: hint.format,
    firstKey: hint.firstKey,
    lastKey: hint.lastKey,
    count: hint.count,
  });
}
