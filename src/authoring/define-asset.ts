/**
 * `defineAsset`: validates one asset's options when the definitions file is imported, so a typo
 * fails at load with the asset's name rather than in the middle of a run.
 */
import { z } from 'zod';
import { isAssetKey } from '../domain/assets/index.js';
import { isConfigSchema, type ConfigSchema } from '../domain/runs/index.js';
import { parseAutomationCondition } from '../domain/automation/index.js';
import { arcoError, isArcoError } from '../domain/errors/index.js';
import { suggestionDetails } from '../domain/suggestions/index.js';
import { describeOptionProblem, optionProblem } from './option-problems.js';
import { freshnessOptionsSchema, resolveFreshness } from './freshness.js';
import type { PartitionMapping, PartitionsDefinition } from '../domain/partitions/index.js';
import { ASSET_BRAND, type AssetDefinition, type AssetDep, type AssetOptions, type AssetRef } from './types.js';

export const keySchema = z.string().refine(isAssetKey, 'must be "/"-separated segments of letters, digits and "_"');

export const partitionsOptionSchema = z.custom<PartitionsDefinition>(
  (v) => typeof v === 'object' && v !== null && ['static', 'timeWindow', 'multi', 'dynamic'].includes((v as { kind?: string }).kind ?? ''),
  'must be a partitions definition (dailyPartitions(...), staticPartitions([...]), ...)',
);

const optionsSchema = z.strictObject({
  key: keySchema,
  deps: z.array(z.unknown()).optional(),
  compute: z.custom<AssetOptions['compute']>((v) => typeof v === 'function', 'must be a function'),
  config: z.custom<ConfigSchema>(isConfigSchema, 'must be a schema with the Standard Schema interface ("~standard"), e.g. a zod object').optional(),
  codeVersion: z.string().min(1).optional(),
  retry: z
    .object({
      maxRetries: z.number().int().min(0).max(100).optional(),
      delayMs: z.number().int().min(0).optional(),
      backoff: z.enum(['fixed', 'exponential']).optional(),
      jitter: z.enum(['none', 'full', 'plusMinus']).optional(),
    })
    .strict()
    .optional(),
  timeoutMs: z.number().int().positive().optional(),
  pool: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be 1-64 letters, digits, _ . or -').optional(),
  description: z.string().optional(),
  group: z.string().regex(/^[A-Za-z0-9_]+$/).optional(),
  tags: z.record(z.string(), z.string()).optional(),
  owners: z.array(z.string()).optional(),
  kinds: z.array(z.string()).optional(),
  partitions: partitionsOptionSchema.optional(),
  freshness: freshnessOptionsSchema.optional(),
  // Checked below by the condition parser, whose message says what a condition is.
  automation: z.unknown().optional(),
});

function isAssetDep(value: unknown): value is AssetDep {
  return typeof value === 'object' && value !== null && 'asset' in value && (value as Record<symbol, unknown>)[ASSET_BRAND] !== true;
}

function refKey(ref: unknown, asset: string): string {
  if (typeof ref === 'string') {
    if (!isAssetKey(ref)) {
      throw arcoError('INVALID_DEFINITION', `asset "${asset}": dependency "${ref}" is not a valid asset key`, { asset, field: 'deps' });
    }
    return ref;
  }
  if (ref && typeof ref === 'object' && (ref as Record<symbol, unknown>)[ASSET_BRAND] === true) return (ref as AssetDefinition).key;
  throw arcoError('INVALID_DEFINITION', `asset "${asset}": each dependency must be an asset or an asset key string`, {
    asset,
    field: 'deps',
  });
}

/**
 * @throws INVALID_DEFINITION naming the asset and the field (`automation` that is not a condition
 *   too; a bad cron or timezone in it, or in a cron `freshness` policy, is INVALID_CRON /
 *   INVALID_TIMEZONE); an option that does not exist (a
 *   typo, `dependencies` for `deps`) is one too, with the nearest options in `details.suggestions`.
 */
export function defineAsset(options: AssetOptions): AssetDefinition {
  const name = typeof options?.key === 'string' ? options.key : '(no key)';
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
  let automation = null;
  if (o.automation !== undefined) {
    try {
      automation = parseAutomationCondition(o.automation, 'automation');
    } catch (error) {
      if (!isArcoError(error)) throw error;
      throw arcoError(error.code, `asset "${o.key}": ${error.message}`, { ...error.details, asset: o.key, field: 'automation' });
    }
  }
  const partitionMappings: Record<string, PartitionMapping> = {};
  const deps = (o.deps ?? []).map((dep) => {
    if (!isAssetDep(dep)) return refKey(dep, o.key);
    const key = refKey(dep.asset, o.key);
    if (dep.partitionMapping !== undefined) partitionMappings[key] = dep.partitionMapping;
    return key;
  });
  return Object.freeze({
    [ASSET_BRAND]: true as const,
    key: o.key,
    deps: [...new Set(deps)],
    partitionMappings,
    partitions: (o.partitions as PartitionsDefinition | undefined) ?? null,
    compute: o.compute,
    configSchema: o.config ?? null,
    external: false,
    observe: null,
    autoObserveIntervalMinutes: null,
    codeVersion: o.codeVersion ?? null,
    retry: {
      maxRetries: o.retry?.maxRetries ?? 0,
      delayMs: o.retry?.delayMs ?? 0,
      backoff: o.retry?.backoff ?? 'fixed',
      jitter: o.retry?.jitter ?? 'none',
    },
    timeoutMs: o.timeoutMs ?? null,
    pool: o.pool ?? null,
    description: o.description ?? null,
    group: o.group ?? 'default',
    tags: o.tags ?? {},
    owners: o.owners ?? [],
    kinds: o.kinds ?? [],
    freshness: o.freshness === undefined ? null : resolveFreshness(o.freshness, o.key),
    automation,
  });
}
