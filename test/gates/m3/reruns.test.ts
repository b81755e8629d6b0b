/**
 * Gate M3 — reruns. A rerun from failure runs exactly the parent's tasks that did not succeed,
 * keeps the parent's partition, config and tags, records lineage, and is idempotent.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { requestRerun, requestRun } from '../../../src/runtime/index.js';
import { startDaemon, task, tempProject, waitForRun, type Running } from '../../helpers/project.js';
import { arco, arcoJson } from '../../helpers/cli.js';

const SOURCE = `import { defineAsset, defineDefinitions } from 'arco-flow';
import { appendFileSync, existsSync } from 'node:fs';
const here = (name) => new URL('./' + name, import.meta.url);
const track = (key) => appendFileSync(here('executions.log'), key + '\\n');
const a = defineAsset({ key: 'a', compute: async () => { track('a'); } });
const b = defineAsset({ key: 'b', deps: [a], compute: async () => { track('b'); if (!existsSync(here('fixed'))) throw new TypeError('b is broken'); } });
const c = defineAsset({ key: 'c', deps: [b], compute: async () => { track('c'); } });
const d = defineAsset({ key: 'd', deps: [a], compute: async () => { track('d'); } });
export default defineDefinitions({ assets: [a, b, c, d] });
`;

describe('reruns', () => {
  const project = tempProject(SOURCE);
  let running: Running;
  let failedRunId = '';
  const executions = () => readFileSync(join(project.dir, 'executions.log'), 'utf8').trim().split('\n');

  before(async () => {
    running = await startDaemon(project.file, join(project.dir, 'arco.db'));
    const { run } = await requestRun(running.ctx, { selection: ['a', 'b', 'c', 'd'], tags: { team: 'data' }, config: { limit: 3 } });
    const done = await waitForRun(running.store, run.runId);
    assert.equal(done.status, 'FAILURE');
    failedRunId = run.runId;
  });
  after(async () => {
    await running.stop();
    project.remove();
  });

  test('a rerun of a run that is still running is RERUN_PARENT_NOT_FINISHED', async () => {
    const { run } = await requestRun(running.ctx, { selection: ['a'] });
    await assert.rejects(requestRerun(running.ctx, run.runId, { mode: 'fromFailure' }), { code: 'RERUN_PARENT_NOT_FINISHED' });
    await waitForRun(running.store, run.runId);
  });

  test('from failure runs exactly the failed, skipped and never-started tasks, with lineage, partition, config and tags', async () => {
    writeFileSync(join(project.dir, 'fixed'), '');
    const before = executions().length;
    const { run, existing } = await requestRerun(running.ctx, failedRunId, { mode: 'fromFailure' });
    assert.equal(existing, false);
    assert.deepEqual(run.tasks.map((t) => t.taskKey), ['b', 'c']);
    assert.equal(run.parentRunId, failedRunId);
    assert.equal(run.rootRunId, failedRunId);
    assert.deepEqual(run.config, { limit: 3 });
    assert.equal(run.tags.team, 'data');
    assert.equal(run.tags['arco/parent_run_id'], failedRunId);
    assert.equal(run.tags['arco/root_run_id'], failedRunId);
    assert.equal(run.tags['arco/rerun_mode'], 'fromFailure');
    assert.match(run.runKey ?? '', new RegExp(`^rerun:${failedRunId}:fromFailure:[0-9a-f]{16}$`));
    const done = await waitForRun(running.store, run.runId);
    assert.equal(done.status, 'SUCCESS');
    assert.deepEqual(executions().slice(before).sort(), ['b', 'c'], 'succeeded tasks a and d did not run again');
  });

  test('asking for the same rerun again returns the same run', async () => {
    const first = await requestRerun(running.ctx, failedRunId, { mode: 'fromFailure' });
    const again = await requestRerun(running.ctx, failedRunId, { mode: 'fromFailure' });
    assert.equal(again.existing, true);
    assert.equal(again.run.runId, first.run.runId);
  });

  test('a rerun of a run without failure is RERUN_NOTHING_FAILED', async () => {
    const rerun = (await requestRerun(running.ctx, failedRunId, { mode: 'fromFailure' })).run;
    await assert.rejects(requestRerun(running.ctx, rerun.runId, { mode: 'fromFailure' }), { code: 'RERUN_NOTHING_FAILED' });
  });

  test('a subset rerun runs the selected assets of the parent; its root stays the original run', async () => {
    const rerun = (await requestRerun(running.ctx, failedRunId, { mode: 'fromFailure' })).run;
    const subset = await requestRerun(running.ctx, rerun.runId, { mode: 'subset', selection: ['c'] });
    assert.deepEqual(subset.run.tasks.map((t) => t.taskKey), ['c']);
    assert.equal(subset.run.parentRunId, rerun.runId);
    assert.equal(subset.run.rootRunId, failedRunId);
    await waitForRun(running.store, subset.run.runId);
    await assert.rejects(requestRerun(running.ctx, rerun.runId, { mode: 'subset', selection: ['a'] }), { code: 'RERUN_SELECTION_OUTSIDE_PARENT' });
  });

  test('a subset rerun with --include-downstream adds only downstream assets the parent had', async () => {
    const subset = await requestRerun(running.ctx, failedRunId, { mode: 'subset', selection: ['b'], includeDownstream: true });
    assert.deepEqual(subset.run.tasks.map((t) => t.taskKey), ['b', 'c']);
    assert.deepEqual(task(subset.run, 'b').deps, [], 'a is not in the rerun, so b does not wait for it');
    await waitForRun(running.store, subset.run.runId);
  });

  test('a full rerun runs every task of the parent again, the succeeded ones too, with lineage; asking again returns the same run', async () => {
    writeFileSync(join(project.dir, 'fixed'), '');
    const before = executions().length;
    const { run, existing } = await requestRerun(running.ctx, failedRunId, { mode: 'all' });
    assert.equal(existing, false);
    assert.deepEqual(run.tasks.map((t) => t.taskKey), ['a', 'b', 'c', 'd']);
    assert.deepEqual(task(run, 'b').deps, ['a'], 'the tasks wait for each other as in the parent');
    assert.equal(run.parentRunId, failedRunId);
    assert.equal(run.tags['arco/rerun_mode'], 'all');
    assert.equal(run.tags.team, 'data');
    assert.deepEqual(run.config, { limit: 3 });
    assert.match(run.runKey ?? '', new RegExp(`^rerun:${failedRunId}:all:[0-9a-f]{16}$`));
    const done = await waitForRun(running.store, run.runId);
    assert.equal(done.status, 'SUCCESS');
    assert.deepEqual(executions().slice(before).sort(), ['a', 'b', 'c', 'd'], 'a and d, which had succeeded, ran again');
    const again = await requestRerun(running.ctx, failedRunId, { mode: 'all' });
    assert.equal(again.existing, true);
    assert.equal(again.run.runId, run.runId);
    // A run that succeeded can be run again in full, where from failure has nothing to do.
    const ofSuccess = await requestRerun(running.ctx, run.runId, { mode: 'all' });
    assert.deepEqual(ofSuccess.run.tasks.map((t) => t.taskKey), ['a', 'b', 'c', 'd']);
    await waitForRun(running.store, ofSuccess.run.runId);
  });
});

describe('reruns from the command line', () => {
  test('arco run --rerun RUN_ID --from-failure prints the new run with why it exists and its lineage; --all reruns every task', async () => {
    const project = tempProject(SOURCE);
    try {
      const failed = arcoJson<{ runId: string; status: string }>(['run', '--project', project.dir, '--select', 'a,b', '--wait']);
      assert.equal(failed.body.status, 'FAILURE');
      writeFileSync(join(project.dir, 'fixed'), '');
      const rerun = arcoJson<{ status: string; why: string; lineage: string[]; tasks: { key: string }[] }>(['run', '--project', project.dir, '--rerun', failed.body.runId, '--from-failure', '--wait']);
      assert.equal(rerun.status, 0);
      assert.equal(rerun.body.status, 'SUCCESS');
      assert.equal(rerun.body.why, `rerun (fromFailure) of ${failed.body.runId}`);
      assert.equal(rerun.body.lineage[0], failed.body.runId);
      assert.deepEqual(rerun.body.tasks.map((t) => t.key), ['b']);
      assert.ok(existsSync(join(project.dir, '.arco', 'arco.db')));
      const full = arcoJson<{ status: string; why: string; tasks: { key: string }[] }>(['run', '--project', project.dir, '--rerun', failed.body.runId, '--all', '--wait']);
      assert.equal(full.status, 0, full.stderr);
      assert.equal(full.body.why, `rerun (all) of ${failed.body.runId}`);
      assert.deepEqual(full.body.tasks.map((t) => t.key), ['a', 'b']);
      const both = arco(['run', '--project', project.dir, '--rerun', failed.body.runId, '--all', '--from-failure']);
      assert.notEqual(both.status, 0);
      assert.match(both.stderr, /exactly one of --from-failure, --all or --select/);
    } finally {
      project.remove();
    }
  });
});
