/**
 * Schedule, sensor and dynamic-partition projections are a pure fold: after ticks, evaluations,
 * operator changes and dynamic partitions, dropping every projection and replaying the ledger
 * gives the same projection hash, and the same answers.
 */
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Automation, FakeClock, createContext, loadDefinitions, pushToSensor, resetSensorCursor, setScheduleStatus } from '../../src/runtime/index.js';
import { openSqliteStore } from '../../src/store/index.js';
import { tempProject } from '../helpers/project.js';

const SOURCE = `import { defineAsset, defineDefinitions, defineSchedule, defineSensor, dynamicPartitions } from 'arco-flow';
const a = defineAsset({ key: 'a', compute: async () => {} });
const f = defineAsset({ key: 'f', partitions: dynamicPartitions('files'), compute: async () => {} });
export default defineDefinitions({
  assets: [a, f],
  schedules: [defineSchedule({ name: 'hourly', cron: '0 * * * *', target: [a], defaultStatus: 'running' })],
  sensors: [
    defineSensor({ name: 'files', target: [f], minimumIntervalSeconds: 60, defaultStatus: 'running', evaluate: (ctx) => {
      const n = Number(ctx.cursor ?? '0') + 1;
      return { dynamicPartitions: { add: ['k' + n], remove: n > 2 ? ['k' + (n - 2)] : [] }, runRequests: [{ runKey: 'k' + n, partitionKey: 'k' + n }], cursor: String(n) };
    } }),
    defineSensor({ name: 'hook', type: 'push', target: [a], defaultStatus: 'running', evaluate: () => ({ runRequests: [{}] }) }),
  ],
});
`;

describe('automation projections rebuild', () => {
  const project = tempProject(SOURCE);
  after(() => project.remove());

  test('replaying the ledger gives the same projection hash and the same schedule, sensor and partition answers', async () => {
    const store = openSqliteStore({ path: join(project.dir, 'arco.db') });
    const t0 = Date.parse('2026-06-01T00:30:00Z');
    const clock = new FakeClock(t0);
    const ctx = createContext(store, clock, await loadDefinitions(project.file));
    const automation = new Automation(ctx);
    for (let minute = 0; minute <= 150; minute += 30) {
      clock.set(t0 + minute * 60_000);
      await automation.runOnce(t0 + minute * 60_000);
    }
    await setScheduleStatus(ctx, 'hourly', 'STOPPED');
    await resetSensorCursor(ctx, 'files', '10');
    await pushToSensor(ctx, 'hook', { messageId: 'm', payload: null });
    const before = {
      hash: await store.admin.projectionHash(),
      schedule: await store.automation.getScheduleState('hourly'),
      ticks: await store.automation.listScheduleTicks({ scheduleName: 'hourly', limit: 50 }),
      sensor: await store.automation.getSensorState('files'),
      history: await store.automation.listSensorHistory({ sensorName: 'files', limit: 50 }),
      keys: await store.automation.getDynamicPartitionKeys('files'),
    };
    assert.ok(before.ticks.length >= 3 && before.history.length >= 6);
    assert.deepEqual(before.keys, ['k5', 'k6']);
    const rebuilt = await store.admin.rebuildProjections();
    assert.equal(rebuilt.hash, before.hash);
    assert.deepEqual(
      {
        hash: rebuilt.hash,
        schedule: await store.automation.getScheduleState('hourly'),
        ticks: await store.automation.listScheduleTicks({ scheduleName: 'hourly', limit: 50 }),
        sensor: await store.automation.getSensorState('files'),
        history: await store.automation.listSensorHistory({ sensorName: 'files', limit: 50 }),
        keys: await store.automation.getDynamicPartitionKeys('files'),
      },
      before,
    );
    await store.close();
  });
});
