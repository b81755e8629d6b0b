/**
 * Events about assets themselves rather than runs: freshness (SEMANTICS §8). Field names are
 * storage names, frozen once released.
 */
import { z } from 'zod';
import { jsonValue } from './common.js';

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
} as const;
