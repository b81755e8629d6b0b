/**
 * `defineDefinitions`: the default export of a definitions file. It checks the whole set: every
 * dependency defined, no duplicate keys, no cycles (errors name the assets and the cycle's path).
 */
import { AssetGraph } from '../domain/assets/index.js';
import { arcoError } from '../domain/errors/index.js';
import { ASSET_BRAND, DEFINITIONS_BRAND, type AssetDefinition, type Definitions } from './types.js';

export interface DefinitionsOptions {
  readonly assets?: readonly AssetDefinition[];
}

export function isAssetDefinition(value: unknown): value is AssetDefinition {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[ASSET_BRAND] === true;
}

export function isDefinitions(value: unknown): value is Definitions {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[DEFINITIONS_BRAND] === true;
}

/** @throws INVALID_DEFINITION, DUPLICATE_ASSET_KEY, UNKNOWN_DEPENDENCY, DEPENDENCY_CYCLE. */
export function defineDefinitions(options: DefinitionsOptions): Definitions {
  const assets = options?.assets ?? [];
  assets.forEach((asset, i) => {
    if (!isAssetDefinition(asset)) {
      throw arcoError('INVALID_DEFINITION', `assets[${i}] is not an asset: create it with defineAsset`, { field: `assets.${i}` });
    }
  });
  AssetGraph.build(assets.map((a) => ({ key: a.key, deps: a.deps })));
  return Object.freeze({ [DEFINITIONS_BRAND]: true as const, assets: [...assets] });
}
