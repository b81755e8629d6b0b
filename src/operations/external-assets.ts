/**
 * Assets outside runs: a runless materialization report (Dagster's report_runless_asset_event)
 * and an on-demand observation of an external asset. Keys with a slash are percent-encoded in the
 * `:key` segment, as for partition status (raw%2Forders).
 */
import { z } from 'zod';
import { jsonValue } from '../events/index.js';
import { observationViewSchema, observeAsset, reportMaterialization, reportedMaterializationSchema } from '../runtime/index.js';
import { defineOperation } from './operation.js';

const keyParams = z.object({ key: z.string().min(1).describe('The asset key, percent-encoded when it holds a slash (raw%2Forders)') });

export const reportMaterializationOp = defineOperation({
  name: 'reportMaterialization',
  summary: 'Record a materialization of an asset (partition) made outside Arco, without a run',
  group: 'assets',
  method: 'POST',
  path: '/api/v1/assets/:key/materializations',
  params: keyParams,
  body: z
    .object({
      partition: z.string().min(1).nullable().optional().describe('The partition key (required for a partitioned asset)'),
      dataVersion: z.string().min(1).nullable().optional().describe('The data version; by default each report is a new version'),
      metadata: z.record(z.string(), jsonValue).default({}),
    })
    .strict(),
  output: reportedMaterializationSchema,
  status: () => 201,
  idempotent: true,
  role: 'operator',
  async handler(ctx, input) {
    const runtime = await ctx.runtime();
    return reportMaterialization(runtime, {
      assetKey: input.key,
      partitionKey: input.partition ?? null,
      dataVersion: input.dataVersion ?? null,
      metadata: input.metadata,
      reportedBy: ctx.actor ?? null,
    });
  },
});

export const observeAssetOp = defineOperation({
  name: 'observeAsset',
  summary: "Run an external asset's observe function now and record its data version",
  group: 'assets',
  method: 'POST',
  path: '/api/v1/assets/:key/observations',
  params: keyParams,
  body: z.object({ partition: z.string().min(1).nullable().optional().describe('The partition to observe (required for a partitioned asset)') }).strict(),
  output: z.object({ observation: observationViewSchema.nullable() }),
  errors: [502],
  status: () => 201,
  idempotent: false,
  role: 'operator',
  async handler(ctx, input) {
    const runtime = await ctx.runtime();
    return { observation: await observeAsset(runtime, input.key, input.partition ?? null) };
  },
});
