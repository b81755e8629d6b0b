/** Partitions: an asset's keys, keys across a dependency, and dynamic partitions sets. */
import { z } from 'zod';
import { arcoError } from '../domain/errors/index.js';
import { assetPartitionKeys, assetPartitionKeysAt, changeDynamicPartitions, mapPartitionKeys, selectPartitionKeys, type RuntimeContext } from '../runtime/index.js';
import { defineOperation } from './operation.js';
import { nameParamsSchema } from './schemas.js';

/** Keys per page of listPartitionKeys (offset/limit): the web UI reads the keys of a selection of cells. */
const KEYS_PAGE_MAX = 10_000;

const setSchema = z.object({ name: z.string(), keys: z.array(z.string()) });

const nowQuery = z
  .string()
  .optional()
  .describe('Evaluate as of this ISO-8601 time instead of now (which partitions exist)')
  .transform((value, issue) => {
    if (value === undefined) return undefined;
    const epochMs = Date.parse(value);
    if (Number.isNaN(epochMs)) issue.addIssue({ code: 'custom', message: 'must be an ISO-8601 time, e.g. 2024-03-01T00:00:00Z' });
    return epochMs;
  });

function nowOf(runtime: RuntimeContext, now: number | undefined): number {
  return now ?? runtime.clock.now();
}

export const listPartitionKeysOp = defineOperation({
  name: 'listPartitionKeys',
  summary: "An asset's partition keys in definition order, or the keys a selector names",
  group: 'partitions',
  method: 'GET',
  path: '/api/v1/partitions/keys',
  query: z.object({
    asset: z.string().min(1).describe('Asset key'),
    select: z.string().min(1).optional().describe('A partition selector: KEY, START...END, a,b (default: every key)'),
    now: nowQuery,
    offset: z.coerce.number().int().min(0).optional().describe('With limit, and without select: a page of keys from this position in definition order'),
    limit: z.coerce.number().int().min(1).max(KEYS_PAGE_MAX).optional(),
  }),
  output: z.object({ keys: z.array(z.string()) }),
  errors: [404],
  idempotent: true,
  role: 'viewer',
  async handler(ctx, q) {
    const runtime = await ctx.runtime();
    const now = nowOf(runtime, q.now);
    if (q.offset !== undefined || q.limit !== undefined) {
      if (q.select !== undefined) throw arcoError('VALIDATION_ERROR', 'select and offset/limit do not go together: page through every key, or select some', { field: 'query.offset' });
      return { keys: await assetPartitionKeysAt(runtime, q.asset, q.offset ?? 0, q.limit ?? KEYS_PAGE_MAX, now) };
    }
    return { keys: q.select === undefined ? await assetPartitionKeys(runtime, q.asset, now) : await selectPartitionKeys(runtime, q.asset, q.select, now) };
  },
});

export const mapPartitionsOp = defineOperation({
  name: 'mapPartitions',
  summary: 'The partitions of one asset that correspond to partitions of a directly connected asset (as Dagster: existing keys, and required keys that do not exist)',
  group: 'partitions',
  method: 'GET',
  path: '/api/v1/partitions/map',
  query: z.object({
    from: z.string().min(1).describe('The asset whose partitions are given'),
    to: z.string().min(1).describe('The asset to map them to (upstream or downstream of from)'),
    keys: z
      .union([z.string().min(1), z.array(z.string().min(1)).min(1)])
      .describe('Partition selectors of from (repeatable): KEY, START...END, a,b'),
    now: nowQuery,
  }),
  output: z.object({ keys: z.array(z.string()), requiredButNonexistent: z.array(z.string()) }),
  errors: [404],
  idempotent: true,
  role: 'viewer',
  async handler(ctx, q) {
    const runtime = await ctx.runtime();
    return mapPartitionKeys(runtime, q.from, q.to, typeof q.keys === 'string' ? [q.keys] : q.keys, nowOf(runtime, q.now));
  },
});

export const getDynamicPartitionsOp = defineOperation({
  name: 'getDynamicPartitions',
  summary: 'The keys of a dynamic partitions set, in insertion order',
  group: 'partitions',
  method: 'GET',
  path: '/api/v1/dynamic-partitions/:name',
  params: nameParamsSchema,
  output: setSchema,
  errors: [404],
  idempotent: true,
  role: 'viewer',
  async handler(ctx, { name }) {
    if (!(await ctx.runtime()).definitions.dynamicPartitionNames.includes(name)) {
      throw arcoError('UNKNOWN_DYNAMIC_PARTITIONS', `no asset uses dynamic partitions "${name}"`, { name });
    }
    return { name, keys: await ctx.store.automation.getDynamicPartitionKeys(name) };
  },
});

export const changeDynamicPartitionsOp = defineOperation({
  name: 'changeDynamicPartitions',
  summary: 'Add or remove keys of a dynamic partitions set (idempotent per requestId)',
  group: 'partitions',
  method: 'POST',
  path: '/api/v1/dynamic-partitions/:name',
  params: nameParamsSchema,
  body: z
    .object({
      op: z.enum(['add', 'remove']),
      keys: z.array(z.string()).min(1),
      requestId: z.string().min(1).max(200).optional().describe('Reuse it when retrying, so the change is recorded once'),
    })
    .strict(),
  output: setSchema.extend({ changed: z.boolean() }),
  errors: [404],
  idempotent: true,
  role: 'operator',
  handler: async (ctx, input) => changeDynamicPartitions(await ctx.runtime(), input),
});

