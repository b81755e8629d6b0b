/**
 * The automation condition sensor in the daemon's automation step: listed with the sensors and
 * RUNNING by default; each iteration evaluates when its 30 s interval has passed; stopping it
 * stops the evaluations (and so the runs), starting it resumes them; its evaluations show in its
 * sensor history like any sensor's.
 */
import { describe, test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Automation, FakeClock, createContext, listSensorEvaluations, listSensors, loadDefinitions, setSensorStatus, type RuntimeContext } from '../../src/runtime/index.js';
import { openSqliteStore, type Store } from '../../src/store/index.js';
import { tempProject } from '../helpers/project.js';

const SOURCE = `import { defineAsset, defineDefinitions, dailyPartitions, onMissing } from 'arco-flow';
const days = defineAsset({ key: 'days', partitions: dailyPartitions({ start: '2026-03-01' }), automation: onMissing(), compute: async () => {} });
const plain = defineAsset({ key: 'plain', compute: async () => {} });
export default defineDefinitions({ assets: [days, plain] });
`;
const SENSOR = 'default_automation_condition_sensor';
const T = Date.parse('2026-03-05T23:58:00Z');
const S = 1000;

describe('the automation condition sensor in the daemon', () => {
  const project = tempProject(SOURCE);
  let store: Store;
  let ctx: RuntimeContext;
  let automation: Automation;
  const clock = new FakeClock(T);
  const evaluationId = async () => (await store.automation.getAutomationCursor())?.evaluationId ?? 0;
  const iterate = async (atMs: number) => {
    clock.set(atMs);
    await automation.runOnce(atMs);
  };
  before(async () => {
    store = openSqliteStore({ path: join(project.dir, 'arco.db') });
    ctx = createContext(store, clock, await loadDefinitions(project.file));
    automation = new Automation(ctx);
  });
  after(async () => {
    await automation.stop();
    await store.close();
    project.remove();
  });

  test('is listed with the sensors, RUNNING by default, every 30 s, and evaluates at the first iteration', async () => {
    const sensor = (await listSensors(ctx)).find((s) => s.name === SENSOR);
    assert.deepEqual([sensor?.kind, sensor?.status, sensor?.minimumIntervalSeconds, sensor?.assetKeys], ['automation_condition', 'RUNNING', 30, ['days']]);
    await iterate(T);
    assert.equal(await evaluationId(), 1);
    await iterate(T + 10 * S);
    assert.equal(await evaluationId(), 1, 'not before its interval');
    await iterate(T + 30 * S);
    assert.equal(await evaluationId(), 2);
  });

  test('stopped, it evaluates nothing and requests no run; started again, it evaluates and requests the new partition', async () => {
    assert.equal((await setSensorStatus(ctx, SENSOR, 'STOPPED')).status, 'STOPPED');
    await iterate(T + 60 * S);
    await iterate(T + 120 * S);
    assert.equal(await evaluationId(), 2);
    assert.equal((await store.runs.listRuns({ limit: 10 })).length, 0);
    await setSensorStatus(ctx, SENSOR, 'RUNNING');
    await iterate(T + 150 * S);
    assert.equal(await evaluationId(), 3);
    const runs = await store.runs.listRuns({ limit: 10 });
    assert.deepEqual(runs.map((r) => [r.assetKeys.join(','), r.tags['arco/partition'], r.trigger.kind]), [['days', '2026-03-05', 'automation']]);
  });

  test("its evaluations and the operator's changes are in its sensor history", async () => {
    const { evaluations } = await listSensorEvaluations(ctx, SENSOR, { limit: 10 });
    assert.deepEqual(
      evaluations.map((e) => [e.kind, e.status ?? e.change, e.cursorAfter]),
      [
        ['evaluation', 'SUCCESS', '3'],
        ['state_change', 'START', '2'],
        ['state_change', 'STOP', '2'],
        ['evaluation', 'SKIPPED', '2'],
        ['evaluation', 'SKIPPED', '1'],
      ],
    );
  });
});

describe('without automation conditions', () => {
  const project = tempProject(`import { defineAsset, defineDefinitions } from 'arco-flow';
export default defineDefinitions({ assets: [defineAsset({ key: 'plain', compute: async () => {} })] });
`);
  after(() => project.remove());

  test('there is no automation condition sensor', async () => {
    const store = openSqliteStore({ path: join(project.dir, 'arco.db') });
    const ctx = createContext(store, new FakeClock(T), await loadDefinitions(project.file));
    await new Automation(ctx).runOnce(T);
    assert.deepEqual((await listSensors(ctx)).map((s) => s.name), []);
    assert.equal(await store.automation.getAutomationCursor(), undefined);
    await store.close();
  });
});
