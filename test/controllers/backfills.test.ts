/**
 * The backfill controller, as tables: a backfill built by the real create decision and fold, a
 * fixed `now`, the runs of its chunks ended by hand, and the exact events of each step.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dailyPartitions, staticPartitions, weeklyPartitions } from '../../src/authoring/index.js';
import { decideBackfillCommand, decideBackfillCreate } from '../../src/controllers/index.js';
import { isArcoError } from '../../src/domain/errors/index.js';
import type { EventDraft, PayloadOf } from '../../src/events/index.js';
import { BF_NOW, createBackfillFor, endRun, foldBackfill, stepBackfill, types } from '../helpers/backfills.js';
import { makeIds } from '../helpers/runs.js';
import { planningOf } from '../helpers/automation.js';

const daily = dailyPartitions({ start: '2026-01-01' });
const payloads = <T extends EventDraft['type']>(drafts: readonly EventDraft[], type: T) =>
  drafts.filter((d) => d.type === type).map((d) => d.payload as PayloadOf<T>);

describe('backfill controller: planning chunks', () => {
  test('plans chunk runs up to maxConcurrentRuns, each requested with run key backfill:{id}:chunk:{n} and its tags in the batch that plans the chunk', () => {
    const { backfill, planning } = createBackfillFor({ dag: { a: [] }, partitions: { a: daily }, selector: '2026-01-01...2026-01-05', policy: { kind: 'multiRun', partitionsPerRun: 2 }, maxConcurrentRuns: 2 });
    const step = stepBackfill(backfill, planning);
    assert.deepEqual(types(step.drafts), ['RunRequested', 'BackfillChunkPlanned', 'RunRequested', 'BackfillChunkPlanned']);
    const runs = payloads(step.drafts, 'RunRequested');
    assert.deepEqual(runs.map((r) => r.runKey), [`backfill:${backfill.backfillId}:chunk:0`, `backfill:${backfill.backfillId}:chunk:1`]);
    assert.deepEqual(runs[0]?.tags, {
      team: 'data',
      'arco/backfill': backfill.backfillId,
      'arco/asset_partition_range_start': '2026-01-01',
      'arco/asset_partition_range_end': '2026-01-02',
      'arco/run_key': `backfill:${backfill.backfillId}:chunk:0`,
    });
    assert.deepEqual(runs.map((r) => r.tasks.map((t) => t.taskKey)), [['a[2026-01-01]', 'a[2026-01-02]'], ['a[2026-01-03]', 'a[2026-01-04]']]);
    assert.deepEqual(payloads(step.drafts, 'BackfillChunkPlanned').map((c) => [c.chunkIndex, c.runId, c.firstKey, c.lastKey]), [
      [0, runs[0]?.runId, '2026-01-01', '2026-01-02'],
      [1, runs[1]?.runId, '2026-01-03', '2026-01-04'],
    ]);
    assert.equal(step.expectStateVersion, 1);
    assert.deepEqual(stepBackfill(step.after, planning, step.runs).drafts, [], 'nothing more while both chunk runs are in flight');
  });

  test('a chunk run that ends is recorded and the next chunk is planned in the same step', () => {
    const { backfill, planning } = createBackfillFor({ dag: { a: [] }, partitions: { a: daily }, selector: '2026-01-01...2026-01-03', maxConcurrentRuns: 1 });
    const first = stepBackfill(backfill, planning);
    const second = stepBackfill(first.after, planning, first.runs.map((r) => endRun(r)));
    assert.deepEqual(types(second.drafts), ['BackfillChunkFinished', 'RunRequested', 'BackfillChunkPlanned']);
    assert.deepEqual(payloads(second.drafts, 'BackfillChunkFinished')[0], {
      backfillId: backfill.backfillId, chunkIndex: 0, unitIndex: 0, from: 0, to: 1, runId: first.runs[0]?.runId, runStatus: 'SUCCESS', materialized: 1, unmaterialized: [], failedPositions: [],
    });
    assert.equal(second.after.counts.materialized, 1);
  });

  test('a backfill whose chunks all materialized completes COMPLETED_SUCCESS with one run per chunk', () => {
    const { backfill, planning } = createBackfillFor({ dag: { a: [], b: ['a'] }, partitions: { a: daily, b: daily }, selector: '2026-01-01...2026-01-04', policy: { kind: 'multiRun', partitionsPerRun: 2 } });
    const first = stepBackfill(backfill, planning);
    assert.equal(first.runs.length, 2);
    const last = stepBackfill(first.after, planning, first.runs.map((r) => endRun(r)));
    assert.deepEqual(types(last.drafts), ['BackfillChunkFinished', 'BackfillChunkFinished', 'BackfillStateChanged']);
    assert.deepEqual(payloads(last.drafts, 'BackfillStateChanged')[0], {
      backfillId: backfill.backfillId, stateVersion: 2, fromStatus: 'REQUESTED', status: 'COMPLETED_SUCCESS', reason: 'every partition materialized', error: null,
    });
    assert.deepEqual(last.after.counts, { total: 8, planned: 8, materialized: 8, failed: 0, skipped: 0, canceled: 0 });
  });

  test('a single-run backfill requests one run over the whole range', () => {
    const { backfill, planning } = createBackfillFor({ dag: { a: [] }, partitions: { a: daily }, selector: '2026-01-01...2026-01-20', policy: { kind: 'singleRun' } });
    const step = stepBackfill(backfill, planning);
    const [run] = payloads(step.drafts, 'RunRequested');
    assert.equal(payloads(step.drafts, 'RunRequested').length, 1);
    assert.deepEqual(run?.partition, { kind: 'range', start: '2026-01-01', end: '2026-01-20' });
    assert.equal(run?.tasks.length, 20);
  });

  test('a backfill with a failed partition completes COMPLETED_FAILED, counting failed and skipped partitions', () => {
    const { backfill, planning } = createBackfillFor({ dag: { a: [], b: ['a'] }, partitions: { a: daily, b: daily }, selector: '2026-01-01...2026-01-02', policy: { kind: 'singleRun' } });
    const first = stepBackfill(backfill, planning);
    const last = stepBackfill(first.after, planning, first.runs.map((r) => endRun(r, ['a[2026-01-02]'])));
    assert.equal(payloads(last.drafts, 'BackfillStateChanged')[0]?.status, 'COMPLETED_FAILED');
    assert.deepEqual(last.after.counts, { total: 4, planned: 4, materialized: 2, failed: 1, skipped: 1, canceled: 0 });
    assert.deepEqual(last.after.units[0]?.failed, [[1, 2]]);
  });
});

describe('backfill controller: dependencies between chunks', () => {
  test('a downstream partition waits for the upstream partition it maps to in an earlier chunk (previous-day mapping)', () => {
    const previousDay = { kind: 'timeWindow' as const, startOffset: -1, endOffset: -1, allowNonexistentUpstream: false };
    const { backfill, planning } = createBackfillFor({ dag: { a: [], b: ['a'] }, partitions: { a: daily, b: daily }, selector: '2026-01-02...2026-01-04' });
    const mapped = { ...planning, mappingOf: (down: string) => (down === 'b' ? previousDay : { kind: 'identity' as const }) };
    const first = stepBackfill(backfill, mapped);
    assert.equal(first.runs.length, 1, 'chunk 1 reads chunk 0, so it waits');
    const second = stepBackfill(first.after, mapped, first.runs.map((r) => endRun(r)));
    assert.deepEqual(payloads(second.drafts, 'BackfillChunkPlanned').map((c) => c.firstKey), ['2026-01-03']);
  });

  test('assets with different partitions definitions are planned per definition: a weekly partition waits for its seven days', () => {
    const weekly = weeklyPartitions({ start: '2026-01-04' });
    const planning = planningOf({ d: [], w: ['d'] }, BF_NOW, { d: daily, w: weekly });
    const decision = decideBackfillCreate(
      {
        clientRequestId: 'mixed',
        assetKeys: ['d', 'w'],
        partition: null,
        policy: { kind: 'multiRun', partitionsPerRun: 7 },
        maxConcurrentRuns: 5,
        tags: {},
        config: {},
        selections: new Map([
          ['d', { kind: 'selector', selector: { kind: 'range', start: '2026-01-04', end: '2026-01-10' } }],
          ['w', { kind: 'selector', selector: { kind: 'range', start: '2026-01-04', end: '2026-01-04' } }],
        ]),
      },
      undefined,
      planning,
      makeIds(2),
      BF_NOW,
    );
    assert.equal(decision.kind, 'new');
    const mixed = foldBackfill(undefined, decision.kind === 'new' ? decision.drafts : []);
    assert.deepEqual(mixed.units.map((u) => u.assetKeys), [['d'], ['w']]);
    const first = stepBackfill(mixed, planning);
    assert.deepEqual(first.runs.map((r) => r.assetKeys), [['d']], 'the weekly chunk waits for its days');
    const second = stepBackfill(first.after, planning, first.runs.map((r) => endRun(r)));
    assert.deepEqual(second.runs.map((r) => [r.assetKeys, r.tasks.map((t) => t.partitionKey)]), [[['w'], ['2026-01-04']]]);
  });

  // Skipping is per partition key of a unit: a[2026-01-03] shares its unit with b[2026-01-03], so the key is skipped for both.
  test('a downstream chunk whose upstream partitions failed is planned without a run and counted skipped, with the upstream named', () => {
    const previousDay = { kind: 'timeWindow' as const, startOffset: -1, endOffset: -1, allowNonexistentUpstream: false };
    const { backfill, planning } = createBackfillFor({ dag: { a: [], b: ['a'] }, partitions: { a: daily, b: daily }, selector: '2026-01-02...2026-01-03' });
    const mapped = { ...planning, mappingOf: (down: string) => (down === 'b' ? previousDay : { kind: 'identity' as const }) };
    const first = stepBackfill(backfill, mapped);
    const second = stepBackfill(first.after, mapped, first.runs.map((r) => endRun(r, ['a[2026-01-02]'])));
    const [planned] = payloads(second.drafts, 'BackfillChunkPlanned');
    assert.equal(planned?.runId, null);
    assert.equal(planned?.skipReason, 'upstream partition a[2026-01-02] of b did not materialize in this backfill');
    assert.equal(payloads(second.drafts, 'BackfillStateChanged')[0]?.status, 'COMPLETED_FAILED');
    assert.deepEqual(second.after.counts, { total: 4, planned: 4, materialized: 1, failed: 1, skipped: 2, canceled: 0 });
  });
  test('a failed upstream partition skips only the downstream partitions that read it: the rest of their chunk runs', () => {
    const weekly = weeklyPartitions({ start: '2026-01-04' });
    const planning = planningOf({ d: [], w: ['d'] }, BF_NOW, { d: daily, w: weekly });
    const decision = decideBackfillCreate(
      {
        clientRequestId: 'per-partition',
        assetKeys: ['d', 'w'],
        partition: null,
        policy: { kind: 'multiRun', partitionsPerRun: 7 },
        maxConcurrentRuns: 5,
        tags: {},
        config: {},
        selections: new Map([
          ['d', { kind: 'selector', selector: { kind: 'range', start: '2026-01-04', end: '2026-01-17' } }],
          ['w', { kind: 'selector', selector: { kind: 'range', start: '2026-01-04', end: '2026-01-11' } }],
        ]),
      },
      undefined,
      planning,
      makeIds(3),
      BF_NOW,
    );
    const backfill = foldBackfill(undefined, decision.kind === 'new' ? decision.drafts : []);
    const days = stepBackfill(backfill, planning);
    assert.deepEqual(days.runs.map((r) => r.assetKeys), [['d'], ['d']]);
    const weeks = stepBackfill(days.after, planning, days.runs.map((r, i) => endRun(r, i === 1 ? ['d[2026-01-13]'] : [])));
    assert.deepEqual(weeks.runs.map((r) => r.tasks.map((t) => t.taskKey)), [['w[2026-01-04]']], 'the week of the failed day is left out of the run');
    const [planned] = payloads(weeks.drafts, 'BackfillChunkPlanned');
    assert.deepEqual([planned?.firstKey, planned?.lastKey, planned?.partitionCount], ['2026-01-04', '2026-01-11', 2]);
    assert.equal(planned?.skipReason, '1 of 2 partitions skipped, first 2026-01-11: upstream partition d[2026-01-13] of w did not materialize in this backfill');
    const last = stepBackfill(weeks.after, planning, weeks.runs.map((r) => endRun(r)));
    const [finished] = payloads(last.drafts, 'BackfillChunkFinished');
    assert.deepEqual([finished?.materialized, finished?.unmaterialized, finished?.failedPositions], [1, [{ assetKey: 'w', partitionKey: '2026-01-11', state: 'SKIPPED' }], [1]]);
    assert.equal(payloads(last.drafts, 'BackfillStateChanged')[0]?.status, 'COMPLETED_FAILED');
    assert.deepEqual(last.after.counts, { total: 16, planned: 16, materialized: 14, failed: 1, skipped: 1, canceled: 0 });
  });
});

describe('backfill controller: pause, cancel and state changes', () => {
  test('a PAUSED backfill plans nothing but records chunk runs that ended', () => {
    const { backfill, planning } = createBackfillFor({ dag: { a: [] }, partitions: { a: daily }, selector: '2026-01-01...2026-01-03', maxConcurrentRuns: 1 });
    const first = stepBackfill(backfill, planning);
    const paused = foldBackfill(first.after, [decideBackfillCommand(first.after, 'pause', null)]);
    const step = stepBackfill(paused, planning, first.runs.map((r) => endRun(r)));
    assert.deepEqual(types(step.drafts), ['BackfillChunkFinished']);
    assert.equal(step.expectStateVersion, 2);
  });

  test('a CANCELING backfill asks for its runs in flight to be canceled, and becomes CANCELED once none is left', () => {
    const { backfill, planning } = createBackfillFor({ dag: { a: [] }, partitions: { a: daily }, selector: '2026-01-01...2026-01-03', maxConcurrentRuns: 2 });
    const first = stepBackfill(backfill, planning);
    const canceling = foldBackfill(first.after, [decideBackfillCommand(first.after, 'cancel', null)]);
    const waiting = stepBackfill(canceling, planning, first.runs);
    assert.deepEqual(waiting.cancelRunIds, first.runs.map((r) => r.runId));
    assert.deepEqual(waiting.drafts, []);
    const done = stepBackfill(canceling, planning, first.runs.map((r) => endRun(r, [], 'CANCELED')));
    assert.deepEqual(types(done.drafts), ['BackfillChunkFinished', 'BackfillChunkFinished', 'BackfillStateChanged']);
    assert.equal(done.after.status, 'CANCELED');
    assert.equal(done.after.stateVersion, 3);
  });

  const transitions: { title: string; from: 'REQUESTED' | 'PAUSED' | 'CANCELING' | 'COMPLETED_SUCCESS'; command: 'pause' | 'resume' | 'cancel'; to?: string }[] = [
    { title: 'pause moves REQUESTED to PAUSED', from: 'REQUESTED', command: 'pause', to: 'PAUSED' },
    { title: 'resume moves PAUSED to REQUESTED', from: 'PAUSED', command: 'resume', to: 'REQUESTED' },
    { title: 'cancel moves REQUESTED to CANCELING', from: 'REQUESTED', command: 'cancel', to: 'CANCELING' },
    { title: 'cancel moves PAUSED to CANCELING', from: 'PAUSED', command: 'cancel', to: 'CANCELING' },
    { title: 'pausing a PAUSED backfill is a state conflict naming PAUSED', from: 'PAUSED', command: 'pause' },
    { title: 'resuming a REQUESTED backfill (a double resume) is a state conflict naming REQUESTED', from: 'REQUESTED', command: 'resume' },
    { title: 'canceling a CANCELING backfill is a state conflict naming CANCELING', from: 'CANCELING', command: 'cancel' },
    { title: 'canceling a completed backfill is a state conflict naming COMPLETED_SUCCESS', from: 'COMPLETED_SUCCESS', command: 'cancel' },
  ];
  for (const t of transitions) {
    test(t.title, () => {
      const { backfill } = createBackfillFor({ dag: { a: [] }, partitions: { a: daily }, selector: '2026-01-01' });
      const at = { ...backfill, status: t.from, stateVersion: 4 } as typeof backfill;
      if (t.to) {
        const drafted = decideBackfillCommand(at, t.command, 'because');
        assert.equal(drafted.idempotencyKey, `backfill_state:${backfill.backfillId}:5:${t.to}`);
        assert.deepEqual(drafted.payload, { backfillId: backfill.backfillId, stateVersion: 5, fromStatus: t.from, status: t.to, reason: 'because', error: null });
      } else {
        assert.throws(() => decideBackfillCommand(at, t.command, null), (e: unknown) => isArcoError(e) && e.code === 'BACKFILL_STATE_CONFLICT' && e.httpStatus === 409 && e.details?.currentStatus === t.from && e.message.includes(t.from));
      }
    });
  }

  test('a command carrying a state version other than the current one is a state conflict', () => {
    const { backfill } = createBackfillFor({ dag: { a: [] }, partitions: { a: daily }, selector: '2026-01-01' });
    assert.throws(() => decideBackfillCommand(backfill, 'pause', null, 7), (e: unknown) => isArcoError(e) && e.code === 'BACKFILL_STATE_CONFLICT' && e.details?.stateVersion === 1);
  });
});

describe('backfill controller: failure of the machinery', () => {
  test('a planning error (the definition lost partitions the backfill selected) makes the backfill FAILED with the error', () => {
    const { backfill, planning } = createBackfillFor({ dag: { a: [] }, partitions: { a: staticPartitions(['x', 'y', 'z']) }, selector: 'x...z', policy: { kind: 'multiRun', partitionsPerRun: 3 } });
    const shrunk = { ...planning, partitionsOf: () => staticPartitions(['x']) };
    const step = stepBackfill(backfill, shrunk);
    assert.deepEqual(types(step.drafts), ['BackfillStateChanged']);
    const [changed] = payloads(step.drafts, 'BackfillStateChanged');
    assert.deepEqual([changed?.status, changed?.stateVersion, changed?.error?.code], ['FAILED', 2, 'UNKNOWN_PARTITION']);
    assert.equal(step.after.status, 'FAILED');
  });

  test('a planning error with chunk runs in flight cancels them first (CANCELING), records how they ended, then ends FAILED with the error', () => {
    const { backfill, planning } = createBackfillFor({ dag: { a: [] }, partitions: { a: staticPartitions(['x', 'y', 'z']) }, selector: 'x...z', policy: { kind: 'multiRun', partitionsPerRun: 1 }, maxConcurrentRuns: 2 });
    const first = stepBackfill(backfill, planning);
    const [done, running] = first.runs;
    assert.ok(done && running);
    // The definition loses z while y still runs: planning z fails once x's run frees a slot.
    const shrunk = { ...planning, partitionsOf: () => staticPartitions(['x', 'y']) };
    const failing = stepBackfill(first.after, shrunk, [endRun(done), { ...running, status: 'STARTED' }]);
    assert.equal(failing.after.status, 'CANCELING');
    assert.equal(failing.after.error?.code, 'UNKNOWN_PARTITION');
    assert.deepEqual(failing.cancelRunIds, [running.runId]);
    const ended = stepBackfill(failing.after, shrunk, [endRun(running, [], 'CANCELED')]);
    assert.deepEqual(types(ended.drafts), ['BackfillChunkFinished', 'BackfillStateChanged']);
    assert.equal(ended.after.status, 'FAILED');
    assert.equal(payloads(ended.drafts, 'BackfillStateChanged')[0]?.error?.code, 'UNKNOWN_PARTITION');
  });
});

describe('backfill creation', () => {
  const request = (tags: Record<string, string>) => ({
    clientRequestId: 'same', assetKeys: ['a'], partition: { kind: 'range' as const, start: '2026-01-01', end: '2026-01-02' },
    policy: { kind: 'multiRun' as const, partitionsPerRun: 1 }, maxConcurrentRuns: 2, tags, config: {},
  });

  test('the same request id with the same parameters returns the existing backfill', () => {
    const { backfill, planning } = createBackfillFor({ dag: { a: [] }, partitions: { a: daily }, selector: '2026-01-01' });
    const first = decideBackfillCreate(request({}), undefined, planning, makeIds(1), BF_NOW);
    const holder = foldBackfill(undefined, first.kind === 'new' ? first.drafts : []);
    void backfill;
    const again = decideBackfillCreate(request({}), holder, planning, makeIds(2), BF_NOW);
    assert.equal(again.kind, 'existing');
    assert.equal(first.kind === 'new' ? first.drafts[0]?.idempotencyKey : '', 'backfill_create:same');
  });

  test('the same request id with other parameters is BACKFILL_REQUEST_CONFLICT naming the differing fields', () => {
    const { planning } = createBackfillFor({ dag: { a: [] }, partitions: { a: daily }, selector: '2026-01-01' });
    const first = decideBackfillCreate(request({}), undefined, planning, makeIds(1), BF_NOW);
    const holder = foldBackfill(undefined, first.kind === 'new' ? first.drafts : []);
    assert.throws(() => decideBackfillCreate(request({ x: 'y' }), holder, planning, makeIds(2), BF_NOW), (e: unknown) =>
      isArcoError(e) && e.code === 'BACKFILL_REQUEST_CONFLICT' && JSON.stringify(e.details?.differingFields) === '["tags"]');
  });
});

