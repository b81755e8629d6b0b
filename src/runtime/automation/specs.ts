/**
 * Schedules and sensors of the loaded definitions, as the controllers and the ledger see them:
 * controller specs, and the definitions stored by sync (whose hash decides the definition
 * version). Built once per loaded definitions.
 */
import type { ResolvedSchedule, ResolvedSensor } from '../../authoring/index.js';
import type { ScheduleSpec } from '../../controllers/index.js';
import { unknownScheduleError, unknownSensorError } from '../../domain/suggestions/index.js';
import type { PayloadOf } from '../../events/index.js';
import type { LoadedDefinitions } from '../definitions-loader.js';

export interface ScheduleEntry {
  readonly definition: ResolvedSchedule;
  readonly spec: ScheduleSpec;
  readonly stored: PayloadOf<'ScheduleDefinitionSynced'>['definition'];
}

export interface SensorEntry {
  readonly definition: ResolvedSensor;
  readonly stored: PayloadOf<'SensorDefinitionSynced'>['definition'];
}

export interface AutomationEntries {
  readonly schedules: ReadonlyMap<string, ScheduleEntry>;
  readonly sensors: ReadonlyMap<string, SensorEntry>;
}

const cache = new WeakMap<LoadedDefinitions, AutomationEntries>();

function scheduleEntry(s: ResolvedSchedule): ScheduleEntry {
  const spec: ScheduleSpec = {
    name: s.name,
    cron: s.cron,
    timezone: s.timezone,
    assetKeys: s.assetKeys,
    partition: s.partition,
    partitionsDefinition: s.partitionsDefinition,
    tags: s.tags,
    config: s.config,
    maxCatchupTicks: s.maxCatchupTicks,
    skipIfRunning: s.skipIfRunning,
  };
  const stored = {
    cron: typeof s.cron.source === 'string' ? s.cron.source : [...s.cron.source],
    timezone: s.timezone,
    assetKeys: [...s.assetKeys],
    partition: s.partition,
    defaultStatus: s.defaultStatus,
    maxCatchupTicks: s.maxCatchupTicks,
    skipIfRunning: s.skipIfRunning,
    tags: { ...s.tags },
    config: s.config,
  };
  return { definition: s, spec, stored };
}

function sensorEntry(s: ResolvedSensor): SensorEntry {
  return {
    definition: s,
    stored: { kind: s.kind, assetKeys: [...s.assetKeys], minimumIntervalSeconds: s.minimumIntervalSeconds, defaultStatus: s.defaultStatus },
  };
}

export function automationEntries(definitions: LoadedDefinitions): AutomationEntries {
  let entries = cache.get(definitions);
  if (!entries) {
    entries = {
      schedules: new Map((definitions.definitions.schedules ?? []).map((s) => [s.name, scheduleEntry(s)])),
      sensors: new Map((definitions.definitions.sensors ?? []).map((s) => [s.name, sensorEntry(s)])),
    };
    cache.set(definitions, entries);
  }
  return entries;
}

/** @throws UNKNOWN_SCHEDULE naming it and the nearest schedules. */
export function scheduleEntryOf(definitions: LoadedDefinitions, name: string): ScheduleEntry {
  const schedules = automationEntries(definitions).schedules;
  const entry = schedules.get(name);
  if (!entry) throw unknownScheduleError(name, schedules.keys());
  return entry;
}

/** @throws UNKNOWN_SENSOR naming it and the nearest sensors. */
export function sensorEntryOf(definitions: LoadedDefinitions, name: string): SensorEntry {
  const sensors = automationEntries(definitions).sensors;
  const entry = sensors.get(name);
  if (!entry) throw unknownSensorError(name, sensors.keys());
  return entry;
}
