/**
 * `defineExternalAsset`: an asset another system produces (Dagster's external asset, formerly a
 * source asset). Arco never materializes it: it is no task of any run, and normal assets read it
 * as it is. Its data version comes from `observe` (run by `arco asset observe` and the daemon) or
 * from runless reports (`arco asset report-materialization`).
 */
import { z } from 'zod';
import { arcoError } from '../domain/errors/index.js';
import type { PartitionsDefinition } from '../domain/partitions/index.js';
import { suggestionDetails } from '../domain/suggestions/index.js';
import { keySchema, partitionsOptionSchema } from './define-asset.js';
import { describeOptionProblem, optionProblem } from './option-problems.js';
import { ASSET_BRAND, type AssetDefinition, type ObserveFn } from './types.js';

export interface ExternalAssetOptions {
  /** `/`-separated segments of `[A-Za-z0-9_]+`, e.g. `raw/orders`. */
  readonly key: string;
  readonly group?: string;
  readonly tags?: Readonly<Record<string, string>>;
  readonly owners?: readonly string[];
  readonly kinds?: readonly string[];
  readonly description?: string;
  /** How the external data is partitioned; runless reports and observations name a partition of it. */
  readonly partitions?: PartitionsDefinition;
  /** Reads the data version the external system holds now; without it, only reports record versions. */
  readonly observe?: ObserveFn;
  /**
   * The daemon observes the asset once per this many minutes (needs `observe`; unpartitioned assets).
   * Dagster: `auto_observe_interval_minutes`.
   */
  readonly autoObserveIntervalMinutes?: number;
}

const optionsSchema = z.strictObject({
  key: keySchema,
  group: z.string().regex(/^[A-Za-z0-9_]+$/).optional(),
  tags: z.record(z.string(), z.string()).optional(),
  owners: z.array(z.string()).optional(),
  kinds: z.array(z.string()).optional(),
  description: z.string().optional(),
  partitions: partitionsOptionSchema.optional(),
  observe: z.custom<ObserveFn>((v) => typeof v === 'function', 'must be a function').optional(),
  autoObserveIntervalMinutes: z.number().positive().max(525_600).optional(),
});

/**
 * @throws INVALID_DEFINITION naming the asset: for `compute` (external assets have no compute), and
 *   for any other option that does not exist, with the nearest options in `details.suggestions`.
 */
export function defineExternalAsset(options: ExternalAssetOptions): AssetDefinition {
  const name = typeof options?.key === 'string' ? options.key : '(no key)';
  if (typeof options === 'object' && options !== null && 'compute' in options) {
    throw arcoError('INVALID_DEFINITION', `asset "${name}": external assets have no compute; use observe to report their data version`, {
      asset: name,
      field: 'compute',
      ...suggestionDetails(['observe']),
    });
  }
  if (typeof options === 'object' && options !== null && 'automation' in options) {
    throw arcoError('INVALID_DEFINITION', `asset "${name}": external assets take no automation condition: Arco never materializes them (conditions of the assets that read them react to their observations and reports)`, {
      asset: name,
      field: 'automation',
    });
  }
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) {
    const problem = optionProblem(optionsSchema, parsed.error);
    throw arcoError('INVALID_DEFINITION', `asset "${name}": ${describeOptionProblem(problem)}`, {
      asset: name,
      field: problem.field,
      ...suggestionDetails(problem.suggestions),
    });
  }
  const o = parsed.data;
  if (o.autoObserveIntervalMinutes !== undefined && (o.observe === undefined || o.partitions !== undefined)) {
    const why = o.observe === undefined ? 'needs an observe function' : 'is for unpartitioned external assets (observe partitions with arco asset observe --partition)';
    throw arcoError('INVALID_DEFINITION', `asset "${o.key}": autoObserveIntervalMinutes ${why}`, { asset: o.key, field: 'autoObserveIntervalMinutes' });
  }
  return Object.freeze({
    [ASSET_BRAND]: true as const,
    key: o.key,
    deps: [],
    partitionMappings: {},
    partitions: (o.partitions as PartitionsDefinition | undefined) ?? null,
    compute: null,
    external: true,
    observe: o.observe ?? null,
    autoObserveIntervalMinutes: o.autoObserveIntervalMinutes ?? null,
    automation: null,
    codeVersion: null,
    retry: { maxRetries: 0, delayMs: 0, backoff: 'fixed' as const, jitter: 'none' as const },
    timeoutMs: null,
    pool: null,
    description: o.description ?? null,
    group: o.group ?? 'default',
    tags: o.tags ?? {},
    owners: o.owners ?? [],
    kinds: o.kinds ?? [],
    freshness: null,
  });
}
