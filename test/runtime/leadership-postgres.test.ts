/**
 * Leader fencing in the daemon, on PostgreSQL where daemons on several machines share one store.
 *
 * Goal: a leader that stops between winning its lease and acting on it (a paused process, a long
 * garbage collection, a network partition) must not append a decision once another daemon took the
 * lease, and must stand by when it notices. Method: two daemons in this process on one fresh
 * schema, each with its own connection pool; daemon A is held at its pause point after a won
 * lease grant while B takes the expired lease and a run is requested; then A is let go.
 */
import { describe } from 'node:test';
import assert from 'node:assert/strict';
import { createContext, Daemon, LEADER_LEASE, loadDefinitions, requestRun, systemClock } from '../../src/runtime/index.js';
import type { Store } from '../../src/store/index.js';
import { freshSchema, postgresSkip, type TestSchema } from '../helpers/postgres.js';
import { skippable } from '../helpers/skippable.js';
import { tempProject } from '../helpers/project.js';

const SOURCE = `
import { defineAsset, defineDefinitions } from 'arco-flow';
export default defineDefinitions({ assets: [defineAsset({ key: 'one', compute: async () => {} })] });
`;
const LEASE_MS = 600;

const { test, before, after } = skippable(await postgresSkip());

async function until(what: string, predicate: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('daemon leadership on PostgreSQL', () => {
  const project = tempProject(SOURCE);
  let db: TestSchema;
  let stores: Store[] = [];

  before(async () => {
    db = await freshSchema();
    stores = [await db.open(), await db.open()];
  });
  after(async () => {
    await Promise.all(stores.map((s) => s.close()));
    await db?.drop();
    project.remove();
  });

  test('a leader paused after winning the lease, resumed after another daemon took it, has its decision refused with LEADER_FENCED and stands by', async () => {
    const definitions = await loadDefinitions(project.file);
    const [storeA, storeB] = stores as [Store, Store];
    const ctxA = createContext(storeA, systemClock, definitions, 1);
    const messagesA: string[] = [];
    let pauseNext = false;
    let paused: () => void = () => undefined;
    let release: () => void = () => undefined;
    const pausedAt = new Promise<void>((resolve) => (paused = resolve));
    const a = new Daemon(ctxA, {
      workers: 1,
      tickMs: 50,
      leaderLeaseMs: LEASE_MS,
      onProblem: (m) => messagesA.push(m),
      onNotice: (m) => messagesA.push(m),
      afterLeaseWon: async () => {
        if (!pauseNext) return;
        pauseNext = false;
        paused();
        await new Promise<void>((resolve) => (release = resolve));
      },
    });
    const b = new Daemon(createContext(storeB, systemClock, definitions, 2), { workers: 0, tickMs: 50, leaderLeaseMs: LEASE_MS });
    try {
      a.start();
      await until('A leads', () => a.isLeader);
      const tokenA = a.leaderFencingToken;
      pauseNext = true;
      await pausedAt;

      b.start();
      await until('B takes the expired lease', () => b.isLeader);
      assert.ok((b.leaderFencingToken ?? 0) > (tokenA ?? Infinity), 'the new leader carries a higher fencing token');
      // Requested by a user (not fenced), started by B, which has no worker to dispatch it to.
      const { run } = await requestRun(ctxA, { selection: ['one'] });
      await until('B started the run', async () => (await storeA.runs.getRun(run.runId))?.status === 'STARTED');

      release();
      await until('A noticed it was fenced', () => messagesA.some((m) => m.startsWith('LEADER_FENCED')));
      assert.equal(a.isLeader, false);
      await until('A records that it stands by', async () => (await storeA.daemons.listDaemonHeartbeats(0)).some((d) => d.daemonId === a.ownerId && d.role === 'standby'));

      const events = await storeA.ledger.readEvents({ limit: 1000 });
      const dispatchedByA = events.filter((e) => e.type === 'TaskDispatched' && e.payload.workerId.startsWith(a.ownerId));
      assert.deepEqual(dispatchedByA, [], 'A appended no dispatch to its own worker after B took the lease');
      assert.equal((await storeA.leases.readLease(LEADER_LEASE))?.holder, b.ownerId);
      assert.equal(b.isLeader, true);
    } finally {
      release();
      await a.stop();
      await b.stop();
    }
  });
});
