/**
 * Definition sync: schedules and sensors defined in code are recorded in the ledger with a
 * definition version, bumped whenever a definition changes (SEMANTICS §4). Runs when a daemon
 * starts and before every command on a schedule or sensor, so the ledger knows what the command
 * acts on. Idempotent: an unchanged definition appends nothing, and two processes syncing the same
 * change record it once.
 */
import { decideScheduleSync, decideSensorSync } from '../../controllers/index.js';
import type { ScheduleState, SensorState } from '../../fold/index.js';
import { commit, type RuntimeContext } from '../context.js';
import { automationEntries } from './specs.js';

/** Syncs every schedule and sensor, or only the one named. */
export async function syncAutomation(ctx: RuntimeContext, only?: { readonly schedule?: string; readonly sensor?: string }): Promise<void> {
  const entries = automationEntries(ctx.definitions);
  const schedules = [...entries.schedules.values()].filter((e) => only === undefined || e.definition.name === only.schedule);
  const sensors = [...entries.sensors.values()].filter((e) => only === undefined || e.definition.name === only.sensor);
  const scheduleStates = new Map<string, ScheduleState>();
  const sensorStates = new Map<string, SensorState>();
  if (only === undefined) {
    for (const s of await ctx.store.automation.listScheduleStates()) scheduleStates.set(s.scheduleName, s);
    for (const s of await ctx.store.automation.listSensorStates()) sensorStates.set(s.sensorName, s);
  } else {
    const schedule = only.schedule === undefined ? undefined : await ctx.store.automation.getScheduleState(only.schedule);
    if (schedule) scheduleStates.set(schedule.scheduleName, schedule);
    const sensor = only.sensor === undefined ? undefined : await ctx.store.automation.getSensorState(only.sensor);
    if (sensor) sensorStates.set(sensor.sensorName, sensor);
  }
  const drafts = [
    ...decideScheduleSync(schedules.map((e) => ({ name: e.definition.name, definition: e.stored })), scheduleStates),
    ...decideSensorSync(sensors.map((e) => ({ name: e.definition.name, definition: e.stored })), sensorStates),
  ];
  await commit(ctx, drafts, ctx.clock.now());
}
