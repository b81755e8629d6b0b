/**
 * Sensor projections (SEMANTICS §5): the state of each sensor and its history.
 *
 * State: effective `status` (the operator's choice, else the definition's default), `cursor`,
 * `stateVersion`, `lastEvaluationAt`, `consecutiveFailures`. `stateVersion` goes up by one with
 * every poll evaluation that is not STALE and every operator change; poll evaluations and
 * operator changes are appended on the condition that it still has the value they read, so two
 * of them never both apply on the same state. The cursor moves on SUCCESS and SKIPPED, never on
 * FAILURE. Push evaluations are keyed by their message and take no part in the compare-and-swap:
 * they neither read nor move the cursor.
 *
 * History: every evaluation (with its runs and cursor before/after) and every operator change.
 */
import { z } from 'zod';
import {
  errorInfoSchema,
  evaluationStatusSchema,
  requestedRunSchema,
  scheduleStatusSchema,
  sensorDefinitionSchema,
  type StoredEvent,
} from '../events/index.js';
import { defineFamily, IGNORE, removeOnly } from './family.js';
import { sequenceId } from './materializations.js';

export const sensorStateSchema = z.object({
  sensorName: z.string(),
  definitionVersion: z.number().int(),
  definitionHash: z.string(),
  definition: sensorDefinitionSchema,
  userStatus: scheduleStatusSchema.nullable(),
  status: scheduleStatusSchema,
  cursor: z.string().nullable(),
  stateVersion: z.number().int().min(0),
  /** Start of the last poll evaluation that was not STALE. */
  lastEvaluationAt: z.string().nullable(),
  lastEvaluation: z.object({ status: evaluationStatusSchema, at: z.string(), sequence: z.number().int() }).nullable(),
  consecutiveFailures: z.number().int().min(0),
  updatedAt: z.string(),
});
export type SensorState = z.infer<typeof sensorStateSchema>;

export const sensorHistoryEntrySchema = z.object({
  sequence: z.number().int(),
  sensorName: z.string(),
  kind: z.enum(['evaluation', 'state_change']),
  /** Evaluations: their status; null for operator changes. */
  status: evaluationStatusSchema.nullable(),
  /** Operator changes: what changed; null for evaluations. */
  change: z.enum(['START', 'STOP', 'RESET_CURSOR']).nullable(),
  mode: z.enum(['poll', 'push']).nullable(),
  messageId: z.string().nullable(),
  cursorBefore: z.string().nullable(),
  cursorAfter: z.string().nullable(),
  skipReason: z.string().nullable(),
  error: errorInfoSchema.nullable(),
  runs: z.array(requestedRunSchema),
  dynamicPartitions: z.array(z.object({ name: z.string(), op: z.enum(['add', 'remove']), keys: z.array(z.string()) })),
  logs: z.array(z.object({ level: z.enum(['debug', 'info', 'warn', 'error']), message: z.string() })),
  expectedStateVersion: z.number().int().nullable(),
  definitionVersion: z.number().int().nullable(),
  startedAt: z.string(),
  durationMs: z.number().int().min(0),
  recordedAt: z.string(),
});
export type SensorHistoryEntry = z.infer<typeof sensorHistoryEntrySchema>;

/** A sensor the ledger has no definition sync for; keeps the fold total (our commands sync first). */
/** A sensor's state before its definition was first synced (a preview of a sensor no daemon has seen). */
export function emptySensorState(sensorName: string, at: string): SensorState {
  return {
    sensorName,
    definitionVersion: 0,
    definitionHash: '',
    definition: { kind: 'poll', assetKeys: [], minimumIntervalSeconds: 30, defaultStatus: 'STOPPED' },
    userStatus: null,
    status: 'STOPPED',
    cursor: null,
    stateVersion: 0,
    lastEvaluationAt: null,
    lastEvaluation: null,
    consecutiveFailures: 0,
    updatedAt: at,
  };
}

function evaluated(row: SensorState | undefined, e: Extract<StoredEvent, { type: 'SensorEvaluated' }>): SensorState {
  const p = e.payload;
  const state = row ?? emptySensorState(p.sensorName, e.at);
  state.updatedAt = e.at;
  if (p.status === 'STALE') return state;
  state.lastEvaluation = { status: p.status, at: p.startedAt, sequence: e.sequence };
  if (p.mode === 'push') return state;
  state.stateVersion += 1;
  state.lastEvaluationAt = p.startedAt;
  if (p.status === 'FAILURE') {
    state.consecutiveFailures += 1;
  } else {
    state.consecutiveFailures = 0;
    state.cursor = p.cursorAfter;
  }
  return state;
}

export const sensorStatesFamily = defineFamily<SensorState>({
  table: 'sensor_states',
  schema: sensorStateSchema,
  // `version` is the column conditional appends check (VersionExpectation on sensor_states).
  columns: (s) => ({ status: s.status, version: s.stateVersion, definition_version: s.definitionVersion }),
  // Rewritten by every evaluation of its sensor, every few seconds.
  hot: true,
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
    ScheduleDefinitionSynced: IGNORE,
    ScheduleStateChanged: IGNORE,
    ScheduleTicked: IGNORE,
    SensorDefinitionSynced: {
      ids: (e) => [e.payload.sensorName],
      apply: (row, e) => {
        const p = e.payload;
        const state = row ?? emptySensorState(p.sensorName, e.at);
        state.definitionVersion = p.definitionVersion;
        state.definitionHash = p.definitionHash;
        state.definition = p.definition;
        state.status = state.userStatus ?? p.definition.defaultStatus;
        state.updatedAt = e.at;
        return state;
      },
    },
    SensorStateChanged: {
      ids: (e) => [e.payload.sensorName],
      apply: (row, e) => {
        const p = e.payload;
        const state = row ?? emptySensorState(p.sensorName, e.at);
        if (p.change !== 'RESET_CURSOR') state.userStatus = p.status;
        state.status = p.status;
        state.cursor = p.cursor;
        state.stateVersion = p.stateVersion;
        state.updatedAt = e.at;
        return state;
      },
    },
    SensorEvaluated: { ids: (e) => [e.payload.sensorName], apply: (row, e) => evaluated(row, e) },
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

export const sensorHistoryFamily = defineFamily<SensorHistoryEntry>({
  table: 'sensor_history',
  schema: sensorHistoryEntrySchema,
  columns: (h) => ({ sensor_name: h.sensorName, kind: h.kind, status: h.status, message_id: h.messageId, sequence: h.sequence }),
  handlers: {
    PoolLimitSet: IGNORE,
    RecordsPurged: removeOnly((e) => (e.payload.kind === 'sensorHistory' ? [{ id: e.payload.ids }] : [])),
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
    ScheduleTicked: IGNORE,
    SensorDefinitionSynced: IGNORE,
    SensorStateChanged: {
      ids: (e) => [sequenceId(e.sequence)],
      creates: true,
      apply: (_row, e) => ({
        sequence: e.sequence,
        sensorName: e.payload.sensorName,
        kind: 'state_change',
        status: null,
        change: e.payload.change,
        mode: null,
        messageId: null,
        cursorBefore: e.payload.previousCursor,
        cursorAfter: e.payload.cursor,
        skipReason: null,
        error: null,
        runs: [],
        dynamicPartitions: [],
        logs: [],
        expectedStateVersion: null,
        definitionVersion: null,
        startedAt: e.at,
        durationMs: 0,
        recordedAt: e.at,
      }),
    },
    SensorEvaluated: {
      ids: (e) => [sequenceId(e.sequence)],
      creates: true,
      apply: (_row, e) => {
        const p = e.payload;
        return {
          sequence: e.sequence,
          sensorName: p.sensorName,
          kind: 'evaluation',
          status: p.status,
          change: null,
          mode: p.mode,
          messageId: p.messageId,
          cursorBefore: p.cursorBefore,
          cursorAfter: p.cursorAfter,
          skipReason: p.skipReason,
          error: p.error,
          runs: p.runs.map((r) => ({ ...r })),
          dynamicPartitions: p.dynamicPartitions.map((d) => ({ ...d, keys: [...d.keys] })),
          logs: p.logs.map((l) => ({ ...l })),
          expectedStateVersion: p.expectedStateVersion,
          definitionVersion: p.definitionVersion,
          startedAt: p.startedAt,
          durationMs: p.durationMs,
          recordedAt: e.at,
        };
      },
    },
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
