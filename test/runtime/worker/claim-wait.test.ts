/**
 * Claims that wait for a dispatch, and the store signals behind them (src/store/signals.ts), on
 * both engines: a claim that finds nothing is held until an attempt is dispatched to its worker; a
 * held claim its worker has given up on takes nothing; a dispatch or a finished report written
 * through another process of the store (PostgreSQL: another store on the same schema, as another
 * daemon; SQLite: signals reach only this process, so the same store) wakes whoever waits for it.
 */
import { describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { claimRemoteAttempts, registerRemoteWorker, reportRemoteFinished } from '../../../src/runtime/index.js';
import { decideAttemptReport } from '../../../src/controllers/index.js';
import { createUlidFactory, seededRng, sha256Hex } from '../../../src/domain/ids/index.js';
import { isArcoError } from '../../../src/domain/errors/index.js';
import { stampEvents, type EventDraft } from '../../../src/events/index.js';
import { T0, requestedRun, step } from '../../helpers/runs.js';
import { openSqliteStore, type Store } from '../../../src/store/index.js';
import { freshSchema, postgresSkip, type TestSchema } from '../../helpers/postgres.js';
import { skippable } from '../../helpers/skippable.js';

interface Opened {
  readonly store: Store;
  /** The store as another process opens it (PostgreSQL), or the same store (SQLite). */
  readonly other: Store;
  close(): Promise<void>;
}

interface Engine {
  readonly name: string;
  readonly skip: string | false;
  open(): Promise<Opened>;
}

const WORKER = 'rw_claimwait0000';

function envelope(attemptId: string) {
  return { runId: 'r1', taskKey: 'a', assetKey: 'a', partitionKey: null, partitionKeys: [], partitionKeyRange: null, attempt: 1, attemptId, config: {}, codeVersion: null, deadlineAt: null, checkName: null };
}

async function dispatch(store: Store, attemptId: string): Promise<void> {
  await store.workers.addDispatches([{ attemptId, workerId: WORKER, runId: 'r1', taskKey: 'a', envelope: envelope(attemptId), dispatchedAtEpochMs: Date.now() }]);
}

async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out waiting until ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function tests(engine: Engine): void {
  const { test } = skippable(engine.skip);
    test('a claim that finds nothing waits, and takes the attempt dispatched to its worker meanwhile', async () => {
      const { store, other, close } = await engine.open();
      try {
        await registerRemoteWorker(store, { workerId: WORKER, host: 'h', pid: 1, slots: 1, heartbeatTimeoutMs: 60_000 }, Date.now());
        const claiming = claimRemoteAttempts(store, WORKER, 1, { running: [], claimSeq: 1 }, Date.now(), 30_000);
        await new Promise((resolve) => setTimeout(resolve, 300));
        await dispatch(other, 'at_1');
        const claimed = await claiming;
        assert.deepEqual(
          claimed.map((c) => c.envelope.attemptId),
          ['at_1'],
        );
        assert.equal((await store.workers.getDispatch('at_1'))?.tokenSha256, sha256Hex(claimed[0]?.attemptToken ?? ''));
      } finally {
        await close();
      }
    });

    test('a held claim whose worker asked again since takes nothing; the later claim gets the attempt', async () => {
      const { store, other, close } = await engine.open();
      try {
        await registerRemoteWorker(store, { workerId: WORKER, host: 'h', pid: 1, slots: 1, heartbeatTimeoutMs: 60_000 }, Date.now());
        // The worker's call timed out on its side while the API still held it, so it claimed again.
        const held = claimRemoteAttempts(store, WORKER, 1, { running: [], claimSeq: 1 }, Date.now(), 1_500);
        await new Promise((resolve) => setTimeout(resolve, 200));
        assert.deepEqual(await claimRemoteAttempts(store, WORKER, 1, { running: [], claimSeq: 2 }, Date.now()), []);
        await dispatch(other, 'at_2');
        assert.deepEqual(await held, [], 'the answer would reach nobody: the attempt stays for the worker');
        const later = await claimRemoteAttempts(store, WORKER, 1, { running: [], claimSeq: 3 }, Date.now());
        assert.deepEqual(
          later.map((c) => c.envelope.attemptId),
          ['at_2'],
        );
      } finally {
        await close();
      }
    });

    test('a finished report about an attempt that stopped being current is refused (409) though its row was still claimed, and the run is unchanged', async () => {
      const { store, close } = await engine.open();
      try {
        await registerRemoteWorker(store, { workerId: WORKER, host: 'h', pid: 1, slots: 1, heartbeatTimeoutMs: 60_000 }, Date.now());
        const stamp = (drafts: readonly EventDraft[], at: number) => stampEvents(drafts, { ulid: createUlidFactory(seededRng(at)), nowEpochMs: at });
        const { run, drafts } = requestedRun({ dag: { a: [] } });
        await store.ledger.append(stamp(drafts, T0));
        const dispatched = step(run, T0 + 1, { freeWorkerSlots: [WORKER] });
        await store.ledger.append(stamp(dispatched.drafts, T0 + 1));
        const attemptId = dispatched.run.tasks[0]?.attempts[0]?.attemptId ?? '';
        await store.workers.addDispatches([{ attemptId, workerId: WORKER, runId: run.runId, taskKey: 'a', envelope: envelope(attemptId), dispatchedAtEpochMs: T0 + 1 }]);
        const [claimed] = await claimRemoteAttempts(store, WORKER, 1, { running: [], claimSeq: 1 }, Date.now());
        assert.equal(claimed?.envelope.attemptId, attemptId);
        // The attempt ends meanwhile (say the leader timed it out); the leader has not removed the row yet.
        const ended = decideAttemptReport(dispatched.run, { kind: 'finished', runId: run.runId, taskKey: 'a', attemptId, outcome: 'FAILED', error: null, durationMs: 1, dataVersion: null, metadata: {} }, { nowEpochMs: T0 + 2, upstreamDataVersions: {} });
        await store.ledger.append(stamp(ended, T0 + 2));
        const version = (await store.runs.getRun(run.runId))?.version;
        const result = { outcome: 'SUCCEEDED' as const, error: null, durationMs: 1, dataVersion: null, metadata: {} };
        await assert.rejects(reportRemoteFinished(store, WORKER, attemptId, claimed?.attemptToken ?? '', result), (e) => isArcoError(e) && e.code === 'ATTEMPT_MISMATCH');
        assert.equal((await store.runs.getRun(run.runId))?.version, version, 'nothing recorded');
      } finally {
        await close();
      }
    });

    test('a dispatch recorded through another process of the store wakes a watch on its worker, and only that one', async () => {
      const { store, other, close } = await engine.open();
      try {
        const watch = await store.workers.watchDispatches(WORKER);
        const elsewhere = await store.workers.watchDispatches('rw_someoneelse00');
        try {
          const woken = watch.wait(60_000);
          const notWoken = elsewhere.wait(100);
          await dispatch(other, 'at_3');
          assert.equal(await woken, 'signalled');
          assert.equal(await notWoken, 'timeout');
        } finally {
          watch.close();
          elsewhere.close();
        }
      } finally {
        await close();
      }
    });

    test('a finished report stored through another process of the store is signalled to its listeners', async () => {
      const { store, other, close } = await engine.open();
      try {
        await registerRemoteWorker(store, { workerId: WORKER, host: 'h', pid: 1, slots: 1, heartbeatTimeoutMs: 60_000 }, Date.now());
        await dispatch(store, 'at_4');
        const [claimed] = await store.workers.claimDispatches(WORKER, [sha256Hex('token')]);
        assert.equal(claimed?.attemptId, 'at_4');
        let heard = 0;
        let resolveHeard: () => void = () => undefined;
        const stored = new Promise<void>((resolve) => {
          resolveHeard = resolve;
        });
        const stop = await store.workers.onReportStored(() => {
          heard += 1;
          resolveHeard();
        });
        try {
          assert.equal(await other.workers.finishDispatch('at_4', WORKER, sha256Hex('wrong'), { outcome: 'SUCCEEDED' }), undefined);
          assert.equal((await other.workers.finishDispatch('at_4', WORKER, sha256Hex('token'), { outcome: 'SUCCEEDED' }))?.dispatch.state, 'finished');
          await within(stored, 20_000, 'the report is signalled');
          assert.equal(heard, 1, 'the refused report was not signalled');
        } finally {
          stop();
        }
      } finally {
        await close();
      }
    });
}

const pgSkip = await postgresSkip();

describe('claims that wait, on SQLite', () =>
  tests({
    name: 'SQLite',
    skip: false,
    async open() {
      const dir = mkdtempSync(join(tmpdir(), 'arco-claim-wait-'));
      const store = openSqliteStore({ path: join(dir, 'arco.db') });
      return {
        store,
        other: store,
        close: async () => {
          await store.close();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  }),
);

describe('claims that wait, on PostgreSQL', () =>
  tests({
    name: 'PostgreSQL',
    skip: pgSkip,
    async open() {
      const schema = await freshSchema();
      const store = await schema.open();
      const other = await schema.open();
      return {
        store,
        other,
        close: async () => {
          await Promise.all([store.close(), other.close()]);
          await schema.drop();
        },
      };
    },
  }),
);

/** How many hashes the worker's stored wait holds, once it holds any (or after 20 s). */
async function storedWait(schema: TestSchema): Promise<number> {
  const hashes = async () => (await schema.sql<{ n: number }>('SELECT cardinality(tokens) AS n FROM worker_waits'))[0]?.n ?? 0;
  for (let i = 0; i < 2_000 && (await hashes()) === 0; i += 1) await new Promise((r) => setTimeout(r, 10));
  return hashes();
}

/**
 * PostgreSQL answers a waiting claim from the dispatch itself (docs/worker-protocol.md, "Claims
 * answered by the dispatch"): the claim leaves its token hashes as the worker's waiting claim, the
 * leader's statement that writes the dispatch row claims it under them, and the NOTIFY it sends
 * carries the row to the API holding the claim. SQLite ignores the wait (the contract allows it).
 */
describe('claims answered by the dispatch, on PostgreSQL', () => {
  const { test } = skippable(pgSkip);
  const opened = async () => {
    const schema = await freshSchema();
    const api = await schema.open();
    const leader = await schema.open();
    await registerRemoteWorker(api, { workerId: WORKER, host: 'h', pid: 1, slots: 2, heartbeatTimeoutMs: 60_000 }, Date.now());
    return { api, leader, schema, close: async () => Promise.all([api.close(), leader.close()]).then(() => schema.drop()) };
  };
  const waiting = ['a', 'b'].map((t) => sha256Hex(`waiting-${t}`));

  test("a claim that found nothing leaves its hashes as the worker's waiting claim; the leader's dispatch rows are claimed under them in order as they are written, and the signal carries them", async () => {
    const { api, leader, close } = await opened();
    try {
      const watch = await api.workers.watchDispatches(WORKER);
      try {
        const begun = await api.workers.beginClaim(WORKER, 1, [], { tokenSha256s: waiting, nowEpochMs: Date.now(), wait: true });
        assert.equal(begun?.waiting, true);
        assert.deepEqual(begun?.claimed, []);
        const at = Date.now();
        await leader.workers.addDispatches(['at_w2', 'at_w1', 'at_w3'].map((attemptId, i) => ({ attemptId, workerId: WORKER, runId: 'r1', taskKey: 'a', envelope: envelope(attemptId), dispatchedAtEpochMs: at + (attemptId === 'at_w2' ? 1 : i) })));
        const rows = await Promise.all(['at_w1', 'at_w2', 'at_w3'].map((id) => api.workers.getDispatch(id)));
        assert.deepEqual(
          rows.map((r) => [r?.state, r?.tokenSha256]),
          [
            ['claimed', waiting[0]],
            ['claimed', waiting[1]],
            ['dispatched', null],
          ],
          'the oldest two, one per hash; the third waits for a claim',
        );
        assert.equal(await within(watch.wait(20_000), 20_000, 'the dispatch is signalled'), 'signalled');
        assert.deepEqual(
          watch.claimed().map((d) => [d.attemptId, d.tokenSha256, (d.envelope as { attemptId: string }).attemptId]),
          [
            ['at_w1', waiting[0], 'at_w1'],
            ['at_w2', waiting[1], 'at_w2'],
          ],
        );
        await leader.workers.addDispatches([{ attemptId: 'at_w4', workerId: WORKER, runId: 'r1', taskKey: 'a', envelope: envelope('at_w4'), dispatchedAtEpochMs: Date.now() }]);
        assert.equal((await api.workers.getDispatch('at_w4'))?.state, 'dispatched', 'the wait was taken whole: its hashes are handed once');
      } finally {
        watch.close();
      }
    } finally {
      await close();
    }
  });

  test('a dispatch too large for the signal is claimed all the same, and the waiting claim reads it; a request that does not wait ends the wait', async () => {
    const { api, leader, close } = await opened();
    try {
      const watch = await api.workers.watchDispatches(WORKER);
      try {
        assert.equal((await api.workers.beginClaim(WORKER, 1, [], { tokenSha256s: waiting.slice(0, 1), nowEpochMs: Date.now(), wait: true }))?.waiting, true);
        const big = { ...envelope('at_big'), config: { blob: 'x'.repeat(10_000) } };
        await leader.workers.addDispatches([{ attemptId: 'at_big', workerId: WORKER, runId: 'r1', taskKey: 'a', envelope: big, dispatchedAtEpochMs: Date.now() }]);
        assert.equal(await within(watch.wait(20_000), 20_000, 'the dispatch is signalled'), 'signalled');
        assert.deepEqual(watch.claimed(), [], 'the signal wakes the claim without the row');
        const read = await api.workers.claimDispatches(WORKER, [sha256Hex('fresh')], 1, waiting.slice(0, 1));
        assert.deepEqual(
          read.map((d) => [d.attemptId, d.tokenSha256, (d.envelope as { config: { blob: string } }).config.blob.length]),
          [['at_big', waiting[0], 10_000]],
        );

        assert.equal((await api.workers.beginClaim(WORKER, 2, ['at_big'], { tokenSha256s: waiting.slice(1), nowEpochMs: Date.now(), wait: true }))?.waiting, true);
        assert.equal((await api.workers.beginClaim(WORKER, 3, ['at_big'], { tokenSha256s: [sha256Hex('no-wait')], nowEpochMs: Date.now() }))?.waiting, false);
        await leader.workers.addDispatches([{ attemptId: 'at_next', workerId: WORKER, runId: 'r1', taskKey: 'a', envelope: envelope('at_next'), dispatchedAtEpochMs: Date.now() }]);
        assert.equal((await api.workers.getDispatch('at_next'))?.state, 'dispatched', 'the later request, not waiting, ended the earlier wait');
      } finally {
        watch.close();
      }
    } finally {
      await close();
    }
  });

  test('a waiting claim through one API is answered with the attempt another process dispatches, under the token it minted', async () => {
    const { api, leader, schema, close } = await opened();
    try {
      const claiming = claimRemoteAttempts(api, WORKER, 1, { running: [], claimSeq: 1 }, Date.now(), 30_000);
      // Dispatched once the claim waits (its wait is stored), however slow the machine.
      assert.equal(await storedWait(schema), 1, 'the claim waits under its one hash');
      await dispatch(leader, 'at_x');
      const stored = await api.workers.getDispatch('at_x');
      assert.equal(stored?.state, 'claimed', 'claimed by the statement that wrote it');
      const claimed = await within(claiming, 20_000, 'the claim is answered');
      assert.deepEqual(
        claimed.map((c) => c.envelope.attemptId),
        ['at_x'],
      );
      assert.equal(stored?.tokenSha256, sha256Hex(claimed[0]?.attemptToken ?? ''));
    } finally {
      await close();
    }
  });
});

/**
 * Signals that stay in the process that needs them: the leader's own API holding a worker's claim
 * gets its dispatch handed in memory, and a report stored through the leader's API wakes it in
 * memory; neither is sent through the database to every other process. Notifications on one
 * channel arrive in commit order, so a later signal that does arrive shows the earlier one was
 * never sent.
 */
describe('signals kept in the process that needs them, on PostgreSQL', () => {
  const { test } = skippable(pgSkip);

  test("a dispatch claimed for a wait held in this process is handed to the claim here, and no other process hears of it", async () => {
    const schema = await freshSchema();
    const here = await schema.open();
    const elsewhere = await schema.open();
    try {
      await registerRemoteWorker(here, { workerId: WORKER, host: 'h', pid: 1, slots: 1, heartbeatTimeoutMs: 60_000 }, Date.now());
      const listening = await elsewhere.workers.watchDispatches(WORKER);
      try {
        const claiming = claimRemoteAttempts(here, WORKER, 1, { running: [], claimSeq: 1 }, Date.now(), 30_000);
        assert.equal(await storedWait(schema), 1);
        await dispatch(here, 'at_here');
        assert.deepEqual(
          (await within(claiming, 20_000, 'the claim is answered')).map((c) => c.envelope.attemptId),
          ['at_here'],
        );
        // No wait now: this dispatch is signalled through the database, after the first would have been.
        await dispatch(here, 'at_later');
        assert.equal(await within(listening.wait(20_000), 20_000, 'the later dispatch is heard elsewhere'), 'signalled');
        assert.deepEqual(listening.claimed(), [], 'the claimed dispatch was never signalled to the other process');
      } finally {
        listening.close();
      }
    } finally {
      await Promise.all([here.close(), elsewhere.close()]);
      await schema.drop();
    }
  });

  test('a finished report stored through the process whose daemon leads wakes it there, and no other process; once it no longer leads, every process hears', async () => {
    const schema = await freshSchema();
    const leaderProcess = await schema.open();
    const standbyProcess = await schema.open();
    try {
      await registerRemoteWorker(leaderProcess, { workerId: WORKER, host: 'h', pid: 1, slots: 2, heartbeatTimeoutMs: 60_000 }, Date.now());
      await dispatch(leaderProcess, 'at_r1');
      await dispatch(leaderProcess, 'at_r2');
      await leaderProcess.workers.claimDispatches(WORKER, [sha256Hex('t1'), sha256Hex('t2')]);
      const heard = { leader: 0, standby: 0 };
      const stops = [await leaderProcess.workers.onReportStored(() => (heard.leader += 1)), await standbyProcess.workers.onReportStored(() => (heard.standby += 1))];
      const sentinel = await standbyProcess.workers.watchDispatches('rw_sentinel0000');
      try {
        leaderProcess.workers.leadsHere('dm_leader', true);
        assert.equal((await leaderProcess.workers.finishDispatch('at_r1', WORKER, sha256Hex('t1'), { outcome: 'SUCCEEDED' }))?.dispatch.state, 'finished');
        assert.equal(heard.leader, 1, 'the leader is told at once, in its process');
        leaderProcess.workers.leadsHere('dm_leader', false);
        assert.equal((await leaderProcess.workers.finishDispatch('at_r2', WORKER, sha256Hex('t2'), { outcome: 'SUCCEEDED' }))?.dispatch.state, 'finished');
        await leaderProcess.workers.addDispatches([{ attemptId: 'at_s', workerId: 'rw_sentinel0000', runId: 'r1', taskKey: 'a', envelope: envelope('at_s'), dispatchedAtEpochMs: Date.now() }]);
        assert.equal(await within(sentinel.wait(20_000), 20_000, 'the sentinel dispatch is heard'), 'signalled');
        assert.equal(heard.standby, 1, 'the other process heard the second report only');
      } finally {
        sentinel.close();
        for (const stop of stops) stop();
      }
    } finally {
      await Promise.all([leaderProcess.close(), standbyProcess.close()]);
      await schema.drop();
    }
  });
});
