/**
 * The folds of a wipe and of a run deletion, as tables: events in, rows out. Goal: a wipe forgets
 * exactly the wiped partitions (by window and by key), a later materialization counts again, and a
 * deleted run's row and log index go while its materializations stay.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { draft, idempotencyKeys, type EventDraft } from '../../src/events/index.js';
import {
  assetPartitionStatusFamily,
  assetPartitionsFamily,
  foldInMemory,
  logsFamily,
  materializationsFamily,
  type AssetPartitionStatusRow,
  type ProjectionFamily,
} from '../../src/fold/index.js';
import { asStored, dayKey, dayWindow, finishedDraft, materializedDraft } from '../helpers/partition-status.js';

const day = (index: number, runId = `run_${index}`) => ({ assetKey: 'events', partitionKey: dayKey(index), window: dayWindow(index), runId });
const region = (key: string, runId = `run_${key}`) => ({ assetKey: 'by_region', partitionKey: key, runId });
const w = (from: number, to: number): [number, number] => [dayWindow(from).startMs, dayWindow(to - 1).endMs];

function wiped(assetKey: string, partitionKeys: string[] | null, partitionWindows: [number, number][] = [], id = 'w1'): EventDraft {
  return draft('AssetWiped', { assetKey, partitionKeys, partitionWindows, wipedAt: '2024-06-01T00:00:00.000Z', requestedBy: null }, idempotencyKeys.assetWiped(assetKey, id), null);
}

function fold<Row>(family: ProjectionFamily<Row>, drafts: readonly EventDraft[]): Map<string, Row> {
  return foldInMemory(family, new Map(), asStored(drafts));
}

describe('wipe and run deletion folds', () => {
  const cases: { title: string; events: EventDraft[]; asset: string; expect: Partial<AssetPartitionStatusRow> }[] = [
    {
      title: 'wiping some days of a time-window asset takes their windows out of the materialized and failed sets',
      events: [materializedDraft(day(0)), materializedDraft(day(1)), materializedDraft(day(2)), finishedDraft(day(3)), wiped('events', [dayKey(1), dayKey(3)], [w(1, 2), w(3, 4)])],
      asset: 'events',
      expect: { materialized: { windows: [w(0, 1), w(2, 3)], keys: [] }, failed: { windows: [], keys: [] } },
    },
    {
      title: 'wiping some static partitions takes their keys out; the others keep their status',
      events: [materializedDraft(region('eu')), materializedDraft(region('us')), finishedDraft(region('ap')), wiped('by_region', ['ap', 'us'])],
      asset: 'by_region',
      expect: { materialized: { windows: [], keys: ['eu'] }, failed: { windows: [], keys: [] } },
    },
    {
      title: 'wiping every partition leaves the asset as if never materialized',
      events: [materializedDraft(day(0)), finishedDraft(day(1)), wiped('events', null)],
      asset: 'events',
      expect: { materialized: { windows: [], keys: [] }, failed: { windows: [], keys: [] }, materializationCount: 0, lastMaterializationSequence: null, lastFailureSequence: null },
    },
    {
      title: 'a materialization after a wipe counts again',
      events: [materializedDraft(day(0)), wiped('events', null), materializedDraft(day(0), 'v2')],
      asset: 'events',
      expect: { materialized: { windows: [w(0, 1)], keys: [] }, materializationCount: 1, lastMaterializationSequence: 3 },
    },
  ];
  for (const c of cases) {
    test(c.title, () => {
      const row = fold(assetPartitionStatusFamily, c.events).get(c.asset);
      assert.ok(row, 'the asset has a row');
      for (const [field, value] of Object.entries(c.expect)) assert.deepEqual(row[field as keyof AssetPartitionStatusRow], value, field);
    });
  }

  test('a wipe deletes the history and latest-state rows of the wiped partitions only, and of no other asset', () => {
    const events = [materializedDraft(day(0)), materializedDraft(day(1)), materializedDraft(region('eu')), wiped('events', [dayKey(0)], [w(0, 1)]), materializedDraft(day(2))];
    const history = [...fold(materializationsFamily, events).values()].map((m) => [m.assetKey, m.partitionKey]);
    assert.deepEqual(history, [['events', dayKey(1)], ['by_region', 'eu'], ['events', dayKey(2)]]);
    const latest = [...fold(assetPartitionsFamily, events).values()].map((s) => [s.assetKey, s.partitionKey]);
    assert.deepEqual(latest, [['events', dayKey(1)], ['by_region', 'eu'], ['events', dayKey(2)]]);
  });

  test("a run deletion drops the run's log index; the materializations it made stay", () => {
    const logged = draft('TaskLogged', { runId: 'run_0', taskKey: 'events', attempt: 1, seq: 0, level: 'info', message: 'hi', loggedAt: '2024-06-01T00:00:00.000Z' }, idempotencyKeys.taskLogged('run_0', 'events', 1, 0), 'run_0');
    const deleted = draft('RunDeleted', { runId: 'run_0', deletedAt: '2024-06-01T00:00:00.000Z', requestedBy: null }, idempotencyKeys.runDeleted('run_0'), 'run_0');
    const events = [materializedDraft(day(0)), logged, deleted];
    assert.deepEqual([...fold(logsFamily, events).keys()], []);
    assert.deepEqual([...fold(materializationsFamily, events).values()].map((m) => m.runId), ['run_0']);
  });
});
