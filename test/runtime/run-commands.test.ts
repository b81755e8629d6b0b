/**
 * Goal: a run request refused for its partitions leaves no trace: no event in the ledger, no run,
 * and its runKey stays free for a corrected request (PAR-32, SEMANTICS §2 and §6). Method: a real
 * definitions file and a real SQLite store; each refused request is checked against the ledger's
 * last sequence and the run list before and after.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { FakeClock, cancelRun, createContext, loadDefinitions, requestRerun, requestRun, type RuntimeContext } from '../../src/runtime/index.js';
import { openSqliteStore, type Store } from '../../src/store/index.js';
import { isArcoError } from '../../src/domain/errors/index.js';
import { tempProject } from '../helpers/project.js';

const SOURCE = `import { defineAsset, defineDefinitions, dailyPartitions, hourlyPartitions } from 'arco-flow';
const hours = defineAsset({ key: 'hours', partitions: hourlyPartitions({ start: '2022-01-01-00:00' }), compute: async () => ({}) });
const early = defineAsset({ key: 'early', partitions: dailyPartitions({ start: '2024-01-01' }), compute: async () => ({}) });
const late = defineAsset({ key: 'late', partitions: dailyPartitions({ start: '2024-01-05' }), compute: async () => ({}) });
const reads = defineAsset({ key: 'reads', deps: [late], partitions: dailyPartitions({ start: '2024-01-01' }), compute: async () => ({}) });
export default defineDefinitions({ assets: [early, late, reads, hours] });
`;

describe('refused run requests', () => {
  const project = tempProject(SOURCE);
  let store: Store;
  let ctx: RuntimeContext;
  before(async () => {
    store = openSqliteStore({ path: join(project.dir, 'arco.db') });
    ctx = createContext(store, new FakeClock(Date.parse('2024-01-10T12:00:00Z')), await loadDefinitions(project.file), 1);
  });
  after(async () => {
    await store.close();
    project.remove();
  });

  /** Requests a run expecting `code`, and checks that the ledger and the run list did not change. */
  async function refusedLeavingNoTrace(input: Parameters<typeof requestRun>[1], code: string): Promise<void> {
    const sequenceBefore = await store.ledger.lastSequence();
    const runsBefore = await store.runs.listRuns({ limit: 100 });
    await assert.rejects(
      () => requestRun(ctx, input),
      (error: unknown) => isArcoError(error) && error.code === code,
    );
    assert.equal(await store.ledger.lastSequence(), sequenceBefore, 'no event was appended');
    assert.deepEqual(await store.runs.listRuns({ limit: 100 }), runsBefore, 'no run was recorded');
    if (input.runKey) assert.equal(await store.runs.getRunByKey(input.runKey), undefined, 'the runKey was not reserved');
  }

  test('a partitioned asset without a partition is PARTITION_REQUIRED, and no run or event is recorded', async () => {
    await refusedLeavingNoTrace({ selection: ['early'], runKey: 'nightly' }, 'PARTITION_REQUIRED');
  });

  test('a key the asset does not have is UNKNOWN_PARTITION, and no run or event is recorded', async () => {
    await refusedLeavingNoTrace({ selection: ['early'], partition: '2023-12-31', runKey: 'nightly' }, 'UNKNOWN_PARTITION');
    await refusedLeavingNoTrace({ selection: ['early'], partition: '2024-01-10', runKey: 'nightly' }, 'UNKNOWN_PARTITION');
  });

  test('a partition that reads upstream partitions that do not exist is NONEXISTENT_UPSTREAM_PARTITION, and no run or event is recorded', async () => {
    await refusedLeavingNoTrace({ selection: ['reads'], partition: '2024-01-03', runKey: 'nightly' }, 'NONEXISTENT_UPSTREAM_PARTITION');
  });

  test('a run of more partitions than one run may have is RUN_TOO_LARGE pointing to backfills, and no run or event is recorded', async () => {
    await refusedLeavingNoTrace({ selection: ['hours'], partition: '2022-01-01-00:00...2024-01-10-00:00', runKey: 'nightly' }, 'RUN_TOO_LARGE');
    await assert.rejects(() => requestRun(ctx, { selection: ['hours'], partition: '2022-01-01-00:00...2024-01-10-00:00' }), {
      code: 'RUN_TOO_LARGE',
      message: /the run would have 17737 tasks, more than the 10000 one run may have: materialize that many partitions with a backfill/,
    });
  });

  test('the runKey of a refused request is free for the corrected request', async () => {
    const { run, existing } = await requestRun(ctx, { selection: ['early'], partition: '2024-01-03', runKey: 'nightly' });
    assert.equal(existing, false);
    assert.equal(run.tags['arco/partition'], '2024-01-03');
    assert.equal((await store.runs.listRuns({ limit: 100 })).length, 1);
  });
});

const CHAIN_SOURCE = `import { defineAsset, defineDefinitions } from 'arco-flow';
const first = defineAsset({ key: 'first', compute: async () => ({}) });
const second = defineAsset({ key: 'second', deps: [first], compute: async () => ({}) });
export default defineDefinitions({ assets: [first, second] });
`;

/**
 * Goal: a rerun from failure includes tasks that never started (OPX-11), not only failed and
 * skipped ones. Method: no daemon runs, so a run canceled at once ends with every task CANCELED
 * and no attempt; the rerun from failure must run them all.
 */
describe('rerun from failure of tasks that never started', () => {
  const project = tempProject(CHAIN_SOURCE);
  let store: Store;
  let ctx: RuntimeContext;
  before(async () => {
    store = openSqliteStore({ path: join(project.dir, 'arco.db') });
    ctx = createContext(store, new FakeClock(Date.parse('2024-01-10T12:00:00Z')), await loadDefinitions(project.file), 1);
  });
  after(async () => {
    await store.close();
    project.remove();
  });

  test('a rerun from failure of a canceled run runs its never-started tasks, with lineage', async () => {
    const { run } = await requestRun(ctx, { selection: ['first', 'second'] });
    const canceled = await cancelRun(ctx, run.runId);
    assert.equal(canceled.status, 'CANCELED');
    assert.deepEqual(canceled.tasks.map((t) => [t.taskKey, t.status, t.attempts.length]), [['first', 'CANCELED', 0], ['second', 'CANCELED', 0]], 'no task started');
    const rerun = await requestRerun(ctx, run.runId, { mode: 'fromFailure' });
    assert.deepEqual(rerun.run.tasks.map((t) => t.taskKey), ['first', 'second']);
    assert.deepEqual([rerun.run.parentRunId, rerun.run.tags['arco/rerun_mode']], [run.runId, 'fromFailure']);
  });
});
