/**
 * Gate — automation conditions over a simulated day (STL-10..14): the exact runs the
 * `default_automation_condition_sensor` requests for a small partitioned graph as the clock moves.
 *
 *   events (daily, eager) → sessions (daily, eager) → report (unpartitioned, eager)
 *                                                  → digest (unpartitioned, onCron 06:00 UTC)
 *
 * Method: a real daemon with a worker process and SQLite; a fake clock moved by hand, each move at
 * least the sensor's 30 s interval, so each move is one evaluation. History up to 2026-03-04 is
 * materialized while the sensor is stopped, so the first evaluation (started with the sensor)
 * sees a settled graph. Expected, as Dagster's conditions mean:
 * - 00:00:30: partition 2026-03-05 exists and is newly missing: events and sessions (sessions
 *   because events will be requested and shares its partitions) in one run; report waits (its
 *   dependency is missing and cannot run in the same run).
 * - 00:01:00: sessions was updated: report runs. digest waits for its cron tick.
 * - 06:00:10: digest's tick passed, but sessions has not updated since the tick: nothing.
 * - 07:00:30 after a manual run of sessions: digest (all deps updated since the tick) and report
 *   (a dep updated) in one run of the two unpartitioned assets.
 * - next day 00:00:30: events and sessions for 2026-03-06.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { invokeOperation, listEventsOp } from '../../../src/operations/index.js';
import { Daemon, FakeClock, createContext, loadDefinitions, requestRun, setSensorStatus, type RuntimeContext } from '../../../src/runtime/index.js';
import { openSqliteStore, type Store } from '../../../src/store/index.js';
import { tempProject, waitForRun } from '../../helpers/project.js';

const SOURCE = `import { defineAsset, defineDefinitions, dailyPartitions, eager, onCron } from 'arco-flow';
const days = dailyPartitions({ start: '2026-03-01' });
const events = defineAsset({ key: 'events', partitions: days, automation: eager(), compute: async () => {} });
const sessions = defineAsset({ key: 'sessions', partitions: days, deps: [events], automation: eager(), compute: async () => {} });
const report = defineAsset({ key: 'report', deps: [sessions], automation: eager(), compute: async () => {} });
const digest = defineAsset({ key: 'digest', deps: [sessions], automation: onCron('0 6 * * *'), compute: async () => {} });
export default defineDefinitions({ assets: [events, sessions, report, digest] });
`;

const SENSOR = 'default_automation_condition_sensor';

async function until<T>(read: () => Promise<T | undefined>, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

type Requested = { readonly assets: string; readonly partition: string | null };

describe('automation conditions over a simulated day', () => {
  const project = tempProject(SOURCE);
  const clock = new FakeClock(Date.parse('2026-03-05T22:00:00Z'));
  let store: Store;
  let ctx: RuntimeContext;
  let daemon: Daemon;
  let seen = 0;

  /** Runs requested by the automation sensor so far, oldest first. */
  const automationRuns = async () =>
    (await invokeOperation({ store, runtime: async () => ctx }, listEventsOp, { limit: 1000 })).events
      .filter((e) => e.type === 'RunRequested' && (e.payload as { trigger: { kind: string } }).trigger.kind === 'automation')
      .map((e) => e.payload as { runId: string; assetKeys: string[]; tags: Record<string, string> });
  /** Moves the clock, waits for the evaluation it causes and for the runs it requested to end; returns those runs. */
  const evaluateAt = async (iso: string): Promise<Requested[]> => {
    const before = (await store.automation.getAutomationCursor())?.evaluationId ?? 0;
    clock.set(Date.parse(iso));
    await until(async () => ((await store.automation.getAutomationCursor())?.evaluationId ?? 0) > before || undefined, `an evaluation at ${iso}`);
    const runs = (await automationRuns()).slice(seen);
    seen += runs.length;
    for (const run of runs) assert.equal((await waitForRun(store, run.runId)).status, 'SUCCESS');
    return runs.map((r) => ({ assets: r.assetKeys.join(','), partition: r.tags['arco/partition'] ?? null }));
  };

  before(async () => {
    store = openSqliteStore({ path: join(project.dir, 'arco.db') });
    ctx = createContext(store, clock, await loadDefinitions(project.file));
    await setSensorStatus(ctx, SENSOR, 'STOPPED');
    daemon = new Daemon(ctx, { tickMs: 20, workers: 1 });
    daemon.start();
    for (const input of [{ selection: ['events', 'sessions'], partition: '2026-03-01...2026-03-04' }, { selection: ['report', 'digest'] }]) {
      assert.equal((await waitForRun(store, (await requestRun(ctx, input)).run.runId)).status, 'SUCCESS');
    }
    clock.set(Date.parse('2026-03-05T23:59:00Z'));
    await setSensorStatus(ctx, SENSOR, 'RUNNING');
    await until(async () => (await store.automation.getAutomationCursor()) ?? undefined, 'the first evaluation');
  });
  after(async () => {
    await daemon.stop();
    await store.close();
    project.remove();
  });

  test('the first evaluation requests nothing: the graph is settled and eager ignores what was missing before', async () => {
    assert.deepEqual(await automationRuns(), []);
  });

  test('a new daily partition runs its eager chain in one run; the unpartitioned downstream waits for it', async () => {
    assert.deepEqual(await evaluateAt('2026-03-06T00:00:30Z'), [{ assets: 'events,sessions', partition: '2026-03-05' }]);
  });

  test('the unpartitioned eager downstream runs once its dependency updated; the cron asset waits for its tick', async () => {
    assert.deepEqual(await evaluateAt('2026-03-06T00:01:00Z'), [{ assets: 'report', partition: null }]);
    assert.deepEqual(await evaluateAt('2026-03-06T00:01:30Z'), []);
  });

  test('at the cron tick the cron asset still waits: its dependency has not updated since the tick', async () => {
    assert.deepEqual(await evaluateAt('2026-03-06T06:00:10Z'), []);
  });

  test('after the dependency updates, the cron asset and the eager asset run together in one run', async () => {
    clock.set(Date.parse('2026-03-06T07:00:00Z'));
    assert.equal((await waitForRun(store, (await requestRun(ctx, { selection: ['sessions'], partition: '2026-03-05' })).run.runId)).status, 'SUCCESS');
    assert.deepEqual(await evaluateAt('2026-03-06T07:00:30Z'), [{ assets: 'digest,report', partition: null }]);
    assert.deepEqual(await evaluateAt('2026-03-06T07:01:00Z'), []);
  });

  test('the next day brings the next partition, and only it', async () => {
    assert.deepEqual(await evaluateAt('2026-03-07T00:00:30Z'), [{ assets: 'events,sessions', partition: '2026-03-06' }]);
    assert.deepEqual(await evaluateAt('2026-03-07T00:01:00Z'), [{ assets: 'report', partition: null }]);
  });
});
