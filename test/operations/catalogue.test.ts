/**
 * The operation catalogue is the whole API: the OpenAPI document lists exactly its operations, and
 * every operation answers the same through both transports the CLI uses (in-process against the
 * store, and HTTP against a running server). Method: one sample input per operation, invoked over
 * HTTP and then in-process against the same store; the answers (or error codes) must agree.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { isArcoError } from '../../src/domain/errors/index.js';
import { OPERATIONS, createTokenOp, invokeOperation, operationRoutes, type OperationName, type OperationRoute } from '../../src/operations/index.js';
import { HttpClient, LocalClient } from '../../src/cli/client.js';
import type { Client } from '../../src/cli/common.js';
import { arcoAsync } from '../helpers/cli.js';
import { http, startServer, type TestServer } from '../helpers/server.js';

const SOURCE = `import { defineAsset, defineDefinitions, defineSchedule, defineSensor, dailyPartitions, dynamicPartitions } from 'arco-flow';
const raw = defineAsset({ key: 'raw/events', compute: async (ctx) => { ctx.log.info('hi'); } });
const clean = defineAsset({ key: 'clean/events', deps: [raw], compute: async () => {} });
const days = defineAsset({ key: 'days', partitions: dailyPartitions({ start: '2024-01-01' }), compute: async () => {} });
const later = defineAsset({ key: 'later', deps: [days], partitions: dailyPartitions({ start: '2024-01-01' }), compute: async () => {} });
const customers = defineAsset({ key: 'customers', partitions: dynamicPartitions('customers'), compute: async () => {} });
export default defineDefinitions({
  assets: [raw, clean, days, later, customers],
  schedules: [defineSchedule({ name: 'nightly', cron: '0 2 * * *', target: [raw] })],
  sensors: [
    defineSensor({ name: 'files', target: [raw], evaluate: () => ({ skipReason: 'nothing new' }) }),
    defineSensor({ name: 'hook', type: 'push', target: [raw], defaultStatus: 'running', evaluate: (ctx) => ({ runRequests: [{ runKey: String(ctx.message.payload) }] }) }),
  ],
});
`;

const NOW = '2024-01-04T00:00:00Z';

/** What the samples refer to, made in `before`. */
interface Ids {
  readonly runId: string;
  /** A backfill that has completed. */
  readonly backfillId: string;
  /** Two running backfills, one per transport, for the commands that change a backfill's state. */
  readonly ownBackfill: readonly [string, string];
  /** Two finished runs, one per transport, for run deletion. */
  readonly finished: readonly [string, string];
}

interface Sample {
  /** `transport` is 0 over HTTP, 1 in-process. */
  readonly input: (ids: Ids, transport: 0 | 1) => Record<string, unknown>;
  /** What must agree between the transports (default: the whole answer). */
  readonly view?: (output: never) => unknown;
}

/** One sample per operation, in the order they are tried (reads of a run before anything changes it). */
const SAMPLES: Record<string, Sample> = {
  getRun: { input: ({ runId }) => ({ runId }) },
  listRunTasks: { input: ({ runId }) => ({ runId }) },
  listRunLogs: { input: ({ runId }) => ({ runId }) },
  listRunKeyConflicts: { input: () => ({}) },
  requestRun: { input: () => ({ selection: ['raw/events'], runKey: 'catalogue' }), view: (o: { run: { runId: string } }) => o.run.runId },
  // A plan records nothing: both transports plan the same two days of the same asset.
  planRun: { input: () => ({ selection: 'days', partition: '2024-01-02...2024-01-03', tags: { team: 'ops' } }) },
  // Filtered to the run just requested: backfills below keep adding runs in the background.
  listRuns: { input: () => ({ tag: 'arco/run_key=catalogue', limit: 5 }), view: (o: { runs: { runId: string }[] }) => o.runs.map((r) => r.runId) },
  rerun: { input: ({ runId }) => ({ runId, mode: 'subset', selection: ['raw/events'] }), view: (o: { run: { runId: string } }) => o.run.runId },
  cancelRun: { input: ({ runId }) => ({ runId }) },
  createBackfill: { input: () => ({ selection: ['days'], partition: '2024-01-01...2024-01-02', requestId: 'catalogue-create' }), view: (o: { backfill: { backfillId: string } }) => o.backfill.backfillId },
  // Only the finished backfill: the others may change status between the two calls.
  listBackfills: {
    input: () => ({ status: 'COMPLETED_SUCCESS' }),
    view: (o: { backfills: { backfillId: string; clientRequestId: string }[] }) => o.backfills.filter((b) => b.clientRequestId === 'catalogue-done').map((b) => b.backfillId),
  },
  getBackfill: { input: ({ backfillId }) => ({ backfillId }) },
  getBackfillStatus: { input: ({ backfillId }) => ({ backfillId }) },
  pauseBackfill: { input: ({ ownBackfill }, t) => ({ backfillId: ownBackfill[t] }), view: (o: { status: string }) => o.status },
  resumeBackfill: { input: ({ ownBackfill }, t) => ({ backfillId: ownBackfill[t] }), view: (o: { status: string }) => o.status },
  cancelBackfill: { input: ({ ownBackfill }, t) => ({ backfillId: ownBackfill[t] }), view: (o: { status: string }) => o.status.startsWith('CANCEL') },
  retryBackfill: { input: ({ backfillId }) => ({ backfillId }) },
  listAssets: { input: () => ({ select: 'key:raw/*' }), view: (o: { assets: { key: string }[] }) => o.assets.map((a) => a.key) },
  getAsset: { input: () => ({ '*': 'clean/events' }), view: (o: { key: string; deps: string[] }) => [o.key, o.deps] },
  // A key with a slash goes percent-encoded in the path; runs in the background may change counts.
  getAssetPartitionStatus: { input: () => ({ key: 'raw/events' }), view: (o: { assetKey: string; partitioned: boolean; counts: { total: number } }) => [o.assetKey, o.partitioned, o.counts.total] },
  listAssetChecks: { input: () => ({ key: 'raw/events' }) },
  // Statuses may change while runs go on in the background: the assets answered must agree.
  reportMaterialization: {
    input: () => ({ key: 'days', partition: '2024-01-02', dataVersion: 'v1', metadata: { rows: 3 } }),
    view: (o: { assetKey: string; partitionKey: string; dataVersion: string }) => [o.assetKey, o.partitionKey, o.dataVersion],
  },
  // raw/events is materialized by runs: both transports answer ASSET_NOT_OBSERVABLE.
  observeAsset: { input: () => ({ key: 'raw/events' }) },
  getStaleness: { input: () => ({ select: 'key:*/events' }), view: (o: { assets: { assetKey: string }[] }) => o.assets.map((a) => a.assetKey) },
  listPartitionKeys: { input: () => ({ asset: 'days', select: '2024-01-02...2024-01-03', now: NOW }) },
  mapPartitions: { input: () => ({ from: 'later', to: 'days', keys: ['2024-01-02'], now: NOW }) },
  // The second call repeats the first: `changed` is then false, the set the same.
  changeDynamicPartitions: { input: () => ({ name: 'customers', op: 'add', keys: ['acme'], requestId: 'catalogue' }), view: (o: { keys: string[] }) => o.keys },
  getDynamicPartitions: { input: () => ({ name: 'customers' }) },
  listSchedules: { input: () => ({}), view: (o: { schedules: { name: string }[] }) => o.schedules.map((s) => s.name) },
  getSchedule: { input: () => ({ name: 'nightly' }), view: (o: { name: string; status: string }) => [o.name, o.status] },
  startSchedule: { input: () => ({ name: 'nightly' }), view: (o: { name: string; status: string }) => [o.name, o.status] },
  stopSchedule: { input: () => ({ name: 'nightly' }), view: (o: { name: string; status: string }) => [o.name, o.status] },
  listScheduleTicks: { input: () => ({ name: 'nightly' }) },
  previewSchedule: { input: () => ({ name: 'nightly', from: NOW, count: 3 }) },
  previewCron: { input: () => ({ cron: '0 0 * * 1', timezone: 'Europe/Berlin', from: NOW, count: 2 }) },
  listSensors: { input: () => ({}), view: (o: { sensors: { name: string }[] }) => o.sensors.map((s) => s.name) },
  getSensor: { input: () => ({ name: 'hook' }), view: (o: { name: string; status: string }) => [o.name, o.status] },
  startSensor: { input: () => ({ name: 'files' }), view: (o: { name: string; status: string }) => [o.name, o.status] },
  stopSensor: { input: () => ({ name: 'files' }), view: (o: { name: string; status: string }) => [o.name, o.status] },
  resetSensorCursor: { input: () => ({ name: 'files', cursor: 'c1' }), view: (o: { cursor: string | null }) => o.cursor },
  // A dry run: both transports see the cursor just set and record nothing.
  previewSensor: { input: () => ({ name: 'files' }) },
  validateDefinitions: { input: () => ({}), view: (o: { valid: boolean; summary: unknown }) => [o.valid, o.summary] },
  pushToSensor: { input: () => ({ name: 'hook', messageId: 'm1', payload: 'from-catalogue' }), view: (o: { evaluation: { runs: { runId: string }[] } }) => o.evaluation.runs.map((r) => r.runId) },
  listSensorEvaluations: { input: () => ({ name: 'hook' }), view: (o: { evaluations: { sequence: number }[] }) => o.evaluations.map((e) => e.sequence) },
  listAutomationEvaluations: { input: () => ({ limit: 5 }) },
  listEvents: { input: () => ({ limit: 3 }) },
  querySql: { input: () => ({ q: "SELECT run_id FROM system_runs WHERE run_key = 'catalogue'" }) },
  // Heartbeat ages and the store's location as each transport names it differ; the instance does not.
  getParityMatrix: { input: () => ({ status: 'Planned' }), view: (o: { rows: { status: string }[]; counts: Record<string, number> }) => [o.rows.length > 0 && o.rows.every((r) => r.status === 'Planned'), o.counts['Planned'] === o.rows.length] },
  getInstance: { input: () => ({}), view: (o: { version: string; store: { engine: string }; settings: unknown }) => [o.version, o.store.engine, o.settings] },
  // One token per transport; the admin token the HTTP client carries is left alone.
  createToken: { input: (_ids, t) => ({ role: 'viewer', name: `sample-${t}` }), view: (o: { role: string; token: string }) => [o.role, o.token.startsWith('arco_')] },
  // The HTTP client carries the admin token; in-process the CLI may do everything, as an admin.
  whoami: { input: () => ({}), view: (o: { role: string }) => o.role },
  listTokens: { input: () => ({}), view: (o: { tokens: { name: string }[] }) => o.tokens.map((t) => t.name).sort() },
  // A partition of one asset: both transports wipe the same partition, recorded twice.
  wipeAssets: { input: () => ({ selection: 'later', partition: '2024-01-02' }), view: (o: { assets: unknown[]; dryRun: boolean }) => [o.assets, o.dryRun] },
  deleteRun: { input: ({ finished }, t) => ({ runId: finished[t] }), view: (o: { runId: string; deletedAt: string }) => [o.runId.startsWith('run_'), typeof o.deletedAt] },
  revokeToken: { input: (_ids, t) => ({ token: `sample-${t}` }), view: (o: { name: string; revokedAt: string | null }) => [o.name.startsWith('sample-'), o.revokedAt !== null] },
  // Both transports set the same limit; the list then shows it with nothing in use.
  setPoolLimit: { input: () => ({ pool: 'warehouse', limit: 2 }) },
  listPools: { input: () => ({}), view: (o: { pools: { pool: string; limit: number | null }[] }) => o.pools.map((p) => [p.pool, p.limit]) },
  // The worker protocol, one remote worker per transport: it registers, heartbeats, claims (what it
  // gets depends on timing, so only the shape is compared), reports about an attempt it does not
  // hold (refused alike) and unregisters.
  registerWorker: { input: (_ids, t) => ({ workerId: `rw_catalogue-${t}`, host: 'sample', pid: 1, slots: 1, heartbeatTimeoutMs: 60_000 }), view: (o: { heartbeatIntervalMs: number }) => o.heartbeatIntervalMs },
  workerHeartbeat: { input: (_ids, t) => ({ workerId: `rw_catalogue-${t}`, attemptIds: ['att_none'] }) },
  claimAttempts: { input: (_ids, t) => ({ workerId: `rw_catalogue-${t}`, max: 1 }), view: (o: { attempts: unknown[] }) => Array.isArray(o.attempts) },
  reportAttemptStarted: { input: (_ids, t) => ({ workerId: `rw_catalogue-${t}`, attemptId: 'att_none', attemptToken: 'a'.repeat(64) }) },
  reportAttemptLogs: { input: (_ids, t) => ({ workerId: `rw_catalogue-${t}`, attemptId: 'att_none', attemptToken: 'a'.repeat(64), lines: [] }) },
  reportAttemptFinished: {
    input: (_ids, t) => ({ workerId: `rw_catalogue-${t}`, attemptId: 'att_none', attemptToken: 'a'.repeat(64), outcome: 'SUCCEEDED', error: null, durationMs: 0, dataVersion: null, metadata: {} }),
  },
  unregisterWorker: { input: (_ids, t) => ({ workerId: `rw_catalogue-${t}` }), view: (o: { workerId: string }) => o.workerId.startsWith('rw_catalogue-') },
};

/** The answer, or the error code: both transports must give the same one. */
async function outcome(client: Client, name: OperationName, input: Record<string, unknown>): Promise<{ ok: unknown } | { code: string }> {
  try {
    const output = await client.invoke(name, input as never);
    const view = SAMPLES[name]?.view as ((o: unknown) => unknown) | undefined;
    return { ok: view ? view(output) : output };
  } catch (error) {
    if (isArcoError(error)) return { code: error.code };
    throw error;
  }
}

describe('operation catalogue', () => {
  let server: TestServer;
  let local: LocalClient;
  let remote: HttpClient;
  let adminToken: string;
  let ids: Ids;

  before(async () => {
    server = await startServer(SOURCE, { daemon: true });
    const definitionsFile = server.ctx.definitions.file;
    local = new LocalClient({ definitionsFile, storePath: join(dirname(definitionsFile), 'arco.db') });
    // With a token in the store every HTTP request needs one: the samples run as an admin.
    adminToken = (await invokeOperation({ store: server.ctx.store, runtime: async () => server.ctx }, createTokenOp, { role: 'admin', name: 'catalogue' })).token;
    remote = new HttpClient(server.url, adminToken);
    const requested = await remote.invoke('requestRun', { selection: ['raw/events', 'clean/events'] });
    const runId = requested.run.runId;
    const finished = await Promise.all([0, 1].map(async (i) => (await remote.invoke('requestRun', { selection: ['raw/events'], runKey: `to-delete-${i}` })).run.runId));
    const done = await remote.invoke('createBackfill', { selection: ['days'], partition: '2024-01-01...2024-01-03', policy: 'multi-run:2', requestId: 'catalogue-done' });
    const backfillId = done.backfill.backfillId;
    for (let i = 0; ; i += 1) {
      const [run, backfill, ...others] = await Promise.all([local.invoke('getRun', { runId }), local.invoke('getBackfill', { backfillId }), ...finished.map((id) => local.invoke('getRun', { runId: id }))]);
      if (run.status === 'SUCCESS' && backfill.status === 'COMPLETED_SUCCESS' && others.every((r) => r.status === 'SUCCESS')) break;
      if (i === 400) throw new Error(`the first run (${run.status}) or backfill (${backfill.status}) did not succeed`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    // A year of days one run at a time: still running when the state commands below reach them.
    const own = await Promise.all([0, 1].map(async (i) => {
      const created = await remote.invoke('createBackfill', { selection: ['days'], partition: '2024-01-01...2024-12-31', maxConcurrentRuns: 1, requestId: `own-${i}` });
      return created.backfill.backfillId;
    }));
    ids = { runId, backfillId, ownBackfill: [own[0] as string, own[1] as string], finished: [finished[0] as string, finished[1] as string] };
  });
  after(async () => {
    await local.close();
    await server.close();
  });

  test('the OpenAPI document lists exactly the catalogue, each operation under its method and path', async () => {
    const doc = (await http(server.url, 'GET', '/api/openapi.json', undefined, { authorization: `Bearer ${adminToken}` })).json as { paths: Record<string, Record<string, { operationId?: string }>> };
    const listed = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, spec]) => `${spec.operationId} ${method.toUpperCase()} ${path}`),
    );
    const declared = OPERATIONS.map((op) => `${op.name} ${op.method} ${op.path.replace(/:(\w+)/g, '{$1}').replace(/\*$/, '{*}')}`);
    assert.deepEqual(listed.sort(), declared.sort());
  });

  test('the routes built into the web UI name each operation by the method, path and parameters of the OpenAPI document', async () => {
    type Parameter = { name: string; in: string };
    const doc = (await http(server.url, 'GET', '/api/openapi.json', undefined, { authorization: `Bearer ${adminToken}` })).json as { paths: Record<string, Record<string, { operationId?: string; parameters?: Parameter[] }>> };
    const fromDocument: Record<string, OperationRoute> = {};
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, spec] of Object.entries(methods)) {
        const params = spec.parameters ?? [];
        if (!spec.operationId) continue;
        const names = (where: string) => params.filter((p) => p.in === where).map((p) => p.name).sort();
        fromDocument[spec.operationId] = { method: method.toUpperCase(), path, pathParams: names('path'), queryParams: names('query') };
      }
    }
    const built = Object.fromEntries(
      Object.entries(operationRoutes()).map(([name, r]) => [name, { ...r, pathParams: [...r.pathParams].sort(), queryParams: [...r.queryParams].sort() }]),
    );
    assert.deepEqual(built, fromDocument);
  });

  test('every operation has a sample here, so none escapes the transport check below', () => {
    assert.deepEqual(Object.keys(SAMPLES).sort(), OPERATIONS.map((op) => op.name).sort());
  });

  test('every operation answers the same over HTTP and in-process', async () => {
    const differences: string[] = [];
    for (const [name, sample] of Object.entries(SAMPLES)) {
      const overHttp = await outcome(remote, name as OperationName, sample.input(ids, 0));
      const inProcess = await outcome(local, name as OperationName, sample.input(ids, 1));
      try {
        assert.deepEqual(inProcess, overHttp);
      } catch {
        differences.push(`${name}: http ${JSON.stringify(overHttp).slice(0, 200)} / in-process ${JSON.stringify(inProcess).slice(0, 200)}`);
      }
    }
    assert.deepEqual(differences, []);
  });

  test('a bad input is the same VALIDATION_ERROR, naming the same field, over either transport', async () => {
    const errors = [];
    for (const client of [remote, local]) {
      try {
        await client.invoke('requestRun', { selection: 5 } as never);
        errors.push(null);
      } catch (error) {
        errors.push(isArcoError(error) ? [error.code, (error.details as { issues?: { field: string }[] }).issues?.[0]?.field] : String(error));
      }
    }
    assert.deepEqual(errors, [
      ['VALIDATION_ERROR', 'body.selection'],
      ['VALIDATION_ERROR', 'body.selection'],
    ]);
  });

  test('arco api call reaches an operation by name, in-process and with --url, with the same answer', async () => {
    const definitionsFile = server.ctx.definitions.file;
    const args = ['api', 'call', 'listRunTasks', '--input', JSON.stringify({ runId: ids.runId })];
    const direct = await arcoAsync([...args, '-f', definitionsFile, '--db', join(dirname(definitionsFile), 'arco.db')]);
    const viaUrl = await arcoAsync([...args, '--url', server.url, '--token', adminToken]);
    assert.equal(direct.status, 0, direct.stderr);
    assert.equal(viaUrl.status, 0, viaUrl.stderr);
    const tasks = (JSON.parse(direct.stdout) as { tasks: { taskKey: string }[] }).tasks.map((t) => t.taskKey);
    assert.deepEqual(tasks, ['raw/events', 'clean/events']);
    assert.deepEqual(JSON.parse(viaUrl.stdout), JSON.parse(direct.stdout));
  });
});
