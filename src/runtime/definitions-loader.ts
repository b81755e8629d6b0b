/**
 * Loading a definitions file (loader/index.ts finds it): import it, and index what it defines.
 * Import errors and malformed exports become DEFINITIONS_LOAD_FAILED; validation errors from
 * defineAsset/defineDefinitions pass through with their own codes (they name the assets).
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isDefinitions, partitionMappingOf, type AssetCheckDefinition, type AssetDefinition, type Definitions } from '../authoring/index.js';
import type { PartitionMapping, PartitionsDefinition } from '../domain/partitions/index.js';
import { AssetGraph } from '../domain/assets/index.js';
import { arcoError, isArcoError } from '../domain/errors/index.js';
import { checkKeyOf, type CheckSpec, type ConfigSchema, type MultiAssetPlan, type TaskSpec } from '../domain/runs/index.js';
import { AssetSelectionIndex } from '../domain/selection/index.js';
import { definitionsBundleUrl } from './loader/definitions-bundle.js';

export { DEFINITIONS_FILE_NAMES, locateDefinitions } from './loader/index.js';

/** The module user definitions import as 'arco-flow': the authoring entry this process uses. */
const AUTHORING_URL = new URL(import.meta.url.endsWith('.ts') ? '../authoring/index.ts' : '../authoring/index.js', import.meta.url).href;

export interface LoadedDefinitions {
  readonly file: string;
  readonly definitions: Definitions;
  readonly graph: AssetGraph;
  readonly assets: ReadonlyMap<string, AssetDefinition>;
  readonly specOf: (assetKey: string) => TaskSpec;
  /** Asset checks by `ASSET#NAME`. */
  readonly checks: ReadonlyMap<string, AssetCheckDefinition>;
  /** The checks of an asset, in definition order. */
  readonly checksOf: (assetKey: string) => readonly CheckSpec[];
  readonly partitionsOf: (assetKey: string) => PartitionsDefinition | null;
  readonly mappingOf: (downstream: string, upstream: string) => PartitionMapping;
  /** The multi-asset an asset is an output of, or null (planning puts its outputs in one task). */
  readonly multiAssetOf: (assetKey: string) => MultiAssetPlan | null;
  /** Names of the dynamic partition sets the assets use (their keys live in the store). */
  readonly dynamicPartitionNames: readonly string[];
  /** The index selections resolve against; built on first use. */
  readonly selectionIndex: () => AssetSelectionIndex;
  /** Whether an asset is external (`defineExternalAsset`); false for a key that is no asset. */
  readonly isExternal: (assetKey: string) => boolean;
  /** The schema run config must fit to materialize the asset (`defineAsset({ config })`), or null. */
  readonly configSchemaOf: (assetKey: string) => ConfigSchema | null;
}

export interface LoadOptions {
  /**
   * Loads the file and the user modules it imports anew, as generation N (hot reload): modules
   * are cached per generation, and 'arco-flow' and node_modules are shared by all generations.
   */
  readonly generation?: number;
}

export async function loadDefinitions(file: string, options: LoadOptions = {}): Promise<LoadedDefinitions> {
  let module: { default?: unknown };
  try {
    // Compiled once and cached, then imported as plain JavaScript: no TypeScript loader, whose
    // hooks thread would slow every later import of this process (loader/definitions-bundle.ts).
    // ARCO_DEFINITIONS_LOADER=tsx loads the files themselves through tsx instead, for code a bundle
    // cannot hold (an import() of a path computed at run time).
    const url = new URL(process.env.ARCO_DEFINITIONS_LOADER === 'tsx' ? await throughTsx(file) : await definitionsBundleUrl(file, { authoringUrl: AUTHORING_URL }));
    // A new generation is a new module instance, so the user's code is evaluated anew (hot reload);
    // node_modules and 'arco-flow' stay outside the bundle and stay the same instances.
    if (options.generation !== undefined) url.searchParams.set('arco_generation', String(options.generation));
    module = (await import(url.href)) as { default?: unknown };
  } catch (error) {
    if (isArcoError(error)) throw error;
    const message = error instanceof Error ? error.message : String(error);
    const at = userFrame(error);
    throw arcoError('DEFINITIONS_LOAD_FAILED', `cannot import ${file}: ${message}${at && !message.includes(at) ? ` (at ${at})` : ''}`, { file, ...(at ? { at } : {}) });
  }
  const definitions = module.default;
  if (!isDefinitions(definitions)) {
    throw arcoError('DEFINITIONS_LOAD_FAILED', `${file} must "export default defineDefinitions({ assets: [...] })"`, { file });
  }
  return indexDefinitions(file, definitions);
}

/** The definitions file's own URL, with tsx and the 'arco-flow' resolver registered for it. */
async function throughTsx(file: string): Promise<string> {
  await import('./loader/register.mjs');
  return pathToFileURL(file).href;
}

/** This package's own code (src/ or dist/): frames there are not where the user's mistake is. */
const OWN_CODE = fileURLToPath(new URL('..', import.meta.url));

/** `file:line:column` of the first stack frame in the user's code, or null. */
function userFrame(error: unknown): string | null {
  const stack = error instanceof Error ? (error.stack ?? '') : '';
  for (const match of stack.matchAll(/(?:file:\/\/)?(\/[^\s()?:]+)(?:\?[^\s():]*)?:(\d+):(\d+)/g)) {
    const [, path, line, column] = match;
    if (path && !path.includes('/node_modules/') && !path.startsWith(OWN_CODE)) return `${path}:${line}:${column}`;
  }
  return null;
}

export function indexDefinitions(file: string, definitions: Definitions): LoadedDefinitions {
  const graph = AssetGraph.build(definitions.assets.map((a) => ({ key: a.key, deps: a.deps })));
  const assets = new Map(definitions.assets.map((a) => [a.key, a]));
  const assetOf = (key: string): AssetDefinition => {
    const asset = assets.get(key);
    if (!asset) throw arcoError('UNKNOWN_ASSET', `unknown asset "${key}"`, { key });
    return asset;
  };
  const specOf = (key: string): TaskSpec => {
    const asset = assetOf(key);
    return { retry: asset.retry, timeoutMs: asset.timeoutMs, codeVersion: asset.codeVersion, pool: asset.pool };
  };
  const checks = new Map((definitions.assetChecks ?? []).map((c) => [checkKeyOf(c.assetKey, c.name), c]));
  const checksByAsset = new Map<string, CheckSpec[]>();
  for (const c of checks.values()) checksByAsset.set(c.assetKey, [...(checksByAsset.get(c.assetKey) ?? []), { name: c.name, blocking: c.blocking }]);
  const checksOf = (key: string): readonly CheckSpec[] => checksByAsset.get(key) ?? [];
  const partitionsOf = (key: string) => assetOf(key).partitions;
  const mappingOf = (downstream: string, upstream: string) => partitionMappingOf(assetOf(downstream), assetOf(upstream));
  const multiAssetOf = (key: string): MultiAssetPlan | null => {
    const multi = assetOf(key).multiAsset;
    return multi ? { name: multi.name, outputKeys: multi.outputKeys, canSubset: multi.canSubset, codeVersion: multi.codeVersion } : null;
  };
  const dynamicPartitionNames = [...new Set(definitions.assets.flatMap((a) => dynamicNames(a.partitions)))].sort();
  let index: AssetSelectionIndex | undefined;
  const selectionIndex = (): AssetSelectionIndex =>
    (index ??= AssetSelectionIndex.build(
      definitions.assets.map((a) => ({ key: a.key, deps: a.deps, group: a.group, tags: a.tags, owners: a.owners, kinds: a.kinds, external: a.external })),
    ));
  const isExternal = (key: string): boolean => assets.get(key)?.external ?? false;
  const configSchemaOf = (key: string): ConfigSchema | null => assets.get(key)?.configSchema ?? null;
  return { file, definitions, graph, assets, specOf, checks, checksOf, partitionsOf, mappingOf, multiAssetOf, dynamicPartitionNames, selectionIndex, isExternal, configSchemaOf };
}

function dynamicNames(definition: PartitionsDefinition | null): string[] {
  if (definition === null) return [];
  if (definition.kind === 'dynamic') return [definition.name];
  if (definition.kind === 'multi') return definition.dimensions.flatMap((d) => (d.definition.kind === 'dynamic' ? [d.definition.name] : []));
  return [];
}
