/**
 * A run's own task limit (`arco/max_concurrent_tasks`, Dagster's executor `max_concurrent`), with a
 * real daemon and worker processes: the run never executes more tasks at once than its tag says,
 * its other ready tasks say why they wait, and the worker slots it leaves go to other runs.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { getRunOp, invokeOperation, type OperationContext } from '../../src/operations/index.js';
import { requestRun } from '../../src/runtime/index.js';
import type { RunProjection } from '../../src/fold/index.js';
import { startDaemon, tempProject, waitForRun, type Running } from '../helpers/project.js';

const project = tempProject('');
const gate = join(project.dir, 'open');
writeFileSync(
  project.file,
  `import { existsSync } from 'node:fs';
import { defineAsset, defineDefinitions } from 'arco-flow';
const held = (key) => defineAsset({ key, compute: async () => { while (!existsSync(${JSON.stringify(gate)})) await new Promise((r) => setTimeout(r, 20)); } });
const free = defineAsset({ key: 'free', compute: async () => {} });
export default defineDefinitions({ assets: [held('a'), held('b'), held('c'), held('d'), free] });
`,
);
let running: Running | undefined;
after(async () => {
  if (!existsSync(gate)) writeFileSync(gate, '');
  await running?.stop();
  project.remove();
});

/** The most attempts of the run that were executing at one instant. */
function mostAtOnce(run: RunProjection): number {
  const edges = run.tasks.flatMap((t) => t.attempts.flatMap((a) => [{ at: Date.parse(a.dispatchedAt), d: 1 }, { at: Date.parse(a.finishedAt ?? a.dispatchedAt), d: -1 }]));
  // Ends before starts at the same instant: a slot freed and taken in one pass is not an overlap.
  edges.sort((x, y) => x.at - y.at || x.d - y.d);
  let now = 0;
  let most = 0;
  for (const edge of edges) most = Math.max(most, (now += edge.d));
  return most;
}

test('a run tagged arco/max_concurrent_tasks=2 executes at most 2 tasks at once, its waiting tasks say why, and other runs take the free slots', async () => {
  running = await startDaemon(project.file, join(project.dir, 'arco.db'), { tickMs: 20, workers: 4 });
  const r = running;
  const local: OperationContext = { store: r.store, runtime: async () => r.ctx, actor: 'local' };
  const limited = (await requestRun(r.ctx, { selection: ['a', 'b', 'c', 'd'], tags: { 'arco/max_concurrent_tasks': '2' } })).run;
  r.daemon.wake();
  await waitForRun(r.store, limited.runId, 30_000, (run) => run.tasks.filter((t) => t.status === 'RUNNING').length === 2);
  const other = (await requestRun(r.ctx, { selection: ['free'] })).run;
  r.daemon.wake();
  assert.equal((await waitForRun(r.store, other.runId)).status, 'SUCCESS', 'a slot the limited run left took the other run');

  const read = await invokeOperation(local, getRunOp, { runId: limited.runId });
  assert.equal(read.tasks.filter((t) => t.status === 'RUNNING' || t.status === 'DISPATCHED').length, 2);
  assert.deepEqual(
    read.waiting,
    read.tasks.filter((t) => t.status === 'READY').map((t) => ({ taskKey: t.taskKey, reason: 'run limit arco/max_concurrent_tasks: 2/2 tasks executing' })),
  );
  assert.equal(read.waiting?.length, 2);

  writeFileSync(gate, '');
  const done = await waitForRun(r.store, limited.runId);
  assert.equal(done.status, 'SUCCESS');
  assert.equal(mostAtOnce(done), 2);
});
