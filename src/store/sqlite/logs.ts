/** Log lines of runs on SQLite. */
import type Database from 'better-sqlite3';
import { InvariantError } from '../../domain/errors/index.js';
import { parseStoredEvent, type StoredEventRow } from '../../events/index.js';
import type { LogLine } from '../../fold/index.js';
import type { LogStore } from '../contract.js';
import { EVENT_COLUMNS } from './ledger.js';

export class SqliteLogs implements LogStore {
  constructor(private readonly db: Database.Database) {}

  /** Log lines are read from the ledger itself (the log index only counts them), validated like any event. */
  async listLogs(runId: string, query: { afterSequence?: number; limit: number }): Promise<LogLine[]> {
    const rows = this.db
      .prepare(`SELECT ${EVENT_COLUMNS} FROM ledger WHERE correlation_id = ? AND type = 'TaskLogged' AND sequence > ? ORDER BY sequence LIMIT ?`)
      .all(runId, query.afterSequence ?? 0, query.limit) as StoredEventRow[];
    return rows.map((row) => {
      const event = parseStoredEvent(row);
      if (event.type !== 'TaskLogged') throw new InvariantError('a TaskLogged event', event.type);
      const p = event.payload;
      return { sequence: event.sequence, runId: p.runId, taskKey: p.taskKey, attempt: p.attempt, level: p.level, message: p.message, loggedAt: p.loggedAt };
    });
  }
}
