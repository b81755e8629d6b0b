/**
 * Schedule projections (SEMANTICS §4): the state of each schedule and its tick history.
 *
 * A schedule's effective status is the operator's choice if one was ever made, else its
 * definition's `defaultStatus`. `runningSince` is when it last became RUNNING (the instant of
 * that event); ticks before it are never evaluated. It is cleared when the schedule stops, so a
 * restart never ticks for the stopped period.
 *
 * The state row changes only with definitions and operator commands, never per tick: a schedule's
 * latest tick is read from the tick history (`ScheduleStateRead`), so ten thousand schedules
 * ticking rewrite no state rows. The full definition of each version stays in the ledger.
 */
import { z } from 'zod';
import { errorInfoSchema, scheduleStatusSchema, tickStatusSchema, type EventOf } from '../events/index.js';
import { defineFamily, IGNORE, removeOnly } from './family.js';

export const scheduleStateSchema = z.object({
  scheduleName: z.string(),
  definitionVersion: z.number().int(),
  definitionHash: z.string(),
  defaultStatus: scheduleStatusSchema,
  /** The operator's last start/stop, or null when the default applies. */
  userStatus: scheduleStatusSchema.nullable(),
  status: scheduleStatusSchema,
  /** Number of operator start/stop changes. */
  stateVersion: z.number().int().min(0),
  runningSince: z.string().nullable(),
  updatedAt: z.string(),
});
export type ScheduleState = z.infer<typeof scheduleStateSchema>;

export const lastTickSchema = z.object({ epochSeconds: z.number().int(), local: z.string(), status: tickStatusSchema, runId: z.string().nullable() });
export type LastTick = z.infer<typeof lastTickSchema>;

/** A schedule's state as read: the folded row and its latest tick by tick time (from the history). */
export type ScheduleStateRead = ScheduleState & { readonly lastTick: LastTick | null };

export const scheduleTickSchema = z.object({
  scheduleName: z.string(),
  epochSeconds: z.number().int(),
  local: z.string(),
  status: tickStatusSchema,
  skipReason: z.string().nullable(),
  error: errorInfoSchema.nullable(),
  runKey: z.string().nullable(),
  runId: z.string().nullable(),
  partitionKey: z.string().nullable(),
  definitionVersion: z.number().int(),
  sequence: z.number().int(),
  evaluatedAt: z.string(),
});
export type ScheduleTick = z.infer<typeof scheduleTickSchema>;

/** A tick's identity (SEMANTICS §4), also its row id. */
export const scheduleTickId = (scheduleName: string, epochSeconds: number): string => `${scheduleName}:${epochSeconds}`;

function withStatus(row: ScheduleState, status: 'RUNNING' | 'STOPPED', at: string): ScheduleState {
  if (status === 'STOPPED') row.runningSince = null;
  else if (row.status !== 'RUNNING' || row.runningSince === null) row.runningSince = at;
  row.status = status;
  return row;
}

/**
 * A schedule the ledger has no definition sync for. Our commands always sync first; this keeps
 * the fold total for a ledger written otherwise.
 */
function emptyState(scheduleName: string, at: string): ScheduleState {
  return {
    scheduleName,
    definitionVersion: 0,
    definitionHash: '',
    defaultStatus: 'STOPPED',
    userStatus: null,
    status: 'STOPPED',
    stateVersion: 0,
    runningSince: null,
    updatedAt: at,
  };
}

function synced(row: ScheduleState | undefined, e: EventOf<'ScheduleDefinitionSynced'>): ScheduleState {
  const p = e.payload;
  const state = row ?? emptyState(p.scheduleName, e.at);
  state.definitionVersion = p.definitionVersion;
  state.definitionHash = p.definitionHash;
  state.defaultStatus = p.definition.defaultStatus;
  state.updatedAt = e.at;
  return withStatus(state, state.userStatus ?? p.definition.defaultStatus, e.at);
}

export const scheduleStatesFamily = defineFamily<ScheduleState>({
  table: 'schedule_states',
  schema: scheduleStateSchema,
  columns: (s) => ({ status: s.status, state_version: s.stateVersion, definition_version: s.definitionVersion }),
  handlers: {
    PoolLimitSet: IGNORE,
    RecordsPurged: IGNORE,
    RunRequested: IGNORE,
    RunStarted: IGNORE,
    RunCancelRequested: IGNORE,
    RunFinished: IGNORE,
    RunKeyConflictRecorded: IGNORE,
    TaskDispatched: IGNORE,
    TaskAttemptStarted: IGNORE,
    TaskAttemptFinished: IGNORE,
    TaskSkipped: IGNORE,
    TaskCanceled: IGNORE,
    TaskLogged: IGNORE,
    AssetMaterialized: IGNORE,
    ScheduleDefinitionSynced: { ids: (e) => [e.payload.scheduleName], apply: (row, e) => synced(row, e) },
    ScheduleStateChanged: {
      ids: (e) => [e.payload.scheduleName],
      apply: (row, e) => {
        const state = row ?? emptyState(e.payload.scheduleName, e.at);
        state.userStatus = e.payload.status;
        state.stateVersion = e.payload.stateVersion;
        state.updatedAt = e.at;
        return withStatus(state, e.payload.status, e.at);
      },
    },
    ScheduleTicked: IGNORE,
    SensorDefinitionSynced: IGNORE,
    SensorStateChanged: IGNORE,
    SensorEvaluated: IGNORE,
    DynamicPartitionsChanged: IGNORE,
    BackfillCreated: IGNORE,
    BackfillStateChanged: IGNORE,
    BackfillChunkPlanned: IGNORE,
    BackfillChunkFinished: IGNORE,
    RunDeleted: IGNORE,
    AssetWiped: IGNORE,
    AssetFreshnessChanged: IGNORE,
    AssetObserved: IGNORE,
    AssetMaterializationReported: IGNORE,
    AutomationConditionEvaluated: IGNORE,
    AssetCheckEvaluated: IGNORE,
  },
});

export const scheduleTicksFamily = defineFamily<ScheduleTick>({
  table: 'schedule_ticks',
  schema: scheduleTickSchema,
  columns: (t) => ({ schedule_name: t.scheduleName, tick_epoch_seconds: t.epochSeconds, status: t.status, run_id: t.runId, sequence: t.sequence }),
  handlers: {
    PoolLimitSet: IGNORE,
    RecordsPurged: removeOnly((e) => (e.payload.kind === 'scheduleTicks' ? [{ id: e.payload.ids }] : [])),
    RunRequested: IGNORE,
    RunStarted: IGNORE,
    RunCancelRequested: IGNORE,
    RunFinished: IGNORE,
    RunKeyConflictRecorded: IGNORE,
    TaskDispatched: IGNORE,
    TaskAttemptStarted: IGNORE,
    TaskAttemptFinished: IGNORE,
    TaskSkipped: IGNORE,
    TaskCanceled: IGNORE,
    TaskLogged: IGNORE,
    AssetMaterialized: IGNORE,
    ScheduleDefinitionSynced: IGNORE,
    ScheduleStateChanged: IGNORE,
    ScheduleTicked: {
      // The idempotency key is the tick identity, so the row is new whenever the event is.
      ids: (e) => [scheduleTickId(e.payload.scheduleName, e.payload.tickEpochSeconds)],
      creates: true,
      apply: (_row, e) => {
        const p = e.payload;
        return {
          scheduleName: p.scheduleName,
          epochSeconds: p.tickEpochSeconds,
          local: p.tickLocal,
          status: p.status,
          skipReason: p.skipReason,
          error: p.error,
          runKey: p.runKey,
          runId: p.runId,
          partitionKey: p.partitionKey,
          definitionVersion: p.definitionVersion,
          sequence: e.sequence,
          evaluatedAt: e.at,
        };
      },
    },
    SensorDefinitionSynced: IGNORE,
    SensorStateChanged: IGNORE,
    SensorEvaluated: IGNORE,
    DynamicPartitionsChanged: IGNORE,
    BackfillCreated: IGNORE,
    BackfillStateChanged: IGNORE,
    BackfillChunkPlanned: IGNORE,
    BackfillChunkFinished: IGNORE,
    RunDeleted: IGNORE,
    AssetWiped: IGNORE,
    AssetFreshnessChanged: IGNORE,
    AssetObserved: IGNORE,
    AssetMaterializationReported: IGNORE,
    AutomationConditionEvaluated: IGNORE,
    AssetCheckEvaluated: IGNORE,
  },
});
