/**
 * Gate M1 — selection and subset runs. Selection is exactly what runs: downstream assets run only
 * when selected or asked for with a closure flag, and missing upstream materializations never pull
 * upstream assets into the run.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { requestRun, selectAssetsToLaunch } from '../../../src/runtime/index.js';
import { startDaemon, tempProject, waitForRun, type Running } from '../../helpers/project.js';

const SOURCE = `import { defineAsset, defineDefinitions } from 'arco-flow';
const a = defineAsset({ key: 'a', group: 'g1', tags: { team: 'data' }, compute: async () => {} });
const b = defineAsset({ key: 'b', deps: [a], group: 'g1', compute: async () => {} });
const c = defineAsset({ key: 'c', deps: [b], group: 'g2', tags: { pii: '' }, compute: async () => {} });
const x = defineAsset({ key: 'x/y', deps: [a], group: 'g2', compute: async () => {} });
export default defineDefinitions({ assets: [a, b, c, x] });
`;

describe('selection is exactly what runs', () => {
  const project = tempProject(SOURCE);
  let running: Running;
  before(async () => {
    running = await startDaemon(project.file, join(project.dir, 'arco.db'));
  });
  after(async () => {
    await running.stop();
    project.remove();
  });
  const keys = (selection: string) => selectAssetsToLaunch(running.ctx.definitions, selection);

  test('selecting {b} never runs its downstream c, and a missing upstream a is not pulled in', async () => {
    const { run } = await requestRun(running.ctx, { selection: ['b'] });
    assert.deepEqual(run.tasks.map((t) => t.taskKey), ['b']);
    const done = await waitForRun(running.store, run.runId);
    assert.equal(done.status, 'SUCCESS');
    assert.equal((await running.store.assets.listAssetPartitions('a')).length, 0, 'a was never materialized');
  });

  test('closure flags add all upstream or all downstream assets', async () => {
    assert.deepEqual((await requestRun(running.ctx, { selection: ['b'], includeUpstream: true })).run.assetKeys, ['a', 'b']);
    assert.deepEqual((await requestRun(running.ctx, { selection: ['b'], includeDownstream: true })).run.assetKeys, ['b', 'c']);
  });

  const table: [title: string, selection: string, expected: string[]][] = [
    ['key:b selects exactly that asset', 'key:b', ['b']],
    ['+key:c selects c and all its ancestors', '+key:c', ['a', 'b', 'c']],
    ['1+key:c selects c and one level up', '1+key:c', ['b', 'c']],
    ['key:a+ selects a and all its descendants', 'key:a+', ['a', 'b', 'c', 'x/y']],
    ['key:a+1 selects a and one level down', 'key:a+1', ['a', 'b', 'x/y']],
    ['key:x/* matches keys by wildcard across segments', 'key:x/*', ['x/y']],
    ['tag:team=data selects assets with that tag value', 'tag:team=data', ['a']],
    ['tag:pii selects assets that have the tag, whatever its value', 'tag:pii', ['c']],
    ['group:g2 and not key:c combines filters with and and not', 'group:g2 and not key:c', ['x/y']],
    ['roots(...) selects the roots within its argument', 'roots(group:g2 or key:b)', ['b', 'x/y']],
    ['sinks(*) selects the assets nothing selected depends on', 'sinks(*)', ['c', 'x/y']],
    ['* alone selects every asset', '*', ['a', 'b', 'c', 'x/y']],
    ['a bare name falls back to the legacy syntax and selects that asset', 'b', ['b']],
    ['legacy *c selects c and all its ancestors', '*c', ['a', 'b', 'c']],
    ['legacy +c selects c and one level up', '+c', ['b', 'c']],
    ['legacy a,x/y selects a list of assets', 'a,x/y', ['a', 'x/y']],
  ];
  for (const [title, selection, expected] of table) {
    test(title, () => assert.deepEqual(keys(selection), expected));
  }

  test('a selection matching nothing is refused for launching with EMPTY_SELECTION', () => {
    assert.throws(() => keys('key:nothing'), { code: 'EMPTY_SELECTION' });
  });
});
