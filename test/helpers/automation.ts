/**
 * Builders for schedule and sensor tests: stored events from drafts, state folded with the real
 * reducers, planning contexts with partitioned assets, and temporary projects whose definitions
 * export schedules and sensors.
 */
import { defaultPartitionMapping, type PartitionsDefinition } from '../../src/domain/partitions/index.js';
import { DEFAULT_RETRY_POLICY, type PlanningContext } from '../../src/domain/runs/index.js';
import { DEFAULT_WORKSPACE, EVENT_VERSION, type EventDraft, type StoredEvent } from '../../src/events/index.js';
import {
  foldInMemory,
  scheduleStatesFamily,
  scheduleTicksFamily,
  sensorStatesFamily,
  type ScheduleState,
  type ScheduleStateRead,
  type ScheduleTick,
  type SensorState,
} from '../../src/fold/index.js';
import { graphOf, iso } from './runs.js';

let sequence = 0;

/** A draft as the ledger would store it at `atMs`. */
export function stored(d: EventDraft, atMs: number): StoredEvent {
  sequence += 1;
  return {
    type: d.type,
    payload: d.payload,
    idempotencyKey: d.idempotencyKey,
    correlationId: d.correlationId,
    causationId: d.causationId ?? null,
    eventId: `e${sequence}`,
    version: EVENT_VERSION,
    at: iso(atMs),
    workspace: DEFAULT_WORKSPACE,
    sequence,
  } as StoredEvent;
}

/** Folds timed batches of drafts into the state of one schedule, with its latest tick, as the store reads it. */
export function scheduleStateOf(name: string, batches: readonly (readonly [number, readonly EventDraft[]])[]): ScheduleStateRead {
  const rows = new Map<string, ScheduleState>();
  const ticks = new Map<string, ScheduleTick>();
  for (const [atMs, drafts] of batches) {
    const events = drafts.map((d) => stored(d, atMs));
    foldInMemory(scheduleStatesFamily, rows, events);
    foldInMemory(scheduleTicksFamily, ticks, events);
  }
  const state = rows.get(name);
  if (!state) throw new Error(`no state for schedule ${name}`);
  const last = [...ticks.values()].filter((t) => t.scheduleName === name).sort((a, b) => b.epochSeconds - a.epochSeconds)[0];
  return { ...state, lastTick: last ? { epochSeconds: last.epochSeconds, local: last.local, status: last.status, runId: last.runId } : null };
}

export function sensorStateOf(name: string, batches: readonly (readonly [number, readonly EventDraft[]])[]): SensorState {
  const rows = new Map<string, SensorState>();
  for (const [atMs, drafts] of batches) foldInMemory(sensorStatesFamily, rows, drafts.map((d) => stored(d, atMs)));
  const state = rows.get(name);
  if (!state) throw new Error(`no state for sensor ${name}`);
  return state;
}

/** A planning context over `dag`, with partitions per asset and dynamic sets. */
export function planningOf(
  dag: Readonly<Record<string, readonly string[]>>,
  nowEpochMs: number,
  partitions: Readonly<Record<string, PartitionsDefinition>> = {},
  dynamic: Readonly<Record<string, readonly string[]>> = {},
): PlanningContext {
  const partitionsOf = (key: string) => partitions[key] ?? null;
  return {
    graph: graphOf(dag),
    specOf: () => ({ retry: DEFAULT_RETRY_POLICY, timeoutMs: null, codeVersion: null }),
    isExternal: () => false,
    partitionsOf,
    mappingOf: (down, up) => defaultPartitionMapping(partitionsOf(up) ?? undefined, partitionsOf(down) ?? undefined),
    partitions: { nowEpochMs, dynamicKeys: (name) => dynamic[name] ?? [] },
  };
}
