/**
 * eager(), onCron() and onMissing() against Dagster's documented behaviour, evaluation after
 * evaluation with a clock: what each evaluation requests, and which sub-condition explains it.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { eager, onCron, onMissing } from '../../../src/domain/automation/index.js';
import { dailyPartitions } from '../../../src/authoring/index.js';
import { nodeTrue, World } from './world.js';

const days = dailyPartitions({ start: '2026-01-01' });
const NOW = '2026-01-04T00:30:00Z';

describe('eager()', () => {
  const chain = () =>
    new World([{ key: 'a' }, { key: 'b' }, { key: 'c', deps: ['a', 'b'], condition: eager() }], NOW).materialize('a').materialize('b');

  test('does not run on its first evaluation, even for a missing asset (only what becomes missing later)', () => {
    const w = chain();
    const c = w.evaluate().get('c');
    assert.deepEqual(c?.requested, []);
    assert.deepEqual(nodeTrue(c, 'handled'), [''], 'the first evaluation counts as handled');
  });

  test('runs when a dependency updates, once', () => {
    const w = chain();
    w.evaluate();
    w.materialize('a');
    const c = w.evaluate().get('c');
    assert.deepEqual(c?.requested, ['']);
    assert.deepEqual(nodeTrue(c, 'any_deps_updated'), ['']);
    assert.deepEqual(w.requests(), {}, 'requested on the previous evaluation: handled');
  });

  test('waits while a dependency is in progress, then runs without a new update', () => {
    const w = chain();
    w.evaluate();
    w.materialize('a').running('b');
    const c = w.evaluate().get('c');
    assert.deepEqual(c?.requested, []);
    assert.deepEqual(nodeTrue(c, 'any_deps_in_progress'), ['']);
    w.done('b');
    assert.deepEqual(w.requests(), { c: [''] });
  });

  test('waits while a dependency is missing', () => {
    const w = new World([{ key: 'a' }, { key: 'b' }, { key: 'c', deps: ['a', 'b'], condition: eager() }], NOW).materialize('a');
    w.evaluate();
    w.materialize('a');
    assert.deepEqual(nodeTrue(w.evaluate().get('c'), 'any_deps_missing'), ['']);
    w.materialize('b');
    assert.deepEqual(w.requests(), { c: [''] });
  });

  test('does not run while it is in progress itself', () => {
    const w = chain();
    w.evaluate();
    w.materialize('a').running('c');
    assert.deepEqual(w.requests(), {});
  });

  test('on a time-partitioned asset considers only the latest time window', () => {
    const w = new World([{ key: 'up', partitions: days }, { key: 'down', partitions: days, deps: ['up'], condition: eager() }], NOW).materialize('up', '2026-01-01', '2026-01-02', '2026-01-03');
    w.evaluate();
    w.materialize('up', '2026-01-01', '2026-01-03');
    assert.deepEqual(w.requests(), { down: ['2026-01-03'] });
  });

  test('runs a new time partition when it becomes missing', () => {
    const w = new World([{ key: 'd', partitions: days, condition: eager() }], NOW);
    w.evaluate();
    const d = w.at('2026-01-05T00:10:00Z').evaluate().get('d');
    assert.deepEqual(d?.requested, ['2026-01-04']);
    assert.deepEqual(nodeTrue(d, 'newly_missing'), ['2026-01-04']);
  });

  test('a chain of eager assets with the same partitions is requested in one evaluation', () => {
    const w = new World(
      [
        { key: 'raw', partitions: days },
        { key: 'clean', partitions: days, deps: ['raw'], condition: eager() },
        { key: 'report', partitions: days, deps: ['clean'], condition: eager() },
      ],
      NOW,
    ).materialize('raw', '2026-01-01', '2026-01-02', '2026-01-03').materialize('clean', '2026-01-03').materialize('report', '2026-01-03');
    w.evaluate();
    w.materialize('raw', '2026-01-03');
    assert.deepEqual(w.requests(), { clean: ['2026-01-03'], report: ['2026-01-03'] });
  });
});

describe('onCron()', () => {
  const hourly = () => new World([{ key: 'a' }, { key: 'b', deps: ['a'], condition: onCron('0 * * * *') }], '2026-01-04T00:30:00Z');

  test('runs once per tick, after its dependencies updated since the tick', () => {
    const w = hourly();
    w.evaluate();
    assert.deepEqual(w.at('2026-01-04T01:00:30Z').requests(), {}, 'the tick passed but a has not updated since');
    w.at('2026-01-04T01:10:00Z').materialize('a');
    const b = w.evaluate().get('b');
    assert.deepEqual(b?.requested, ['']);
    assert.deepEqual(nodeTrue(b, 'all_deps_updated_since_cron(0 * * * *, UTC)'), ['']);
    w.materialize('a');
    assert.deepEqual(w.at('2026-01-04T01:40:00Z').requests(), {}, 'once per tick');
    w.at('2026-01-04T02:00:00Z').evaluate();
    w.at('2026-01-04T02:05:00Z').materialize('a');
    assert.deepEqual(w.requests(), { b: [''] });
  });

  test('does nothing on its first evaluation and between ticks', () => {
    const w = hourly().materialize('a');
    assert.deepEqual(w.requests(), {});
    w.materialize('a');
    assert.deepEqual(w.at('2026-01-04T00:50:00Z').requests(), {});
  });

  test('an asset without dependencies runs at each tick', () => {
    const w = new World([{ key: 'x', condition: onCron('0 0 * * *') }], '2026-01-04T12:00:00Z');
    w.evaluate();
    assert.deepEqual(w.at('2026-01-05T00:00:10Z').requests(), { x: [''] });
    assert.deepEqual(w.at('2026-01-05T00:00:40Z').requests(), {});
  });

  test('on a time-partitioned asset considers only the latest time window', () => {
    const w = new World([{ key: 'd', partitions: days, condition: onCron('0 0 * * *') }], '2026-01-04T12:00:00Z');
    w.evaluate();
    assert.deepEqual(w.at('2026-01-05T00:01:00Z').requests(), { d: ['2026-01-04'] });
  });
});

describe('onMissing()', () => {
  test('does not run partitions missing when the condition is applied; runs each new partition once', () => {
    const w = new World([{ key: 'd', partitions: days, condition: onMissing() }], NOW);
    assert.deepEqual(w.requests(), {});
    assert.deepEqual(w.at('2026-01-05T00:00:10Z').requests(), { d: ['2026-01-04'] });
    assert.deepEqual(w.at('2026-01-05T00:00:40Z').requests(), {}, 'requested once, although still missing');
  });

  test('waits for missing dependencies, then runs', () => {
    const w = new World([{ key: 'up', partitions: days }, { key: 'down', partitions: days, deps: ['up'], condition: onMissing() }], NOW);
    w.evaluate();
    const down = w.at('2026-01-05T00:00:10Z').evaluate().get('down');
    assert.deepEqual(down?.requested, []);
    assert.deepEqual(nodeTrue(down, 'any_deps_missing'), ['2026-01-04']);
    w.materialize('up', '2026-01-04');
    assert.deepEqual(w.requests(), { down: ['2026-01-04'] });
  });

  test('an unpartitioned asset that becomes missing after the first evaluation never does (it cannot become missing again)', () => {
    const w = new World([{ key: 'u', condition: onMissing() }], NOW);
    assert.deepEqual(w.requests(), {});
    assert.deepEqual(w.requests(), {});
  });
});
