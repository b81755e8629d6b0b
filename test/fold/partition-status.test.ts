/** The partition status fold, as a table: materializations and final failures in, the asset's row out. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { EventDraft } from '../../src/events/index.js';
import { assetPartitionStatusFamily, foldInMemory, UNPARTITIONED_KEY, type AssetPartitionStatusRow } from '../../src/fold/index.js';
import { asStored, dayKey, dayWindow, finishedDraft, materializedDraft } from '../helpers/partition-status.js';

const day = (index: number, runId = `run_${index}`) => ({ assetKey: 'events', partitionKey: dayKey(index), window: dayWindow(index), runId });
const region = (key: string, runId = `run_${key}`) => ({ assetKey: 'by_region', partitionKey: key, runId });
const w = (from: number, to: number): [number, number] => [dayWindow(from).startMs, dayWindow(to - 1).endMs];

function fold(drafts: readonly EventDraft[]): Map<string, AssetPartitionStatusRow> {
  return foldInMemory(assetPartitionStatusFamily, new Map(), asStored(drafts));
}

describe('partition status fold', () => {
  const cases: { title: string; events: EventDraft[]; asset: string; expect: Partial<AssetPartitionStatusRow> }[] = [
    {
      title: 'materialized days that touch merge into one window, whatever order they came in',
      events: [materializedDraft(day(2)), materializedDraft(day(0)), materializedDraft(day(1))],
      asset: 'events',
      expect: { materialized: { windows: [w(0, 3)], keys: [] }, failed: { windows: [], keys: [] }, materializationCount: 3 },
    },
    {
      title: 'a gap between materialized days keeps two windows',
      events: [materializedDraft(day(0)), materializedDraft(day(2))],
      asset: 'events',
      expect: { materialized: { windows: [w(0, 1), w(2, 3)], keys: [] } },
    },
    {
      title: 'filling the gap merges the windows on both sides',
      events: [materializedDraft(day(0)), materializedDraft(day(2)), materializedDraft(day(1))],
      asset: 'events',
      expect: { materialized: { windows: [w(0, 3)], keys: [] } },
    },
    {
      title: 'a final failure of a materialized partition makes it FAILED: it leaves the materialized window, splitting it',
      events: [materializedDraft(day(0)), materializedDraft(day(1)), materializedDraft(day(2)), finishedDraft(day(1, 'run_late'))],
      asset: 'events',
      expect: { materialized: { windows: [w(0, 1), w(2, 3)], keys: [] }, failed: { windows: [w(1, 2)], keys: [] }, lastFailureSequence: 4, lastMaterializationSequence: 3 },
    },
    {
      title: 'a FAILED partition becomes MATERIALIZED again when a later run materializes it',
      events: [materializedDraft(day(0)), finishedDraft(day(1)), materializedDraft(day(1, 'run_again')), materializedDraft(day(2))],
      asset: 'events',
      expect: { materialized: { windows: [w(0, 3)], keys: [] }, failed: { windows: [], keys: [] }, materializationCount: 3 },
    },
    {
      title: 'an attempt that will be retried changes nothing; only the final failure counts',
      events: [materializedDraft(day(0)), finishedDraft(day(0, 'run_retry'), 'RETRY_WAIT'), finishedDraft(day(0, 'run_ok'), 'SUCCEEDED')],
      asset: 'events',
      expect: { materialized: { windows: [w(0, 1)], keys: [] }, failed: { windows: [], keys: [] }, lastFailureSequence: null },
    },
    {
      title: 'static partitions are kept as sorted keys, failed ones apart',
      events: [materializedDraft(region('us')), materializedDraft(region('eu')), finishedDraft(region('ap')), finishedDraft(region('us', 'run_2'))],
      asset: 'by_region',
      expect: { materialized: { windows: [], keys: ['eu'] }, failed: { windows: [], keys: ['ap', 'us'] }, materializationCount: 2 },
    },
    {
      title: 'an unpartitioned asset is one partition under the unpartitioned key',
      events: [finishedDraft({ assetKey: 'plain', partitionKey: null, runId: 'run_1' }), materializedDraft({ assetKey: 'plain', partitionKey: null, runId: 'run_2' })],
      asset: 'plain',
      expect: { materialized: { windows: [], keys: [UNPARTITIONED_KEY] }, failed: { windows: [], keys: [] } },
    },
    {
      title: 'a partition recorded by key before events carried windows is cleared by key when its window comes',
      events: [finishedDraft({ ...day(0), window: null }), materializedDraft(day(0, 'run_new'))],
      asset: 'events',
      expect: { materialized: { windows: [w(0, 1)], keys: [] }, failed: { windows: [], keys: [] } },
    },
  ];
  for (const c of cases) {
    test(c.title, () => {
      const row = fold(c.events).get(c.asset);
      assert.ok(row, `a row for ${c.asset}`);
      for (const [field, value] of Object.entries(c.expect)) assert.deepEqual(row[field as keyof AssetPartitionStatusRow], value, field);
    });
  }

  test('each asset has its own row and other events leave no row', () => {
    const rows = fold([materializedDraft(day(0)), materializedDraft(region('eu')), finishedDraft(day(3), 'RETRY_WAIT')]);
    assert.deepEqual([...rows.keys()].sort(), ['by_region', 'events']);
  });
});
