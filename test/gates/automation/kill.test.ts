/**
 * Gate — a daemon killed mid-evaluation of the automation conditions repeats nothing (STL-15).
 * An evaluation's batch (runs, evaluation record, sensor record) is atomic and numbered: killed
 * before the append, the restarted daemon takes the same evaluation number and requests the
 * partition once; killed after it, the restarted daemon starts from the appended memory and never
 * requests that partition again, although it is still missing.
 *
 * Method: real definitions and SQLite; each daemon step is its own process (the M2 automation
 * child) at a fixed time, killed with SIGKILL at the named crash point.
 */
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { tempProject } from '../../helpers/project.js';

const SOURCE = `import { defineAsset, defineDefinitions, dailyPartitions, onMissing } from 'arco-flow';
const days = defineAsset({ key: 'days', partitions: dailyPartitions({ start: '2026-03-01' }), automation: onMissing(), compute: async () => {} });
export default defineDefinitions({ assets: [days] });
`;

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CHILD = fileURLToPath(new URL('../m2/fixtures/automation-child.ts', import.meta.url));
/** The first evaluation (nothing: on_missing ignores what was missing when it was applied). */
const T1 = '2026-03-05T12:00:00.000Z';
/** Partition 2026-03-05 exists: the evaluation that requests it. */
const T2 = '2026-03-06T00:00:10.000Z';
const T3 = '2026-03-06T00:00:40.000Z';

describe('automation conditions: a killed daemon repeats no evaluation', () => {
  const project = tempProject(SOURCE);
  after(() => project.remove());
  let n = 0;

  const cases = [
    { crashAt: 'automation:decided', title: 'killed after deciding, before the append, and restarted: the new partition is requested once, evaluations numbered without gaps' },
    { crashAt: 'automation:appended', title: 'killed right after the append and restarted: the new partition is requested once, evaluations numbered without gaps' },
  ] as const;
  for (const { crashAt, title } of cases) {
    test(title, () => {
      const db = join(project.dir, `kill-${(n += 1)}.db`);
      const step = (now: string, crash?: string) =>
        spawnSync(process.execPath, ['--import', './src/runtime/loader/register.mjs', CHILD, project.file, db, now, ...(crash ? [crash] : [])], { cwd: ROOT, encoding: 'utf8' });
      const first = step(T1);
      assert.equal(first.status, 0, first.stderr);
      const killed = step(T2, crashAt);
      assert.equal(killed.signal, 'SIGKILL', killed.stderr);
      for (const now of [T2, T3]) {
        const restarted = step(now);
        assert.equal(restarted.status, 0, restarted.stderr);
      }
      const handle = new Database(db, { readonly: true });
      const runs = handle
        .prepare("SELECT json_extract(payload, '$.runKey') AS runKey, json_extract(payload, '$.tags') AS tags FROM ledger WHERE type = 'RunRequested' ORDER BY sequence")
        .all() as { runKey: string; tags: string }[];
      const evaluations = handle
        .prepare("SELECT json_extract(payload, '$.evaluationId') AS id FROM ledger WHERE type = 'AutomationConditionEvaluated' ORDER BY sequence")
        .all() as { id: number }[];
      handle.close();
      assert.equal(runs.length, 1, JSON.stringify(runs));
      assert.match(runs[0]?.runKey ?? '', /^automation:2:[0-9a-f]{16}$/);
      assert.equal((JSON.parse(runs[0]?.tags ?? '{}') as Record<string, string>)['arco/partition'], '2026-03-05');
      assert.deepEqual(evaluations.map((e) => e.id), [1, 2, 3]);
    });
  }
});
