/**
 * Run queue limits under load, with a real daemon and worker processes: 200 runs requested at once,
 * half tagged `team=data` (limited to 3 runs in progress) and half materializing an asset of pool
 * `warehouse` (limited to 2 slots by `arco pool set`, i.e. the setPoolLimit operation). The ledger is
 * `maxConcurrentRuns` of the instance settings is 6. The ledger is
 * replayed afterwards to find the most runs and tasks that were ever in progress at once: the
 * limits must be reached (there was pressure) and never exceeded, and every run must succeed.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { invokeOperation, setPoolLimitOp, listPoolsOp, type OperationContext } from '../../../src/operations/index.js';
import { requestRun } from '../../../src/runtime/index.js';
import type { StoredEvent } from '../../../src/events/index.js';
import { startDaemon, tempProject, waitForRun, type Running } from '../../helpers/project.js';

const RUNS = 200;
const DATA_LIMIT = 3;
const POOL_LIMIT = 2;
const RUN_LIMIT = 6;

const SOURCE = `import { defineAsset, defineDefinitions } from 'arco-flow';
const pause = () => new Promise((resolve) => setTimeout(resolve, 15));
const load = defineAsset({ key: 'load', pool: 'warehouse', compute: pause });
const report = defineAsset({ key: 'report', compute: pause });
export default defineDefinitions({
  assets: [load, report],
  instance: { runQueue: { maxConcurrentRuns: ${RUN_LIMIT}, tagConcurrencyLimits: [{ key: 'team', value: 'data', limit: ${DATA_LIMIT} }] } },
});
`;

const project = tempProject(SOURCE);
let running: Running | undefined;
after(async () => {
  await running?.stop();
  project.remove();
});

async function allEvents(r: Running): Promise<StoredEvent[]> {
  const events: StoredEvent[] = [];
  for (;;) {
    const page = await r.store.ledger.readEvents({ afterSequence: events.at(-1)?.sequence ?? 0, limit: 5000 });
    if (page.length === 0) return events;
    events.push(...page);
  }
}

test('200 runs at once never exceed maxConcurrentRuns 6, a tag limit of 3 runs or a pool of 2 slots, reach each, and all succeed', async () => {
  running = await startDaemon(project.file, join(project.dir, 'arco.db'), { workers: 4, tickMs: 20 });
  const local: OperationContext = { store: running.store, runtime: async () => running!.ctx, actor: 'local' };
  await invokeOperation(local, setPoolLimitOp, { pool: 'warehouse', limit: POOL_LIMIT });
  const runIds: string[] = [];
  const dataRuns = new Set<string>();
  for (let i = 0; i < RUNS; i += 1) {
    const data = i % 2 === 0;
    const { run } = await requestRun(running.ctx, { selection: [i % 4 < 2 ? 'load' : 'report'], tags: data ? { team: 'data' } : { team: 'web' } });
    runIds.push(run.runId);
    if (data) dataRuns.add(run.runId);
  }
  running.daemon.wake();
  for (const runId of runIds) assert.equal((await waitForRun(running.store, runId, 120_000)).status, 'SUCCESS', runId);

  let inProgress = 0;
  let runMax = 0;
  let dataInProgress = 0;
  let dataMax = 0;
  const loadAttempts = new Set<string>();
  let poolMax = 0;
  for (const event of await allEvents(running)) {
    if (event.type === 'RunStarted') runMax = Math.max(runMax, (inProgress += 1));
    if (event.type === 'RunFinished') inProgress -= 1;
    if (event.type === 'RunStarted' && dataRuns.has(event.payload.runId)) dataMax = Math.max(dataMax, (dataInProgress += 1));
    if (event.type === 'RunFinished' && dataRuns.has(event.payload.runId)) dataInProgress -= 1;
    if (event.type === 'TaskDispatched' && event.payload.assetKey === 'load') {
      loadAttempts.add(event.payload.attemptId);
      poolMax = Math.max(poolMax, loadAttempts.size);
    }
    if (event.type === 'TaskAttemptFinished' && event.payload.assetKey === 'load') loadAttempts.delete(event.payload.attemptId);
  }
  assert.equal(runMax, RUN_LIMIT, `most runs in progress at once: ${runMax}`);
  assert.equal(dataMax, DATA_LIMIT, `most team=data runs in progress at once: ${dataMax}`);
  assert.equal(poolMax, POOL_LIMIT, `most warehouse tasks running at once: ${poolMax}`);
  const { pools } = await invokeOperation(local, listPoolsOp, {});
  assert.deepEqual(pools, [{ pool: 'warehouse', limit: POOL_LIMIT, limitFrom: 'pool', inUse: 0, assets: ['load'] }]);
});
