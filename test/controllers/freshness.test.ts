/**
 * The freshness controller, as a table: policies, recorded states and latest materializations in,
 * the exact AssetFreshnessChanged drafts out at a fixed `now`; only a change is recorded, numbered
 * after the recorded state and keyed by that number.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decideFreshnessChanges, type FreshnessSubject } from '../../src/controllers/index.js';
import type { AssetFreshnessRecord } from '../../src/fold/index.js';

const NOW = Date.parse('2026-03-10T12:00:00Z');
const iso = (minutesAgo: number) => new Date(NOW - minutesAgo * 60_000).toISOString();
const policy = { kind: 'time_window', failAfterMinutes: 60, warnAfterMinutes: 30 } as const;
const subject = (assetKey: string, minutesAgo: number | null, sequence = 7): FreshnessSubject => ({
  assetKey,
  policy,
  lastMaterialization: minutesAgo === null ? null : { sequence, materializedAt: iso(minutesAgo) },
});
const record = (assetKey: string, state: AssetFreshnessRecord['state'], stateVersion: number): AssetFreshnessRecord => ({
  assetKey, state, stateVersion, previousState: null, lagMinutes: null, materializationSequence: null, changedAt: iso(90),
});
const decide = (subjects: FreshnessSubject[], recorded: AssetFreshnessRecord[]) =>
  decideFreshnessChanges({ subjects, recorded: new Map(recorded.map((r) => [r.assetKey, r])), nowEpochMs: NOW });

describe('freshness controller', () => {
  test('a state equal to the recorded one records nothing', () => {
    assert.deepEqual(decide([subject('a', 10), subject('b', 45), subject('c', 61), subject('d', null)], [
      record('a', 'PASS', 3), record('b', 'WARN', 1), record('c', 'FAIL', 2), record('d', 'UNKNOWN', 1),
    ]), []);
  });

  test('a changed state is one event numbered after the recorded state, keyed by asset and number', () => {
    assert.deepEqual(decide([subject('a', 45, 12)], [record('a', 'PASS', 3)]), [
      {
        type: 'AssetFreshnessChanged',
        payload: { assetKey: 'a', stateVersion: 4, state: 'WARN', previousState: 'PASS', lagMinutes: 45, materializationSequence: 12, evaluatedAt: new Date(NOW).toISOString() },
        idempotencyKey: 'freshness:a:4',
        correlationId: null,
      },
    ]);
  });

  test('the first evaluation of an asset is recorded as version 1 with no previous state, UNKNOWN included', () => {
    const drafts = decide([subject('never', null), subject('old', 120, 3)], []);
    assert.deepEqual(drafts.map((d) => [d.idempotencyKey, d.payload]), [
      ['freshness:never:1', { assetKey: 'never', stateVersion: 1, state: 'UNKNOWN', previousState: null, lagMinutes: null, materializationSequence: null, evaluatedAt: new Date(NOW).toISOString() }],
      ['freshness:old:1', { assetKey: 'old', stateVersion: 1, state: 'FAIL', previousState: null, lagMinutes: 120, materializationSequence: 3, evaluatedAt: new Date(NOW).toISOString() }],
    ]);
  });

  test('only the assets whose state changed get an event, in subject order', () => {
    const drafts = decide([subject('a', 5), subject('b', 5), subject('c', 70)], [record('a', 'PASS', 2), record('b', 'FAIL', 5), record('c', 'WARN', 1)]);
    assert.deepEqual(drafts.map((d) => d.idempotencyKey), ['freshness:b:6', 'freshness:c:2']);
    assert.deepEqual(drafts.map((d) => (d.payload as { state: string }).state), ['PASS', 'FAIL']);
  });

  test('a cron policy records FAIL once its deadline passes without a materialization in the window before it', () => {
    // Due daily at 12:00 UTC (which NOW is), materialized at least once from 11:00.
    const cron = { kind: 'cron', deadlineCron: '0 12 * * *', lowerBoundMinutes: 60, timezone: 'UTC' } as const;
    const drafts = decide([{ ...subject('in_window', 30), policy: cron }, { ...subject('too_early', 90, 4), policy: cron }], [record('in_window', 'PASS', 1), record('too_early', 'PASS', 1)]);
    assert.deepEqual(drafts.map((d) => [d.idempotencyKey, d.payload]), [
      ['freshness:too_early:2', { assetKey: 'too_early', stateVersion: 2, state: 'FAIL', previousState: 'PASS', lagMinutes: 90, materializationSequence: 4, evaluatedAt: new Date(NOW).toISOString() }],
    ]);
  });

  test('deciding twice from the same read proposes the same event, so the idempotency gate records it once', () => {
    const first = decide([subject('a', 61)], [record('a', 'WARN', 2)]);
    const second = decide([subject('a', 61)], [record('a', 'WARN', 2)]);
    assert.deepEqual(second, first);
    assert.equal(first[0]?.idempotencyKey, 'freshness:a:3');
  });
});
