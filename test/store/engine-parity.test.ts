/**
 * PostgreSQL and SQLite answer alike for the same ledger.
 *
 * Goal: the projection hash, every Store read and every `system_*` view give the same answer on
 * both engines, so an operator can move between them and a parity claim proven on one holds on the
 * other. Method: a real workload runs on PostgreSQL (schedule ticks and sensor evaluations under a
 * fake clock, run requests and a runKey conflict, then the daemon with worker processes running
 * every run to its end, one of them failing, one canceled). Its ledger is then appended, event by
 * event, to a fresh SQLite store and to a fresh PostgreSQL schema (copies, because an event read
 * back is re-serialized in schema key order, so only copies store byte-identical payloads), and
 * both copies are asked the same questions; the workload's own projection hash must match too.
 */
import { describe } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import {
  Automation,
  Daemon,
  FakeClock,
  cancelRun,
  createContext,
  loadDefinitions,
  pushToSensor,
  requestRun,
  setScheduleStatus,
  setSensorStatus,
  systemClock,
  type LoadedDefinitions,
} from '../../src/runtime/index.js';
import type { ArcoEvent } from '../../src/events/index.js';
import { openSqliteStore, type Store } from '../../src/store/index.js';
import { freshSchema, postgresSkip, type TestSchema } from '../helpers/postgres.js';
import { skippable } from '../helpers/skippable.js';
import { tempProject } from '../helpers/project.js';

const SOURCE = `import { defineAsset, defineDefinitions, defineSchedule, defineSensor, dynamicPartitions } from 'arco-flow';
const a = defineAsset({ key: 'a', compute: async (ctx) => { ctx.log.info('a ran'); return { metadata: { rows: 3, note: 'quote " here', nested: { x: [1, 2.5] } } }; } });
const b = defineAsset({ key: 'team/b', deps: [a], compute: async (ctx) => { ctx.log.warn('b ran'); } });
const fails = defineAsset({ key: 'fails', compute: async () => { throw new Error('boom'); } });
const waits = defineAsset({ key: 'waits', compute: (ctx) => new Promise((resolve, reject) => ctx.signal.addEventListener('abort', () => reject(new Error('aborted')))) });
const f = defineAsset({ key: 'f', partitions: dynamicPartitions('files'), compute: async (ctx) => ({ metadata: { key: ctx.partitionKey } }) });
export default defineDefinitions({
  assets: [a, b, fails, waits, f],
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
const HOUR_MS = 3_600_000;
const SETTLE_TIMEOUT_MS = 30_000;

async function settle(store: Store): Promise<void> {
  const deadline = Date.now() + SETTLE_TIMEOUT_MS;
  while ((await store.runs.listActiveRuns()).length > 0) {
    if (Date.now() > deadline) throw new Error('runs did not finish in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Builds the workload on `store`, ending with no run in progress. */
async function workload(store: Store, definitions: LoadedDefinitions): Promise<void> {
  const t0 = Math.floor(Date.now() / HOUR_MS) * HOUR_MS - 3 * HOUR_MS + 30 * 60_000;
  const clock = new FakeClock(t0);
  const faked = createContext(store, clock, definitions, 1);
  const automation = new Automation(faked);
  for (let minute = 0; minute <= 120; minute += 30) {
    clock.set(t0 + minute * 60_000);
    await automation.runOnce(t0 + minute * 60_000);
  }
  // Stopped, so the daemon's own automation adds nothing that depends on when the test runs.
  await setScheduleStatus(faked, 'hourly', 'STOPPED');
  await setSensorStatus(faked, 'files', 'STOPPED');
  await pushToSensor(faked, 'hook', { messageId: 'm1', payload: { from: 'test' } });
  const ctx = createContext(store, systemClock, definitions, 2);
  await requestRun(ctx, { selection: ['a', 'team/b'], runKey: 'nightly', tags: { team: 'data' } });
  await assert.rejects(requestRun(ctx, { selection: ['a', 'team/b'], runKey: 'nightly', tags: { team: 'ops' } }), { code: 'RUN_KEY_CONFLICT' });
  await requestRun(ctx, { selection: ['fails'] });
  const daemon = new Daemon(ctx, { tickMs: 50, workers: 2 });
  daemon.start();
  try {
    const { run } = await requestRun(ctx, { selection: ['waits'] });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await cancelRun(ctx, run.runId);
    await settle(store);
  } finally {
    await daemon.stop();
  }
}

/** Appends `from`'s ledger to `to` page by page, exactly as stored (sequences included). */
async function copyLedger(from: Store, to: Store): Promise<number> {
  let after = 0;
  for (;;) {
    const page = await from.ledger.readEvents({ afterSequence: after, limit: 500 });
    if (page.length === 0) return after;
    const events = page.map(({ sequence: _sequence, ...event }) => event as ArcoEvent);
    const { appended } = await to.ledger.append(events);
    assert.deepEqual(appended.map((e) => e.sequence), page.map((e) => e.sequence), 'the copy has the same sequence numbers');
    after = page[page.length - 1]?.sequence ?? after;
  }
}

const VIEWS = ['system_runs', 'system_tasks', 'system_attempts', 'system_run_key_conflicts', 'system_materializations', 'system_asset_partitions', 'system_logs', 'system_events'];
const sortedRows = (rows: readonly (readonly unknown[])[]) => rows.map((r) => JSON.stringify(r)).sort();

/** Every question asked of both engines, by name. */
async function answers(store: Store): Promise<Record<string, unknown>> {
  const runs = await store.runs.listRuns({ limit: 1000 });
  const out: Record<string, unknown> = {
    projectionHash: await store.admin.projectionHash(),
    lastSequence: await store.ledger.lastSequence(),
    events: await store.ledger.readEvents({ limit: 10_000 }),
    runs,
    activeRuns: await store.runs.listActiveRuns(),
    failedRuns: await store.runs.listRuns({ statuses: ['FAILURE', 'CANCELED'], limit: 100 }),
    taggedRuns: await store.runs.listRuns({ tags: [['team', 'data']], limit: 100 }),
    runsByKeys: (await store.automation.listRunsByKeys(runs.flatMap((r) => (r.runKey ? [r.runKey] : [])))).sort((x, y) => x.runId.localeCompare(y.runId)),
    runKeyConflicts: await store.runs.listRunKeyConflicts({ limit: 100 }),
    assetPartitions: await store.assets.listAssetPartitions(),
    partitionsOfF: await store.assets.listAssetPartitions('f'),
    materializationsOfA: await store.assets.listMaterializations('a', 100),
    materializationsOfFAfter: await store.automation.listMaterializationsAfter('f', 0, 100),
    scheduleStates: await store.automation.listScheduleStates(),
    scheduleSignature: await store.automation.scheduleStatesSignature(),
    ticks: await store.automation.listScheduleTicks({ scheduleName: 'hourly', limit: 100 }),
    sensorStates: await store.automation.listSensorStates(),
    filesHistory: await store.automation.listSensorHistory({ sensorName: 'files', limit: 100 }),
    hookHistory: await store.automation.listSensorHistory({ sensorName: 'hook', statuses: ['SUCCESS'], limit: 100 }),
    pushEvaluation: await store.automation.findPushEvaluation('hook', 'm1'),
    dynamicPartitions: await store.automation.listDynamicPartitions(),
    filesKeys: await store.automation.getDynamicPartitionKeys('files'),
    runsFinished: await store.automation.listRunsFinished(0, 100_000, 1000),
  };
  for (const run of runs) {
    out[`run ${run.runId}`] = await store.runs.getRun(run.runId);
    out[`logs ${run.runId}`] = await store.logs.listLogs(run.runId, { limit: 1000 });
  }
  for (const view of VIEWS) {
    const result = await store.sql.querySystem(`SELECT * FROM ${view}`, 10_000);
    out[view] = { columns: result.columns, rows: sortedRows(result.rows), truncated: result.truncated };
  }
  return out;
}

const { test, before, after } = skippable(await postgresSkip());

describe('PostgreSQL and SQLite answer alike for the same ledger', () => {
  const project = tempProject(SOURCE);
  const schemas: TestSchema[] = [];
  const stores: Store[] = [];

  before(async () => {
    schemas.push(await freshSchema(), await freshSchema());
    for (const schema of schemas) stores.push(await schema.open());
    stores.push(openSqliteStore({ path: join(project.dir, 'copy.db') }));
  });
  after(async () => {
    for (const store of stores) await store.close();
    for (const schema of schemas) await schema.drop();
    project.remove();
  });

  test('the same projection hash, the same reads and the same system_* views after a real workload', async () => {
    const [original, postgres, sqlite] = stores as [Store, Store, Store];
    await workload(original, await loadDefinitions(project.file));
    await copyLedger(original, postgres);
    await copyLedger(original, sqlite);
    const [onPostgres, onSqlite] = [await answers(postgres), await answers(sqlite)];
    for (const key of Object.keys(onSqlite)) assert.deepEqual(onPostgres[key], onSqlite[key], key);
    assert.deepEqual(Object.keys(onPostgres).sort(), Object.keys(onSqlite).sort());
    assert.equal(await original.admin.projectionHash(), onSqlite.projectionHash, 'the workload store folded to the same projections');
    // The workload reached every projection family the hash covers.
    const materialized = onSqlite.materializationsOfA as unknown[];
    assert.ok(materialized.length >= 2 && (onSqlite.ticks as unknown[]).length >= 2 && (onSqlite.runKeyConflicts as unknown[]).length === 1);
    assert.ok((onSqlite.failedRuns as unknown[]).length === 2, 'one failed and one canceled run');
    assert.equal((await original.admin.rebuildProjections()).hash, onSqlite.projectionHash);
  });
});
