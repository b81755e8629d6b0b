/**
 * Partitions and partition mappings as users write them in definitions files, mirroring Dagster's
 * StaticPartitionsDefinition, Hourly/Daily/Weekly/MonthlyPartitionsDefinition,
 * TimeWindowPartitionsDefinition, MultiPartitionsDefinition, DynamicPartitionsDefinition and the
 * partition mappings. Each constructor checks its input at call time (zod for the shape, the
 * domain for the rules) and returns plain data.
 *
 *   const daily = dailyPartitions({ start: '2024-01-01', timezone: 'Europe/Berlin' });
 *   const regional = multiPartitions({ date: daily, region: staticPartitions(['eu', 'us']) });
 */
import { z } from 'zod';
import { arcoError, type ErrorCode } from '../domain/errors/index.js';
import { didYouMean, suggestionDetails } from '../domain/suggestions/index.js';
import { optionProblem } from './option-problems.js';
import {
  DEFAULT_DATE_FMT,
  DEFAULT_HOURLY_FMT,
  buildDynamicDefinition,
  buildMultiDefinition,
  buildStaticDefinition,
  buildTimeWindowDefinition,
  cadenceCron,
  type DimensionPartitionsDefinition,
  type DynamicPartitionsDefinition,
  type MultiPartitionsDefinition,
  type PartitionMapping,
  type PartitionsCadence,
  type StaticPartitionsDefinition,
  type TimeWindowPartitionsDefinition,
} from '../domain/partitions/index.js';

export type {
  PartitionsDefinition,
  StaticPartitionsDefinition,
  TimeWindowPartitionsDefinition,
  MultiPartitionsDefinition,
  DynamicPartitionsDefinition,
  PartitionMapping,
} from '../domain/partitions/index.js';

/** When a time-window set starts or ends: a Date (its UTC fields are the local time), ISO-8601, or text in `fmt`. */
export type PartitionTime = Date | string;

/** Options shared by the hourly/daily/weekly/monthly constructors (Dagster's `*PartitionsDefinition`). */
export interface CadencePartitionsOptions {
  /** The first partition is the first window starting at or after this time. */
  readonly start: PartitionTime;
  /** Only windows ending at or before this time exist (as Dagster: a window straddling it does not). */
  readonly end?: PartitionTime;
  /** IANA timezone of the windows. @default 'UTC' */
  readonly timezone?: string;
  /** strftime format of keys. @default '%Y-%m-%d' ('%Y-%m-%d-%H:%M' for hourly) */
  readonly fmt?: string;
  /** Extra windows past the last ended one (1 includes the window in progress). @default 0 */
  readonly endOffset?: number;
}

/** Validates input; the error names the offending field (an unknown option is named itself). */
function parseOrThrow<T>(schema: z.ZodType<T>, input: unknown, code: ErrorCode, what: string, rootField = 'options'): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const problem = optionProblem(schema, result.error);
  const field = problem.field === 'options' ? rootField : problem.field;
  throw arcoError(code, `invalid ${what}, ${field}: ${problem.reason}${didYouMean(problem.suggestions)}`, {
    field,
    reason: problem.reason,
    ...suggestionDetails(problem.suggestions),
  });
}

const time = z.union([z.date(), z.string().min(1)]);
const cadenceBase = {
  start: time,
  end: time.optional(),
  timezone: z.string().min(1).optional(),
  fmt: z.string().min(1).optional(),
  endOffset: z.number().int().optional(),
};
const offset = z.number().int();

const cadenceSchemas = {
  hourly: z.strictObject({ ...cadenceBase, minuteOffset: offset.optional() }),
  daily: z.strictObject({ ...cadenceBase, minuteOffset: offset.optional(), hourOffset: offset.optional() }),
  weekly: z.strictObject({ ...cadenceBase, minuteOffset: offset.optional(), hourOffset: offset.optional(), dayOffset: offset.optional() }),
  monthly: z.strictObject({ ...cadenceBase, minuteOffset: offset.optional(), hourOffset: offset.optional(), dayOffset: offset.optional() }),
} as const;

function cadencePartitions(cadence: PartitionsCadence, options: unknown): TimeWindowPartitionsDefinition {
  const parsed: CadencePartitionsOptions & { minuteOffset?: number; hourOffset?: number; dayOffset?: number } = parseOrThrow(
    cadenceSchemas[cadence],
    options,
    'INVALID_PARTITIONS_DEFINITION',
    `${cadence} partitions`,
  );
  return buildTimeWindowDefinition({
    cron: cadenceCron(cadence, parsed),
    start: parsed.start,
    ...(parsed.end === undefined ? {} : { end: parsed.end }),
    ...(parsed.timezone === undefined ? {} : { timezone: parsed.timezone }),
    fmt: parsed.fmt ?? (cadence === 'hourly' ? DEFAULT_HOURLY_FMT : DEFAULT_DATE_FMT),
    ...(parsed.endOffset === undefined ? {} : { endOffset: parsed.endOffset }),
  });
}

/**
 * Static partitions, in the given order.
 * @throws INVALID_PARTITIONS_DEFINITION for empty, repeated, or forbidden keys (`|`, `,`, `[`, `]`, `...`).
 */
export function staticPartitions(keys: readonly string[]): StaticPartitionsDefinition {
  return buildStaticDefinition(parseOrThrow(z.array(z.string()), keys, 'INVALID_PARTITIONS_DEFINITION', 'static partitions', 'keys'));
}

/** Hourly windows at `minuteOffset` past each hour; keys like `2024-01-01-13:00`. @throws INVALID_PARTITIONS_DEFINITION */
export function hourlyPartitions(options: CadencePartitionsOptions & { readonly minuteOffset?: number }): TimeWindowPartitionsDefinition {
  return cadencePartitions('hourly', options);
}

/** Daily windows at `hourOffset:minuteOffset`; keys like `2024-01-01`. @throws INVALID_PARTITIONS_DEFINITION */
export function dailyPartitions(
  options: CadencePartitionsOptions & { readonly minuteOffset?: number; readonly hourOffset?: number },
): TimeWindowPartitionsDefinition {
  return cadencePartitions('daily', options);
}

/** Weekly windows starting on `dayOffset` (0 = Sunday, the default). @throws INVALID_PARTITIONS_DEFINITION */
export function weeklyPartitions(
  options: CadencePartitionsOptions & { readonly minuteOffset?: number; readonly hourOffset?: number; readonly dayOffset?: number },
): TimeWindowPartitionsDefinition {
  return cadencePartitions('weekly', options);
}

/** Monthly windows starting on day `dayOffset` (1, the default, .. 31). @throws INVALID_PARTITIONS_DEFINITION */
export function monthlyPartitions(
  options: CadencePartitionsOptions & { readonly minuteOffset?: number; readonly hourOffset?: number; readonly dayOffset?: number },
): TimeWindowPartitionsDefinition {
  return cadencePartitions('monthly', options);
}

/** Windows between consecutive ticks of any single cron. @throws INVALID_PARTITIONS_DEFINITION */
export function timeWindowPartitions(options: {
  readonly cron: string;
  readonly start: PartitionTime;
  readonly end?: PartitionTime;
  readonly timezone?: string;
  readonly fmt: string;
  readonly endOffset?: number;
}): TimeWindowPartitionsDefinition {
  const schema = z.strictObject({ ...cadenceBase, cron: z.string().min(1), fmt: z.string().min(1) });
  return buildTimeWindowDefinition(parseOrThrow(schema, options, 'INVALID_PARTITIONS_DEFINITION', 'time-window partitions'));
}

const definitionShape = z.looseObject({ kind: z.enum(['static', 'timeWindow', 'dynamic']) });

/**
 * The product of exactly two dimensions, e.g. `{ date: dailyPartitions(...), region: staticPartitions([...]) }`.
 * Keys are `dateValue|regionValue` with dimensions ordered by name. @throws INVALID_PARTITIONS_DEFINITION
 */
export function multiPartitions(dimensions: Readonly<Record<string, DimensionPartitionsDefinition>>): MultiPartitionsDefinition {
  parseOrThrow(z.record(z.string(), definitionShape), dimensions, 'INVALID_PARTITIONS_DEFINITION', 'multi partitions', 'dimensions');
  return buildMultiDefinition(dimensions);
}

/** A named set of partitions added and removed at run time (sensors, API, CLI). @throws INVALID_PARTITIONS_DEFINITION */
export function dynamicPartitions(name: string): DynamicPartitionsDefinition {
  return buildDynamicDefinition(parseOrThrow(z.string().min(1), name, 'INVALID_PARTITIONS_DEFINITION', 'dynamic partitions name', 'name'));
}

function mappingInput<T>(schema: z.ZodType<T>, input: unknown, what: string): T {
  return parseOrThrow(schema, input, 'INVALID_PARTITION_MAPPING', what);
}

/** Each downstream partition reads the upstream partition with the same key. */
export function identityMapping(): PartitionMapping {
  return { kind: 'identity' };
}

/**
 * Each downstream window reads the upstream windows overlapping it, shifted by offsets in
 * downstream windows: `{ startOffset: -1, endOffset: -1 }` reads the previous window.
 * @throws INVALID_PARTITION_MAPPING for non-integer offsets.
 */
export function timeWindowMapping(
  options: { readonly startOffset?: number; readonly endOffset?: number; readonly allowNonexistentUpstream?: boolean } = {},
): PartitionMapping {
  const parsed = mappingInput(
    z.strictObject({ startOffset: z.number().int().optional(), endOffset: z.number().int().optional(), allowNonexistentUpstream: z.boolean().optional() }),
    options,
    'time-window mapping',
  );
  return {
    kind: 'timeWindow',
    startOffset: parsed.startOffset ?? 0,
    endOffset: parsed.endOffset ?? 0,
    allowNonexistentUpstream: parsed.allowNonexistentUpstream ?? false,
  };
}

/** Every downstream partition reads every upstream partition. */
export function allPartitionsMapping(): PartitionMapping {
  return { kind: 'allPartitions' };
}

/** Every downstream partition reads the last upstream partition. */
export function lastPartitionMapping(): PartitionMapping {
  return { kind: 'lastPartition' };
}

/** Explicit upstream key to downstream key(s) correspondence between static partitions. @throws INVALID_PARTITION_MAPPING */
export function staticMapping(downstreamKeysByUpstreamKey: Readonly<Record<string, string | readonly string[]>>): PartitionMapping {
  const parsed = mappingInput(z.record(z.string(), z.union([z.string(), z.array(z.string())])), downstreamKeysByUpstreamKey, 'static mapping');
  return {
    kind: 'static',
    downstreamKeysByUpstreamKey: Object.fromEntries(
      Object.entries(parsed).map(([up, downs]) => [up, [...new Set(typeof downs === 'string' ? [downs] : downs)]]),
    ),
  };
}

/** Every downstream partition reads these upstream keys. @throws INVALID_PARTITION_MAPPING */
export function specificPartitionsMapping(keys: readonly string[]): PartitionMapping {
  const parsed = parseOrThrow(z.array(z.string().min(1)).min(1), keys, 'INVALID_PARTITION_MAPPING', 'specific-partitions mapping', 'keys');
  return { kind: 'specificPartitions', keys: [...new Set(parsed)] };
}

/**
 * Between a multi definition and one of its dimensions: a single key X corresponds to every multi
 * key with X in that dimension. `dimension` is inferred when omitted. @throws INVALID_PARTITION_MAPPING
 */
export function multiToSingleDimensionMapping(options: { readonly dimension?: string } = {}): PartitionMapping {
  const parsed = mappingInput(z.strictObject({ dimension: z.string().min(1).optional() }), options, 'multi-to-single-dimension mapping');
  return parsed.dimension === undefined ? { kind: 'multiToSingleDimension' } : { kind: 'multiToSingleDimension', dimension: parsed.dimension };
}

/**
 * Between two multi-partitioned assets, dimension by dimension (Dagster's MultiPartitionMapping):
 * each entry names an upstream dimension, the downstream dimension it is read through and the
 * single-dimension mapping between them. With `{ date: { dimension: 'date', mapping:
 * timeWindowMapping({ startOffset: -1, endOffset: -1 }) }, region: { dimension: 'region', mapping:
 * identityMapping() } }` each partition reads the previous day of its own region; an upstream
 * dimension without an entry is read whole (every region, without the second entry).
 * @throws INVALID_PARTITION_MAPPING
 */
export function multiPartitionMapping(byUpstreamDimension: Readonly<Record<string, { readonly dimension: string; readonly mapping: PartitionMapping }>>): PartitionMapping {
  const parsed = mappingInput(
    z.record(z.string().min(1), z.strictObject({ dimension: z.string().min(1), mapping: z.custom<PartitionMapping>((v) => typeof v === 'object' && v !== null && typeof (v as { kind?: unknown }).kind === 'string', 'must be a partition mapping (identityMapping(), timeWindowMapping(...), ...)') })),
    byUpstreamDimension,
    'multi-partition mapping',
  );
  return { kind: 'multi', dimensions: Object.entries(parsed).map(([upstreamDimension, { dimension, mapping }]) => ({ upstreamDimension, downstreamDimension: dimension, mapping })) };
}
