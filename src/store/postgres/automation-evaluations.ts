/** Automation condition evaluation reads on PostgreSQL: the same answers and orders as the SQLite engine. */
import type pg from 'pg';
import { AUTOMATION_CURSOR_ID, automationCursorFamily, automationEvaluationsFamily, type AutomationCursorRow, type AutomationEvaluationRow } from '../../fold/index.js';
import type { AutomationEvaluationQuery } from '../contract.js';
import { parseDoc, selectDocs } from './docs.js';

/** Above every evaluation id (an INTEGER column; one evaluation per 30 s reaches it in 2,000 years). */
const EVALUATION_ID_MAX = 2 ** 31 - 1;

export async function listAutomationEvaluations(pool: pg.Pool, query: AutomationEvaluationQuery): Promise<AutomationEvaluationRow[]> {
  const before = query.beforeEvaluationId ?? EVALUATION_ID_MAX;
  const rows = await selectDocs(
    pool,
    `SELECT id, doc FROM automation_evaluations
     WHERE ($1::text IS NULL OR asset_key = $1) AND evaluation_id IN (
       SELECT DISTINCT evaluation_id FROM automation_evaluations
       WHERE ($1::text IS NULL OR asset_key = $1) AND evaluation_id < $2 ORDER BY evaluation_id DESC LIMIT $3)
     ORDER BY evaluation_id DESC, asset_key`,
    [query.assetKey ?? null, before, query.limit],
  );
  return rows.map((r) => parseDoc(automationEvaluationsFamily, String(r.id), r.doc));
}

export async function getAutomationCursor(pool: pg.Pool): Promise<AutomationCursorRow | undefined> {
  const [row] = await selectDocs(pool, 'SELECT id, doc FROM automation_cursor WHERE id = $1', [AUTOMATION_CURSOR_ID]);
  return row ? parseDoc(automationCursorFamily, String(row.id), row.doc) : undefined;
}
