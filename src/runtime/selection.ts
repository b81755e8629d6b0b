/**
 * Turning what a caller typed into asset keys: a selection string in Dagster's syntax (or its
 * older comma syntax), or a list of keys. Launching needs at least one asset; listing does not.
 */
import { arcoError } from '../domain/errors/index.js';
import { keysSelection, resolveAssetSelection, type SelectionOptions } from '../domain/selection/index.js';
import type { LoadedDefinitions } from './definitions-loader.js';

/**
 * External assets are selected only when named exactly, unless `options.includeExternal`.
 * @throws SELECTION_SYNTAX_ERROR, UNKNOWN_ASSET.
 */
export function selectAssets(definitions: LoadedDefinitions, selection: string | readonly string[], options: SelectionOptions = {}): string[] {
  const index = definitions.selectionIndex();
  if (typeof selection === 'string') return resolveAssetSelection(selection, index, options);
  // A list whose items are plain keys is taken literally; anything else is a selection per item.
  const keys = new Set<string>();
  for (const item of selection) {
    const found = /^[A-Za-z0-9_]+(\/[A-Za-z0-9_]+)*$/.test(item)
      ? resolveAssetSelection(keysSelection([item]), index, options)
      : resolveAssetSelection(item, index, options);
    for (const key of found) keys.add(key);
  }
  return [...keys].sort();
}

/** Like `selectAssets`, but an empty result is EMPTY_SELECTION: there is nothing to run. */
export function selectAssetsToLaunch(definitions: LoadedDefinitions, selection: string | readonly string[], options: SelectionOptions = {}): string[] {
  const keys = selectAssets(definitions, selection, options);
  if (keys.length === 0) {
    throw arcoError('EMPTY_SELECTION', `selection ${JSON.stringify(selection)} matches no asset`, { selection });
  }
  return keys;
}
