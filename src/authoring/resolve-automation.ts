/**
 * Resolving schedules and sensors against the assets of a definitions file (called by
 * `defineDefinitions`), so a wrong target fails at load, naming the schedule or sensor: names are
 * unique across both kinds, targets resolve to existing assets, and a schedule's partition option
 * fits its target's partitions.
 */
import { arcoError, isArcoError, type ErrorCode } from '../domain/errors/index.js';
import { parseCronSchedule } from '../domain/cron/index.js';
import { sameDefinition, type PartitionsDefinition } from '../domain/partitions/index.js';
import { AssetSelectionIndex, resolveAssetSelection } from '../domain/selection/index.js';
import { unknownAssetError } from '../domain/suggestions/index.js';
import { AUTOMATION_SENSOR_INTERVAL_SECONDS, AUTOMATION_SENSOR_NAME } from '../domain/automation/index.js';
import { isScheduleDefinition, type ResolvedSchedule, type ScheduleDefinition } from './define-schedule.js';
import { isSensorDefinition, SENSOR_BRAND, type SensorDefinition } from './define-sensor.js';
import type { AssetDefinition } from './types.js';

/** A sensor after `defineDefinitions`: `assetKeys` is its resolved target (empty when it has none). */
export type ResolvedSensor = SensorDefinition & { readonly assetKeys: readonly string[] };

type Owner = { readonly kind: 'schedule' | 'sensor'; readonly name: string };

function fail(owner: Owner, field: string, reason: string): never {
  const code: ErrorCode = owner.kind === 'schedule' ? 'INVALID_SCHEDULE' : 'INVALID_SENSOR';
  throw arcoError(code, `${owner.kind} "${owner.name}": ${field} ${reason}`, { [owner.kind]: owner.name, field, reason });
}

/** Selection and unknown-asset errors keep their code and gain the schedule's or sensor's name. */
function resolveTarget(owner: Owner, field: string, target: string | readonly string[], assets: ReadonlyMap<string, AssetDefinition>, index: () => AssetSelectionIndex): string[] {
  let keys: string[];
  try {
    if (typeof target === 'string') {
      keys = resolveAssetSelection(target, index());
    } else {
      for (const key of target) {
        if (!assets.has(key)) throw unknownAssetError(key, assets.keys());
      }
      keys = [...new Set(target)].sort();
    }
  } catch (error) {
    if (!isArcoError(error)) throw error;
    throw arcoError(error.code, `${owner.kind} "${owner.name}": ${field}: ${error.message}`, { ...error.details, [owner.kind]: owner.name, field });
  }
  if (keys.length === 0) fail(owner, field, `${JSON.stringify(target)} matches no asset`);
  return keys;
}

function resolveSchedule(schedule: ScheduleDefinition, assets: ReadonlyMap<string, AssetDefinition>, index: () => AssetSelectionIndex): ResolvedSchedule {
  const owner: Owner = { kind: 'schedule', name: schedule.name };
  const assetKeys = resolveTarget(owner, 'target', schedule.target, assets, index);
  const partitioned = assetKeys.flatMap((key) => {
    const definition = assets.get(key)?.partitions ?? null;
    return definition === null ? [] : [{ key, definition }];
  });
  let partitionsDefinition: PartitionsDefinition | null = schedule.partitionsDefinition;
  if (schedule.partition === 'none' && partitioned.length > 0) {
    fail(owner, 'partition', `is required: the target has partitioned assets (${partitioned.map((p) => p.key).join(', ')}); give 'previous window' or a function`);
  }
  if (schedule.partition !== 'none' && partitioned.length === 0) fail(owner, 'partition', 'was given but no targeted asset is partitioned');
  if (schedule.partition === 'previous window') {
    const first = partitioned[0]?.definition as PartitionsDefinition;
    if (!partitioned.every((p) => sameDefinition(p.definition, first))) fail(owner, 'target', 'must use one partitions definition for "previous window"');
    if (first.kind !== 'timeWindow') fail(owner, 'partition', '"previous window" needs time-window partitions');
    if (partitionsDefinition !== null && !sameDefinition(partitionsDefinition, first)) fail(owner, 'partitions', "differ from the target's partitions");
    partitionsDefinition = first;
  }
  const cron = schedule.cron ?? parseCronSchedule((partitionsDefinition as Extract<PartitionsDefinition, { kind: 'timeWindow' }>).cron);
  const timezone = schedule.timezone ?? (partitionsDefinition as Extract<PartitionsDefinition, { kind: 'timeWindow' }>).timezone;
  return Object.freeze({ ...schedule, cron, timezone, assetKeys, partitionsDefinition });
}

function resolveSensor(sensor: SensorDefinition, assets: ReadonlyMap<string, AssetDefinition>, index: () => AssetSelectionIndex): ResolvedSensor {
  const owner: Owner = { kind: 'sensor', name: sensor.name };
  const assetKeys = sensor.target === null ? [] : resolveTarget(owner, 'target', sensor.target, assets, index);
  if (sensor.kind === 'asset' && !assets.has(sensor.monitoredAsset)) {
    const error = unknownAssetError(sensor.monitoredAsset, assets.keys(), '', { sensor: sensor.name, field: 'asset' });
    throw arcoError(error.code, `sensor "${sensor.name}": asset: ${error.message}`, error.details);
  }
  if (sensor.kind === 'run_status' && sensor.monitoredTarget !== null) {
    const monitoredAssetKeys = resolveTarget(owner, 'monitoredTarget', sensor.monitoredTarget, assets, index);
    return Object.freeze({ ...sensor, assetKeys, monitoredAssetKeys });
  }
  return Object.freeze({ ...sensor, assetKeys });
}

/**
 * The sensor that evaluates the assets' automation conditions (Dagster's
 * `default_automation_condition_sensor`): running by default, every 30 s; its evaluator is the
 * daemon's, not user code.
 */
function automationSensor(assetKeys: readonly string[]): ResolvedSensor {
  return Object.freeze({
    [SENSOR_BRAND]: true as const,
    kind: 'automation_condition' as const,
    name: AUTOMATION_SENSOR_NAME,
    target: null,
    assetKeys,
    minimumIntervalSeconds: AUTOMATION_SENSOR_INTERVAL_SECONDS,
    defaultStatus: 'RUNNING' as const,
    timeoutMs: 60_000,
    description: 'Evaluates the automation conditions of assets',
  });
}

/**
 * @throws INVALID_DEFINITION (an item is not a schedule/sensor), DUPLICATE_AUTOMATION_NAME,
 *   INVALID_SCHEDULE, INVALID_SENSOR, UNKNOWN_ASSET, SELECTION_SYNTAX_ERROR.
 */
export function resolveAutomation(
  assets: readonly AssetDefinition[],
  schedules: readonly unknown[],
  sensors: readonly unknown[],
): { schedules: ResolvedSchedule[]; sensors: ResolvedSensor[] } {
  schedules.forEach((s, i) => {
    if (!isScheduleDefinition(s)) throw arcoError('INVALID_DEFINITION', `schedules[${i}] is not a schedule: create it with defineSchedule`, { field: `schedules.${i}` });
  });
  sensors.forEach((s, i) => {
    if (!isSensorDefinition(s)) throw arcoError('INVALID_DEFINITION', `sensors[${i}] is not a sensor: create it with defineSensor`, { field: `sensors.${i}` });
  });
  const names = new Set<string>();
  const conditioned = assets.filter((a) => a.automation !== null).map((a) => a.key).sort();
  if (conditioned.length > 0) names.add(AUTOMATION_SENSOR_NAME);
  for (const item of [...(schedules as ScheduleDefinition[]), ...(sensors as SensorDefinition[])]) {
    if (names.has(item.name)) {
      const reason = item.name === AUTOMATION_SENSOR_NAME ? ' (the sensor that evaluates automation conditions has that name)' : '';
      throw arcoError('DUPLICATE_AUTOMATION_NAME', `two schedules or sensors are named "${item.name}"${reason}`, { name: item.name });
    }
    names.add(item.name);
  }
  const byKey = new Map(assets.map((a) => [a.key, a]));
  let index: AssetSelectionIndex | undefined;
  const indexOf = () =>
    (index ??= AssetSelectionIndex.build(assets.map((a) => ({ key: a.key, deps: a.deps, group: a.group, tags: a.tags, owners: a.owners, kinds: a.kinds }))));
  return {
    schedules: (schedules as ScheduleDefinition[]).map((s) => resolveSchedule(s, byKey, indexOf)),
    sensors: [...(sensors as SensorDefinition[]).map((s) => resolveSensor(s, byKey, indexOf)), ...(conditioned.length > 0 ? [automationSensor(conditioned)] : [])],
  };
}
