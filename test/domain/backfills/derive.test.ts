/**
 * One partition selector for a backfill over assets with different partitions definitions: the
 * roots take the selector, every other asset the partitions its parents' selection feeds (BF-07).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dailyPartitions, hourlyPartitions, staticPartitions, weeklyPartitions } from '../../../src/authoring/index.js';
import { decideBackfillCreate } from '../../../src/controllers/index.js';
import { derivedSelections } from '../../../src/domain/backfills/index.js';
import { isArcoError } from '../../../src/domain/errors/index.js';
import { canonicalPartitionSelector, parsePartitionSelector, type PartitionMapping } from '../../../src/domain/partitions/index.js';
import { BF_NOW, endRun, foldBackfill, stepBackfill } from '../../helpers/backfills.js';
import { planningOf } from '../../helpers/automation.js';
import { makeIds } from '../../helpers/runs.js';

const daily = dailyPartitions({ start: '2026-01-01' });
const weekly = weeklyPartitions({ start: '2026-01-04' });
const selector = (text: string) => canonicalPartitionSelector(parsePartitionSelector(text));

describe('backfill selections derived through partition mappings', () => {
  test('a weekly asset downstream of a daily one backfills the weeks the selected days make up', () => {
    const planning = planningOf({ d: [], w: ['d'] }, BF_NOW, { d: daily, w: weekly });
    const selections = derivedSelections(['d', 'w'], selector('2026-01-05...2026-01-17'), planning);
    assert.deepEqual(selections.get('d'), { kind: 'selector', selector: { kind: 'range', start: '2026-01-05', end: '2026-01-17' } });
    assert.deepEqual(selections.get('w'), { kind: 'ranges', ranges: [{ start: '2026-01-04', end: '2026-01-11' }] });
  });

  test('a "previous day" mapping shifts the downstream selection by one day', () => {
    const previousDay: PartitionMapping = { kind: 'timeWindow', startOffset: -1, endOffset: -1, allowNonexistentUpstream: false };
    const planning = { ...planningOf({ a: [], b: ['a'] }, BF_NOW, { a: daily, b: daily }), mappingOf: () => previousDay };
    const selections = derivedSelections(['a', 'b'], selector('2026-01-02...2026-01-03'), planning);
    assert.deepEqual(selections.get('b'), { kind: 'ranges', ranges: [{ start: '2026-01-03', end: '2026-01-04' }] });
  });

  test('assets sharing a definition through an identity mapping keep the one selector, so they plan as one unit', () => {
    const planning = planningOf({ a: [], b: ['a'] }, BF_NOW, { a: daily, b: daily });
    const selections = derivedSelections(['a', 'b'], selector('2026-01-02...2026-01-03'), planning);
    assert.deepEqual(selections.get('b'), selections.get('a'));
  });

  test('a static child of a static parent with a key mapping gets exactly the keys the selected ones feed', () => {
    const regions = staticPartitions(['eu', 'us', 'apac']);
    const countries = staticPartitions(['de', 'fr', 'ca', 'jp']);
    const mapping: PartitionMapping = { kind: 'static', downstreamKeysByUpstreamKey: { eu: ['de', 'fr'], us: ['ca'], apac: ['jp'] } };
    const planning = { ...planningOf({ r: [], c: ['r'] }, BF_NOW, { r: regions, c: countries }), mappingOf: () => mapping };
    const selections = derivedSelections(['r', 'c'], selector('eu,apac'), planning);
    assert.deepEqual(selections.get('c'), { kind: 'ranges', ranges: [{ start: 'de', end: 'fr' }, { start: 'jp', end: 'jp' }] });
  });

  test('all hourly partitions map to the days they complete by their two ends, without walking every hour', () => {
    const hourly = hourlyPartitions({ start: '1990-01-01-00:00' });
    const planning = planningOf({ h: [], d: ['h'] }, BF_NOW, { h: hourly, d: dailyPartitions({ start: '1990-01-01' }) });
    let mapped = 0;
    const counting = { ...planning, mappingOf: (down: string, up: string) => (mapped++, planning.mappingOf(down, up)) };
    const selections = derivedSelections(['h', 'd'], selector('1990-01-01-00:00...2026-01-31-23:00'), counting);
    assert.deepEqual(selections.get('d'), { kind: 'ranges', ranges: [{ start: '1990-01-01', end: '2026-01-31' }] });
    assert.ok(mapped < 10, `the mapping was asked for ${mapped} times`);
  });

  test('one selector backfills a daily and a weekly asset: the weekly runs wait for their days and cover the weeks those days make up', () => {
    const planning = planningOf({ d: [], w: ['d'] }, BF_NOW, { d: daily, w: weekly });
    const decision = decideBackfillCreate(
      { clientRequestId: 'one-selector', assetKeys: ['d', 'w'], partition: selector('2026-01-05...2026-01-17'), policy: { kind: 'multiRun', partitionsPerRun: 7 }, maxConcurrentRuns: 5, tags: {}, config: {} },
      undefined,
      planning,
      makeIds(3),
      BF_NOW,
    );
    assert.equal(decision.kind, 'new');
    const backfill = foldBackfill(undefined, decision.kind === 'new' ? decision.drafts : []);
    assert.deepEqual(
      backfill.units.map((u) => [u.assetKeys, u.partitionCount]),
      [[['d'], 13], [['w'], 2]],
    );
    let state = stepBackfill(backfill, planning);
    assert.deepEqual(state.runs.map((r) => r.assetKeys), [['d'], ['d']], 'only daily chunks run before their days materialized');
    const weeks: string[] = [];
    for (let i = 0; i < 5 && state.after.status === 'REQUESTED'; i += 1) {
      state = stepBackfill(state.after, planning, state.runs.map((r) => endRun(r)));
      weeks.push(...state.runs.filter((r) => r.assetKeys.includes('w')).flatMap((r) => r.tasks.map((t) => t.partitionKey as string)));
    }
    assert.deepEqual(weeks.sort(), ['2026-01-04', '2026-01-11']);
  });

  test('a selector that is not a key of the downstream definition no longer fails the backfill', () => {
    const planning = planningOf({ d: [], w: ['d'] }, BF_NOW, { d: daily, w: weekly });
    try {
      decideBackfillCreate(
        { clientRequestId: 'bad', assetKeys: ['d', 'w'], partition: selector('2026-01-05'), policy: { kind: 'multiRun', partitionsPerRun: 7 }, maxConcurrentRuns: 5, tags: {}, config: {} },
        undefined,
        planning,
        makeIds(3),
        BF_NOW,
      );
    } catch (error) {
      assert.fail(`expected the weekly asset's partition to be derived, got ${isArcoError(error) ? error.code : String(error)}`);
    }
  });
});
