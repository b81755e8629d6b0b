/**
 * Goal: the partition questions behind `arco partitions map` and `arco partitions keys --select`
 * answer as Dagster's `UpstreamPartitionsResult` does: the keys that exist beside the required keys
 * that do not, never an error for the latter; given keys may be a selector and may name windows
 * not yet closed at now. Method: a real definitions file and a real SQLite store, a fixed now.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { FakeClock, createContext, loadDefinitions, mapPartitionKeys, selectPartitionKeys, type RuntimeContext } from '../../src/runtime/index.js';
import { openSqliteStore, type Store } from '../../src/store/index.js';
import { isArcoError } from '../../src/domain/errors/index.js';
import { tempProject } from '../helpers/project.js';

const SOURCE = `import { defineAsset, defineDefinitions, dailyPartitions, hourlyPartitions, staticPartitions, timeWindowMapping } from 'arco-flow';
const hourly = defineAsset({ key: 'hourly', partitions: hourlyPartitions({ start: '2021-05-06-00:00' }), compute: async () => ({}) });
const daily = defineAsset({ key: 'daily', deps: [hourly], partitions: dailyPartitions({ start: '2021-05-05' }), compute: async () => ({}) });
const previous = defineAsset({ key: 'previous', deps: [{ asset: daily, partitionMapping: timeWindowMapping({ startOffset: -1, endOffset: -1 }) }], partitions: dailyPartitions({ start: '2021-05-05' }), compute: async () => ({}) });
const regions = defineAsset({ key: 'regions', partitions: staticPartitions(['eu', 'us']), compute: async () => ({}) });
const report = defineAsset({ key: 'report', deps: [daily], compute: async () => ({}) });
export default defineDefinitions({ assets: [hourly, daily, previous, regions, report] });
`;

const NOW = Date.parse('2021-05-08T12:00:00Z');
const hoursOf = (day: string, from = 0, to = 24): string[] =>
  Array.from({ length: to - from }, (_, i) => `${day}-${String(from + i).padStart(2, '0')}:00`);

async function rejects(action: () => Promise<unknown>, code: string, details: Record<string, unknown> = {}): Promise<void> {
  await assert.rejects(action, (error: unknown) => {
    assert.ok(isArcoError(error), String(error));
    assert.equal(error.code, code);
    for (const [key, value] of Object.entries(details)) assert.deepEqual(error.details?.[key], value, key);
    return true;
  });
}

describe('partition views', () => {
  const project = tempProject(SOURCE);
  let store: Store;
  let ctx: RuntimeContext;
  before(async () => {
    store = openSqliteStore({ path: join(project.dir, 'arco.db') });
    ctx = createContext(store, new FakeClock(NOW), await loadDefinitions(project.file), 1);
  });
  after(async () => {
    await store.close();
    project.remove();
  });

  describe('mapPartitionKeys', () => {
    test('returns the upstream keys that exist beside those required but nonexistent, instead of failing', async () => {
      const result = await mapPartitionKeys(ctx, 'daily', 'hourly', ['2021-05-05', '2021-05-06'], NOW);
      assert.deepEqual(result, { keys: hoursOf('2021-05-06'), requiredButNonexistent: hoursOf('2021-05-05') });
    });

    test('maps a day whose window has not closed at now, its open hours required but nonexistent', async () => {
      const result = await mapPartitionKeys(ctx, 'daily', 'hourly', '2021-05-08', NOW);
      assert.deepEqual(result, { keys: hoursOf('2021-05-08', 0, 12), requiredButNonexistent: hoursOf('2021-05-08', 12) });
    });

    test('takes a range selector 2021-05-07-05:00...2021-05-09-09:00 and maps it downstream to the days it feeds', async () => {
      const result = await mapPartitionKeys(ctx, 'hourly', 'daily', '2021-05-07-05:00...2021-05-09-09:00', NOW);
      assert.deepEqual(result, { keys: ['2021-05-07'], requiredButNonexistent: [] });
    });

    test('a (-1, -1) mapping of the first day reads nothing and requires nothing', async () => {
      assert.deepEqual(await mapPartitionKeys(ctx, 'previous', 'daily', '2021-05-05', NOW), { keys: [], requiredButNonexistent: [] });
      assert.deepEqual(await mapPartitionKeys(ctx, 'previous', 'daily', '2021-05-07', NOW), { keys: ['2021-05-06'], requiredButNonexistent: [] });
    });

    test('an unpartitioned downstream takes no keys and reads every existing upstream partition', async () => {
      assert.deepEqual(await mapPartitionKeys(ctx, 'report', 'daily', [], NOW), { keys: ['2021-05-05', '2021-05-06', '2021-05-07'], requiredButNonexistent: [] });
      await rejects(() => mapPartitionKeys(ctx, 'report', 'daily', '2021-05-05', NOW), 'PARTITION_NOT_APPLICABLE', { asset: 'report' });
    });

    test('refuses a key that names no partition, and assets with no dependency between them', async () => {
      await rejects(() => mapPartitionKeys(ctx, 'daily', 'hourly', '2021-05-04', NOW), 'UNKNOWN_PARTITION', { key: '2021-05-04' });
      await rejects(() => mapPartitionKeys(ctx, 'regions', 'daily', 'eu', NOW), 'NOT_A_DEPENDENCY');
      await rejects(() => mapPartitionKeys(ctx, 'nope', 'daily', 'eu', NOW), 'UNKNOWN_ASSET', { key: 'nope' });
    });
  });

  describe('selectPartitionKeys', () => {
    test('prints the existing keys a range, a list or one key selects, in definition order', async () => {
      assert.deepEqual(await selectPartitionKeys(ctx, 'daily', '2021-05-05...2021-05-07', NOW), ['2021-05-05', '2021-05-06', '2021-05-07']);
      assert.deepEqual(await selectPartitionKeys(ctx, 'regions', 'us,eu', NOW), ['eu', 'us']);
      assert.deepEqual(await selectPartitionKeys(ctx, 'daily', { kind: 'all' }, NOW), ['2021-05-05', '2021-05-06', '2021-05-07']);
    });

    test('refuses a selector naming a partition that does not exist at now', async () => {
      await rejects(() => selectPartitionKeys(ctx, 'daily', '2021-05-08', NOW), 'UNKNOWN_PARTITION', { key: '2021-05-08' });
      await rejects(() => selectPartitionKeys(ctx, 'daily', '2021-05-06...2021-05-08', NOW), 'INVALID_PARTITION_RANGE');
      await rejects(() => selectPartitionKeys(ctx, 'report', '2021-05-06', NOW), 'PARTITION_NOT_APPLICABLE');
    });

    test('a partition key that does not exist is refused with the nearest keys, the key format and the first and last key', async () => {
      await rejects(() => selectPartitionKeys(ctx, 'daily', '2021-5-06', NOW), 'UNKNOWN_PARTITION', {
        key: '2021-5-06',
        format: '%Y-%m-%d',
        firstKey: '2021-05-05',
        lastKey: '2021-05-07',
        count: 3,
      });
      await assert.rejects(() => selectPartitionKeys(ctx, 'daily', '2021-5-06', NOW), {
        message: 'partition "2021-5-06" does not exist; did you mean "2021-05-06", "2021-05-05" or "2021-05-07"? (keys look like %Y-%m-%d; partitions run from "2021-05-05" to "2021-05-07" (3))',
      });
    });

    test('a range with an endpoint that does not exist shows the key format and the first and last key', async () => {
      await rejects(() => selectPartitionKeys(ctx, 'daily', '2021-05-06...2021-05-08', NOW), 'INVALID_PARTITION_RANGE', { format: '%Y-%m-%d', firstKey: '2021-05-05', lastKey: '2021-05-07' });
    });

    test('an unknown asset suggests the nearest asset keys', async () => {
      await rejects(() => selectPartitionKeys(ctx, 'dialy', '2021-05-06', NOW), 'UNKNOWN_ASSET', { key: 'dialy', suggestions: ['daily'] });
      await rejects(() => mapPartitionKeys(ctx, 'hourli', 'daily', '2021-05-06-00:00', NOW), 'UNKNOWN_ASSET', { key: 'hourli', suggestions: ['hourly'] });
    });
  });
});
