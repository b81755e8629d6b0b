/**
 * Time-window freshness evaluated at the boundaries: data exactly `warnAfter` old warns and data
 * exactly `failAfter` old fails (Dagster's `>=`), a never-materialized asset is UNKNOWN.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  evaluateFreshness,
  formatDurationMinutes,
  nextFreshnessChangeAtMs,
  parseDurationMinutes,
  type FreshnessPolicy,
} from '../../../src/domain/assets/index.js';

const NOW = Date.parse('2026-03-10T12:00:00Z');
const MINUTE = 60_000;
const ago = (minutes: number) => NOW - minutes * MINUTE;
const withWarning: FreshnessPolicy = { kind: 'time_window', failAfterMinutes: 60, warnAfterMinutes: 30 };
const failOnly: FreshnessPolicy = { kind: 'time_window', failAfterMinutes: 60, warnAfterMinutes: null };

describe('time-window freshness evaluation', () => {
  const cases: { title: string; policy: FreshnessPolicy; last: number | null; state: string; lagMinutes: number | null }[] = [
    { title: 'never materialized is UNKNOWN with no lag', policy: withWarning, last: null, state: 'UNKNOWN', lagMinutes: null },
    { title: 'just materialized passes', policy: withWarning, last: ago(0), state: 'PASS', lagMinutes: 0 },
    { title: 'a millisecond before warnAfter still passes', policy: withWarning, last: NOW - 30 * MINUTE + 1, state: 'PASS', lagMinutes: (30 * MINUTE - 1) / MINUTE },
    { title: 'exactly warnAfter old warns', policy: withWarning, last: ago(30), state: 'WARN', lagMinutes: 30 },
    { title: 'a millisecond before failAfter warns', policy: withWarning, last: NOW - 60 * MINUTE + 1, state: 'WARN', lagMinutes: (60 * MINUTE - 1) / MINUTE },
    { title: 'exactly failAfter old fails', policy: withWarning, last: ago(60), state: 'FAIL', lagMinutes: 60 },
    { title: 'long past failAfter fails', policy: withWarning, last: ago(60 * 24 * 3), state: 'FAIL', lagMinutes: 60 * 24 * 3 },
    { title: 'without warnAfter, data between the would-be windows passes', policy: failOnly, last: ago(59), state: 'PASS', lagMinutes: 59 },
    { title: 'without warnAfter, exactly failAfter old fails', policy: failOnly, last: ago(60), state: 'FAIL', lagMinutes: 60 },
    { title: 'a materialization stamped after now (clock skew) counts as just made', policy: withWarning, last: NOW + 5 * MINUTE, state: 'PASS', lagMinutes: 0 },
  ];
  for (const c of cases) {
    test(c.title, () => {
      assert.deepEqual(evaluateFreshness(c.policy, c.last, NOW), { state: c.state, lagMinutes: c.lagMinutes });
    });
  }

  test('the next change with time alone is at warnAfter, then at failAfter, then none', () => {
    const last = ago(10);
    assert.equal(nextFreshnessChangeAtMs(withWarning, last, NOW), last + 30 * MINUTE);
    assert.equal(nextFreshnessChangeAtMs(withWarning, last, last + 30 * MINUTE), last + 60 * MINUTE, 'at warnAfter itself the next change is failAfter');
    assert.equal(nextFreshnessChangeAtMs(withWarning, last, last + 60 * MINUTE), null, 'a failing asset changes only with a materialization');
    assert.equal(nextFreshnessChangeAtMs(failOnly, last, NOW), last + 60 * MINUTE);
    assert.equal(nextFreshnessChangeAtMs(withWarning, null, NOW), null, 'UNKNOWN changes only with a materialization');
  });
});

describe('freshness durations', () => {
  test('reads days, hours and minutes, largest first, and refuses anything else', () => {
    assert.deepEqual(
      ['90m', '24h', '2d', '1d12h', '1h30m', '0m', ' 5m '].map(parseDurationMinutes),
      [90, 1440, 2880, 2160, 90, 0, 5],
    );
    for (const bad of ['', '30s', '24 hours', '1m1h', '1.5h', 'h', '-5m', '1d1d']) assert.equal(parseDurationMinutes(bad), null, bad);
  });

  test('writes minutes the shortest way', () => {
    assert.deepEqual([90, 1440, 2160, 61, 0].map(formatDurationMinutes), ['1h30m', '1d', '1d12h', '1h1m', '0m']);
  });
});
