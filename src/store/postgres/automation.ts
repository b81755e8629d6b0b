/**
 * Automation reads on PostgreSQL: schedule state and ticks, sensor state and history, dynamic
 * partitions, finished runs and materializations after a sequence. Same filters, orders and
 * validation as the SQLite engine.
 */
import type pg from 'pg';
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
import { parseDoc, type DocRow } from './docs.js';
import { EVENT_COLUMNS } from './ledger.js';

type StateRow = DocRow & { tickEpochSeconds: number | null; tickLocal: string | null; tickStatus: string | null; tickRunId: string | null };

/** A schedule's row joined with its latest tick (one index seek per schedule). */
const SCHEDULE_STATES = `
  SELECT s.id, s.doc, t.tick_epoch_seconds AS "tickEpochSeconds", t.doc::json ->> 'local' AS "tickLocal", t.status AS "tickStatus", t.run_id AS "tickRunId"
  FROM schedule_states s
  LEFT JOIN schedule_ticks t ON t.schedule_name = s.id
    AND t.tick_epoch_seconds = (SELECT MAX(tick_epoch_seconds) FROM schedule_ticks WHERE schedule_name = s.id)`;

/** Builds `$n` placeholders while collecting their values. */
class Params {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

export class PostgresAutomation implements AutomationStore {
  constructor(private readonly pool: pg.Pool) {}

  private async rows<R extends pg.QueryResultRow>(sql: string, params: unknown[]): Promise<R[]> {
    return (await this.pool.query<R>(sql, params)).rows;
  }

  async listScheduleStates(): Promise<ScheduleStateRead[]> {
    return (await this.rows<StateRow>(`${SCHEDULE_STATES} ORDER BY s.id`, [])).map((r) => this.scheduleStateOf(r));
  }

  async getScheduleState(name: string): Promise<ScheduleStateRead | undefined> {
    const [row] = await this.rows<StateRow>(`${SCHEDULE_STATES} WHERE s.id = $1`, [name]);
    return row && this.scheduleStateOf(row);
  }

  /** Versions only grow, so the count and the two sums change with every sync and status change. */
  async scheduleStatesSignature(): Promise<string> {
    const [row] = await this.rows<{ n: number; s: number | null; d: number | null }>(
      'SELECT COUNT(*) AS n, SUM(state_version) AS s, SUM(definition_version) AS d FROM schedule_states',
      [],
    );
    return `${row?.n ?? 0}:${row?.s ?? 0}:${row?.d ?? 0}`;
  }

  private scheduleStateOf(row: StateRow): ScheduleStateRead {
    const state = parseDoc(scheduleStatesFamily, String(row.id), row.doc);
    if (row.tickEpochSeconds === null) return { ...state, lastTick: null };
    const lastTick = lastTickSchema.safeParse({ epochSeconds: row.tickEpochSeconds, local: row.tickLocal, status: row.tickStatus, runId: row.tickRunId });
    if (!lastTick.success) throw new InvariantError(`a readable latest tick of schedule ${row.id}`, JSON.stringify(row));
    return { ...state, lastTick: lastTick.data };
  }

  /** One array parameter whatever the number of keys (SQLite needs chunks of bound parameters). */
  async listRunsByKeys(runKeys: readonly string[]): Promise<RunProjection[]> {
    if (runKeys.length === 0) return [];
    const rows = await this.rows<DocRow>('SELECT id, doc FROM runs WHERE run_key = ANY($1::text[]) ORDER BY run_key', [[...runKeys]]);
    return rows.map((r) => parseDoc(runsFamily, String(r.id), r.doc));
  }

  async listScheduleTicks(query: ScheduleTickQuery): Promise<ScheduleTickWithRun[]> {
    const p = new Params();
    const where = [`t.schedule_name = ${p.add(query.scheduleName)}`];
    if (query.statuses?.length) where.push(`t.status = ANY(${p.add(query.statuses)}::text[])`);
    if (query.beforeEpochSeconds !== undefined) where.push(`t.tick_epoch_seconds < ${p.add(query.beforeEpochSeconds)}`);
    const rows = await this.rows<DocRow & { runStatus: RunStatus | null }>(
      `SELECT t.id, t.doc, r.status AS "runStatus" FROM schedule_ticks t LEFT JOIN runs r ON r.id = t.run_id
       WHERE ${where.join(' AND ')} ORDER BY t.tick_epoch_seconds DESC LIMIT ${p.add(query.limit)}`,
      p.values,
    );
    return rows.map((r) => ({ ...parseDoc(scheduleTicksFamily, String(r.id), r.doc), runStatus: r.runStatus }));
  }

  async listSensorStates(): Promise<SensorState[]> {
    return (await this.rows<DocRow>('SELECT id, doc FROM sensor_states ORDER BY id', [])).map((r) => parseDoc(sensorStatesFamily, String(r.id), r.doc));
  }

  async getSensorState(name: string): Promise<SensorState | undefined> {
    const [row] = await this.rows<DocRow>('SELECT id, doc FROM sensor_states WHERE id = $1', [name]);
    return row && parseDoc(sensorStatesFamily, String(row.id), row.doc);
  }

  async listSensorHistory(query: SensorHistoryQuery): Promise<SensorHistoryEntry[]> {
    const p = new Params();
    const where = [`sensor_name = ${p.add(query.sensorName)}`];
    if (query.statuses?.length) where.push(`kind = 'evaluation' AND status = ANY(${p.add(query.statuses)}::text[])`);
    if (query.beforeSequence !== undefined) where.push(`sequence < ${p.add(query.beforeSequence)}`);
    const rows = await this.rows<DocRow>(
      `SELECT id, doc FROM sensor_history WHERE ${where.join(' AND ')} ORDER BY sequence DESC LIMIT ${p.add(query.limit)}`,
      p.values,
    );
    return rows.map((r) => parseDoc(sensorHistoryFamily, String(r.id), r.doc));
  }

  async findPushEvaluation(sensorName: string, messageId: string): Promise<SensorHistoryEntry | undefined> {
    const [row] = await this.rows<DocRow>(
      "SELECT id, doc FROM sensor_history WHERE sensor_name = $1 AND message_id = $2 AND kind = 'evaluation' ORDER BY sequence LIMIT 1",
      [sensorName, messageId],
    );
    return row && parseDoc(sensorHistoryFamily, String(row.id), row.doc);
  }

  async listDynamicPartitions(): Promise<DynamicPartitionsSet[]> {
    const rows = await this.rows<DocRow>('SELECT id, doc FROM dynamic_partitions ORDER BY id', []);
    return rows.map((r) => parseDoc(dynamicPartitionsFamily, String(r.id), r.doc));
  }

  async getDynamicPartitionKeys(name: string): Promise<string[]> {
    const [row] = await this.rows<DocRow>('SELECT id, doc FROM dynamic_partitions WHERE id = $1', [name]);
    return row ? parseDoc(dynamicPartitionsFamily, String(row.id), row.doc).keys : [];
  }

  async listRunsFinished(afterSequence: number, scanMax: number, limit: number): Promise<{ records: RunFinishedRecord[]; scannedTo: number }> {
    const [last] = await this.rows<{ s: number | null }>('SELECT MAX(sequence) AS s FROM ledger', []);
    const upTo = Math.min(last?.s ?? 0, afterSequence + scanMax);
    const rows = await this.rows<StoredEventRow>(
      `SELECT ${EVENT_COLUMNS} FROM ledger WHERE sequence > $1 AND sequence <= $2 AND type = 'RunFinished' ORDER BY sequence LIMIT $3`,
      [afterSequence, upTo, limit],
    );
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
    const rows = await this.rows<DocRow>('SELECT id, doc FROM materializations WHERE asset_key = $1 AND sequence > $2 ORDER BY sequence LIMIT $3', [
      assetKey,
      afterSequence,
      limit,
    ]);
    return rows.map((r) => parseDoc(materializationsFamily, String(r.id), r.doc));
  }

  async listAutomationEvaluations(query: AutomationEvaluationQuery): Promise<AutomationEvaluationRow[]> {
    return listAutomationEvaluations(this.pool, query);
  }

  async getAutomationCursor(): Promise<AutomationCursorRow | undefined> {
    return getAutomationCursor(this.pool);
  }
}
