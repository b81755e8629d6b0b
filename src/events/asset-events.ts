/**
 * Events about assets themselves rather than runs: freshness (SEMANTICS §8). Field names are
 * storage names, frozen once released.
 */
import { z } from 'zod';

export const freshnessStateSchema = z.enum(['PASS', 'WARN', 'FAIL', 'UNKNOWN']);
export type FreshnessState = z.infer<typeof freshnessStateSchema>;

export const assetEventSchemas = {
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
