/** Input and output schemas shared by several operations; the OpenAPI document is generated from them. */
import { z } from 'zod';
import { runProjectionSchema } from '../fold/index.js';
import { RUN_STATUSES } from '../domain/runs/index.js';

/** `:name` of a schedule, sensor or dynamic partitions set. */
export const nameParamsSchema = z.object({ name: z.string().min(1) });

/** A comma-separated list of values from `values`, e.g. `?status=SUCCESS,FAILURE`. */
export function commaList<T extends string>(values: readonly T[], what: string) {
  return z
    .string()
    .optional()
    .transform((s) => (s ? s.split(',') : undefined))
    .pipe(z.array(z.enum(values as readonly [T, ...T[]])).optional())
    .describe(`Comma-separated ${what}`);
}

/** A page size: at most 500 per page. */
export const pageLimit = z.coerce.number().int().min(1).max(500).default(50);

export const rerunBodySchema = z
  .object({
    mode: z.enum(['fromFailure', 'subset', 'all']).describe('fromFailure: the tasks that did not succeed; subset: the selected assets; all: every task of the run again'),
    selection: z.union([z.array(z.string().min(1)).min(1), z.string().min(1)]).optional().describe('Required for subset'),
    includeUpstream: z.boolean().default(false),
    includeDownstream: z.boolean().default(false),
  })
  .strict()
  .refine((b) => b.mode !== 'subset' || b.selection !== undefined, { message: 'selection is required for mode subset', path: ['selection'] })
  .refine((b) => b.mode === 'subset' || b.selection === undefined, { message: 'selection is only for mode subset', path: ['selection'] });

export const runSchema = runProjectionSchema
  .extend({
    waiting: z
      .array(z.object({ taskKey: z.string().nullable(), reason: z.string() }))
      .optional()
      .describe('What the queued run (taskKey null) or its ready tasks wait for, e.g. "pool warehouse: 2/2 in use"; absent when nothing holds it'),
  })
  .describe('Run');

/** A partition selection: a key, `START...END`, `a,b,c`, a list of keys, or a selector object. */
export const partitionSelectorInputSchema = z
  .union([
    z.string().min(1),
    z.array(z.string().min(1)).min(1),
    z.object({ kind: z.literal('all') }).strict(),
    z.object({ kind: z.literal('explicit'), keys: z.array(z.string().min(1)).min(1) }).strict(),
    z.object({ kind: z.literal('range'), start: z.string().min(1), end: z.string().min(1) }).strict(),
    z
      .object({
        kind: z.literal('filter'),
        dimensions: z.record(z.string(), z.array(z.string())).optional(),
        pattern: z.string().min(1).optional().describe('Glob over the whole key; * matches any text'),
      })
      .strict(),
  ])
  .describe('A partition key, START...END, a,b,c, a list of keys, or { kind: all | explicit | range | filter }');

export const runRequestBodySchema = z
  .object({
    selection: z
      .union([z.array(z.string().min(1)).min(1), z.string().min(1)])
      .optional()
      .describe('Asset keys, or a selection string (each selected asset runs with its checks); required unless checks are given'),
    checks: z
      .array(z.string().min(3))
      .min(1)
      .optional()
      .describe('Asset checks to evaluate without materializing their asset, each ASSET#NAME (e.g. orders#row_count)'),
    includeUpstream: z.boolean().default(false),
    includeDownstream: z.boolean().default(false),
    partition: partitionSelectorInputSchema.nullable().optional(),
    runKey: z.string().min(1).max(512).nullable().optional().describe('Idempotency identity of the run'),
    tags: z.record(z.string().min(1), z.string()).default({}),
    config: z.json().default({}),
    staleOnly: z.boolean().default(false).describe('Materialize only the STALE and MISSING assets (partitions) of the selection; NOTHING_STALE when none'),
    includeExternal: z
      .boolean()
      .default(false)
      .describe('Let broad selections (*, group:, tag:, traversals) select external assets too; a run still never materializes them'),
  })
  .strict()
  .refine((b) => b.selection !== undefined || b.checks !== undefined, { message: 'selection is required unless checks are given', path: ['selection'] });

export const runRequestResponseSchema = z.object({
  run: runSchema,
  existing: z.boolean(),
  /** Outputs added to the selection because their multi-asset cannot be subset (absent: none). */
  selectionExpanded: z.array(z.object({ multiAsset: z.string(), selected: z.array(z.string()), added: z.array(z.string()) })).optional(),
});

const tagFilter = z.string().max(1000).regex(/^[^=]+=.*$/, 'must be KEY=VALUE');
/** An instant: ISO-8601, or a time before now such as `90m`, `12h`, `7d`. */
const instantFilter = z
  .string()
  .regex(/^(\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?|[1-9]\d{0,5}[mhd])$/, 'must be an ISO-8601 time or a duration before now such as 90m, 12h, 7d');

export const runListQuerySchema = z.object({
  status: commaList(RUN_STATUSES, 'statuses'),
  tag: z
    .union([tagFilter, z.array(tagFilter).max(20)])
    .optional()
    .describe('KEY=VALUE; repeat for several (a run must carry all)'),
  asset: z.string().min(1).max(500).optional().describe('only runs that materialize this asset'),
  since: instantFilter.optional().describe('only runs created at or after this time (ISO-8601, or 90m / 12h / 7d ago)'),
  until: instantFilter.optional().describe('only runs created before this time'),
  trigger: z.enum(['manual', 'schedule', 'sensor', 'backfill', 'rerun', 'automation']).optional().describe('only runs started this way'),
  cursor: z.string().optional().describe('nextCursor of the previous page'),
  limit: pageLimit,
});

export const runListResponseSchema = z.object({ runs: z.array(runSchema), nextCursor: z.string().nullable() });

export const runIdParamsSchema = z.object({ runId: z.string().min(1) });
