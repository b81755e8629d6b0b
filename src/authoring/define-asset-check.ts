/**
 * `defineAssetCheck`: validates one asset check's options when the definitions file is imported.
 * Whether its asset exists is known only to `defineDefinitions`, which checks that next.
 */
import { z } from 'zod';
import { isAssetKey } from '../domain/assets/index.js';
import { arcoError } from '../domain/errors/index.js';
import { CHECK_NAME_PATTERN } from '../domain/runs/index.js';
import { suggestionDetails } from '../domain/suggestions/index.js';
import { describeOptionProblem, optionProblem } from './option-problems.js';
import { ASSET_BRAND, ASSET_CHECK_BRAND, type AssetCheckDefinition, type AssetCheckOptions, type AssetDefinition } from './types.js';

const optionsSchema = z.strictObject({
  asset: z.custom<AssetCheckOptions['asset']>(
    (v) =>
      (typeof v === 'string' && isAssetKey(v)) || (typeof v === 'object' && v !== null && (v as Record<symbol, unknown>)[ASSET_BRAND] === true),
    'must be an asset (from defineAsset) or an asset key',
  ),
  name: z.string().regex(CHECK_NAME_PATTERN, 'must be letters, digits and "_"'),
  blocking: z.boolean().optional(),
  description: z.string().optional(),
  compute: z.custom<AssetCheckOptions['compute']>((v) => typeof v === 'function', 'must be a function'),
});

function assetKeyOf(asset: unknown): string {
  if (typeof asset === 'string') return asset;
  if (typeof asset === 'object' && asset !== null && typeof (asset as { key?: unknown }).key === 'string') return (asset as AssetDefinition).key;
  return '(no asset)';
}

/**
 * @throws INVALID_DEFINITION naming the check and the field; an option that does not exist is one
 *   too, with the nearest options in `details.suggestions`.
 */
export function defineAssetCheck(options: AssetCheckOptions): AssetCheckDefinition {
  const name = typeof options?.name === 'string' ? options.name : '(no name)';
  const asset = assetKeyOf(options?.asset);
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) {
    const problem = optionProblem(optionsSchema, parsed.error);
    throw arcoError('INVALID_DEFINITION', `asset check "${name}" on "${asset}": ${describeOptionProblem(problem)}`, {
      check: name,
      asset,
      field: problem.field,
      ...suggestionDetails(problem.suggestions),
    });
  }
  const o = parsed.data;
  return Object.freeze({
    [ASSET_CHECK_BRAND]: true as const,
    assetKey: assetKeyOf(o.asset),
    name: o.name,
    blocking: o.blocking ?? false,
    description: o.description ?? null,
    compute: o.compute,
  });
}
