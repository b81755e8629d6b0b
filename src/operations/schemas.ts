/** Request and response schemas shared by the routes; the OpenAPI document is generated from them. */
import { z } from 'zod';
import { runProjectionSchema } from '../fold/index.js';
import { RUN_STATUSES } from '../domain/runs/index.js';

export const errorSchema = z
  .object({ code: z.string(), message: z.string(), details: z.record(z.string(), z.unknown()).optional() })
  .describe('Error');

export const runSchema = runProjectionSchema.describe('Run');

/** A partition selection: a key, `START...END`, `a,b,c`, a list of keys, or a selector object. */
export const partitionSelectorSchema = z
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
      .describe('Asset keys, or a selection string'),
    includeUpstream: z.boolean().default(false),
    includeDownstream: z.boolean().default(false),
    partition: partitionSelectorSchema.nullable().optional(),
    runKey: z.string().min(1).max(512).nullable().optional().describe('Idempotency identity of the run'),
    tags: z.record(z.string().min(1), z.string()).default({}),
    config: z.json().default({}),
  })
  .strict();
export type RunRequestBody = z.infer<typeof runRequestBodySchema>;

export const runRequestResponseSchema = z.object({ run: runSchema, existing: z.boolean() });

export const runListQuerySchema = z.object({
  status: z
    .string()
    .optional()
    .transform((s) => (s ? s.split(',') : undefined))
    .pipe(z.array(z.enum(RUN_STATUSES)).optional())
    .describe('Comma-separated statuses'),
  tag: z
    .string()
    .regex(/^[^=]+=.*$/, 'must be KEY=VALUE')
    .optional()
    .describe('KEY=VALUE'),
  cursor: z.string().optional().describe('nextCursor of the previous page'),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

export const runListResponseSchema = z.object({ runs: z.array(runSchema), nextCursor: z.string().nullable() });

export const runIdParamsSchema = z.object({ runId: z.string().min(1) });

export const rerunBodySchema = z
  .object({
    mode: z.enum(['fromFailure', 'subset']).describe('fromFailure: the tasks that did not succeed; subset: the selected assets'),
    selection: z.union([z.array(z.string().min(1)).min(1), z.string().min(1)]).optional().describe('Required for subset'),
    includeUpstream: z.boolean().default(false),
    includeDownstream: z.boolean().default(false),
  })
  .strict()
  .refine((b) => b.mode !== 'subset' || b.selection !== undefined, { message: 'selection is required for mode subset', path: ['selection'] });
export type RerunBody = z.infer<typeof rerunBodySchema>;
