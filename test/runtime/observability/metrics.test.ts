/**
 * The lag gauges of `/metrics`, read at scrape time: how long ago each running schedule ticked
 * and each running sensor was evaluated. Method: the automation step on a fake clock ticks and
 * evaluates, then a scrape at a later fixed instant must report the exact distance in seconds.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Automation, FakeClock, InstanceMetrics, createContext, loadDefinitions } from '../../../src/runtime/index.js';
import { openSqliteStore, type Store } from '../../../src/store/index.js';
import { tempProject } from '../../helpers/project.js';

const SOURCE = `import { defineAsset, defineDefinitions, defineSchedule, defineSensor } from 'arco-flow';
const a = defineAsset({ key: 'a', compute: async () => {} });
export default defineDefinitions({
  assets: [a],
  schedules: [
    defineSchedule({ name: 'every_minute', cron: '* * * * *', target: [a], defaultStatus: 'running' }),
    defineSchedule({ name: 'stopped', cron: '* * * * *', target: [a] }),
  ],
  sensors: [defineSensor({ name: 'watcher', target: [a], minimumIntervalSeconds: 30, defaultStatus: 'running', evaluate: () => ({ skipReason: 'nothing new' }) })],
});
`;

function sample(text: string, name: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.slice(name.length + 1));
}

describe('lag gauges', () => {
  const project = tempProject(SOURCE);
  const clock = new FakeClock(Date.parse('2026-03-01T23:59:50Z'));
  let store: Store;
  let automation: Automation;

  before(async () => {
    store = openSqliteStore({ path: join(project.dir, 'arco.db') });
    automation = new Automation(createContext(store, clock, await loadDefinitions(project.file)));
    await automation.runOnce(clock.now());
    // The minute's tick is due, and the sensor's 30 s since its first evaluation have passed.
    clock.set(Date.parse('2026-03-02T00:00:20Z'));
    await automation.runOnce(clock.now());
  });
  after(async () => {
    await automation.stop();
    await store.close();
    project.remove();
  });

  test('report seconds since the last tick of each running schedule and the last evaluation of each running sensor', async () => {
    const [tick] = await store.automation.listScheduleTicks({ scheduleName: 'every_minute', limit: 1 });
    assert.equal(tick?.epochSeconds, Date.parse('2026-03-02T00:00:00Z') / 1000, 'the schedule ticked for 00:00');
    const text = await new InstanceMetrics().scrape({ store, nowEpochMs: Date.parse('2026-03-02T00:00:45Z') });
    assert.equal(sample(text, 'arco_schedule_tick_lag_seconds{schedule="every_minute"}'), 45);
    assert.equal(sample(text, 'arco_sensor_evaluation_lag_seconds{sensor="watcher"}'), 25);
    assert.doesNotMatch(text, /schedule="stopped"/, 'a stopped schedule is not late');
  });
});
