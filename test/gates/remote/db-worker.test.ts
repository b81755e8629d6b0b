/**
 * Gate — `arco worker --db`: a worker on a host that reaches the store (PostgreSQL) but no daemon's
 * API. It registers, claims, reports and heartbeats through the store itself; the leader dispatches
 * to it like to any remote worker, and the run succeeds with each task run on it once.
 */
import { describe } from 'node:test';
import assert from 'node:assert/strict';
import { isTerminalRun } from '../../../src/domain/runs/index.js';
import type { Store } from '../../../src/store/index.js';
import { stopProcess } from '../../helpers/cli.js';
import { startArcoDaemon, startArcoDbWorker, type ArcoProcess } from '../../helpers/arco-processes.js';
import { allEvents } from '../../helpers/ledger-reads.js';
import { freshSchema, postgresSkip, type TestSchema } from '../../helpers/postgres.js';
import { tempProject } from '../../helpers/project.js';
import { skippable } from '../../helpers/skippable.js';

const SOURCE = `
import { defineAsset, defineDefinitions } from 'arco-flow';
const first = defineAsset({ key: 'first', compute: async (ctx) => { ctx.log.info('first ran on pid ' + process.pid); } });
const second = defineAsset({ key: 'second', deps: [first], compute: async () => {} });
const third = defineAsset({ key: 'third', deps: [first], compute: async () => {} });
export default defineDefinitions({ assets: [first, second, third] });
`;

const { test, before, after } = skippable(await postgresSkip());

describe('a remote worker on the store itself (arco worker --db) on PostgreSQL', () => {
  const project = tempProject(SOURCE);
  let schema: TestSchema;
  let store: Store;
  const processes: ArcoProcess[] = [];

  before(async () => {
    schema = await freshSchema();
    store = await schema.open();
  });
  after(async () => {
    for (const p of processes.splice(0)) await stopProcess(p.child, 'SIGKILL');
    await store?.close();
    await schema?.drop();
    project.remove();
  });

  test('a daemon with no workers of its own dispatches to a --db worker, which runs every task once and the run succeeds', async () => {
    const daemon = await startArcoDaemon(project.dir, schema.url, ['--workers', '0']);
    processes.push(daemon);
    const worker = await startArcoDbWorker(project.dir, schema.url, ['--slots', '2']);
    processes.push(worker);
    assert.match(worker.output(), /store\s+postgres:/, 'the worker says it talks to the store, not an API');
    const response = await fetch(`${daemon.url}/api/v1/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ selection: ['*'] }) });
    assert.equal(response.status, 201, await response.clone().text());
    const { run } = (await response.json()) as { run: { runId: string } };
    const deadline = Date.now() + 30_000;
    let ended = await store.runs.getRun(run.runId);
    while (!(ended && isTerminalRun(ended.status)) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      ended = await store.runs.getRun(run.runId);
    }
    assert.equal(ended?.status, 'SUCCESS', JSON.stringify(ended?.tasks.map((t) => t.attempts)));
    for (const task of ended?.tasks ?? []) {
      assert.deepEqual(task.attempts.map((a) => a.workerId), [worker.id], `${task.taskKey} ran once, on the --db worker`);
    }
    const logged = (await allEvents(store)).flatMap((e) => (e.type === 'TaskLogged' && e.payload.runId === run.runId ? [e.payload.message] : []));
    assert.ok(logged.some((m) => m.startsWith('first ran on pid')), `the compute's log line reached the run: ${JSON.stringify(logged)}`);
  });
});
