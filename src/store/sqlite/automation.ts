/** Automation reads on SQLite: schedule state and ticks, sensor state and history, dynamic partitions. */
import type Database from 'better-sqlite3';
import { InvariantError } from '../../domain/errors/index.js';
import type { RunStatus } from '../../domain/runs/index.js';
import { parseStoredEvent, type StoredEventRow } from '../../events/index.js';
import {
  dynamicPartitionsFamily,
  lastTickSchema,
  materializationsFamily,
  runsFamily,
  scheduleStatesFamily,
  scheduleTicksFamily,
  sensorHistoryFamily,
  sensorStatesFamily,
  type DynamicPartitionsSet,
  type Materialization,
  type RunProjection,
  type ScheduleStateRead,
  type SensorHistoryEntry,
  type SensorState,
  type AutomationCursorRow,
  type AutomationEvaluationRow,
} from '../../fold/index.js';
import { getAutomationCursor, listAutomationEvaluations } from './automation-evaluations.js';
import type { AutomationEvaluationQuery, AutomationStore, RunFinishedRecord, ScheduleTickQuery, ScheduleTickWithRun, SensorHistoryQuery } from '../contract.js';
import { parseDoc } from '../docs.js';
import { EVENT_COLUMNS } from './ledger.js';

type DocRow = { id: string; doc: string };
type StateRow = DocRow & { tickEpochSeconds: number | null; tickLocal: string | null; tickStatus: string | null; tickRunId: string | null };

/** A schedule's row joined with its latest tick (one index seek per schedule). */
const SCHEDULE_STATES = `
  SELECT s.id, s.doc, t.tick_epoch_seconds AS tickEpochSeconds, json_extract(t.doc, '$.local') AS tickLocal, t.status AS tickStatus, t.run_id AS tickRunId
  FROM schedule_states s
  LEFT JOIN schedule_ticks t ON t.schedule_name = s.id
    AND t.tick_epoch_seconds = (SELECT MAX(tick_epoch_seconds) FROM schedule_ticks WHERE schedule_name = s.id)`;

function placeholders(values: readonly unknown[]): string {
  return values.map(() => '?').join(', ');
}

export class SqliteAutomation implements AutomationStore {
  private readonly statements: {
    readonly scheduleStates: Database.Statement;
    readonly scheduleState: Database.Statement;
    readonly sensorStates: Database.Statement;
    readonly sensorState: Database.Statement;
    readonly dynamicPartitions: Database.Statement;
    readonly dynamicPartitionsSet: Database.Statement;
    readonly runsFinished: Database.Statement;
    readonly materializationsAfter: Database.Statement;
    readonly pushEvaluation: Database.Statement;
    readonly scheduleSignature: Database.Statement;
    readonly runsByKeys: Database.Statement;
  };

  constructor(private readonly db: Database.Database) {
    this.statements = {
      scheduleStates: db.prepare(`${SCHEDULE_STATES} ORDER BY s.id`),
      scheduleState: db.prepare(`${SCHEDULE_STATES} WHERE s.id = ?`),
      sensorStates: db.prepare('SELECT id, doc FROM sensor_states ORDER BY id'),
      sensorState: db.prepare('SELECT id, doc FROM sensor_states WHERE id = ?'),
      dynamicPartitions: db.prepare('SELECT id, doc FROM dynamic_partitions ORDER BY id'),
      dynamicPartitionsSet: db.prepare('SELECT id, doc FROM dynamic_partitions WHERE id = ?'),
      runsFinished: db.prepare(
        `SELECT ${EVENT_COLUMNS} FROM ledger WHERE sequence > ? AND sequence <= ? AND type = 'RunFinished' ORDER BY sequence LIMIT ?`,
      ),
      materializationsAfter: db.prepare('SELECT id, doc FROM materializations WHERE asset_key = ? AND sequence > ? ORDER BY sequence LIMIT ?'),
      // One statement for any number of keys: they travel as one JSON array.
      runsByKeys: db.prepare('SELECT id, doc FROM runs WHERE run_key IN (SELECT value FROM json_each(?))'),
      scheduleSignature: db.prepare('SELECT COUNT(*) AS n, SUM(state_version) AS s, SUM(definition_version) AS d FROM schedule_states'),
      pushEvaluation: db.prepare("SELECT id, doc FROM sensor_history WHERE sensor_name = ? AND message_id = ? AND kind = 'evaluation' ORDER BY sequence LIMIT 1"),
    };
  }

  async listScheduleStates(): Promise<ScheduleStateRead[]> {
    return (this.statements.scheduleStates.all() as StateRow[]).map((r) => this.scheduleStateOf(r));
  }

  async getScheduleState(name: string): Promise<ScheduleStateRead | undefined> {
    const row = this.statements.scheduleState.get(name) as StateRow | undefined;
    return row && this.scheduleStateOf(row);
  }

  /** Versions only grow, so the count and the two sums change with every sync and status change. */
  async scheduleStatesSignature(): Promise<string> {
    const row = this.statements.scheduleSignature.get() as { n: number; s: number | null; d: number | null };
    return `${row.n}:${row.s ?? 0}:${row.d ?? 0}`;
  }

  private scheduleStateOf(row: StateRow): ScheduleStateRead {
    const state = parseDoc(scheduleStatesFamily, row.id, row.doc);
    if (row.tickEpochSeconds === null) return { ...state, lastTick: null };
    const lastTick = lastTickSchema.safeParse({ epochSeconds: row.tickEpochSeconds, local: row.tickLocal, status: row.tickStatus, runId: row.tickRunId });
    if (!lastTick.success) throw new InvariantError(`a readable latest tick of schedule ${row.id}`, JSON.stringify(row));
    return { ...state, lastTick: lastTick.data };
  }

  async listRunsByKeys(runKeys: readonly string[]): Promise<RunProjection[]> {
    if (runKeys.length === 0) return [];
    const rows = this.statements.runsByKeys.all(JSON.stringify(runKeys)) as DocRow[];
    return rows.map((row) => parseDoc(runsFamily, row.id, row.doc));
  }

  async listScheduleTicks(query: ScheduleTickQuery): Promise<ScheduleTickWithRun[]> {
    const where = ['t.schedule_name = ?'];
    const params: unknown[] = [query.scheduleName];
    if (query.statuses?.length) {
      where.push(`t.status IN (${placeholders(query.statuses)})`);
      params.push(...query.statuses);
    }
    if (query.beforeEpochSeconds !== undefined) {
      where.push('t.tick_epoch_seconds < ?');
      params.push(query.beforeEpochSeconds);
    }
    const rows = this.db
      .prepare(
        `SELECT t.id, t.doc, r.status AS runStatus FROM schedule_ticks t LEFT JOIN runs r ON r.id = t.run_id
         WHERE ${where.join(' AND ')} ORDER BY t.tick_epoch_seconds DESC LIMIT ?`,
      )
      .all(...params, query.limit) as (DocRow & { runStatus: RunStatus | null })[];
    return rows.map((r) => ({ ...parseDoc(scheduleTicksFamily, r.id, r.doc), runStatus: r.runStatus }));
  }

  async listSensorStates(): Promise<SensorState[]> {
    return (this.statements.sensorStates.all() as DocRow[]).map((r) => parseDoc(sensorStatesFamily, r.id, r.doc));
  }

  async getSensorState(name: string): Promise<SensorState | undefined> {
    const row = this.statements.sensorState.get(name) as DocRow | undefined;
    return row && parseDoc(sensorStatesFamily, row.id, row.doc);
  }

  async listSensorHistory(query: SensorHistoryQuery): Promise<SensorHistoryEntry[]> {
    const where = ['sensor_name = ?'];
    const params: unknown[] = [query.sensorName];
    if (query.statuses?.length) {
      where.push(`kind = 'evaluation' AND status IN (${placeholders(query.statuses)})`);
      params.push(...query.statuses);
    }
    if (query.beforeSequence !== undefined) {
      where.push('sequence < ?');
      params.push(query.beforeSequence);
    }
    const rows = this.db
      .prepare(`SELECT id, doc FROM sensor_history WHERE ${where.join(' AND ')} ORDER BY sequence DESC LIMIT ?`)
      .all(...params, query.limit) as DocRow[];
    return rows.map((r) => parseDoc(sensorHistoryFamily, String(r.id), r.doc));
  }

  async findPushEvaluation(sensorName: string, messageId: string): Promise<SensorHistoryEntry | undefined> {
    const row = this.statements.pushEvaluation.get(sensorName, messageId) as DocRow | undefined;
    return row && parseDoc(sensorHistoryFamily, String(row.id), row.doc);
  }

  async listDynamicPartitions(): Promise<DynamicPartitionsSet[]> {
    return (this.statements.dynamicPartitions.all() as DocRow[]).map((r) => parseDoc(dynamicPartitionsFamily, r.id, r.doc));
  }

  async getDynamicPartitionKeys(name: string): Promise<string[]> {
    const row = this.statements.dynamicPartitionsSet.get(name) as DocRow | undefined;
    return row ? parseDoc(dynamicPartitionsFamily, row.id, row.doc).keys : [];
  }

  async listRunsFinished(afterSequence: number, scanMax: number, limit: number): Promise<{ records: RunFinishedRecord[]; scannedTo: number }> {
    const last = (this.db.prepare('SELECT MAX(sequence) AS s FROM ledger').get() as { s: number | null }).s ?? 0;
    const upTo = Math.min(last, afterSequence + scanMax);
    const rows = this.statements.runsFinished.all(afterSequence, upTo, limit) as StoredEventRow[];
    const records = rows.map((row) => {
      const event = parseStoredEvent(row);
      if (event.type !== 'RunFinished') throw new InvariantError('a RunFinished event', event.type);
      return { sequence: event.sequence, runId: event.payload.runId, status: event.payload.status };
    });
    // A full page may stop short of `upTo`: resume after the last record read.
    const scannedTo = records.length === limit ? (records[records.length - 1]?.sequence ?? upTo) : Math.max(upTo, afterSequence);
    return { records, scannedTo };
  }

  async listMaterializationsAfter(assetKey: string, afterSequence: number, limit: number): Promise<Materialization[]> {
    const rows = this.statements.materializationsAfter.all(assetKey, afterSequence, limit) as DocRow[];
    return rows.map((r) => parseDoc(materializationsFamily, String(r.id), r.doc));
  }

  async listAutomationEvaluations(query: AutomationEvaluationQuery): Promise<AutomationEvaluationRow[]> {
    return listAutomationEvaluations(this.db, query);
  }

  async getAutomationCursor(): Promise<AutomationCursorRow | undefined> {
    return getAutomationCursor(this.db);
  }
}
