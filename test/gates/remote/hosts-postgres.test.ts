/**
 * Gate — several machines on one PostgreSQL, with faults at seeded points.
 *
 * Hosts are network namespaces of this machine: each of the two `arco daemon` processes runs in a
 * namespace of its own and reaches PostgreSQL over a veth hop (PostgreSQL listens on loopback, so
 * through a byte relay on this machine's end of the link); three remote workers reach the standby's
 * API over its hop. While runs, a backfill, a sensor and a minutely schedule are active, at seeded
 * instants (ARCO_TEST_SEED replays one) a worker is SIGKILLed, another SIGSTOPped, and the leader
 * daemon SIGKILLed. The standby takes over; a fresh worker joins; the frozen worker, resumed after
 * it was declared lost, registers anew. Then: every requested run ends SUCCESS, the backfill
 * completes, the sensor and the schedule request runs under the new leader, and no task of any run
 * is materialized twice.
 */
import { describe } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatApiToken, secretSha256 } from '../../../src/domain/access/index.js';
import { seededRng } from '../../../src/domain/ids/index.js';
import { isTerminalRun } from '../../../src/domain/runs/index.js';
import { TERMINAL_BACKFILL_STATUSES } from '../../../src/fold/index.js';
import type { Store } from '../../../src/store/index.js';
import { stopProcess } from '../../helpers/cli.js';
import { startArcoDaemon, startArcoWorker, type ArcoProcess } from '../../helpers/arco-processes.js';
import { createNetnsHost, netnsSkip, tcpRelay, type NetnsHost } from '../../helpers/netns.js';
import { materializationsPerTask } from '../../helpers/ledger-reads.js';
import { freshSchema, postgresSkip, type TestSchema } from '../../helpers/postgres.js';
import { tempProject } from '../../helpers/project.js';
import { skippable } from '../../helpers/skippable.js';

const SOURCE = `
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineAsset, defineDefinitions, defineSchedule, defineSensor, dailyPartitions } from 'arco-flow';
const work = () => new Promise((resolve) => setTimeout(resolve, 300));
const a = defineAsset({ key: 'a', retry: { maxRetries: 3 }, compute: work });
const b = defineAsset({ key: 'b', deps: [a], retry: { maxRetries: 3 }, compute: work });
const days = defineAsset({ key: 'days', partitions: dailyPartitions({ start: '2026-01-01' }), retry: { maxRetries: 3 }, compute: work });
// Requests a run of a every second until the time the test writes to poll-until (epoch ms).
const poll = defineSensor({ name: 'poll', target: [a], minimumIntervalSeconds: 1, defaultStatus: 'running', evaluate: (ctx) => {
  const file = join(import.meta.dirname, 'poll-until');
  if (!existsSync(file) || Date.now() > Number(readFileSync(file, 'utf8'))) return { skipReason: 'not polling now' };
  const n = Number(ctx.cursor ?? 0) + 1;
  return { cursor: String(n), runRequests: [{ runKey: 'poll-' + n }] };
} });
const minutely = defineSchedule({ name: 'minutely', cron: '* * * * *', target: [b], defaultStatus: 'running' });
export default defineDefinitions({ assets: [a, b, days], sensors: [poll], schedules: [minutely] });
`;
const LEASE_MS = 2_500;
const HEARTBEAT_TIMEOUT_MS = 3_000;
const RUNS = 6;
const SEED = Number(process.env.ARCO_TEST_SEED ?? 21);

const { test, before, after } = skippable(netnsSkip() || (await postgresSkip()));

async function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`seed ${SEED}: timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('daemons and workers on separate hosts, one PostgreSQL, faults at seeded points', () => {
  const project = tempProject(SOURCE);
  const rng = seededRng(SEED);
  let schema: TestSchema;
  let store: Store;
  const hosts: NetnsHost[] = [];
  const relays: { close(): Promise<void> }[] = [];
  const processes: ArcoProcess[] = [];

  before(async () => {
    schema = await freshSchema();
    store = await schema.open();
  });
  after(async () => {
    for (const p of processes.splice(0)) {
      p.child.kill('SIGCONT');
      await stopProcess(p.child, 'SIGKILL');
    }
    for (const relay of relays.splice(0)) await relay.close();
    for (const host of hosts.splice(0)) host.remove();
    await store?.close();
    await schema?.drop();
    project.remove();
  });

  async function token(role: 'admin' | 'worker'): Promise<string> {
    const id = randomBytes(8).toString('hex');
    const secret = randomBytes(32).toString('hex');
    await store.tokens.createToken({ id, name: `${role}-${id.slice(0, 6)}`, role, createdAt: new Date().toISOString(), revokedAt: null, createdBy: 'test', revokedBy: null, secretSha256: secretSha256(secret) });
    return formatApiToken(id, secret);
  }

  /** A daemon on a host of its own, reaching PostgreSQL over that host's link. */
  async function daemonOnItsOwnHost(): Promise<ArcoProcess & { url: string }> {
    const host = createNetnsHost();
    hosts.push(host);
    const database = new URL(schema.url);
    const relay = await tcpRelay(host.hostAddress, { host: database.hostname, port: Number(database.port || 5432) });
    relays.push(relay);
    database.hostname = host.hostAddress;
    database.port = String(relay.port);
    const daemon = await startArcoDaemon(
      project.dir,
      database.href,
      ['--host', host.address, '--workers', '0', '--leader-lease-ms', String(LEASE_MS), '--attempt-lease-ms', String(LEASE_MS)],
      { namespace: host.namespace },
    );
    processes.push(daemon);
    return daemon;
  }

  const leaderIs = async (id: string) => {
    const lease = await store.leases.readLease('daemon');
    return lease?.holder === id && lease.expiresAtEpochMs > Date.now();
  };

  test('a worker SIGKILLed, a worker SIGSTOPped and the leader SIGKILLed mid-workload: every run succeeds, the backfill completes, the sensor and the schedule go on, no task is materialized twice', async () => {
    const admin = await token('admin');
    const workerToken = await token('worker');
    const leader = await daemonOnItsOwnHost();
    await until('the first daemon leads', () => leaderIs(leader.id), 20_000);
    const standby = await daemonOnItsOwnHost();
    await until('the second daemon stands by', async () => (await store.daemons.listDaemonHeartbeats(0)).some((d) => d.daemonId === standby.id && d.role === 'standby'), 20_000);

    // Workers reach the standby's API: it serves them before and after it leads.
    const workerArgs = ['--slots', '2', '--heartbeat-timeout-ms', String(HEARTBEAT_TIMEOUT_MS)];
    const workers = [];
    for (let i = 0; i < 3; i += 1) {
      const worker = await startArcoWorker(project.dir, standby.url, workerToken, workerArgs);
      processes.push(worker);
      workers.push(worker);
    }
    const [killed, frozen] = workers as [ArcoProcess, ArcoProcess, ArcoProcess];

    const post = async (path: string, body: unknown): Promise<unknown> => {
      const response = await fetch(`${standby.url}/api/v1${path}`, { method: 'POST', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const text = await response.text();
      assert.ok(response.ok, `POST ${path}: ${response.status} ${text}`);
      return JSON.parse(text) as unknown;
    };
    writeFileSync(join(project.dir, 'poll-until'), String(Date.now() + 25_000));
    const runIds: string[] = [];
    for (let i = 0; i < RUNS; i += 1) runIds.push(((await post('/runs', { selection: ['a', 'b'] })) as { run: { runId: string } }).run.runId);
    const { backfill } = (await post('/backfills', { selection: ['days'], partition: '2026-01-01...2026-01-08', policy: 'multi-run:1', maxConcurrentRuns: 3 })) as { backfill: { backfillId: string } };

    // The faults, each at a seeded instant after the one before.
    await sleep(200 + (rng.nextUint32() % 1_200));
    killed.child.kill('SIGKILL');
    await sleep(200 + (rng.nextUint32() % 1_200));
    frozen.child.kill('SIGSTOP');
    await sleep(200 + (rng.nextUint32() % 1_200));
    leader.child.kill('SIGKILL');
    const faultsEndedAt = new Date().toISOString();
    await until('the standby leads', () => leaderIs(standby.id), LEASE_MS + 10_000);
    processes.push(await startArcoWorker(project.dir, standby.url, workerToken, workerArgs));
    await sleep(HEARTBEAT_TIMEOUT_MS + 2_000);
    frozen.child.kill('SIGCONT');
    await until('the resumed worker, declared lost, registers again', async () => /registering again as (rw_\S+)/.exec(frozen.output())?.[1], 30_000);

    await until(
      'the sensor requests a run under the new leader',
      async () => (await store.runs.listRuns({ limit: 1000 })).some((r) => r.trigger.kind === 'sensor' && r.createdAt > faultsEndedAt),
      30_000,
    );
    // The next minute's tick, under the new leader (at most a minute away).
    await until('the schedule requests a run under the new leader', async () => (await store.runs.listRuns({ limit: 1000 })).some((r) => r.trigger.kind === 'schedule' && r.createdAt > faultsEndedAt), 75_000);
    await until(
      'every run and the backfill ended',
      async () => {
        const runs = await store.runs.listRuns({ limit: 1000 });
        const backfills = await store.backfills.listBackfills({ limit: 100 });
        return runs.every((r) => isTerminalRun(r.status)) && backfills.every((b) => (TERMINAL_BACKFILL_STATUSES as readonly string[]).includes(b.status));
      },
      60_000,
    );

    const runs = await store.runs.listRuns({ limit: 1000 });
    for (const runId of runIds) assert.ok(runs.some((r) => r.runId === runId), `seed ${SEED}: run ${runId} was requested and is not lost`);
    const failed = runs.filter((r) => r.status !== 'SUCCESS').map((r) => `${r.runId} ${r.status}`);
    assert.deepEqual(failed, [], `seed ${SEED}: every run succeeds (worker and leader losses are retried)`);
    assert.equal((await store.backfills.getBackfill(backfill.backfillId))?.status, 'COMPLETED_SUCCESS', `seed ${SEED}: the backfill completes`);
    const lost = [];
    for (const run of runs) for (const task of (await store.runs.getRun(run.runId))?.tasks ?? []) lost.push(...task.attempts.filter((a) => a.error?.code === 'WORKER_LOST'));
    assert.ok(lost.length > 0, `seed ${SEED}: the faults hit running attempts (some ended WORKER_LOST and were retried)`);

    const materialized = await materializationsPerTask(store);
    assert.ok(materialized.size >= RUNS * 2 + 8, `seed ${SEED}: the workload materialized its tasks (${materialized.size})`);
    assert.deepEqual([...materialized].filter(([, n]) => n > 1), [], `seed ${SEED}: no task materialized twice`);
  });
});
