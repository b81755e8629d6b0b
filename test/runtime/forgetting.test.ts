/**
 * Wipes and run deletions with a daemon running. Goal: an asset sensor is not confused by a wipe
 * (it does not fire for the forgotten materialization again, and fires once for the next one), and
 * a deleted run's materialization still feeds what reads the asset. Method: a real project and
 * daemon on a fake clock, moved past the sensor's interval to get each evaluation.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Daemon, FakeClock, createContext, deleteRun, describeAssets, loadDefinitions, requestRun, wipeAssets, type LoadedDefinitions, type RuntimeContext } from '../../src/runtime/index.js';
import { openSqliteStore, type Store } from '../../src/store/index.js';
import { tempProject, waitForRun } from '../helpers/project.js';

const SOURCE = `import { defineAsset, defineAssetSensor, defineDefinitions } from 'arco-flow';
const raw = defineAsset({ key: 'raw', compute: async () => ({ metadata: { rows: 2 } }) });
const clean = defineAsset({ key: 'clean', compute: async () => {} });
export default defineDefinitions({
  assets: [raw, clean],
  sensors: [defineAssetSensor({ name: 'on_raw', asset: raw, target: [clean], minimumIntervalSeconds: 30, defaultStatus: 'running' })],
});
`;

async function until<T>(read: () => Promise<T | undefined>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('wipes and run deletions with a daemon', () => {
  const project = tempProject(SOURCE);
  const clock = new FakeClock(Date.parse('2026-04-01T00:00:00Z'));
  let definitions: LoadedDefinitions;
  let store: Store;
  let ctx: RuntimeContext;
  let daemon: Daemon;
  const evaluations = async () => (await store.automation.listSensorHistory({ sensorName: 'on_raw', limit: 100 })).filter((e) => e.kind === 'evaluation');
  const nextEvaluation = async () => {
    const count = (await evaluations()).length;
    clock.advance(30_000);
    return until(async () => {
      const list = await evaluations();
      return list.length > count ? list[0] : undefined;
    }, 'an evaluation of on_raw');
  };
  const materializeRaw = async () => {
    const { run } = await requestRun(ctx, { selection: ['raw'] });
    assert.equal((await waitForRun(store, run.runId)).status, 'SUCCESS');
    const [latest] = await store.assets.listMaterializations('raw', 1);
    return { runId: run.runId, sequence: latest?.sequence ?? -1 };
  };

  before(async () => {
    definitions = await loadDefinitions(project.file);
    store = openSqliteStore({ path: join(project.dir, 'arco.db') });
    ctx = createContext(store, clock, definitions);
    daemon = new Daemon(ctx, { tickMs: 20, workers: 1 });
    daemon.start();
    await until(async () => ((await evaluations()).length > 0 ? true : undefined), 'the first evaluation');
  });
  after(async () => {
    await daemon.stop();
    await store.close();
    project.remove();
  });

  test("an asset sensor's cursor keeps working across a wipe: nothing fires for the wipe, the next materialization fires once", async () => {
    const first = await materializeRaw();
    const fired = await nextEvaluation();
    assert.deepEqual([fired.status, fired.cursorAfter], ['SUCCESS', String(first.sequence)]);
    await wipeAssets(ctx, { selection: 'raw' });
    const quiet = await nextEvaluation();
    assert.deepEqual([quiet.status, quiet.runs, quiet.cursorAfter], ['SKIPPED', [], String(first.sequence)], 'a wipe is no materialization');
    const second = await materializeRaw();
    const again = await nextEvaluation();
    assert.deepEqual([again.status, again.cursorAfter, again.runs.map((r) => r.runKey)], ['SUCCESS', String(second.sequence), [`sensor:on_raw:${second.sequence}`]]);
  });

  test('a deleted run is gone from the run list, but its materialization is still the latest of the asset', async () => {
    const made = await materializeRaw();
    await deleteRun(ctx, made.runId);
    assert.ok(!(await store.runs.listRuns({ limit: 100 })).some((r) => r.runId === made.runId));
    const [view] = await describeAssets(store, definitions, ['raw'], clock.now());
    assert.deepEqual([view?.latestMaterialization?.runId, view?.latestMaterialization?.sequence], [made.runId, made.sequence]);
  });
});
