/**
 * Gate — leader failover on PostgreSQL: two `arco daemon` processes share one store.
 *
 * Goal: when the leading daemon is killed (SIGKILL) or frozen (SIGSTOP) while runs, a backfill and a
 * sensor are in progress, the standby takes over within the lease time, the sensor goes on ticking
 * under the new leader, every run still ends, no task is materialized twice, and the frozen leader,
 * resumed after the takeover, leads no more.
 * Method: real processes on a fresh schema with a short leader and attempt lease; a seeded random
 * point in the workload (printed on failure; ARCO_TEST_SEED replays one) picks when the leader is
 * stopped; the ledger is then read back and counted per run and task.
 */
import { describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { seededRng } from '../../../src/domain/ids/index.js';
import { isTerminalRun } from '../../../src/domain/runs/index.js';
import { TERMINAL_BACKFILL_STATUSES } from '../../../src/fold/index.js';
import type { Store } from '../../../src/store/index.js';
import { IDLE_IN_TRANSACTION_MS } from '../../../src/store/postgres/connection.js';
import { ARCO_BIN, arcoAsync, stopProcess } from '../../helpers/cli.js';
import { materializationsPerTask } from '../../helpers/ledger-reads.js';
import { freshSchema, postgresSkip, type TestSchema } from '../../helpers/postgres.js';
import { skippable } from '../../helpers/skippable.js';
import { tempProject } from '../../helpers/project.js';

const SOURCE = `
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineAsset, defineDefinitions, defineSensor, dailyPartitions } from 'arco-flow';
const work = () => new Promise((resolve) => setTimeout(resolve, 150));
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
export default defineDefinitions({ assets: [a, b, days], sensors: [poll] });
`;
const LEASE_MS = 2_500;
const RUNS = 6;
const SEED = Number(process.env.ARCO_TEST_SEED ?? 16);

const { test, before, after } = skippable(await postgresSkip());

interface DaemonProcess {
  readonly child: ChildProcess;
  readonly id: string;
  readonly url: string;
  readonly output: () => string;
}

function startDaemon(project: string, db: string): Promise<DaemonProcess> {
  const args = [ARCO_BIN, 'daemon', '--project', project, '--db', db, '--port', '0', '--workers', '2', '--leader-lease-ms', String(LEASE_MS), '--attempt-lease-ms', String(LEASE_MS)];
  const child = spawn(process.execPath, args, { env: { ...process.env, NO_COLOR: '1' } });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`arco daemon did not start:\n${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const id = /daemon (\S+) is running/.exec(output)?.[1];
      const url = /API\s+(http:\/\/\S+)\/api\/v1/.exec(output)?.[1];
      if (id && url) {
        clearTimeout(timer);
        resolve({ child, id, url, output: () => output });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`arco daemon exited with ${code}:\n${output}`));
    });
  });
}

async function until(what: string, predicate: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`seed ${SEED}: timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function post(url: string, path: string, body: unknown): Promise<unknown> {
  const response = await fetch(`${url}/api/v1${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await response.text();
  assert.ok(response.ok, `POST ${path}: ${response.status} ${text}`);
  return JSON.parse(text) as unknown;
}

/** The workload a leader is stopped in the middle of: runs of a→b and a backfill over days. */
async function requestWork(url: string): Promise<string[]> {
  const runIds: string[] = [];
  for (let i = 0; i < RUNS; i += 1) runIds.push(((await post(url, '/runs', { selection: ['a', 'b'] })) as { run: { runId: string } }).run.runId);
  await post(url, '/backfills', { selection: ['days'], partition: '2026-01-01...2026-01-06', policy: 'multi-run:1', maxConcurrentRuns: 2 });
  return runIds;
}

describe('leader failover on PostgreSQL', () => {
  const project = tempProject(SOURCE);
  const rng = seededRng(SEED);
  let db: TestSchema;
  let store: Store;
  let daemons: DaemonProcess[] = [];

  before(async () => {
    db = await freshSchema();
    store = await db.open();
  });
  const stopAll = async () => {
    for (const d of daemons.splice(0)) {
      d.child.kill('SIGCONT');
      await stopProcess(d.child, 'SIGKILL');
    }
  };
  after(async () => {
    await stopAll();
    await store?.close();
    await db?.drop();
    project.remove();
  });

  const leaderIs = async (id: string) => {
    const lease = await store.leases.readLease('daemon');
    return lease?.holder === id && lease.expiresAtEpochMs > Date.now();
  };

  /** Starts a leader and a standby and stops the leader at a seeded point of a new workload. */
  async function failOver(signal: 'SIGKILL' | 'SIGSTOP'): Promise<{ leader: DaemonProcess; standby: DaemonProcess; runIds: string[]; oldToken: number }> {
    const leader = await startDaemon(project.dir, db.url);
    daemons.push(leader);
    await until('the first daemon leads', () => leaderIs(leader.id), 20_000);
    const standby = await startDaemon(project.dir, db.url);
    daemons.push(standby);
    await until('the second daemon records that it stands by', async () => (await store.daemons.listDaemonHeartbeats(0)).some((d) => d.daemonId === standby.id && d.role === 'standby'), 20_000);
    const oldToken = (await store.leases.readLease('daemon'))?.fencingToken ?? -1;

    // The sensor polls from now until well after the takeover: a leader frozen inside an append
    // holds the ledger lock until the server ends its session (IDLE_IN_TRANSACTION_MS), and the
    // new leader appends nothing before that.
    writeFileSync(join(project.dir, 'poll-until'), String(Date.now() + IDLE_IN_TRANSACTION_MS + 3 * LEASE_MS + 6_000));
    const runIds = await requestWork(leader.url);
    await new Promise((r) => setTimeout(r, 100 + (rng.nextUint32() % 1_500)));
    leader.child.kill(signal);
    // Within the lease time (plus start-up of the standby's next iteration); SIGKILL on this host
    // is noticed at once because the holder's process is gone.
    await until(`the standby leads after ${signal}`, () => leaderIs(standby.id), LEASE_MS + 5_000);
    const tookOverAt = new Date().toISOString();
    await until(
      'the sensor requests a run under the new leader',
      async () => (await store.runs.listRuns({ limit: 1000 })).some((r) => r.trigger.kind === 'sensor' && r.createdAt > tookOverAt),
      IDLE_IN_TRANSACTION_MS + LEASE_MS + 5_000,
    );
    return { leader, standby, runIds, oldToken };
  }

  /** Every run and backfill ended; no task of any run materialized more than once. */
  async function assertExactlyOnce(runIds: readonly string[]): Promise<void> {
    await until(
      'every run and backfill ended',
      async () => {
        const runs = await store.runs.listRuns({ limit: 1000 });
        const backfills = await store.backfills.listBackfills({ limit: 100 });
        return runs.every((r) => isTerminalRun(r.status)) && backfills.every((b) => (TERMINAL_BACKFILL_STATUSES as readonly string[]).includes(b.status));
      },
      45_000,
    );
    for (const runId of runIds) assert.ok(await store.runs.getRun(runId), `seed ${SEED}: run ${runId} was requested and is not lost`);
    const materialized = await materializationsPerTask(store);
    assert.ok(materialized.size > 0, 'the workload materialized something');
    assert.deepEqual([...materialized].filter(([, n]) => n > 1), [], `seed ${SEED}: no task materialized twice`);
  }

  test('the standby takes over after the leader is SIGKILLed mid-workload; the sensor ticks on, every run ends and no task is materialized twice', async () => {
    try {
      const { runIds, oldToken } = await failOver('SIGKILL');
      assert.ok(((await store.leases.readLease('daemon'))?.fencingToken ?? 0) > oldToken, 'the new leader drew a higher fencing token');
      await assertExactlyOnce(runIds);
    } finally {
      await stopAll();
    }
  });

  test('the standby takes over after the leader is SIGSTOPped; the sensor ticks on, resumed, the old leader stands by, and no task is materialized twice', async () => {
    try {
      const { leader, standby, runIds } = await failOver('SIGSTOP');
      leader.child.kill('SIGCONT');
      await until(
        'the resumed old leader records that it stands by',
        async () => (await store.daemons.listDaemonHeartbeats(Date.now() - 1_000)).some((d) => d.daemonId === leader.id && d.role === 'standby'),
        LEASE_MS + 5_000,
      ).catch((e: unknown) => {
        throw new Error(`${String(e)}\nthe old leader printed:\n${leader.output()}`);
      });
      assert.equal(await leaderIs(standby.id), true, `seed ${SEED}: the new leader keeps the lease after the old one resumed`);
      const info = await arcoAsync(['instance', 'info', '--db', db.url, '--json']);
      assert.equal(info.status, 0, info.stderr);
      const shown = JSON.parse(info.stdout) as { leader: { daemonId: string } | null; daemons: { daemonId: string; role: string; heartbeatAgeMs: number }[] };
      assert.equal(shown.leader?.daemonId, standby.id, 'arco instance info names the new leader');
      assert.deepEqual(
        [leader.id, standby.id].map((id) => shown.daemons.find((d) => d.daemonId === id)?.role),
        ['standby', 'leader'],
        'arco instance info shows the resumed old leader standing by and the new one leading',
      );
      await assertExactlyOnce(runIds);
    } finally {
      await stopAll();
    }
  });
});
