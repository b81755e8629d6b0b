/**
 * Goal: a compute that finished is not run again when the daemon dies before recording its report
 * (issue #15: 4 of 24 kill -9 trials re-ran one). Method: the worker holds its finished report for
 * a few seconds after spooling it (ARCO_TEST_REPORT_DELAY_MS, fault tests only); the test kills
 * `arco dev` with SIGKILL inside that window, checks the ledger has no finish for the task, restarts
 * `arco dev` and checks the run succeeds with the compute done exactly once, recorded as attempt 1.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { startDev, stopProcess } from '../../helpers/cli.js';
import { tempProject } from '../../helpers/project.js';

const project = tempProject(`
import { defineAsset, defineDefinitions } from 'arco-flow';
import { appendFileSync } from 'node:fs';
const done = new URL('./computes.log', import.meta.url);
const once = defineAsset({ key: 'once', compute: async () => { appendFileSync(done, 'once\\n'); } });
export default defineDefinitions({ assets: [once] });
`);
after(() => project.remove());

const computes = (): number => (existsSync(join(project.dir, 'computes.log')) ? readFileSync(join(project.dir, 'computes.log'), 'utf8').trim().split('\n').length : 0);

function finishes(): { attempt: number; outcome: string }[] {
  const db = new Database(join(project.dir, '.arco', 'arco.db'), { readonly: true });
  try {
    return db
      .prepare("SELECT json_extract(payload, '$.attempt') AS attempt, json_extract(payload, '$.outcome') AS outcome FROM ledger WHERE type = 'TaskAttemptFinished' ORDER BY sequence")
      .all() as { attempt: number; outcome: string }[];
  } finally {
    db.close();
  }
}

test('a daemon killed after a compute finished but before its report was recorded: the next daemon records it, and the compute ran once', async () => {
  process.env['ARCO_TEST_REPORT_DELAY_MS'] = '4000';
  let first;
  try {
    first = await startDev(['--project', project.dir, '--no-watch']);
  } finally {
    delete process.env['ARCO_TEST_REPORT_DELAY_MS'];
  }
  const res = await fetch(`${first.url}/api/v1/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ selection: ['once'] }) });
  const runId = ((await res.json()) as { run: { runId: string } }).run.runId;
  const deadline = Date.now() + 30_000;
  while (computes() === 0) {
    assert.ok(Date.now() < deadline, 'the compute ran');
    await new Promise((r) => setTimeout(r, 20));
  }
  await stopProcess(first.child, 'SIGKILL');
  assert.deepEqual(finishes(), [], 'the daemon died before it recorded the finish');

  const second = await startDev(['--project', project.dir, '--no-watch']);
  try {
    let status = '';
    while (!['SUCCESS', 'FAILURE', 'CANCELED'].includes(status)) {
      assert.ok(Date.now() < deadline + 30_000, `the run ended (${status})`);
      await new Promise((r) => setTimeout(r, 50));
      status = ((await (await fetch(`${second.url}/api/v1/runs/${runId}`)).json()) as { status: string }).status;
    }
    assert.equal(status, 'SUCCESS');
  } finally {
    await stopProcess(second.child);
  }
  assert.equal(computes(), 1, 'the compute ran once');
  assert.deepEqual(finishes(), [{ attempt: 1, outcome: 'SUCCEEDED' }], 'recorded from the spool as its first attempt, not lost and retried');
  assert.deepEqual(readdirSync(join(project.dir, '.arco', 'results')).filter((n) => n.endsWith('.json')), [], 'the spool is emptied once recorded');
});
