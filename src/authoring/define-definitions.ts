/**
 * `defineDefinitions`: the default export of a definitions file. It checks the whole set: every
 * dependency defined, no duplicate keys, no cycles (errors name the assets and the cycle's path).
 */
import { z } from 'zod';
import { AssetGraph } from '../domain/assets/index.js';
import { arcoError, isArcoError } from '../domain/errors/index.js';
import { defaultPartitionMapping, validatePartitionMapping, type PartitionMapping } from '../domain/partitions/index.js';
import { ASSET_BRAND, ASSET_CHECK_BRAND, DEFINITIONS_BRAND, type AssetCheckDefinition, type AssetDefinition, type Definitions, type MultiAssetDefinition } from './types.js';
import { isMultiAssetDefinition } from './define-multi-asset.js';
import type { ScheduleDefinition } from './define-schedule.js';
import type { SensorDefinition } from './define-sensor.js';
import { resolveAutomation } from './resolve-automation.js';
import { suggestionDetails, unknownAssetError } from '../domain/suggestions/index.js';
import { describeOptionProblem, optionProblem } from './option-problems.js';
import { resolveInstanceSettings, type InstanceSettingsOptions } from './instance-settings.js';

export interface DefinitionsOptions {
  /** Made with `defineAsset` or `defineMultiAsset` (whose outputs all join the definitions). */
  readonly assets?: readonly (AssetDefinition | MultiAssetDefinition)[];
  /** Made with `defineSchedule` or `scheduleFromPartitions`. */
  readonly schedules?: readonly ScheduleDefinition[];
  /** Made with `defineSensor`, `defineAssetSensor` or `defineRunStatusSensor`. */
  readonly sensors?: readonly SensorDefinition[];
  /** Made with `defineAssetCheck`; each checks an asset of `assets`. */
  readonly assetChecks?: readonly AssetCheckDefinition[];
  /** Run queue, run retries, run monitoring and retention: what Dagster keeps in `dagster.yaml`. */
  readonly instance?: InstanceSettingsOptions;
}

export function isAssetDefinition(value: unknown): value is AssetDefinition {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[ASSET_BRAND] === true;
}

export function isDefinitions(value: unknown): value is Definitions {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[DEFINITIONS_BRAND] === true;
}

/** The mapping a dependency uses: the declared one, or the default of SEMANTICS §6. */
export function partitionMappingOf(downstream: AssetDefinition, upstream: AssetDefinition): PartitionMapping {
  return downstream.partitionMappings[upstream.key] ?? defaultPartitionMapping(upstream.partitions ?? undefined, downstream.partitions ?? undefined);
}

/** An impossible mapping fails at load, naming both assets. */
function checkPartitionMappings(assets: readonly AssetDefinition[]): void {
  const byKey = new Map(assets.map((a) => [a.key, a]));
  for (const down of assets) {
    for (const upKey of down.deps) {
      const up = byKey.get(upKey) as AssetDefinition;
      try {
        validatePartitionMapping(partitionMappingOf(down, up), up.partitions ?? undefined, down.partitions ?? undefined);
      } catch (error) {
        if (!isArcoError(error)) throw error;
        throw arcoError(error.code, `asset "${down.key}" depends on "${upKey}": ${error.message}`, { ...error.details, asset: down.key, dependency: upKey });
      }
    }
  }
}

/** Who defines a key, in an error message: `asset "k"` or `multi-asset "m"`. */
function definerOf(asset: AssetDefinition): string {
  return asset.multiAsset ? `multi-asset "${asset.multiAsset.name}"` : `asset "${asset.key}"`;
}

/**
 * The assets, with each multi-asset replaced by its outputs. A key defined twice where a
 * multi-asset is involved names both definers; a multi-asset's name may not be another asset's key
 * (it is the task key of its runs).
 */
function flattenAssets(items: readonly unknown[]): AssetDefinition[] {
  const assets: AssetDefinition[] = [];
  items.forEach((item, i) => {
    if (isMultiAssetDefinition(item)) assets.push(...item.outputs);
    else if (isAssetDefinition(item)) assets.push(item);
    else throw arcoError('INVALID_DEFINITION', `assets[${i}] is not an asset: create it with defineAsset or defineMultiAsset`, { field: `assets.${i}` });
  });
  const byKey = new Map<string, AssetDefinition>();
  for (const asset of assets) {
    const earlier = byKey.get(asset.key);
    if (earlier && (earlier.multiAsset || asset.multiAsset)) {
      const definers = [definerOf(earlier), definerOf(asset)];
      throw arcoError('DUPLICATE_ASSET_KEY', `asset "${asset.key}" is defined more than once: by ${definers.join(' and by ')}`, { asset: asset.key, definitions: definers });
    }
    byKey.set(asset.key, asset);
  }
  const names = new Map<string, AssetDefinition>();
  for (const asset of assets) {
    const name = asset.multiAsset?.name;
    if (name === undefined || names.get(name)?.multiAsset === asset.multiAsset) continue;
    const other = names.get(name) ?? byKey.get(name);
    if (other && !asset.multiAsset?.outputKeys.includes(name)) {
      throw arcoError('INVALID_DEFINITION', `multi-asset "${name}" has the name of ${definerOf(other)}; rename one (a multi-asset's name is its task key in runs)`, {
        multiAsset: name,
        field: 'name',
        definitions: [definerOf(asset), definerOf(other)],
      });
    }
    names.set(name, asset);
  }
  return assets;
}

/**
 * A multi-asset runs as one task, so the graph with each multi-asset's outputs taken as one node
 * must be acyclic too: an output that needs an asset downstream of another output of the same
 * multi-asset could never run.
 * @throws DEPENDENCY_CYCLE naming the multi-asset(s) in the path.
 */
function checkMultiAssetCycles(assets: readonly AssetDefinition[]): void {
  if (!assets.some((a) => a.multiAsset)) return;
  const nodeOf = new Map(assets.map((a) => [a.key, a.multiAsset?.name ?? a.key]));
  const deps = new Map<string, Set<string>>();
  for (const asset of assets) {
    const node = nodeOf.get(asset.key) as string;
    const set = deps.get(node) ?? new Set<string>();
    for (const dep of asset.deps) if (nodeOf.get(dep) !== node) set.add(nodeOf.get(dep) as string);
    deps.set(node, set);
  }
  try {
    AssetGraph.build([...deps].map(([key, set]) => ({ key, deps: [...set] })));
  } catch (error) {
    if (!isArcoError(error) || error.code !== 'DEPENDENCY_CYCLE') throw error;
    const cycle = (error.details?.['cycle'] as string[] | undefined) ?? [];
    throw arcoError('DEPENDENCY_CYCLE', `a multi-asset runs as one computation, so its outputs form a dependency cycle: ${cycle.join(' -> ')}`, { cycle });
  }
}

export function isAssetCheckDefinition(value: unknown): value is AssetCheckDefinition {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[ASSET_CHECK_BRAND] === true;
}

/**
 * Every check is on a defined asset and no asset has two checks of one name.
 * @throws INVALID_DEFINITION, UNKNOWN_ASSET (naming the check, with the nearest asset keys), DUPLICATE_ASSET_CHECK.
 */
function checkAssetChecks(checks: readonly unknown[], assets: readonly AssetDefinition[]): AssetCheckDefinition[] {
  const keys = new Set(assets.map((a) => a.key));
  const seen = new Set<string>();
  return checks.map((check, i) => {
    if (!isAssetCheckDefinition(check)) {
      throw arcoError('INVALID_DEFINITION', `assetChecks[${i}] is not an asset check: create it with defineAssetCheck`, { field: `assetChecks.${i}` });
    }
    if (!keys.has(check.assetKey)) throw unknownAssetError(check.assetKey, keys, `checked by asset check "${check.name}"`, { check: check.name });
    const id = `${check.assetKey}#${check.name}`;
    if (seen.has(id)) {
      throw arcoError('DUPLICATE_ASSET_CHECK', `asset "${check.assetKey}" has two checks named "${check.name}"`, { asset: check.assetKey, check: check.name });
    }
    seen.add(id);
    return check;
  });
}

/** Only the shape: each list's items are checked below, with messages that name them. */
const optionsSchema = z.strictObject({
  assets: z.array(z.unknown()).optional(),
  schedules: z.array(z.unknown()).optional(),
  sensors: z.array(z.unknown()).optional(),
  assetChecks: z.array(z.unknown()).optional(),
  instance: z.unknown().optional(),
});

/**
 * @throws INVALID_DEFINITION (also for an option that does not exist, with the nearest options in
 *   `details.suggestions`), DUPLICATE_ASSET_KEY (naming both definitions when one is a
 *   multi-asset), UNKNOWN_DEPENDENCY, DEPENDENCY_CYCLE, INVALID_PARTITION_MAPPING,
 *   UNKNOWN_ASSET (a check on an asset that is not defined), DUPLICATE_ASSET_CHECK.
 */
export function defineDefinitions(options: DefinitionsOptions): Definitions {
  const parsed = optionsSchema.safeParse(options ?? {});
  if (!parsed.success) {
    const problem = optionProblem(optionsSchema, parsed.error);
    throw arcoError('INVALID_DEFINITION', `definitions: ${describeOptionProblem(problem)}`, { field: problem.field, ...suggestionDetails(problem.suggestions) });
  }
  const assets = flattenAssets(options?.assets ?? []);
  AssetGraph.build(assets.map((a) => ({ key: a.key, deps: a.deps })));
  checkMultiAssetCycles(assets);
  checkPartitionMappings(assets);
  const assetChecks = checkAssetChecks(options?.assetChecks ?? [], assets);
  const { schedules, sensors } = resolveAutomation(assets, options?.schedules ?? [], options?.sensors ?? []);
  const instance = resolveInstanceSettings(options?.instance);
  return Object.freeze({ [DEFINITIONS_BRAND]: true as const, assets: [...assets], assetChecks, schedules, sensors, instance });
}
