/**
 * Cron freshness evaluated at fixed instants: an asset passes when its last materialization falls
 * at or after the opening of the window before the latest deadline that has passed (or later), and
 * fails otherwise; deadlines are read in the policy's timezone; the state changes with time alone
 * only at the first deadline a passing asset would miss.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateFreshness, nextFreshnessChangeAtMs, type FreshnessPolicy } from '../../../src/domain/assets/index.js';

const MINUTE = 60_000;
const at = (iso: string) => Date.parse(iso);
const cron = (deadlineCron: string, lowerBoundMinutes: number, timezone = 'UTC'): FreshnessPolicy => ({ kind: 'cron', deadlineCron, lowerBoundMinutes, timezone });

/** Due daily at 09:00 UTC, materialized at least once between 08:00 and 09:00. */
const daily = cron('0 9 * * *', 60);
/** Due daily at 09:00 in Paris: 08:00 UTC in winter (UTC+1), 07:00 UTC in summer (UTC+2). */
const paris = cron('0 9 * * *', 60, 'Europe/Paris');

describe('cron freshness evaluation', () => {
  const cases: { title: string; policy: FreshnessPolicy; last: string | null; now: string; state: string }[] = [
    { title: 'materialized at 08:30 and checked at 09:10 passes', policy: daily, last: '2026-03-10T08:30:00Z', now: '2026-03-10T09:10:00Z', state: 'PASS' },
    { title: 'last materialized at 07:00 and checked at 09:10 fails', policy: daily, last: '2026-03-10T07:00:00Z', now: '2026-03-10T09:10:00Z', state: 'FAIL' },
    { title: "at 08:59 today's deadline has not passed: yesterday's 08:30 materialization passes", policy: daily, last: '2026-03-09T08:30:00Z', now: '2026-03-10T08:59:00Z', state: 'PASS' },
    { title: "at 09:00 exactly today's deadline counts: yesterday's 08:30 materialization fails", policy: daily, last: '2026-03-09T08:30:00Z', now: '2026-03-10T09:00:00Z', state: 'FAIL' },
    { title: 'materialized exactly when the window opens (08:00) passes', policy: daily, last: '2026-03-10T08:00:00Z', now: '2026-03-10T09:10:00Z', state: 'PASS' },
    { title: 'materialized a millisecond before the window opens fails', policy: daily, last: '2026-03-10T07:59:59.999Z', now: '2026-03-10T09:10:00Z', state: 'FAIL' },
    { title: 'materialized late, after the deadline and before now, passes', policy: daily, last: '2026-03-10T09:05:00Z', now: '2026-03-10T09:10:00Z', state: 'PASS' },
    { title: 'never materialized is UNKNOWN', policy: daily, last: null, now: '2026-03-10T09:10:00Z', state: 'UNKNOWN' },
    { title: 'in winter a 09:00 Paris deadline is 08:00 UTC: materialized 07:30 UTC (08:30 Paris) passes', policy: paris, last: '2026-01-15T07:30:00Z', now: '2026-01-15T08:10:00Z', state: 'PASS' },
    { title: 'in winter a 09:00 Paris deadline is 08:00 UTC: materialized 06:30 UTC (07:30 Paris) fails', policy: paris, last: '2026-01-15T06:30:00Z', now: '2026-01-15T08:10:00Z', state: 'FAIL' },
    { title: 'in summer a 09:00 Paris deadline is 07:00 UTC: materialized 06:30 UTC passes, checked at 07:10 UTC', policy: paris, last: '2026-07-15T06:30:00Z', now: '2026-07-15T07:10:00Z', state: 'PASS' },
    { title: 'in summer a 09:00 Paris deadline is 07:00 UTC: materialized 05:30 UTC fails, checked at 07:10 UTC', policy: paris, last: '2026-07-15T05:30:00Z', now: '2026-07-15T07:10:00Z', state: 'FAIL' },
    { title: 'a weekday deadline checked on Sunday is judged by Friday’s window', policy: cron('0 9 * * 1-5', 60), last: '2026-03-13T08:30:00Z', now: '2026-03-15T12:00:00Z', state: 'PASS' },
  ];
  for (const c of cases) {
    test(c.title, () => {
      const last = c.last === null ? null : at(c.last);
      const now = at(c.now);
      assert.deepEqual(evaluateFreshness(c.policy, last, now), { state: c.state, lagMinutes: last === null ? null : (now - last) / MINUTE });
    });
  }

  test('a cron policy never warns, however old the data', () => {
    const states = new Set<string>();
    for (let minutes = 0; minutes <= 3 * 24 * 60; minutes += 15) {
      states.add(evaluateFreshness(daily, at('2026-03-10T08:30:00Z'), at('2026-03-10T08:30:00Z') + minutes * MINUTE).state);
    }
    assert.deepEqual([...states].sort(), ['FAIL', 'PASS']);
  });
});

describe('cron freshness: the next change with time alone', () => {
  test('a passing asset changes at the next deadline: materialized 08:30, checked at 09:10, next change tomorrow 09:00', () => {
    assert.equal(nextFreshnessChangeAtMs(daily, at('2026-03-10T08:30:00Z'), at('2026-03-10T09:10:00Z')), at('2026-03-11T09:00:00Z'));
  });

  test("at 08:59 with yesterday's materialization the change is today's 09:00, where the state is FAIL", () => {
    const last = at('2026-03-09T08:30:00Z');
    const next = nextFreshnessChangeAtMs(daily, last, at('2026-03-10T08:59:00Z'));
    assert.equal(next, at('2026-03-10T09:00:00Z'));
    assert.equal(evaluateFreshness(daily, last, (next ?? 0) - 1).state, 'PASS');
    assert.equal(evaluateFreshness(daily, last, next ?? 0).state, 'FAIL');
  });

  test('the next deadline is read in the timezone: 09:00 Paris tomorrow in winter is 08:00 UTC', () => {
    assert.equal(nextFreshnessChangeAtMs(paris, at('2026-01-15T07:30:00Z'), at('2026-01-15T08:10:00Z')), at('2026-01-16T08:00:00Z'));
  });

  test('a materialization inside the next deadline’s window too keeps passing until the first deadline it misses', () => {
    // Hourly deadlines with an hour's window: checked at 08:40, 08:30 is late for 08:00 but inside
    // 09:00's window (08:00-09:00), so the first deadline it misses is 10:00.
    const hourly = cron('0 * * * *', 60);
    assert.equal(nextFreshnessChangeAtMs(hourly, at('2026-03-10T08:30:00Z'), at('2026-03-10T08:40:00Z')), at('2026-03-10T10:00:00Z'));
    assert.equal(evaluateFreshness(hourly, at('2026-03-10T08:30:00Z'), at('2026-03-10T09:59:59Z')).state, 'PASS');
  });

  test('a failing or never-materialized asset changes only with a materialization', () => {
    assert.equal(nextFreshnessChangeAtMs(daily, at('2026-03-10T07:00:00Z'), at('2026-03-10T09:10:00Z')), null);
    assert.equal(nextFreshnessChangeAtMs(daily, null, at('2026-03-10T09:10:00Z')), null);
  });

  test('a deadline inside a spring-forward gap falls at the first instant after it, as schedules tick', () => {
    // Paris skips 02:00-03:00 on 2026-03-29: a daily 02:30 deadline is due at 03:00 CEST (01:00 UTC).
    const gap = cron('30 2 * * *', 30, 'Europe/Paris');
    assert.equal(nextFreshnessChangeAtMs(gap, at('2026-03-28T01:15:00Z'), at('2026-03-28T02:00:00Z')), at('2026-03-29T01:00:00Z'));
  });
});
