/** The backfills fold, as a table: events in, the backfill row out (status, state version, progress as intervals). */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dailyPartitions } from '../../src/authoring/index.js';
import { draft, idempotencyKeys, type EventDraft } from '../../src/events/index.js';
import type { BackfillProjection } from '../../src/fold/index.js';
import { createBackfillFor, foldBackfill } from '../helpers/backfills.js';

const { backfill: created } = createBackfillFor({ dag: { a: [], b: ['a'] }, partitions: { a: dailyPartitions({ start: '2026-01-01' }), b: dailyPartitions({ start: '2026-01-01' }) }, selector: '2026-01-01...2026-01-10' });
const id = created.backfillId;

const planned = (chunkIndex: number, from: number, to: number, runId: string | null = `run_${chunkIndex}`): EventDraft =>
  draft('BackfillChunkPlanned', { backfillId: id, chunkIndex, unitIndex: 0, from, to, partitionCount: to - from, firstKey: null, lastKey: null, runId, runKey: runId && `backfill:${id}:chunk:${chunkIndex}`, skipReason: null }, idempotencyKeys.backfillChunkPlanned(id, chunkIndex), runId);
const finished = (chunkIndex: number, from: number, to: number, failed: number[] = []): EventDraft =>
  draft(
    'BackfillChunkFinished',
    {
      backfillId: id, chunkIndex, unitIndex: 0, from, to, runId: `run_${chunkIndex}`, runStatus: failed.length ? 'FAILURE' : 'SUCCESS',
      materialized: (to - from) * 2 - failed.length * 2,
      unmaterialized: failed.flatMap((p) => [{ assetKey: 'a', partitionKey: `2026-01-${String(p + 1).padStart(2, '0')}`, state: 'FAILED' as const }, { assetKey: 'b', partitionKey: `2026-01-${String(p + 1).padStart(2, '0')}`, state: 'SKIPPED' as const }]),
      failedPositions: failed,
    },
    idempotencyKeys.backfillChunkFinished(id, chunkIndex),
    `run_${chunkIndex}`,
  );
const changed = (stateVersion: number, fromStatus: BackfillProjection['status'], status: BackfillProjection['status']): EventDraft =>
  draft('BackfillStateChanged', { backfillId: id, stateVersion, fromStatus, status, reason: null, error: null }, idempotencyKeys.backfillStateChanged(id, stateVersion, status), null);

describe('backfills fold', () => {
  const cases: { title: string; events: EventDraft[]; expect: (b: BackfillProjection) => void }[] = [
    {
      title: 'a created backfill is REQUESTED at state version 1 with its asset partitions counted, none planned',
      events: [],
      expect: (b) => {
        assert.deepEqual([b.status, b.stateVersion, b.counts.total, b.counts.planned, b.units[0]?.cursor], ['REQUESTED', 1, 20, 0, 0]);
      },
    },
    {
      title: 'a planned chunk moves its unit cursor and is in flight with its run',
      events: [planned(0, 0, 3)],
      expect: (b) => {
        assert.deepEqual([b.units[0]?.cursor, b.chunksPlanned, b.counts.planned], [3, 1, 6]);
        assert.deepEqual(b.inFlight, [{ chunkIndex: 0, unitIndex: 0, runId: 'run_0', from: 0, to: 3 }]);
      },
    },
    {
      title: 'ended chunks leave flight and their positions merge into few intervals, failures apart',
      events: [planned(0, 0, 3), planned(1, 3, 6), planned(2, 6, 9), finished(2, 6, 9, [7]), finished(0, 0, 3), finished(1, 3, 6)],
      expect: (b) => {
        assert.deepEqual(b.inFlight, []);
        assert.deepEqual(b.units[0]?.done, [[0, 9]]);
        assert.deepEqual(b.units[0]?.failed, [[7, 8]]);
        assert.deepEqual(b.counts, { total: 20, planned: 18, materialized: 16, failed: 1, skipped: 1, canceled: 0 });
      },
    },
    {
      title: 'every state change sets the status and the state version it carries',
      events: [changed(2, 'REQUESTED', 'PAUSED'), changed(3, 'PAUSED', 'REQUESTED'), changed(4, 'REQUESTED', 'CANCELING'), changed(5, 'CANCELING', 'CANCELED')],
      expect: (b) => {
        assert.deepEqual([b.status, b.stateVersion, b.finishedAt !== null], ['CANCELED', 5, true]);
      },
    },
  ];
  for (const c of cases) test(c.title, () => c.expect(foldBackfill(created, c.events)));
});
