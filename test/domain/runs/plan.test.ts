import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AssetGraph } from '../../../src/domain/assets/index.js';
import { dailyPartitions, hourlyPartitions, staticPartitions } from '../../../src/authoring/index.js';
import {
  defaultPartitionMapping,
  parsePartitionSelector,
  type PartitionMapping,
  type PartitionsDefinition,
} from '../../../src/domain/partitions/index.js';
import { DEFAULT_RETRY_POLICY, planRun, resolveRunAssets, retryDelayMs, type PlanningContext } from '../../../src/domain/runs/index.js';
import { graphOf, planningFor } from '../../helpers/runs.js';

const graph = graphOf({ a: [], b: ['a'], c: ['b'], x: [] });
const none = { includeUpstream: false, includeDownstream: false };
const spec = () => ({ retry: DEFAULT_RETRY_POLICY, timeoutMs: null, codeVersion: null });
const noExternal = (): boolean => false;

describe('run planning', () => {
  test('selecting an asset runs exactly that asset, never its downstream', () => {
    assert.deepEqual(resolveRunAssets(graph, ['b'], none, noExternal), ['b']);
  });

  test('closure flags add every upstream or downstream asset', () => {
    assert.deepEqual(resolveRunAssets(graph, ['b'], { ...none, includeUpstream: true }, noExternal), ['a', 'b']);
    assert.deepEqual(resolveRunAssets(graph, ['b'], { ...none, includeDownstream: true }, noExternal), ['b', 'c']);
  });

  test('an upstream asset outside the run is read as it is: the task does not wait on it', () => {
    const tasks = planRun(['b', 'c'], null, planningFor(graph, spec));
    assert.deepEqual(tasks.map((t) => [t.taskKey, t.deps]), [['b', []], ['c', ['b']]]);
    assert.deepEqual(tasks[0]!.inputs, [{ assetKey: 'a', partitionKeys: null }]);
  });

  test('an unknown asset is UNKNOWN_ASSET naming it', () => {
    assert.throws(() => resolveRunAssets(graph, ['nope'], none, noExternal), { code: 'UNKNOWN_ASSET', details: { key: 'nope' } });
  });

  test('a misspelled asset is UNKNOWN_ASSET suggesting the nearest asset key', () => {
    assert.throws(() => resolveRunAssets(graph, ['bb'], none, noExternal), {
      code: 'UNKNOWN_ASSET',
      message: 'unknown asset "bb"; did you mean "b"?',
      details: { key: 'bb', suggestions: ['b'] },
    });
  });
});

describe('partitioned run planning', () => {
  const now = Date.parse('2024-01-10T12:00:00Z');
  const daily = dailyPartitions({ start: '2024-01-01' });
  const hourly = hourlyPartitions({ start: '2024-01-01' });
  const regions = staticPartitions(['eu', 'us']);
  const defs: Record<string, PartitionsDefinition | null> = { hours: hourly, days: daily, report: null, cleaned: daily, other: regions };
  const dag = AssetGraph.build([
    { key: 'hours', deps: [] },
    { key: 'days', deps: ['hours'] },
    { key: 'cleaned', deps: ['days'] },
    { key: 'report', deps: ['cleaned'] },
    { key: 'other', deps: [] },
  ]);
  const planning: PlanningContext = {
    ...planningFor(dag, spec),
    partitionsOf: (key) => defs[key] ?? null,
    mappingOf: (down, up): PartitionMapping => defaultPartitionMapping(defs[up] ?? undefined, defs[down] ?? undefined),
    partitions: { nowEpochMs: now, dynamicKeys: () => [] },
  };

  test('each task is one asset partition, and tasks read their upstream partitions through the mapping', () => {
    const tasks = planRun(['days', 'cleaned'], parsePartitionSelector('2024-01-02'), planning);
    assert.deepEqual(tasks.map((t) => [t.taskKey, t.deps]), [['days[2024-01-02]', []], ['cleaned[2024-01-02]', ['days[2024-01-02]']]]);
    const hours = tasks[0]!.inputs[0]!;
    assert.equal(hours.assetKey, 'hours');
    assert.equal(hours.partitionKeys?.length, 24, 'a daily partition reads the 24 hours of its day');
  });

  test('a range plans one task per key of the range, in definition order', () => {
    const tasks = planRun(['cleaned'], parsePartitionSelector('2024-01-03...2024-01-05'), planning);
    assert.deepEqual(tasks.map((t) => t.partitionKey), ['2024-01-03', '2024-01-04', '2024-01-05']);
  });

  test('an unpartitioned downstream in the run waits for every upstream partition in the run', () => {
    const tasks = planRun(['cleaned', 'report'], parsePartitionSelector('2024-01-03...2024-01-04'), planning);
    assert.deepEqual(tasks.find((t) => t.assetKey === 'report')!.deps, ['cleaned[2024-01-03]', 'cleaned[2024-01-04]']);
  });

  test('a partitioned asset without a partition is PARTITION_REQUIRED naming it', () => {
    assert.throws(() => planRun(['days', 'report'], null, planning), { code: 'PARTITION_REQUIRED', details: { assets: ['days'] } });
  });

  test('PARTITION_REQUIRED tells the user to pass --partition', () => {
    assert.throws(() => planRun(['days'], null, planning), { code: 'PARTITION_REQUIRED', message: /--partition KEY or START\.\.\.END/ });
  });

  test('a partition for unpartitioned assets is PARTITION_NOT_APPLICABLE', () => {
    assert.throws(() => planRun(['report'], parsePartitionSelector('2024-01-02'), planning), { code: 'PARTITION_NOT_APPLICABLE' });
  });

  test('a key the asset does not have is UNKNOWN_PARTITION naming the asset, the key, the key format and the first and last key', () => {
    assert.throws(() => planRun(['other'], parsePartitionSelector('apac'), planning), (e: { code: string; message: string; details: Record<string, unknown> }) => {
      assert.equal(e.code, 'UNKNOWN_PARTITION');
      assert.deepEqual(e.details, { key: 'apac', asset: 'other', format: 'static key', firstKey: 'eu', lastKey: 'us', count: 2 });
      assert.match(e.message, /keys look like static key; partitions run from "eu" to "us" \(2\)/);
      return true;
    });
    assert.throws(() => planRun(['days'], parsePartitionSelector('2030-01-01'), planning), { code: 'UNKNOWN_PARTITION' });
  });

  describe('launching a run that needs upstream partitions that do not exist', () => {
    const lateHours = hourlyPartitions({ start: '2024-01-03-00:00' });
    const lateDefs: Record<string, PartitionsDefinition | null> = { hours: lateHours, days: daily };
    const late = (mapping?: PartitionMapping): PlanningContext => ({
      ...planning,
      partitionsOf: (key) => lateDefs[key] ?? null,
      mappingOf: (down, up) => mapping ?? defaultPartitionMapping(lateDefs[up] ?? undefined, lateDefs[down] ?? undefined),
    });

    test('fails with NONEXISTENT_UPSTREAM_PARTITION naming the asset, partition, upstream and missing keys', () => {
      assert.throws(
        () => planRun(['days'], parsePartitionSelector('2024-01-02'), late()),
        (e: { code: string; details: Record<string, unknown> }) => {
          assert.equal(e.code, 'NONEXISTENT_UPSTREAM_PARTITION');
          assert.equal(e.details.asset, 'days');
          assert.equal(e.details.partition, '2024-01-02');
          assert.equal(e.details.upstream, 'hours');
          assert.equal(e.details.count, 24);
          assert.deepEqual((e.details.keys as string[]).slice(0, 2), ['2024-01-02-00:00', '2024-01-02-01:00']);
          return true;
        },
      );
    });

    test('plans the run when the time-window mapping allows nonexistent upstream partitions', () => {
      const allowing: PartitionMapping = { kind: 'timeWindow', startOffset: 0, endOffset: 0, allowNonexistentUpstream: true };
      const tasks = planRun(['days'], parsePartitionSelector('2024-01-02...2024-01-03'), late(allowing));
      assert.deepEqual(tasks.map((t) => [t.taskKey, t.inputs[0]?.partitionKeys?.length]), [['days[2024-01-02]', 0], ['days[2024-01-03]', 24]]);
    });
  });
});

describe('retry delays', () => {
  const policy = { maxRetries: 5, delayMs: 1000, backoff: 'exponential', jitter: 'none' } as const;
  test('exponential backoff doubles per attempt and is capped at an hour', () => {
    assert.deepEqual([1, 2, 3].map((n) => retryDelayMs(policy, n, 'r', 't')), [1000, 2000, 4000]);
    assert.equal(retryDelayMs(policy, 30, 'r', 't'), 3_600_000);
  });

  test('jitter is deterministic for the same run, task and attempt, and stays in its band', () => {
    const full = { ...policy, backoff: 'fixed', jitter: 'full' } as const;
    const plusMinus = { ...full, jitter: 'plusMinus' } as const;
    assert.equal(retryDelayMs(full, 1, 'run_1', 'a'), retryDelayMs(full, 1, 'run_1', 'a'));
    const spread = new Set(['a', 'b', 'c', 'd', 'e'].map((t) => retryDelayMs(full, 1, 'run_1', t)));
    assert.ok(spread.size > 1, 'different tasks get different jitter');
    for (const t of ['a', 'b', 'c', 'd']) {
      const d = retryDelayMs(plusMinus, 1, 'run_1', t);
      assert.ok(d >= 500 && d <= 1500, `plusMinus ${d} within [500, 1500]`);
    }
  });
});

describe('external assets in runs', () => {
  // `ext` is external: another system produces it; `b` reads it.
  const withExternal = graphOf({ ext: [], b: ['ext'], c: ['b'] });
  const isExternal = (key: string): boolean => key === 'ext';

  test('an external asset is never planned into a run, even when the upstream closure reaches it', () => {
    assert.deepEqual(resolveRunAssets(withExternal, ['c'], { ...none, includeUpstream: true }, isExternal), ['b', 'c']);
    const tasks = planRun(['ext', 'b', 'c'], null, { ...planningFor(withExternal, spec), isExternal });
    assert.deepEqual(tasks.map((t) => t.taskKey), ['b', 'c']);
    // It is read as it is, like any upstream outside the run.
    assert.deepEqual(tasks[0]!.deps, []);
    assert.deepEqual(tasks[0]!.inputs, [{ assetKey: 'ext', partitionKeys: null }]);
  });

  test('a run of only external assets is EXTERNAL_ASSET_NOT_MATERIALIZABLE naming them', () => {
    assert.throws(() => resolveRunAssets(withExternal, ['ext'], none, isExternal), {
      code: 'EXTERNAL_ASSET_NOT_MATERIALIZABLE',
      details: { assets: ['ext'] },
    });
    assert.throws(() => planRun(['ext'], null, { ...planningFor(withExternal, spec), isExternal }), { code: 'EXTERNAL_ASSET_NOT_MATERIALIZABLE' });
  });
});
