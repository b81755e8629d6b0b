/** Log lines of runs on PostgreSQL. */
import type pg from 'pg';
import { InvariantError } from '../../domain/errors/index.js';
import { parseStoredEvent, type StoredEventRow } from '../../events/index.js';
import type { LogLine } from '../../fold/index.js';
import type { LogStore } from '../contract.js';
import { EVENT_COLUMNS } from './ledger.js';

export class PostgresLogs implements LogStore {
  constructor(private readonly pool: pg.Pool) {}

  /** Log lines are read from the ledger itself (the log index only counts them), validated like any event. */
  async listLogs(runId: string, query: { afterSequence?: number; limit: number }): Promise<LogLine[]> {
    const { rows } = await this.pool.query<StoredEventRow>(
      `SELECT ${EVENT_COLUMNS} FROM ledger WHERE correlation_id = $1 AND type = 'TaskLogged' AND sequence > $2 ORDER BY sequence LIMIT $3`,
      [runId, query.afterSequence ?? 0, query.limit],
    );
    return rows.map((row) => {
      const event = parseStoredEvent(row);
      if (event.type !== 'TaskLogged') throw new InvariantError('a TaskLogged event', event.type);
      const p = event.payload;
      return { sequence: event.sequence, runId: p.runId, taskKey: p.taskKey, attempt: p.attempt, level: p.level, message: p.message, loggedAt: p.loggedAt };
    });
  }
}
