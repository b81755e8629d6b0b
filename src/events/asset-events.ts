/**
 * Events about assets themselves rather than runs: freshness (SEMANTICS §8), observations of
 * external assets, materializations reported without a run, and wipes. Field names are storage
 * names, frozen once released.
 */
import { z } from 'zod';
import { jsonValue, partitionWindowSchema } from './common.js';

export const freshnessStateSchema = z.enum(['PASS', 'WARN', 'FAIL', 'UNKNOWN']);
export type FreshnessState = z.infer<typeof freshnessStateSchema>;

export const checkSeveritySchema = z.enum(['WARN', 'ERROR']);

export const assetEventSchemas = {
  /**
   * An asset check's compute returned a result in a run: passed or not, with its severity. A failed
   * result is not a task failure (the check's task succeeded). A check whose compute threw records no
   * evaluation: its task failed instead (EXECUTION_FAILED in the check's results).
   */
  AssetCheckEvaluated: z.object({
    runId: z.string(),
    taskKey: z.string(),
    attempt: z.number().int().positive(),
    assetKey: z.string(),
    partitionKey: z.string().nullable(),
    checkName: z.string(),
    passed: z.boolean(),
    severity: checkSeveritySchema,
    metadata: z.record(z.string(), jsonValue),
    /** Whether the check was blocking when it ran (a failed ERROR result then skipped the asset's downstream). */
    blocking: z.boolean(),
    /** When the worker's result was recorded (the control plane's clock). */
    evaluatedAt: z.string(),
  }),
  /**
   * An asset's freshness policy evaluated to a different state than last recorded. `stateVersion`
   * counts the asset's changes from 1, so each change is recorded once whoever evaluates it.
   */
  AssetFreshnessChanged: z.object({
    assetKey: z.string(),
    stateVersion: z.number().int().positive(),
    state: freshnessStateSchema,
    previousState: freshnessStateSchema.nullable(),
    /** Minutes since the data the asset holds was current (its last materialization), if any. */
    lagMinutes: z.number().nullable(),
    /** The last materialization the evaluation saw (its ledger sequence), if any. */
    materializationSequence: z.number().int().nullable(),
    evaluatedAt: z.string(),
  }),
  /**
   * An external asset (partition) was observed: the data version its system holds now (Dagster's
   * AssetObservation). It is no materialization: partition status is unchanged; staleness reads it.
   */
  AssetObserved: z.object({
    assetKey: z.string(),
    partitionKey: z.string().nullable(),
    dataVersion: z.string(),
    metadata: z.record(z.string(), jsonValue),
    observedAt: z.string(),
  }),
  /**
   * A materialization recorded without a run (Dagster's report_runless_asset_event), for an external
   * or a normal asset: it counts as that asset partition's latest materialization. `reportId` names
   * the report; `dataVersion` is the caller's, else `reportId`, so each report is a new version.
   */
  AssetMaterializationReported: z.object({
    reportId: z.string(),
    assetKey: z.string(),
    partitionKey: z.string().nullable(),
    dataVersion: z.string(),
    /** Whether the caller gave the data version. */
    userDataVersion: z.boolean(),
    metadata: z.record(z.string(), jsonValue),
    partitionWindow: partitionWindowSchema.nullable(),
    /** Who reported it: an API token's name, `local` or `anonymous`. */
    reportedBy: z.string().nullable(),
  }),
  /**
   * An operator wiped the asset's materialization history (Dagster's `asset wipe`): of every
   * partition (`partitionKeys` null) or of the listed ones. The ledger keeps the materializations;
   * the projections forget them, so the asset (partitions) reads as never materialized until it
   * is materialized again. `partitionWindows` are the merged `[startMs, endMs)` windows of the
   * listed time-window partitions, so partition status can forget them without the definition.
   */
  AssetWiped: z.object({
    assetKey: z.string(),
    partitionKeys: z.array(z.string()).nullable(),
    partitionWindows: z.array(z.tuple([z.number().int(), z.number().int()])),
    wipedAt: z.string(),
    /** Who asked: an API token's name, `local` or `anonymous` (null when unknown). */
    requestedBy: z.string().nullable(),
  }),
} as const;
