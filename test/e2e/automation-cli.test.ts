/**
 * `arco automation evals` answers "why did / didn't this run" from the recorded evaluations, and
 * `arco sensor stop|start default_automation_condition_sensor` controls the evaluations.
 * Method: evaluations recorded in-process in the project's store at a fake time, then the real CLI.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { FakeClock, createContext, evaluateAutomationConditionSensor, loadDefinitions, syncAutomation } from '../../src/runtime/index.js';
import { openSqliteStore } from '../../src/store/index.js';
import { arco, arcoJson } from '../helpers/cli.js';
import { tempProject } from '../helpers/project.js';

const SOURCE = `import { defineAsset, defineDefinitions, dailyPartitions, onMissing, eager } from 'arco-flow';
const days = defineAsset({ key: 'days', partitions: dailyPartitions({ start: '2026-03-01' }), automation: onMissing(), compute: async () => {} });
const total = defineAsset({ key: 'total', deps: [days], automation: eager(), compute: async () => {} });
export default defineDefinitions({ assets: [days, total] });
`;
const SENSOR = 'default_automation_condition_sensor';

describe('arco automation evals', () => {
  const project = tempProject(SOURCE);
  before(async () => {
    mkdirSync(join(project.dir, '.arco'), { recursive: true });
    const store = openSqliteStore({ path: join(project.dir, '.arco', 'arco.db') });
    for (const at of ['2026-03-05T12:00:00Z', '2026-03-06T00:00:10Z']) {
      const ctx = createContext(store, new FakeClock(Date.parse(at)), await loadDefinitions(project.file));
      await syncAutomation(ctx);
      await evaluateAutomationConditionSensor(ctx, { nowEpochMs: Date.parse(at) });
    }
    await store.close();
  });
  after(() => project.remove());

  test('shows per evaluation whether each asset was requested, and its condition node by node with partition counts', () => {
    const result = arco(['automation', 'evals', '--project', project.dir, '--asset', 'days']);
    assert.equal(result.status, 0, result.stderr);
    const lines = result.stdout.split('\n');
    assert.match(lines[0] ?? '', /^evaluation 2 {2}2026-03-06T00:00:10\.000Z$/);
    assert.match(lines[1] ?? '', /^ {2}days: requested 2026-03-05 \(run run_\w+\)$/);
    assert.ok(lines.includes('    true  on_missing  (1/5)'), result.stdout);
    assert.ok(lines.includes('      true  in_latest_time_window  (1/5)'), result.stdout);
    assert.ok(result.stdout.includes('evaluation 1 ') && result.stdout.includes('  days: not requested'), result.stdout);
  });

  test('--json gives the evaluations with every node, newest first', () => {
    const { status, body } = arcoJson<{ evaluations: { evaluationId: number; assets: { assetKey: string; requested: boolean; nodes: { label: string; true: boolean }[] }[] }[] }>(['automation', 'evals', '--project', project.dir]);
    assert.equal(status, 0);
    assert.deepEqual(body.evaluations.map((e) => [e.evaluationId, e.assets.map((a) => [a.assetKey, a.requested])]), [
      [2, [['days', true], ['total', false]]],
      [1, [['days', false], ['total', false]]],
    ]);
    const total = body.evaluations[0]?.assets[1];
    assert.deepEqual(
      total?.nodes.filter((n) => ['eager', 'any_deps_updated'].includes(n.label)).map((n) => [n.label, n.true]),
      [['eager', false], ['any_deps_updated', false]],
      'total did not run: no dependency updated',
    );
  });

  test('an unknown asset is an error naming it', () => {
    const result = arco(['automation', 'evals', '--project', project.dir, '--asset', 'dayz']);
    assert.notEqual(result.status, 0);
    assert.match(result.stderr, /dayz/);
  });

  test('arco sensor stop and start control the automation condition sensor', () => {
    assert.equal(arcoJson<{ status: string }>(['sensor', 'stop', SENSOR, '--project', project.dir]).body.status, 'STOPPED');
    const listed = arcoJson<{ sensors: { name: string; kind: string; status: string }[] }>(['sensor', 'list', '--project', project.dir]).body.sensors;
    assert.deepEqual(listed.map((s) => [s.name, s.kind, s.status]), [[SENSOR, 'automation_condition', 'STOPPED']]);
    assert.equal(arcoJson<{ status: string }>(['sensor', 'start', SENSOR, '--project', project.dir]).body.status, 'RUNNING');
  });
});
