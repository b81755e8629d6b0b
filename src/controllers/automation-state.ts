/**
 * Definition sync and operator commands for schedules and sensors (pure).
 *
 * Sync: a schedule or sensor whose definition (as stored, see the event catalog) differs from the
 * ledger's, or that the ledger does not know yet, gets its next `definitionVersion`. The key
 * `sched_def:{name}:{version}` makes two processes syncing the same change record it once.
 *
 * Commands: start/stop change the status only when it differs (a repeat changes nothing); each
 * change takes the next `stateVersion`. A sensor's state changes and reset-cursor are appended on
 * the condition that its `stateVersion` is unchanged (the same compare-and-swap evaluations use).
 */
import { canonicalJson, sha256Hex } from '../domain/ids/index.js';
import { draft, idempotencyKeys, type EventDraft, type PayloadOf } from '../events/index.js';
import type { ScheduleState, SensorState } from '../fold/index.js';

type ScheduleDefinitionPayload = PayloadOf<'ScheduleDefinitionSynced'>['definition'];
type SensorDefinitionPayload = PayloadOf<'SensorDefinitionSynced'>['definition'];
export type AutomationStatus = 'RUNNING' | 'STOPPED';

/** "The sensor's state still has this version" (the shell passes it to the append as `expect`). */
export interface VersionExpectationDraft {
  readonly table: 'sensor_states';
  readonly id: string;
  readonly version: number;
}

/** The condition every change to a sensor's state is appended on. */
export function sensorStateExpectation(state: SensorState): VersionExpectationDraft {
  return { table: 'sensor_states', id: state.sensorName, version: state.stateVersion };
}

/** sha256 of the canonical JSON of a stored definition. */
export function definitionHash(definition: ScheduleDefinitionPayload | SensorDefinitionPayload): string {
  return sha256Hex(canonicalJson(definition));
}

export function decideScheduleSync(
  schedules: readonly { readonly name: string; readonly definition: ScheduleDefinitionPayload }[],
  states: ReadonlyMap<string, ScheduleState>,
): EventDraft[] {
  return schedules.flatMap(({ name, definition }) => {
    const hash = definitionHash(definition);
    const state = states.get(name);
    if (state?.definitionHash === hash) return [];
    const definitionVersion = (state?.definitionVersion ?? 0) + 1;
    return [
      draft(
        'ScheduleDefinitionSynced',
        { scheduleName: name, definitionVersion, definitionHash: hash, definition },
        idempotencyKeys.scheduleDefinitionSynced(name, definitionVersion),
        null,
      ),
    ];
  });
}

export function decideSensorSync(
  sensors: readonly { readonly name: string; readonly definition: SensorDefinitionPayload }[],
  states: ReadonlyMap<string, SensorState>,
): EventDraft[] {
  return sensors.flatMap(({ name, definition }) => {
    const hash = definitionHash(definition);
    const state = states.get(name);
    if (state?.definitionHash === hash) return [];
    const definitionVersion = (state?.definitionVersion ?? 0) + 1;
    return [
      draft(
        'SensorDefinitionSynced',
        { sensorName: name, definitionVersion, definitionHash: hash, definition },
        idempotencyKeys.sensorDefinitionSynced(name, definitionVersion),
        null,
      ),
    ];
  });
}

/** Start or stop a (synced) schedule; nothing when it already has that status. */
export function decideScheduleStatus(state: ScheduleState, status: AutomationStatus): EventDraft[] {
  if (state.status === status) return [];
  const stateVersion = state.stateVersion + 1;
  return [
    draft(
      'ScheduleStateChanged',
      { scheduleName: state.scheduleName, stateVersion, status },
      idempotencyKeys.scheduleStateChanged(state.scheduleName, stateVersion),
      null,
    ),
  ];
}

function sensorChange(state: SensorState, change: 'START' | 'STOP' | 'RESET_CURSOR', status: AutomationStatus, cursor: string | null): EventDraft {
  const stateVersion = state.stateVersion + 1;
  return draft(
    'SensorStateChanged',
    { sensorName: state.sensorName, stateVersion, change, status, cursor, previousCursor: state.cursor },
    idempotencyKeys.sensorStateChanged(state.sensorName, stateVersion),
    null,
  );
}

/** Start or stop a (synced) sensor; nothing when it already has that status. Append with `expect` on its stateVersion. */
export function decideSensorStatus(state: SensorState, status: AutomationStatus): EventDraft[] {
  if (state.status === status) return [];
  return [sensorChange(state, status === 'RUNNING' ? 'START' : 'STOP', status, state.cursor)];
}

/** Set a sensor's cursor (null clears it). Always recorded, so history shows the operator's action. */
export function decideSensorCursorReset(state: SensorState, cursor: string | null): EventDraft[] {
  return [sensorChange(state, 'RESET_CURSOR', state.status, cursor)];
}
