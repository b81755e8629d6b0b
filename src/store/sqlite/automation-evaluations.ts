/** Automation condition evaluation reads on SQLite: history rows (bounded by evaluations) and the cursor. */
import type Database from 'better-sqlite3';
import { AUTOMATION_CURSOR_ID, automationCursorFamily, automationEvaluationsFamily, type AutomationCursorRow, type AutomationEvaluationRow } from '../../fold/index.js';
import type { AutomationEvaluationQuery } from '../contract.js';
import { parseDoc } from '../docs.js';

/** Above every evaluation id (an INTEGER column; one evaluation per 30 s reaches it in 2,000 years). */
const EVALUATION_ID_MAX = 2 ** 31 - 1;

type DocRow = { id: string; doc: string };

/** The rows of the `limit` latest evaluations (that evaluated the asset, when one is named). */
export function listAutomationEvaluations(db: Database.Database, query: AutomationEvaluationQuery): AutomationEvaluationRow[] {
  const before = query.beforeEvaluationId ?? EVALUATION_ID_MAX;
  const asset = query.assetKey ?? null;
  const rows = db
    .prepare(
      `SELECT id, doc FROM automation_evaluations
       WHERE (? IS NULL OR asset_key = ?) AND evaluation_id IN (
         SELECT DISTINCT evaluation_id FROM automation_evaluations
         WHERE (? IS NULL OR asset_key = ?) AND evaluation_id < ? ORDER BY evaluation_id DESC LIMIT ?)
       ORDER BY evaluation_id DESC, asset_key`,
    )
    .all(asset, asset, asset, asset, before, query.limit) as DocRow[];
  return rows.map((r) => parseDoc(automationEvaluationsFamily, r.id, r.doc));
}

export function getAutomationCursor(db: Database.Database): AutomationCursorRow | undefined {
  const row = db.prepare('SELECT id, doc FROM automation_cursor WHERE id = ?').get(AUTOMATION_CURSOR_ID) as DocRow | undefined;
  return row ? parseDoc(automationCursorFamily, row.id, row.doc) : undefined;
}
