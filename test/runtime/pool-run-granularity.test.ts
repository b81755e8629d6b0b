/**
 * Pool slots held per run (instance setting `pools.granularity: 'run'`, Dagster's
 * `concurrency.pools.granularity: run`), with a real daemon: a run holds one slot of its pool for
 * its whole duration however many of its tasks use the pool, a second run waits with every task
 * and says why, `listPools` counts runs, and the second run starts once the first has ended.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { getRunOp, invokeOperation, listPoolsOp, type OperationContext } from '../../src/operations/index.js';
import { requestRun } from '../../src/runtime/index.js';
import { startDaemon, tempProject, waitForRun, type Running } from '../helpers/project.js';

const project = tempProject('');
const gate = join(project.dir, 'open');
writeFileSync(
  project.file,
  `import { existsSync } from 'node:fs';
import { defineAsset, defineDefinitions } from 'arco-flow';
const held = (key) => defineAsset({ key, pool: 'db', compute: async () => { while (!existsSync(${JSON.stringify(gate)})) await new Promise((r) => setTimeout(r, 20)); } });
export default defineDefinitions({ assets: [held('a'), held('b')], instance: { pools: { defaultLimit: 1, granularity: 'run' } } });
`,
);
let running: Running | undefined;
after(async () => {
  if (!existsSync(gate)) writeFileSync(gate, '');
  await running?.stop();
  project.remove();
});

test('with pools.granularity run, a run holds one slot of its pool until it ends: both its tasks run, the next run waits whole and says why', async () => {
  running = await startDaemon(project.file, join(project.dir, 'arco.db'), { tickMs: 20, workers: 4 });
  const r = running;
  const local: OperationContext = { store: r.store, runtime: async () => r.ctx, actor: 'local' };
  const first = (await requestRun(r.ctx, { selection: ['a', 'b'] })).run;
  r.daemon.wake();
  await waitForRun(r.store, first.runId, 30_000, (x) => x.tasks.every((t) => t.status === 'RUNNING'));
  const second = (await requestRun(r.ctx, { selection: ['a', 'b'], runKey: 'second' })).run;
  r.daemon.wake();
  await waitForRun(r.store, second.runId, 30_000, (x) => x.status === 'STARTED');
  // Several iterations pass with free worker slots: the second run dispatches nothing.
  await new Promise((resolve) => setTimeout(resolve, 300));
  const waiting = await invokeOperation(local, getRunOp, { runId: second.runId });
  assert.deepEqual(waiting.tasks.map((t) => t.status), ['READY', 'READY']);
  assert.deepEqual(waiting.waiting, [
    { taskKey: 'a', reason: 'pool db: 1/1 in use' },
    { taskKey: 'b', reason: 'pool db: 1/1 in use' },
  ]);
  assert.deepEqual((await invokeOperation(local, listPoolsOp, {})).pools, [{ pool: 'db', limit: 1, limitFrom: 'default', inUse: 1, assets: ['a', 'b'] }], 'one run holds the slot');
  writeFileSync(gate, '');
  assert.equal((await waitForRun(r.store, first.runId)).status, 'SUCCESS');
  const done = await waitForRun(r.store, second.runId);
  assert.equal(done.status, 'SUCCESS');
  const firstEnded = Date.parse((await r.store.runs.getRun(first.runId))?.finishedAt ?? '');
  const secondDispatched = Math.min(...done.tasks.map((t) => Date.parse(t.attempts[0]?.dispatchedAt ?? '')));
  assert.ok(secondDispatched >= firstEnded, 'the second run dispatched its first task only once the first run had ended');
});
