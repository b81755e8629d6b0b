/**
 * Partition status of one asset (SEMANTICS §8): `GET /api/v1/assets/{key}/partitions`.
 *
 * The path has a `:key` param beside getAsset's `/api/v1/assets/*`: the router prefers a param
 * segment to the wildcard, so `/api/v1/assets/events/partitions` and, for keys with a slash, the
 * percent-encoded `/api/v1/assets/raw%2Fevents/partitions` come here (the HTTP client encodes
 * `:key` so). An unencoded `/api/v1/assets/raw/events/partitions` reaches getAsset, which answers
 * NOT_FOUND naming the encoded path.
 */
import { z } from 'zod';
import { describePartitionStatus, freshnessOf, freshnessViewSchema, partitionStatusViewSchema, STATUS_RANGES_DEFAULT } from '../runtime/index.js';
import { defineOperation } from './operation.js';

/** Ranges a caller may ask for per status (each costs two key lookups). */
const STATUS_RANGES_MAX = 10_000;

export const getAssetPartitionStatusOp = defineOperation({
  name: 'getAssetPartitionStatus',
  summary: 'Partition status of an asset: counts and key ranges per status, one partition in detail',
  group: 'assets',
  method: 'GET',
  path: '/api/v1/assets/:key/partitions',
  params: z.object({ key: z.string().min(1).describe('The asset key, percent-encoded when it holds a slash (raw%2Fevents)') }),
  query: z.object({
    partition: z.string().min(1).optional().describe('A partition selector (key, START...END, a,b) or status:MISSING,FAILED'),
    rangesMax: z.coerce.number().int().min(0).max(STATUS_RANGES_MAX).default(STATUS_RANGES_DEFAULT).describe('Key ranges listed per status'),
    grid: z.stringbool().optional().describe('Add `grid`: every partition as position ranges per status and a row/column layout (the web UI draws it)'),
  }),
  // Freshness rides along: "what is missing, what failed, what is late" is one morning question.
  output: partitionStatusViewSchema.extend({ freshness: freshnessViewSchema.nullable().describe('The freshness policy evaluated now; null without a policy') }),
  idempotent: true,
  role: 'viewer',
  async handler(ctx, { key, partition, rangesMax, grid }) {
    const runtime = await ctx.runtime();
    const now = runtime.clock.now();
    const view = await describePartitionStatus(runtime, key, { partition, rangesMax, grid }, now);
    return { ...view, freshness: await freshnessOf(runtime.store, runtime.definitions, view.assetKey, now) };
  },
});
