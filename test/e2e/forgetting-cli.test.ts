/**
 * `arco asset wipe` and `arco run delete` from a script: without --yes they say what they would do
 * and refuse (nobody can be asked), changing nothing; with --yes they do it.
 */
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { arco, arcoJson } from '../helpers/cli.js';
import { tempProject } from '../helpers/project.js';

const SOURCE = `import { dailyPartitions, defineAsset, defineDefinitions } from 'arco-flow';
const report = defineAsset({ key: 'report', compute: async () => {} });
const days = defineAsset({ key: 'days', partitions: dailyPartitions({ start: '2024-01-01', end: '2024-01-05' }), compute: async () => {} });
export default defineDefinitions({ assets: [report, days] });
`;

describe('arco asset wipe and arco run delete', () => {
  const project = tempProject(SOURCE);
  after(() => project.remove());
  const latestOf = (key: string) =>
    arcoJson<{ key: string; latestMaterialization: { runId: string } | null }[]>(['asset', 'list', '--project', project.dir]).body.find((a) => a.key === key)?.latestMaterialization ?? null;

  test('without --yes a wipe lists what it would forget and refuses with CONFIRMATION_REQUIRED; with --yes the asset reads never materialized', () => {
    const run = arcoJson<{ runId: string; status: string }>(['run', '--project', project.dir, '--select', 'report', '--wait']).body;
    assert.equal(run.status, 'SUCCESS');
    const refused = arco(['asset', 'wipe', 'report', '--project', project.dir]);
    assert.equal(refused.status, 1);
    assert.match(refused.stdout, /would wipe the materialization history of 1 asset:\n {2}report: every partition/);
    assert.match(refused.stderr, /CONFIRMATION_REQUIRED: the wipe needs confirmation: pass --yes/);
    assert.equal(latestOf('report')?.runId, run.runId, 'nothing was wiped');
    const wiped = arco(['asset', 'wipe', 'report', '--project', project.dir, '--yes']);
    assert.equal(wiped.status, 0, wiped.stderr);
    assert.match(wiped.stdout, /wiped report: every partition/);
    assert.equal(latestOf('report'), null);
    const list = arco(['asset', 'list', '--project', project.dir, '--select', 'report']);
    assert.match(list.stdout, /report .*never/);
  });

  test('a partition wipe names the partitions; an unknown partition is refused naming the asset', () => {
    assert.equal(arcoJson<{ status: string }>(['run', '--project', project.dir, '--select', 'days', '--partition', '2024-01-01...2024-01-03', '--wait']).body.status, 'SUCCESS');
    const wiped = arcoJson<{ assets: { assetKey: string; partitionKeys: string[] }[] }>(['asset', 'wipe', 'days', '--partition', '2024-01-02', '--project', project.dir, '--yes']);
    assert.deepEqual(wiped.body.assets.map((a) => [a.assetKey, a.partitionKeys]), [['days', ['2024-01-02']]]);
    const status = arcoJson<{ counts: { materialized: number; missing: number } }>(['asset', 'status', 'days', '--project', project.dir]).body;
    assert.deepEqual([status.counts.materialized, status.counts.missing], [2, 2]);
    const unknown = arco(['asset', 'wipe', 'days', '--partition', '2023-12-31', '--project', project.dir, '--yes']);
    assert.equal(unknown.status, 1);
    assert.match(unknown.stderr, /UNKNOWN_PARTITION: asset "days" has no partition "2023-12-31"; nothing was wiped/);
  });

  test('run delete without --yes refuses; with --yes the run is gone from arco runs and arco status, its materialization still the latest', () => {
    const run = arcoJson<{ runId: string; status: string }>(['run', '--project', project.dir, '--select', 'report', '--wait']).body;
    const refused = arco(['run', 'delete', run.runId, '--project', project.dir]);
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /CONFIRMATION_REQUIRED/);
    assert.equal(arco(['status', run.runId, '--project', project.dir]).status, 0, 'still there');
    const deleted = arco(['run', 'delete', run.runId, '--project', project.dir, '--yes']);
    assert.equal(deleted.status, 0, deleted.stderr);
    assert.match(deleted.stdout, new RegExp(`deleted run ${run.runId}`));
    const shown = arco(['status', run.runId, '--project', project.dir]);
    assert.equal(shown.status, 1);
    assert.match(shown.stderr, /RUN_NOT_FOUND/);
    assert.doesNotMatch(arco(['runs', '--project', project.dir]).stdout, new RegExp(run.runId));
    assert.equal(latestOf('report')?.runId, run.runId, 'what the deleted run materialized still counts');
  });
});
