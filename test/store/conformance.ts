/**
 * The Store conformance suite. Every engine runs the same tests (SQLite and PostgreSQL): the
 * idempotency gate, atomic batches, conditional appends, the fold in the same transaction,
 * reading back with validation, rebuild to an identical projection hash, and what several
 * processes sharing one database rely on (concurrent appends, leases, request keys, heartbeats,
 * the read-only SQL surface).
 */
import { describe, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { createUlidFactory, seededRng } from '../../src/domain/ids/index.js';
import { draft, idempotencyKeys, stampEvents, type EventDraft } from '../../src/events/index.js';
import type { RunListQuery, Store } from '../../src/store/index.js';
import { T0, iso, makeIds, requestedRun, step } from '../helpers/runs.js';
import { dailyPartitions } from '../../src/authoring/index.js';
import { decideBackfillCommand } from '../../src/controllers/index.js';
import { skippable } from '../helpers/skippable.js';
import { backfillCreatedDrafts, createBackfillFor, endRun, stepBackfill } from '../helpers/backfills.js';

export interface EngineHarness {
  readonly name: string;
  /** A reason to skip the whole suite (e.g. no database answers on a developer machine). */
  readonly skip?: string | false;
  /** A fresh, empty store. */
  open(): Promise<Store>;
  /** Another store on the database `open` created, as a second process would open it. */
  openAnother(): Promise<Store>;
  /** Corrupts the payload of the event with this sequence (engine-specific SQL). */
  corruptEvent(store: Store, sequence: number): Promise<void>;
  /** Runs one statement on the store's database behind its back (to damage a projection). */
  damageProjection(sql: string): Promise<void>;
  cleanup(): Promise<void>;
}

export function storeConformance(engine: EngineHarness): void {
  // Each test is skipped rather than the suite, so a skipped engine's tests are counted.
  const { test } = skippable(engine.skip ?? false);
  describe(`${engine.name} store conformance`, () => {
    let store: Store;
    const ulid = createUlidFactory(seededRng(3));
    const stamp = (drafts: readonly EventDraft[], at = T0) => stampEvents(drafts, { ulid, nowEpochMs: at });
    const addKeys = (keys: readonly string[], requestId: string) =>
      draft('DynamicPartitionsChanged', { name: 'files', op: 'add', keys: [...keys], requestId }, idempotencyKeys.dynamicPartitionsChanged('files', 'add', keys, requestId), null);
    /** Runs `body` with `count` more stores on the same database, closing them afterwards. */
    const withOthers = async <T>(count: number, body: (stores: Store[]) => Promise<T>): Promise<T> => {
      const others = await Promise.all(Array.from({ length: count }, () => engine.openAnother()));
      try {
        return await body([store, ...others]);
      } finally {
        await Promise.all(others.map((s) => s.close()));
      }
    };

    beforeEach(async () => {
      store = await engine.open();
    });
    afterEach(async () => {
      await store.close();
      await engine.cleanup();
    });

    test('appending an event folds it into the projections in the same call', async () => {
      const { run, drafts } = requestedRun({ dag: { a: [], b: ['a'] } });
      const result = await store.ledger.append(stamp(drafts));
      assert.equal(result.appended.length, 1);
      assert.deepEqual(await store.runs.getRun(run.runId), run);
    });

    test('an event keeps who asked for it (its actor) and reads back without one when none was given', async () => {
      const { run, drafts } = requestedRun({ dag: { a: [] } });
      const asked = stampEvents(drafts, { ulid, nowEpochMs: T0, actor: 'ops-alice' });
      const started = stamp([draft('RunStarted', { runId: run.runId }, idempotencyKeys.runStarted(run.runId), run.runId)]);
      const { appended } = await store.ledger.append([...asked, ...started]);
      assert.deepEqual(appended.map((e) => e.actor), ['ops-alice', undefined]);
      const read = await store.ledger.readEvents({ afterSequence: 0, limit: 10 });
      assert.deepEqual(read.map((e) => [e.type, e.actor]), [['RunRequested', 'ops-alice'], ['RunStarted', undefined]]);
    });

    test('runs filter by several tags, an asset, a creation window and a trigger, newest first', async () => {
      const hour = 3_600_000;
      const a = requestedRun({ dag: { a: [] }, tags: { team: 'data' }, at: T0, ids: makeIds(41) });
      const b = requestedRun({ dag: { b: [] }, tags: { team: 'data', env: 'prod' }, at: T0 + hour, ids: makeIds(42) });
      const c = requestedRun({ dag: { a: [], b: ['a'] }, at: T0 + 2 * hour, ids: makeIds(43) });
      for (const [i, r] of [a, b, c].entries()) await store.ledger.append(stamp(r.drafts, T0 + i * hour));
      const ids = async (query: Omit<RunListQuery, 'limit'>) => (await store.runs.listRuns({ ...query, limit: 10 })).map((r) => r.runId);
      assert.deepEqual(await ids({ tags: [['team', 'data'], ['env', 'prod']] }), [b.run.runId]);
      assert.deepEqual(await ids({ tags: [['team', 'data']] }), [b.run.runId, a.run.runId]);
      assert.deepEqual(await ids({ assetKey: 'a' }), [c.run.runId, a.run.runId]);
      assert.deepEqual(await ids({ createdFrom: iso(T0 + hour), createdBefore: iso(T0 + 2 * hour) }), [b.run.runId]);
      assert.deepEqual(await ids({ triggerKind: 'manual', assetKey: 'b' }), [c.run.runId, b.run.runId]);
      assert.deepEqual(await ids({ triggerKind: 'schedule' }), []);
    });

    test('a duplicate idempotency key is dropped, reported, and has no effect', async () => {
      const { run, drafts } = requestedRun({ dag: { a: [] }, runKey: 'k' });
      await store.ledger.append(stamp(drafts));
      const again = await store.ledger.append(stamp(drafts, T0 + 5));
      assert.deepEqual(again.duplicates, ['run:k']);
      assert.equal(again.appended.length, 0);
      assert.equal((await store.runs.getRun(run.runId))?.createdAt, new Date(T0).toISOString());
      assert.equal(await store.ledger.lastSequence(), 1);
    });

    test('the rest of a batch applies when one member is a duplicate', async () => {
      const { run, drafts } = requestedRun({ dag: { a: [] } });
      await store.ledger.append(stamp(drafts));
      const started = draft('RunStarted', { runId: run.runId }, idempotencyKeys.runStarted(run.runId), run.runId);
      const result = await store.ledger.append(stamp([...drafts, started]));
      assert.equal(result.duplicates.length, 1);
      assert.equal(result.appended[0]?.type, 'RunStarted');
      assert.equal((await store.runs.getRun(run.runId))?.status, 'STARTED');
    });

    test('two members of one batch with the same key: the first applies, the second is a duplicate', async () => {
      const { run, drafts } = requestedRun({ dag: { a: [] } });
      await store.ledger.append(stamp(drafts));
      const started = draft('RunStarted', { runId: run.runId }, idempotencyKeys.runStarted(run.runId), run.runId);
      const canceled = draft('RunCancelRequested', { runId: run.runId, reason: 'twice' }, idempotencyKeys.runStarted(run.runId), run.runId);
      const result = await store.ledger.append(stamp([started, canceled]));
      assert.deepEqual(result.appended.map((e) => [e.type, e.sequence]), [['RunStarted', 2]]);
      assert.deepEqual(result.duplicates, [idempotencyKeys.runStarted(run.runId)]);
      assert.equal((await store.runs.getRun(run.runId))?.status, 'STARTED');
      assert.equal(await store.ledger.lastSequence(), 2);
    });

    test('sequences continue without gaps after a batch with duplicates', async () => {
      const { run, drafts } = requestedRun({ dag: { a: [] } });
      await store.ledger.append(stamp(drafts));
      await store.ledger.append(stamp(drafts, T0 + 1));
      const started = draft('RunStarted', { runId: run.runId }, idempotencyKeys.runStarted(run.runId), run.runId);
      const result = await store.ledger.append(stamp([...drafts, started], T0 + 2));
      assert.deepEqual(result.appended.map((e) => e.sequence), [2]);
      assert.deepEqual((await store.ledger.readEvents({ limit: 10 })).map((e) => [e.sequence, e.type]), [[1, 'RunRequested'], [2, 'RunStarted']]);
    });

    test('a version mismatch appends nothing and says CONCURRENT_MODIFICATION', async () => {
      const { run, drafts } = requestedRun({ dag: { a: [] } });
      await store.ledger.append(stamp(drafts));
      const next = step(run, T0 + 1);
      await assert.rejects(store.ledger.append(stamp(next.drafts), { expect: [{ table: 'runs', id: run.runId, version: 99 }] }), {
        code: 'CONCURRENT_MODIFICATION',
      });
      assert.equal(await store.ledger.lastSequence(), 1);
      await store.ledger.append(stamp(next.drafts), { expect: [{ table: 'runs', id: run.runId, version: run.version }] });
      assert.equal((await store.runs.getRun(run.runId))?.status, 'STARTED');
    });

    test('a batch that fails part-way appends none of its events', async () => {
      const { drafts } = requestedRun({ dag: { a: [] } });
      const orphan = draft('RunStarted', { runId: 'run_missing' }, 'run_started:run_missing', 'run_missing');
      await assert.rejects(store.ledger.append(stamp([...drafts, orphan])));
      assert.equal(await store.ledger.lastSequence(), 0);
      assert.deepEqual(await store.runs.listRuns({ limit: 10 }), []);
    });

    test('rebuilding the projections from the ledger gives the same hash', async () => {
      const runIds: string[] = [];
      for (let i = 0; i < 3; i += 1) {
        const { run, drafts } = requestedRun({ dag: { a: [], b: ['a'] }, at: T0 + i });
        runIds.push(run.runId);
        await store.ledger.append(stamp(drafts));
        await store.ledger.append(stamp(step(run, T0 + 10).drafts, T0 + 10));
      }
      const before = await store.admin.projectionHash();
      const folded = await Promise.all(runIds.map((id) => store.runs.getRun(id)));
      // Damage the projections behind the store's back: one run deleted, another holding a third's
      // document. A rebuild that neither dropped nor re-folded them would keep the damage.
      const [gone, damaged, source] = runIds as [string, string, string];
      await engine.damageProjection(`DELETE FROM runs WHERE id = '${gone}'`);
      await engine.damageProjection(`UPDATE runs SET doc = (SELECT doc FROM runs WHERE id = '${source}') WHERE id = '${damaged}'`);
      assert.equal(await store.runs.getRun(gone), undefined);
      assert.notEqual(await store.admin.projectionHash(), before, 'the damage shows in the hash');
      const rebuilt = await store.admin.rebuildProjections();
      assert.equal(rebuilt.events, 9);
      assert.equal(rebuilt.hash, before);
      assert.deepEqual(await Promise.all(runIds.map((id) => store.runs.getRun(id))), folded);
    });

    test('reading back a corrupt event fails with its sequence number', async () => {
      const { drafts } = requestedRun({ dag: { a: [] } });
      await store.ledger.append(stamp(drafts));
      await engine.corruptEvent(store, 1);
      await assert.rejects(store.ledger.readEvents({ limit: 10 }), (e: { code: string; details: { sequence: number } }) => {
        assert.equal(e.code, 'CORRUPT_EVENT');
        assert.equal(e.details.sequence, 1);
        return true;
      });
      await assert.rejects(store.admin.rebuildProjections(), { code: 'CORRUPT_EVENT' });
    });

    test('runs list newest first with a stable cursor and status filter', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 5; i += 1) {
        const { run, drafts } = requestedRun({ dag: { a: [] }, at: T0 + i * 1000 });
        ids.push(run.runId);
        await store.ledger.append(stamp(drafts));
      }
      const first = await store.runs.listRuns({ limit: 2 });
      assert.deepEqual(first.map((r) => r.runId), [ids[4], ids[3]]);
      const second = await store.runs.listRuns({ limit: 2, before: first[1]!.runId });
      assert.deepEqual(second.map((r) => r.runId), [ids[2], ids[1]]);
      assert.equal((await store.runs.listRuns({ limit: 10, statuses: ['SUCCESS'] })).length, 0);
      assert.equal((await store.runs.listActiveRuns()).length, 5);
    });

    test('runs are counted by status in one query, leaving out statuses no run has', async () => {
      assert.deepEqual(await store.runs.countRunsByStatus(), new Map());
      for (let i = 0; i < 3; i += 1) {
        const { run, drafts } = requestedRun({ dag: { a: [] }, at: T0 + i * 1000 });
        await store.ledger.append(stamp(drafts));
        // The first run starts; the others stay queued.
        if (i === 0) await store.ledger.append(stamp(step(run, T0 + 5000).drafts, T0 + 5000));
      }
      assert.deepEqual(await store.runs.countRunsByStatus(), new Map([['STARTED', 1], ['QUEUED', 2]]));
    });

    test('run heads carry status, version and tags of active runs, and runs read by id skip unknown ids', async () => {
      const urgent = requestedRun({ dag: { a: [] }, at: T0, tags: { 'arco/priority': '5' } });
      const plain = requestedRun({ dag: { a: [] }, at: T0 + 1000 });
      await store.ledger.append(stamp(urgent.drafts));
      await store.ledger.append(stamp(plain.drafts, T0 + 1000));
      const started = step(plain.run, T0 + 2000);
      await store.ledger.append(stamp(started.drafts, T0 + 2000));
      const heads = await store.runs.listActiveRunHeads();
      assert.deepEqual(heads, [
        { runId: urgent.run.runId, status: 'QUEUED', version: 1, tags: { 'arco/priority': '5' } },
        { runId: plain.run.runId, status: 'STARTED', version: started.run.version, tags: {} },
      ]);
      assert.deepEqual(await store.runs.getRunHeads([plain.run.runId, 'run_unknown']), [heads[1]]);
      assert.deepEqual(await store.runs.getRuns(['run_unknown', plain.run.runId, urgent.run.runId]), [urgent.run, started.run].sort((a, b) => (a.runId < b.runId ? -1 : 1)));
      assert.deepEqual(await store.runs.getRuns([]), []);
    });

    test('changing a run read from the store changes nothing stored or read later, however often the run was appended to', async () => {
      const requested = requestedRun({ dag: { a: [], b: ['a'] }, at: T0 });
      await store.ledger.append(stamp(requested.drafts));
      let run = requested.run;
      // Several batches, so the store has read back and kept the run it wrote (see KeptRowReader).
      for (let i = 1; i <= 3; i += 1) {
        const next = step(run, T0 + i * 1000);
        if (next.drafts.length === 0) break;
        await store.ledger.append(stamp(next.drafts, T0 + i * 1000));
        run = next.run;
      }
      for (const read of [await store.runs.getRun(run.runId), (await store.runs.getRuns([run.runId]))[0], (await store.runs.listActiveRuns())[0]]) {
        assert.ok(read);
        const expected = structuredClone(read);
        // A kept run is frozen (the change throws); a parsed one is the caller's own copy.
        try {
          const task = read.tasks[0]!;
          task.status = 'FAILED';
          task.attempts.push({ ...task.attempts[0]!, attempt: 9 });
          read.tasks.reverse();
          read.status = 'CANCELED';
        } catch (error) {
          assert.ok(error instanceof TypeError, String(error));
        }
        assert.deepEqual(await store.runs.getRun(run.runId), expected);
        assert.deepEqual(expected, run, 'what the store reads back is the run the fold gives');
      }
    });

    test('a lease is held by one holder until it expires or is released', async () => {
      assert.equal((await store.leases.acquireLease('daemon', 'A', 1000, T0)).acquired, true);
      assert.deepEqual(await store.leases.acquireLease('daemon', 'B', 1000, T0 + 500), { acquired: false, holder: 'A', expiresAtEpochMs: T0 + 1000, fencingToken: 1 });
      assert.equal((await store.leases.acquireLease('daemon', 'B', 1000, T0 + 1000)).acquired, true);
      assert.equal((await store.leases.acquireLease('daemon', 'C', 1000, T0 + 1001, 'B')).acquired, true, 'takeover from a named dead holder');
      await store.leases.releaseLease('daemon', 'C');
      assert.equal((await store.leases.acquireLease('daemon', 'D', 1000, T0 + 1002)).acquired, true);
    });

    test('each change of the lease holder draws a higher fencing token, a renewal keeps it, and a release does not reset it', async () => {
      const tokens = [
        await store.leases.acquireLease('daemon', 'A', 1000, T0),
        await store.leases.acquireLease('daemon', 'A', 1000, T0 + 500),
        await store.leases.acquireLease('daemon', 'B', 1000, T0 + 2000),
      ].map((g) => g.fencingToken);
      await store.leases.releaseLease('daemon', 'B');
      tokens.push((await store.leases.acquireLease('daemon', 'A', 1000, T0 + 2001)).fencingToken);
      assert.deepEqual(tokens, [1, 1, 2, 3]);
      assert.deepEqual(await store.leases.readLease('daemon'), { name: 'daemon', holder: 'A', expiresAtEpochMs: T0 + 3001, fencingToken: 3 });
    });

    test('an append fenced by a token the lease no longer carries is refused with LEADER_FENCED and writes nothing', async () => {
      const old = await store.leases.acquireLease('daemon', 'A', 1000, T0);
      const fence = { lease: 'daemon', token: old.fencingToken };
      assert.equal((await store.ledger.append(stamp([addKeys(['a'], 'a')]), { fence })).appended.length, 1, 'the holder appends with its token');
      await withOthers(1, async ([, other]) => {
        assert.equal((await other!.leases.acquireLease('daemon', 'B', 1000, T0 + 1000)).acquired, true);
      });
      await assert.rejects(store.ledger.append(stamp([addKeys(['b'], 'b')]), { fence }), (e: { code?: string; details?: unknown }) => {
        assert.equal(e.code, 'LEADER_FENCED');
        assert.deepEqual(e.details, { lease: 'daemon', token: 1, currentToken: 2 });
        return true;
      });
      assert.equal(await store.ledger.lastSequence(), 1, 'nothing of the refused append was written');
      assert.deepEqual(await store.automation.getDynamicPartitionKeys('files'), ['a']);
      assert.equal((await store.ledger.append(stamp([addKeys(['c'], 'c')]))).appended.length, 1, 'appends without a fence (users, workers) are not fenced');
    });

    test('daemon heartbeats are recorded, replaced by the next one, listed most recently seen first and forgotten on a clean stop', async () => {
      const beat = { host: 'h', pid: 1, startedAtEpochMs: T0, loops: { coordinator: T0 + 50 } } as const;
      await store.daemons.recordDaemonHeartbeat({ ...beat, daemonId: 'h:1:a', role: 'standby', seenAtEpochMs: T0, fencingToken: null });
      await store.daemons.recordDaemonHeartbeat({ ...beat, daemonId: 'h:2:b', role: 'standby', seenAtEpochMs: T0 + 100, fencingToken: null });
      await store.daemons.recordDaemonHeartbeat({ ...beat, daemonId: 'h:1:a', role: 'leader', seenAtEpochMs: T0 + 200, fencingToken: 4 });
      const listed = await store.daemons.listDaemonHeartbeats(T0);
      assert.deepEqual(listed.map((d) => [d.daemonId, d.role, d.seenAtEpochMs, d.fencingToken]), [['h:1:a', 'leader', T0 + 200, 4], ['h:2:b', 'standby', T0 + 100, null]]);
      assert.deepEqual(listed[0], { ...beat, daemonId: 'h:1:a', role: 'leader', seenAtEpochMs: T0 + 200, fencingToken: 4 });
      assert.deepEqual((await store.daemons.listDaemonHeartbeats(T0 + 150)).map((d) => d.daemonId), ['h:1:a'], 'only daemons heard from since the given time');
      await store.daemons.removeDaemonHeartbeat('h:1:a');
      assert.deepEqual((await store.daemons.listDaemonHeartbeats(T0)).map((d) => d.daemonId), ['h:2:b']);
    });

    test('concurrent appends from several processes fold in ledger sequence order and keep each idempotency key once', async () => {
      // Each of 4 stores appends 10 batches at once. Every batch adds its own key to one dynamic
      // partitions set (whose keys keep fold order) and repeats one shared event. If two appends
      // folded out of sequence order, the set's keys would differ from a replay in sequence order.
      const results = await withOthers(3, (stores) =>
        Promise.all(stores.flatMap((s, i) => Array.from({ length: 10 }, (_, j) => s.ledger.append(stamp([addKeys([`k${i}-${j}`], `r${i}-${j}`), addKeys(['shared'], 'shared')]))))),
      );
      const events = await store.ledger.readEvents({ limit: 1000 });
      assert.equal(events.length, 41);
      assert.equal(new Set(events.map((e) => e.idempotencyKey)).size, 41, 'no idempotency key stored twice');
      assert.equal(results.reduce((n, r) => n + r.duplicates.length, 0), 39, 'the shared event is a duplicate in every batch but one');
      const sequences = events.map((e) => e.sequence);
      assert.deepEqual(sequences, [...sequences].sort((a, b) => a - b));
      const inSequenceOrder = [...new Set(events.flatMap((e) => (e.type === 'DynamicPartitionsChanged' ? e.payload.keys : [])))];
      assert.deepEqual(await store.automation.getDynamicPartitionKeys('files'), inSequenceOrder);
      const live = await store.admin.projectionHash();
      assert.equal((await store.admin.rebuildProjections()).hash, live);
    });

    test('of several processes asking for a free lease at once, exactly one gets it', async () => {
      const grants = await withOthers(4, (stores) => Promise.all(stores.map((s, i) => s.leases.acquireLease('daemon', `H${i}`, 1000, T0))));
      const winners = grants.filter((g) => g.acquired);
      assert.equal(winners.length, 1);
      for (const grant of grants) assert.deepEqual({ holder: grant.holder, expiresAtEpochMs: grant.expiresAtEpochMs }, { holder: winners[0]!.holder, expiresAtEpochMs: T0 + 1000 });
    });

    test('an Idempotency-Key is claimed once, answers with its stored response once completed, and can be claimed again once released', async () => {
      assert.deepEqual(await store.requestKeys.claimRequestKey('runs', 'k1', 'h1', T0), { state: 'claimed' });
      assert.deepEqual(await store.requestKeys.claimRequestKey('runs', 'k1', 'h1', T0 + 1), { state: 'pending', requestHash: 'h1' });
      assert.deepEqual(await store.requestKeys.claimRequestKey('other', 'k1', 'h2', T0), { state: 'claimed' }, 'keys are scoped');
      await store.requestKeys.completeRequestKey('runs', 'k1', 201, '{"ok":true}');
      assert.deepEqual(await store.requestKeys.claimRequestKey('runs', 'k1', 'h9', T0 + 2), { state: 'done', requestHash: 'h1', status: 201, body: '{"ok":true}' });
      await store.requestKeys.releaseRequestKey('runs', 'k1');
      assert.equal((await store.requestKeys.claimRequestKey('runs', 'k1', 'h1', T0 + 3)).state, 'done', 'a completed key is never released');
      await store.requestKeys.releaseRequestKey('other', 'k1');
      assert.deepEqual(await store.requestKeys.claimRequestKey('other', 'k1', 'h3', T0 + 4), { state: 'claimed' });
    });

    test('attempt heartbeats are recorded and read back by attempt id', async () => {
      await store.leases.recordHeartbeats(['a1', 'a2', 'a1'], T0);
      await store.leases.recordHeartbeats(['a2'], T0 + 500);
      assert.deepEqual(await store.leases.readHeartbeats(['a2', 'a1', 'a3']), new Map([['a2', T0 + 500], ['a1', T0]]));
      assert.deepEqual(await store.leases.readHeartbeats([]), new Map());
    });

    test('a daemon cursor reads back what was written and never moves back', async () => {
      assert.equal(await store.leases.readCursor('run_retries'), undefined);
      await store.leases.writeCursor('run_retries', 40);
      await store.leases.writeCursor('run_retries', 25);
      assert.equal(await store.leases.readCursor('run_retries'), 40);
      await store.leases.writeCursor('run_retries', 41);
      assert.equal(await store.leases.readCursor('run_retries'), 41);
      assert.equal(await store.leases.readCursor('other'), undefined);
    });

    test("a run's events read back by correlation id in sequence order, after a given sequence", async () => {
      const { run, drafts } = requestedRun({ dag: { a: [] } });
      await store.ledger.append(stamp(drafts));
      await store.ledger.append(stamp([addKeys(['x'], 'x')]));
      await store.ledger.append(stamp(step(run, T0 + 1).drafts, T0 + 1));
      const events = await store.ledger.readEvents({ correlationId: run.runId, limit: 10 });
      assert.deepEqual(events.map((e) => [e.sequence, e.type]), [[1, 'RunRequested'], [3, 'RunStarted'], [4, 'TaskDispatched']]);
      assert.deepEqual((await store.ledger.readEvents({ correlationId: run.runId, afterSequence: 1, limit: 1 })).map((e) => e.sequence), [3]);
    });

    test('system SQL answers one query over the views and refuses writes and several statements', async () => {
      const { run, drafts } = requestedRun({ dag: { a: [], b: ['a'] }, tags: { team: 'data' } });
      await store.ledger.append(stamp(drafts));
      assert.deepEqual(await store.sql.querySystem('SELECT run_id, status, task_count, tags, asset_keys FROM system_runs', 10), {
        columns: ['run_id', 'status', 'task_count', 'tags', 'asset_keys'],
        rows: [[run.runId, 'QUEUED', 2, '{"team":"data"}', '["a","b"]']],
        truncated: false,
      });
      const tasks = await store.sql.querySystem('SELECT task_key, status, attempts FROM system_tasks ORDER BY task_key', 1);
      assert.deepEqual(tasks, { columns: ['task_key', 'status', 'attempts'], rows: [['a', 'READY', 0]], truncated: true });
      for (const sql of ['DELETE FROM runs', 'SELECT 1; SELECT 2', "UPDATE runs SET status = 'SUCCESS'"]) {
        await assert.rejects(store.sql.querySystem(sql, 10), { code: 'SQL_REFUSED' }, sql);
      }
      await assert.rejects(store.sql.querySystem('SELECT no_such_column FROM system_runs', 10), { code: 'SQL_ERROR' });
      assert.equal((await store.runs.getRun(run.runId))?.status, 'QUEUED');
    });

    test('a backfill and its chunks fold in the append, read back by id, request id, status and chunk order, and rebuild to the same hash', async () => {
      const { backfill, planning } = createBackfillFor({ dag: { a: [] }, partitions: { a: dailyPartitions({ start: '2026-01-01' }) }, selector: '2026-01-01...2026-01-03', maxConcurrentRuns: 2 });
      const first = stepBackfill(backfill, planning);
      const second = stepBackfill(first.after, planning, first.runs.map((r) => endRun(r)));
      await store.ledger.append(stamp(backfillCreatedDrafts(backfill)));
      await store.ledger.append(stamp(first.drafts));
      await store.ledger.append(stamp(second.drafts, T0 + 1));
      const stored = await store.backfills.getBackfill(backfill.backfillId);
      assert.deepEqual(stored?.counts, second.after.counts);
      assert.deepEqual(stored?.units, second.after.units);
      assert.equal((await store.backfills.getBackfillByRequestId('req-1'))?.backfillId, backfill.backfillId);
      assert.deepEqual((await store.backfills.listActiveBackfills()).map((b) => b.backfillId), [backfill.backfillId]);
      assert.deepEqual((await store.backfills.listBackfills({ statuses: ['COMPLETED_SUCCESS'], limit: 5 })).length, 0);
      const chunks = await store.backfills.listBackfillChunks(backfill.backfillId, { limit: 10 });
      assert.deepEqual(chunks.map((c) => [c.chunkIndex, c.status, c.firstKey]), [[0, 'SUCCESS', '2026-01-01'], [1, 'SUCCESS', '2026-01-02'], [2, 'IN_PROGRESS', '2026-01-03']]);
      assert.deepEqual((await store.backfills.listBackfillChunks(backfill.backfillId, { afterChunkIndex: 0, limit: 1 })).map((c) => c.chunkIndex), [1]);
      const before = await store.admin.projectionHash();
      assert.equal((await store.admin.rebuildProjections()).hash, before);
    });

    test('a backfill state change appended on a stale state version appends nothing and says CONCURRENT_MODIFICATION', async () => {
      const { backfill } = createBackfillFor({ dag: { a: [] }, partitions: { a: dailyPartitions({ start: '2026-01-01' }) }, selector: '2026-01-01' });
      await store.ledger.append(stamp(backfillCreatedDrafts(backfill)));
      const pause = decideBackfillCommand(backfill, 'pause', null);
      await store.ledger.append(stamp([pause]), { expect: [{ table: 'backfills', id: backfill.backfillId, version: 1 }] });
      const cancel = decideBackfillCommand(backfill, 'cancel', null);
      const sequence = await store.ledger.lastSequence();
      await assert.rejects(store.ledger.append(stamp([cancel]), { expect: [{ table: 'backfills', id: backfill.backfillId, version: 1 }] }), { code: 'CONCURRENT_MODIFICATION' });
      assert.equal(await store.ledger.lastSequence(), sequence);
      const stored = await store.backfills.getBackfill(backfill.backfillId);
      assert.deepEqual([stored?.status, stored?.stateVersion], ['PAUSED', 2]);
    });
  });
}
