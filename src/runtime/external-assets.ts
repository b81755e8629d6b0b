/**
 * What happens to assets outside runs: a materialization reported by a caller (Dagster's
 * `report_runless_asset_event`), for any asset, and an observation of an external asset (its
 * `observe` function, behind the user-code boundary). Both are checked against the definitions
 * first (unknown asset, missing or unknown partition): a rejected request records nothing.
 */
import { z } from 'zod';
import { arcoError } from '../domain/errors/index.js';
import type { Json } from '../domain/ids/index.js';
import { partitionWindowOf, runPartitionKeys } from '../domain/runs/index.js';
import { unknownAssetError } from '../domain/suggestions/index.js';
import { draft, idempotencyKeys, jsonValue } from '../events/index.js';
import { runUserCode } from './automation/user-code.js';
import { commit, type RuntimeContext } from './context.js';
import { partitionsContextAt } from './partitions-context.js';

/** How long one `observe` call may take before it fails with OBSERVE_FAILED. */
export const OBSERVE_TIMEOUT_MS = 60_000;

export const reportedMaterializationSchema = z.object({
  reportId: z.string(),
  assetKey: z.string(),
  partitionKey: z.string().nullable(),
  dataVersion: z.string(),
  metadata: z.record(z.string(), jsonValue),
  /** Ledger sequence of the recorded event. */
  sequence: z.number().int(),
  reportedAt: z.string(),
});
export type ReportedMaterialization = z.infer<typeof reportedMaterializationSchema>;

export const observationViewSchema = z.object({
  assetKey: z.string(),
  partitionKey: z.string().nullable(),
  dataVersion: z.string(),
  metadata: z.record(z.string(), jsonValue),
  observedAt: z.string(),
  sequence: z.number().int(),
});
export type ObservationView = z.infer<typeof observationViewSchema>;

/**
 * The one partition key a request names for `assetKey`, checked against its definition now.
 * @throws UNKNOWN_ASSET, PARTITION_REQUIRED, PARTITION_NOT_APPLICABLE, UNKNOWN_PARTITION (naming the asset).
 */
async function checkedPartition(ctx: RuntimeContext, assetKey: string, partitionKey: string | null, nowEpochMs: number): Promise<string | null> {
  const defs = ctx.definitions;
  if (!defs.graph.has(assetKey)) throw unknownAssetError(assetKey, defs.graph.keys);
  const planning = { ...defs, partitions: await partitionsContextAt(ctx, nowEpochMs) };
  const keys = runPartitionKeys([assetKey], partitionKey === null ? null : { kind: 'explicit', keys: [partitionKey] }, planning).get(assetKey) ?? null;
  return keys === null ? null : (keys[0] ?? null);
}

export interface MaterializationReport {
  readonly assetKey: string;
  readonly partitionKey?: string | null;
  /** The caller's data version; when omitted, the report's id (every report a new version). */
  readonly dataVersion?: string | null;
  readonly metadata?: Readonly<Record<string, Json>>;
  /** Who reports it (API token name, `local`, `anonymous`). */
  readonly reportedBy?: string | null;
}

/**
 * Records a materialization without a run: the asset partition becomes MATERIALIZED with this
 * data version, and its children compare against it as against any materialization.
 * @throws UNKNOWN_ASSET, PARTITION_REQUIRED, PARTITION_NOT_APPLICABLE, UNKNOWN_PARTITION; nothing is recorded then.
 */
export async function reportMaterialization(ctx: RuntimeContext, report: MaterializationReport): Promise<ReportedMaterialization> {
  const now = ctx.clock.now();
  const partitionKey = await checkedPartition(ctx, report.assetKey, report.partitionKey ?? null, now);
  const reportId = `report_${ctx.ids.ulid(now)}`;
  const payload = {
    reportId,
    assetKey: report.assetKey,
    partitionKey,
    dataVersion: report.dataVersion ?? reportId,
    userDataVersion: report.dataVersion !== undefined && report.dataVersion !== null,
    metadata: { ...(report.metadata ?? {}) },
    partitionWindow: partitionWindowOf(ctx.definitions.partitionsOf(report.assetKey), partitionKey),
    reportedBy: report.reportedBy ?? null,
  };
  const result = await commit(ctx, [draft('AssetMaterializationReported', payload, idempotencyKeys.assetMaterializationReported(reportId), null)], now);
  const event = result.appended[0];
  if (!event) throw arcoError('INTERNAL_ERROR', `report ${reportId} was not recorded`, { reportId });
  return { reportId, assetKey: payload.assetKey, partitionKey, dataVersion: payload.dataVersion, metadata: payload.metadata, sequence: event.sequence, reportedAt: event.at };
}

const observeResultSchema = z.object({ dataVersion: z.string().min(1), metadata: z.record(z.string(), jsonValue).optional() }).passthrough();

/**
 * Runs an external asset's `observe` and records what it returned as AssetObserved.
 * @param observationId names the observation in its idempotency key: the daemon passes its tick,
 *   so two daemons observing at the same tick record it once; on demand, a fresh id.
 * @throws UNKNOWN_ASSET, ASSET_NOT_OBSERVABLE, the partition errors of `reportMaterialization`,
 *   OBSERVE_FAILED (user code threw, timed out or returned no data version; nothing recorded).
 */
export async function observeAsset(ctx: RuntimeContext, assetKey: string, partition: string | null, observationId?: string): Promise<ObservationView | null> {
  const asset = ctx.definitions.assets.get(assetKey);
  if (!asset) throw unknownAssetError(assetKey, ctx.definitions.graph.keys);
  const observe = asset.observe;
  if (!asset.external || observe === null) {
    const why = asset.external ? 'has no observe function' : 'is not an external asset (it is materialized by runs)';
    throw arcoError('ASSET_NOT_OBSERVABLE', `asset "${assetKey}" ${why}`, { asset: assetKey });
  }
  const started = ctx.clock.now();
  const partitionKey = await checkedPartition(ctx, assetKey, partition, started);
  const run = runUserCode(`observe of "${assetKey}"`, OBSERVE_TIMEOUT_MS, (signal) => observe({ assetKey, partitionKey, signal }));
  const outcome = await run.result;
  if (!outcome.ok) {
    throw arcoError('OBSERVE_FAILED', `observe of asset "${assetKey}" failed: ${outcome.error.message}`, { asset: assetKey, partitionKey, error: outcome.error.code });
  }
  const parsed = observeResultSchema.safeParse(outcome.value);
  if (!parsed.success) {
    throw arcoError('OBSERVE_FAILED', `observe of asset "${assetKey}" must return { dataVersion: string, metadata? }`, { asset: assetKey, partitionKey, error: 'INVALID_OBSERVE_RESULT' });
  }
  const now = ctx.clock.now();
  const observedAt = new Date(now).toISOString();
  const payload = { assetKey, partitionKey, dataVersion: parsed.data.dataVersion, metadata: parsed.data.metadata ?? {}, observedAt };
  const id = observationId ?? ctx.ids.ulid(now);
  const result = await commit(ctx, [draft('AssetObserved', payload, idempotencyKeys.assetObserved(assetKey, partitionKey, id), null)], now);
  const event = result.appended[0];
  // Another daemon recorded this tick's observation first.
  if (!event) return null;
  return { ...payload, sequence: event.sequence };
}
