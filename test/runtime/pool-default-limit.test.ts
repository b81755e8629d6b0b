/**
 * The deployment's default pool limit (Dagster's `concurrency.pools.default_limit`), with a real
 * daemon: a pool with no limit of its own gets the default, its waiting task says so, `listPools`
 * shows where the limit comes from, and a limit set for the pool (here "unlimited") wins at once.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { getRunOp, invokeOperation, listPoolsOp, setPoolLimitOp, type OperationContext } from '../../src/operations/index.js';
import { requestRun } from '../../src/runtime/index.js';
import { startDaemon, tempProject, waitForRun, type Running } from '../helpers/project.js';

const project = tempProject('');
const gate = join(project.dir, 'open');
writeFileSync(
  project.file,
  `import { existsSync } from 'node:fs';
import { defineAsset, defineDefinitions } from 'arco-flow';
const held = (key) => defineAsset({ key, pool: 'db', compute: async () => { while (!existsSync(${JSON.stringify(gate)})) await new Promise((r) => setTimeout(r, 20)); } });
export default defineDefinitions({ assets: [held('a'), held('b')], instance: { pools: { defaultLimit: 1 } } });
`,
);
let running: Running | undefined;
after(async () => {
  if (!existsSync(gate)) writeFileSync(gate, '');
  await running?.stop();
  project.remove();
});

test('a pool without a limit of its own takes the default limit, says so while a task waits, and a limit set for it wins', async () => {
  running = await startDaemon(project.file, join(project.dir, 'arco.db'), { tickMs: 20, workers: 3 });
  const r = running;
  const local: OperationContext = { store: r.store, runtime: async () => r.ctx, actor: 'local' };
  const run = (await requestRun(r.ctx, { selection: ['a', 'b'] })).run;
  r.daemon.wake();
  await waitForRun(r.store, run.runId, 30_000, (x) => x.tasks.some((t) => t.status === 'RUNNING'));
  const read = await invokeOperation(local, getRunOp, { runId: run.runId });
  const waiting = read.tasks.filter((t) => t.status === 'READY').map((t) => t.taskKey);
  assert.equal(waiting.length, 1, 'one task of the pool runs, the other waits');
  assert.deepEqual(read.waiting, [{ taskKey: waiting[0], reason: 'pool db: 1/1 in use' }]);
  assert.deepEqual((await invokeOperation(local, listPoolsOp, {})).pools, [{ pool: 'db', limit: 1, limitFrom: 'default', inUse: 1, assets: ['a', 'b'] }]);

  await invokeOperation(local, setPoolLimitOp, { pool: 'db', limit: null });
  r.daemon.wake();
  await waitForRun(r.store, run.runId, 30_000, (x) => x.tasks.every((t) => t.status === 'RUNNING'));
  assert.deepEqual((await invokeOperation(local, listPoolsOp, {})).pools, [{ pool: 'db', limit: null, limitFrom: 'pool', inUse: 2, assets: ['a', 'b'] }]);
  writeFileSync(gate, '');
  assert.equal((await waitForRun(r.store, run.runId)).status, 'SUCCESS');
});
