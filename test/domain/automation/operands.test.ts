/**
 * Each operand and operator of the automation conditions, as a table against Dagster's documented
 * meaning: the condition is an asset's whole condition, so what it requests is the set of
 * partitions it is true for.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  and,
  allDepsUpdatedSinceCron,
  anyDepsInProgress,
  anyDepsMissing,
  anyDepsUpdated,
  checkFailed,
  cronTickPassed,
  inLatestTimeWindow,
  inProgress,
  initialEvaluation,
  missing,
  newlyRequested,
  newlyTrue,
  newlyUpdated,
  not,
  or,
  since,
  type AutomationCondition,
} from '../../../src/domain/automation/index.js';
import { dailyPartitions, staticPartitions } from '../../../src/authoring/index.js';
import { nodeTrue, World } from './world.js';

const days = dailyPartitions({ start: '2026-01-01' });
const NOW = '2026-01-04T00:30:00Z';
/** One daily asset `d` with the condition, one unpartitioned asset `u`, one static asset `s`. */
const solo = (condition: AutomationCondition) =>
  new World([{ key: 'd', partitions: days, condition }, { key: 'u', condition }, { key: 's', partitions: staticPartitions(['a', 'b']), condition }], NOW);
/** `up` (daily) → `down` (daily, with the condition); `raw` (unpartitioned) → `agg` (unpartitioned, with the condition). */
const pair = (condition: AutomationCondition, upCondition?: AutomationCondition) =>
  new World(
    [
      { key: 'up', partitions: days, ...(upCondition ? { condition: upCondition } : {}) },
      { key: 'down', partitions: days, deps: ['up'], condition },
      { key: 'raw' },
      { key: 'agg', deps: ['raw'], condition },
    ],
    NOW,
  );

describe('automation condition operands', () => {
  test('missing: true for the partitions never materialized', () => {
    const w = solo(missing()).materialize('d', '2026-01-02').materialize('s', 'a');
    assert.deepEqual(w.requests(), { d: ['2026-01-01', '2026-01-03'], u: [''], s: ['b'] });
  });

  test('newly_updated: false on the first evaluation, then true only for partitions materialized since the previous one', () => {
    const w = solo(newlyUpdated()).materialize('d', '2026-01-01').materialize('u');
    assert.deepEqual(w.requests(), {});
    w.materialize('d', '2026-01-03');
    assert.deepEqual(w.requests(), { d: ['2026-01-03'] });
    assert.deepEqual(w.requests(), {});
  });

  test('in_latest_time_window: only the latest daily partition; every partition of assets without time windows', () => {
    assert.deepEqual(solo(inLatestTimeWindow()).requests(), { d: ['2026-01-03'], u: [''], s: ['a', 'b'] });
  });

  test('in_latest_time_window moves with the clock: a new day is the latest window once it ended', () => {
    assert.deepEqual(solo(inLatestTimeWindow()).at('2026-01-05T00:00:00Z').requests().d, ['2026-01-04']);
  });

  test('in_progress: true for the partitions a run that has not ended is materializing', () => {
    const w = solo(inProgress()).running('d', '2026-01-02').running('u');
    assert.deepEqual(w.requests(), { d: ['2026-01-02'], u: [''] });
  });

  test('check_failed: true when the latest result of one of the asset\'s checks failed; without check results, false', () => {
    const w = solo(checkFailed());
    assert.deepEqual(w.requests(), {});
    w.failedChecks.add('u');
    assert.deepEqual(w.requests(), { u: [''] });
  });

  test('newly_requested: true for what the previous evaluation requested, for one evaluation', () => {
    const w = new World([{ key: 'u', condition: or(initialEvaluation(), and(newlyRequested(), missing())) }], NOW);
    const truth = () => nodeTrue(w.evaluate().get('u'), 'newly_requested');
    assert.deepEqual(truth(), []);
    assert.deepEqual(truth(), [''], 'the first evaluation requested it');
    w.materialize('u');
    assert.deepEqual(truth(), [''], 'the second one requested it too');
    assert.deepEqual(truth(), [], 'the third did not');
  });

  test('initial_evaluation: true on the first evaluation and again after the condition changed', () => {
    const w = solo(initialEvaluation());
    assert.deepEqual(Object.keys(w.requests()), ['d', 'u', 's']);
    assert.deepEqual(w.requests(), {});
    const changed = new World([{ key: 'u', condition: or(initialEvaluation(), missing()) }], NOW);
    changed.previous = w.previous;
    changed.materialize('u');
    assert.deepEqual(changed.requests(), { u: [''] });
  });

  test('cron_tick_passed: false on the first evaluation; true when a tick falls after the previous evaluation', () => {
    const w = solo(cronTickPassed('0 * * * *'));
    assert.deepEqual(w.requests(), {});
    assert.deepEqual(w.at('2026-01-04T00:59:00Z').requests(), {});
    assert.deepEqual(w.at('2026-01-04T01:00:00Z').requests().u, ['']);
    assert.deepEqual(w.at('2026-01-04T01:30:00Z').requests(), {});
  });

  test('cron_tick_passed reads the cron in its timezone', () => {
    const w = solo(cronTickPassed('0 9 * * *', 'America/New_York')).at('2026-01-04T13:00:00Z');
    w.evaluate();
    assert.deepEqual(w.at('2026-01-04T13:59:00Z').requests(), {});
    assert.deepEqual(w.at('2026-01-04T14:00:00Z').requests().u, ['']);
  });

  test('any_deps_updated: true where an upstream partition the partition reads was updated since the previous evaluation', () => {
    const w = pair(anyDepsUpdated());
    w.evaluate();
    w.materialize('up', '2026-01-02').materialize('raw');
    assert.deepEqual(w.requests(), { down: ['2026-01-02'], agg: [''] });
    assert.deepEqual(w.requests(), {});
  });

  test('any_deps_updated: an upstream partition this evaluation requests counts when both can run in one run (same partitions)', () => {
    const w = pair(anyDepsUpdated(), missing());
    assert.deepEqual(w.requests(), { up: ['2026-01-01', '2026-01-02', '2026-01-03'], down: ['2026-01-01', '2026-01-02', '2026-01-03'] });
  });

  test('any_deps_updated: an upstream request does not count across different partitions definitions', () => {
    const w = new World([{ key: 'up', partitions: days, condition: missing() }, { key: 'total', deps: ['up'], condition: anyDepsUpdated() }], NOW);
    assert.deepEqual(w.requests(), { up: ['2026-01-01', '2026-01-02', '2026-01-03'] });
  });

  test('any_deps_missing: true where an upstream partition read is missing and not requested now', () => {
    const w = pair(anyDepsMissing()).materialize('up', '2026-01-01', '2026-01-02');
    assert.deepEqual(w.requests(), { down: ['2026-01-03'], agg: [''] });
    assert.deepEqual(pair(anyDepsMissing(), missing()).materialize('raw').requests(), { up: ['2026-01-01', '2026-01-02', '2026-01-03'] });
  });

  test('any_deps_in_progress: true where an upstream partition read is being materialized', () => {
    assert.deepEqual(pair(anyDepsInProgress()).running('up', '2026-01-03').requests(), { down: ['2026-01-03'] });
  });

  test('all_deps_updated_since_cron: true once every dependency updated after the latest tick, until the next tick', () => {
    const w = new World([{ key: 'a' }, { key: 'b' }, { key: 'c', deps: ['a', 'b'], condition: allDepsUpdatedSinceCron('0 0 * * *') }], '2026-01-04T00:30:00Z');
    w.evaluate();
    w.materialize('a');
    assert.deepEqual(w.requests(), {});
    w.materialize('b');
    assert.deepEqual(w.requests(), { c: [''] });
    assert.deepEqual(w.at('2026-01-04T12:00:00Z').requests(), { c: [''] });
    assert.deepEqual(w.at('2026-01-05T00:00:00Z').requests(), {});
  });

  test('all_deps_updated_since_cron: true for an asset without dependencies', () => {
    assert.deepEqual(solo(allDepsUpdatedSinceCron('0 0 * * *')).requests().u, ['']);
  });
});

describe('automation condition operators', () => {
  test('and: true where every child is true; later children only see the partitions earlier ones left', () => {
    const w = solo(and(inLatestTimeWindow(), missing()));
    const d = w.evaluate().get('d');
    assert.deepEqual(d?.requested, ['2026-01-03']);
    const missingNode = d?.nodes.find((n) => n.label === 'missing');
    assert.equal(missingNode?.candidateCount, 1);
  });

  test('or: true where any child is true', () => {
    const w = solo(or(inLatestTimeWindow(), inProgress())).running('d', '2026-01-01');
    assert.deepEqual(w.requests().d, ['2026-01-01', '2026-01-03']);
  });

  test('not: true where the child is false', () => {
    assert.deepEqual(solo(not(missing())).materialize('s', 'b').requests(), { s: ['b'] });
  });

  test('newly_true: true on the evaluation where the child becomes true, not after', () => {
    const w = solo(newlyTrue(inProgress()));
    assert.deepEqual(w.requests(), {});
    w.running('u');
    assert.deepEqual(w.requests(), { u: [''] });
    assert.deepEqual(w.requests(), {});
    w.done('u');
    assert.deepEqual(w.requests(), {});
    w.running('u');
    assert.deepEqual(w.requests(), { u: [''] });
  });

  test('since: true once the trigger held, until the reset holds; the reset wins when both hold at once', () => {
    const w = solo(since(inProgress(), newlyUpdated()));
    w.evaluate();
    w.running('u');
    assert.deepEqual(w.requests().u, ['']);
    w.done('u');
    assert.deepEqual(w.requests().u, [''], 'remembered after the trigger went false');
    w.materialize('u');
    assert.deepEqual(w.requests().u, undefined, 'reset by the update');
    w.running('u').materialize('u');
    assert.deepEqual(w.requests().u, undefined, 'trigger and reset at once: reset wins');
  });

  test('a condition records every node with its truth and partition counts, root first', () => {
    const result = solo(and(inLatestTimeWindow(), not(missing()))).materialize('d', '2026-01-03').evaluate().get('d');
    assert.deepEqual(
      result?.nodes.map((n) => [n.path, n.label, n.trueCount, n.candidateCount]).sort(),
      [
        ['0', 'in_latest_time_window & ~missing', 1, 3],
        ['0.0', 'in_latest_time_window', 1, 3],
        ['0.1', '~missing', 1, 1],
        ['0.1.0', 'missing', 0, 1],
      ],
    );
  });
});
