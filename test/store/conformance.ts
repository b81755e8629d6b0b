/**
 * The Store conformance suite. Every engine runs the same tests (SQLite now, PostgreSQL later):
 * the idempotency gate, atomic batches, conditional appends, the fold in the same transaction,
 * reading back with validation, and rebuild to an identical projection hash.
 */
import { describe, test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { createUlidFactory, seededRng } from '../../src/domain/ids/index.js';
import { draft, idempotencyKeys, stampEvents, type EventDraft } from '../../src/events/index.js';
import type { Store } from '../../src/store/index.js';
import { T0, requestedRun, step } from '../helpers/runs.js';

export interface EngineHarness {
  readonly name: string;
  open(): Promise<Store>;
  /** Corrupts the payload of the event with this sequence (engine-specific SQL). */
  corruptEvent(store: Store, sequence: number): Promise<void>;
  cleanup(): Promise<void>;
}

export function storeConformance(engine: EngineHarness): void {
  describe(`${engine.name} store conformance`, () => {
    let store: Store;
    const ulid = createUlidFactory(seededRng(3));
    const stamp = (drafts: readonly EventDraft[], at = T0) => stampEvents(drafts, { ulid, nowEpochMs: at });

    beforeEach(async () => {
      store = await engine.open();
    });
    afterEach(async () => {
      await store.close();
      await engine.cleanup();
    });

    test('appending an event folds it into the projections in the same call', async () => {
      const { run, drafts } = requestedRun({ dag: { a: [], b: ['a'] } });
      const result = await store.append(stamp(drafts));
      assert.equal(result.appended.length, 1);
      assert.deepEqual(await store.getRun(run.runId), run);
    });

    test('a duplicate idempotency key is dropped, reported, and has no effect', async () => {
      const { run, drafts } = requestedRun({ dag: { a: [] }, runKey: 'k' });
      await store.append(stamp(drafts));
      const again = await store.append(stamp(drafts, T0 + 5));
      assert.deepEqual(again.duplicates, ['run:k']);
      assert.equal(again.appended.length, 0);
      assert.equal((await store.getRun(run.runId))?.createdAt, new Date(T0).toISOString());
      assert.equal(await store.lastSequence(), 1);
    });

    test('the rest of a batch applies when one member is a duplicate', async () => {
      const { run, drafts } = requestedRun({ dag: { a: [] } });
      await store.append(stamp(drafts));
      const started = draft('RunStarted', { runId: run.runId }, idempotencyKeys.runStarted(run.runId), run.runId);
      const result = await store.append(stamp([...drafts, started]));
      assert.equal(result.duplicates.length, 1);
      assert.equal(result.appended[0]?.type, 'RunStarted');
      assert.equal((await store.getRun(run.runId))?.status, 'STARTED');
    });

    test('a version mismatch appends nothing and says CONCURRENT_MODIFICATION', async () => {
      const { run, drafts } = requestedRun({ dag: { a: [] } });
      await store.append(stamp(drafts));
      const next = step(run, T0 + 1);
      await assert.rejects(store.append(stamp(next.drafts), { expect: [{ table: 'runs', id: run.runId, version: 99 }] }), {
        code: 'CONCURRENT_MODIFICATION',
      });
      assert.equal(await store.lastSequence(), 1);
      await store.append(stamp(next.drafts), { expect: [{ table: 'runs', id: run.runId, version: run.version }] });
      assert.equal((await store.getRun(run.runId))?.status, 'STARTED');
    });

    test('a batch that fails part-way appends none of its events', async () => {
      const { drafts } = requestedRun({ dag: { a: [] } });
      const orphan = draft('RunStarted', { runId: 'run_missing' }, 'run_started:run_missing', 'run_missing');
      await assert.rejects(store.append(stamp([...drafts, orphan])));
      assert.equal(await store.lastSequence(), 0);
      assert.deepEqual(await store.listRuns({ limit: 10 }), []);
    });

    test('rebuilding the projections from the ledger gives the same hash', async () => {
      for (let i = 0; i < 3; i += 1) {
        const { run, drafts } = requestedRun({ dag: { a: [], b: ['a'] }, at: T0 + i });
        await store.append(stamp(drafts));
        await store.append(stamp(step(run, T0 + 10).drafts, T0 + 10));
      }
      const before = await store.projectionHash();
      const rebuilt = await store.rebuildProjections();
      assert.equal(rebuilt.events, 9);
      assert.equal(rebuilt.hash, before);
    });

    test('reading back a corrupt event fails with its sequence number', async () => {
      const { drafts } = requestedRun({ dag: { a: [] } });
      await store.append(stamp(drafts));
      await engine.corruptEvent(store, 1);
      await assert.rejects(store.readEvents({ limit: 10 }), (e: { code: string; details: { sequence: number } }) => {
        assert.equal(e.code, 'CORRUPT_EVENT');
        assert.equal(e.details.sequence, 1);
        return true;
      });
      await assert.rejects(store.rebuildProjections(), { code: 'CORRUPT_EVENT' });
    });

    test('runs list newest first with a stable cursor and status filter', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 5; i += 1) {
        const { run, drafts } = requestedRun({ dag: { a: [] }, at: T0 + i * 1000 });
        ids.push(run.runId);
        await store.append(stamp(drafts));
      }
      const first = await store.listRuns({ limit: 2 });
      assert.deepEqual(first.map((r) => r.runId), [ids[4], ids[3]]);
      const second = await store.listRuns({ limit: 2, before: first[1]!.runId });
      assert.deepEqual(second.map((r) => r.runId), [ids[2], ids[1]]);
      assert.equal((await store.listRuns({ limit: 10, statuses: ['SUCCESS'] })).length, 0);
      assert.equal((await store.listActiveRuns()).length, 5);
    });

    test('a lease is held by one holder until it expires or is released', async () => {
      assert.equal((await store.acquireLease('daemon', 'A', 1000, T0)).acquired, true);
      assert.deepEqual(await store.acquireLease('daemon', 'B', 1000, T0 + 500), { acquired: false, holder: 'A', expiresAtEpochMs: T0 + 1000 });
      assert.equal((await store.acquireLease('daemon', 'B', 1000, T0 + 1000)).acquired, true);
      assert.equal((await store.acquireLease('daemon', 'C', 1000, T0 + 1001, 'B')).acquired, true, 'takeover from a named dead holder');
      await store.releaseLease('daemon', 'C');
      assert.equal((await store.acquireLease('daemon', 'D', 1000, T0 + 1002)).acquired, true);
    });
  });
}
