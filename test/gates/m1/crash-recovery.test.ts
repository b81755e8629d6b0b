/**
 * Goal: `kill -9` of `arco dev` in the middle of a run, then a restart, completes the run with no
 * succeeded task run again and no event lost or doubled.
 *
 * Method: a chain of slow assets appends a line to executions.log each time its user code starts.
 * We kill the daemon (SIGKILL, no cleanup) once at least one task succeeded and another is running,
 * restart it on the same store, and compare the ledger and the execution log.
 */
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { startDev, stopProcess } from '../../helpers/cli.js';
import { tempProject } from '../../helpers/project.js';

const SOURCE = `
import { defineAsset, defineDefinitions } from 'arco-flow';
import { appendFileSync } from 'node:fs';
const log = new URL('./executions.log', import.meta.url);
const slow = (key, deps) => defineAsset({ key, deps, compute: async (ctx) => {
  appendFileSync(log, key + ' ' + ctx.attempt + '\\n');
  await new Promise((resolve) => setTimeout(resolve, 700));
} });
const a = slow('a', []);
const b = slow('b', [a]);
const c = slow('c', [b]);
const d = slow('d', [c]);
export default defineDefinitions({ assets: [a, b, c, d] });
`;

type Run = { runId: string; status: string; tasks: { taskKey: string; status: string }[] };

async function getRun(url: string, runId: string): Promise<Run> {
  return (await (await fetch(`${url}/api/v1/runs/${runId}`)).json()) as Run;
}

async function until(url: string, runId: string, predicate: (run: Run) => boolean, timeoutMs: number): Promise<Run> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = await getRun(url, runId);
    if (predicate(run)) return run;
    if (Date.now() > deadline) throw new Error(`timed out waiting; run is ${JSON.stringify(run)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('crash safety', () => {
  const project = tempProject(SOURCE);
  after(() => project.remove());

  test('after kill -9 mid-run and a restart the run completes, no succeeded task runs again, no event is doubled', async () => {
    const first = await startDev(['--project', project.dir]);
    const requested = (await (
      await fetch(`${first.url}/api/v1/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ selection: ['a', 'b', 'c', 'd'] }) })
    ).json()) as { run: Run };
    const runId = requested.run.runId;
    const atKill = await until(
      first.url,
      runId,
      (r) => r.tasks.some((t) => t.status === 'SUCCEEDED') && r.tasks.some((t) => t.status === 'RUNNING'),
      30_000,
    );
    await stopProcess(first.child, 'SIGKILL');

    const db = new Database(join(project.dir, '.arco', 'arco.db'), { readonly: true });
    const succeededBefore = (db.prepare("SELECT json_extract(payload, '$.taskKey') AS k FROM ledger WHERE type = 'TaskAttemptFinished' AND json_extract(payload, '$.outcome') = 'SUCCEEDED'").all() as { k: string }[]).map((r) => r.k);
    db.close();
    assert.ok(succeededBefore.length >= 1, `some task succeeded before the kill (${JSON.stringify(atKill.tasks)})`);

    const second = await startDev(['--project', project.dir]);
    try {
      const done = await until(second.url, runId, (r) => ['SUCCESS', 'FAILURE', 'CANCELED'].includes(r.status), 60_000);
      assert.equal(done.status, 'SUCCESS');
    } finally {
      await stopProcess(second.child);
    }

    const executions = readFileSync(join(project.dir, 'executions.log'), 'utf8').trim().split('\n').map((l) => l.split(' ')[0]);
    for (const key of succeededBefore) {
      assert.equal(executions.filter((k) => k === key).length, 1, `${key} succeeded before the kill and ran exactly once`);
    }
    const ledger = new Database(join(project.dir, '.arco', 'arco.db'), { readonly: true });
    const finishes = ledger.prepare("SELECT json_extract(payload, '$.taskKey') AS k, COUNT(*) AS n FROM ledger WHERE type = 'TaskAttemptFinished' AND json_extract(payload, '$.outcome') = 'SUCCEEDED' GROUP BY k ORDER BY k").all();
    const materialized = ledger.prepare("SELECT COUNT(*) AS n FROM ledger WHERE type = 'AssetMaterialized'").get() as { n: number };
    const keys = ledger.prepare('SELECT COUNT(*) AS n, COUNT(DISTINCT idempotency_key) AS d FROM ledger').get() as { n: number; d: number };
    const sequences = ledger.prepare('SELECT MIN(sequence) AS lo, MAX(sequence) AS hi, COUNT(*) AS n FROM ledger').get() as { lo: number; hi: number; n: number };
    ledger.close();
    assert.deepEqual(finishes, ['a', 'b', 'c', 'd'].map((k) => ({ k, n: 1 })), 'each task succeeded exactly once in the ledger');
    assert.equal(materialized.n, 4, 'one materialization per asset');
    assert.equal(keys.n, keys.d, 'no idempotency key twice');
    assert.equal(sequences.hi - sequences.lo + 1, sequences.n, 'no gap in the ledger: nothing committed was lost');
  });
});
