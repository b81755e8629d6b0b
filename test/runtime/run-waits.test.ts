/**
 * A queued run or a waiting task says what it waits for (OPX-14), read through the getRun and
 * listRuns operations while a real daemon holds the limits: a tag limit keeps a run QUEUED, a full
 * pool keeps a started run's task READY; once the holder finishes, both go on and the waits are gone.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { getRunOp, invokeOperation, listRunsOp, setPoolLimitOp, type OperationContext } from '../../src/operations/index.js';
import { requestRun } from '../../src/runtime/index.js';
import { startDaemon, tempProject, waitForRun, type Running } from '../helpers/project.js';

const project = tempProject('');
const gate = join(project.dir, 'open');
writeFileSync(
  project.file,
  `import { existsSync } from 'node:fs';
import { defineAsset, defineDefinitions } from 'arco-flow';
const hold = defineAsset({ key: 'hold', pool: 'warehouse', compute: async () => { while (!existsSync(${JSON.stringify(gate)})) await new Promise((r) => setTimeout(r, 20)); } });
export default defineDefinitions({ assets: [hold], instance: { runQueue: { tagConcurrencyLimits: [{ key: 'team', value: 'data', limit: 1 }] } } });
`,
);
let running: Running | undefined;
after(async () => {
  if (!existsSync(gate)) writeFileSync(gate, '');
  await running?.stop();
  project.remove();
});

test('a run held by a tag limit and a task held by a full pool say so, and the waits end with the holder', async () => {
  running = await startDaemon(project.file, join(project.dir, 'arco.db'), { tickMs: 20, workers: 3 });
  const r = running;
  const local: OperationContext = { store: r.store, runtime: async () => r.ctx, actor: 'local' };
  await invokeOperation(local, setPoolLimitOp, { pool: 'warehouse', limit: 1 });
  const holder = (await requestRun(r.ctx, { selection: ['hold'], tags: { team: 'data' } })).run;
  r.daemon.wake();
  await waitForRun(r.store, holder.runId, 30_000, (run) => run.tasks[0]?.status === 'RUNNING');
  const queued = (await requestRun(r.ctx, { selection: ['hold'], tags: { team: 'data' } })).run;
  const pooled = (await requestRun(r.ctx, { selection: ['hold'], tags: { team: 'web' } })).run;
  r.daemon.wake();
  await waitForRun(r.store, pooled.runId, 30_000, (run) => run.status === 'STARTED');

  const queuedRead = await invokeOperation(local, getRunOp, { runId: queued.runId });
  assert.equal(queuedRead.status, 'QUEUED');
  assert.deepEqual(queuedRead.waiting, [{ taskKey: null, reason: 'tag team=data: 1/1 runs' }]);
  const pooledRead = await invokeOperation(local, getRunOp, { runId: pooled.runId });
  assert.deepEqual(pooledRead.waiting, [{ taskKey: 'hold', reason: 'pool warehouse: 1/1 in use' }]);
  const listed = await invokeOperation(local, listRunsOp, {});
  const byId = new Map(listed.runs.map((run) => [run.runId, run.waiting]));
  assert.deepEqual([byId.get(queued.runId), byId.get(pooled.runId), byId.get(holder.runId)], [queuedRead.waiting, pooledRead.waiting, undefined]);

  writeFileSync(gate, '');
  for (const run of [holder, queued, pooled]) assert.equal((await waitForRun(r.store, run.runId)).status, 'SUCCESS');
  assert.equal((await invokeOperation(local, getRunOp, { runId: queued.runId })).waiting, undefined);
});
