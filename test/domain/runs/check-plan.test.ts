/**
 * Planning asset checks: a check runs as its own task right after its asset's task; selecting an
 * asset selects its checks; a check may be selected alone; blocking checks hold back the readers.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { staticPartitions } from '../../../src/authoring/index.js';
import { parsePartitionSelector } from '../../../src/domain/partitions/index.js';
import { DEFAULT_RETRY_POLICY, checkTaskKeyOf, parseCheckKey, planRunWithChecks, resolveCheckKeys, type PlanningContext } from '../../../src/domain/runs/index.js';
import { graphOf, planningFor } from '../../helpers/runs.js';

const graph = graphOf({ orders: [], summary: ['orders'], report: ['summary'] });
const spec = () => ({ retry: DEFAULT_RETRY_POLICY, timeoutMs: null, codeVersion: null });
const CHECKS: Record<string, { name: string; blocking: boolean }[]> = {
  orders: [
    { name: 'row_count', blocking: false },
    { name: 'not_null', blocking: true },
  ],
};
const ctx: PlanningContext = { ...planningFor(graph, spec), checksOf: (key) => CHECKS[key] ?? [] };
const shape = (tasks: ReturnType<typeof planRunWithChecks>) => tasks.map((t) => [t.taskKey, t.checkName, t.deps]);

describe('planning asset checks', () => {
  test('selecting an asset plans each of its checks as a task right after it, depending on it', () => {
    assert.deepEqual(shape(planRunWithChecks(['orders'], [], null, ctx)), [
      ['orders', null, []],
      ['orders#row_count', 'row_count', ['orders']],
      ['orders#not_null', 'not_null', ['orders']],
    ]);
  });

  test("a downstream task waits for its upstream's blocking checks, not for the others", () => {
    const tasks = planRunWithChecks(['orders', 'summary', 'report'], [], null, ctx);
    assert.deepEqual(tasks.find((t) => t.taskKey === 'summary')?.deps, ['orders', 'orders#not_null']);
    assert.deepEqual(tasks.find((t) => t.taskKey === 'report')?.deps, ['summary']);
    assert.deepEqual(tasks.map((t) => t.taskKey), ['orders', 'orders#row_count', 'orders#not_null', 'summary', 'report'], 'dependency order');
  });

  test('a check selected alone is planned without its asset and without dependencies', () => {
    assert.deepEqual(shape(planRunWithChecks([], ['orders#not_null'], null, ctx)), [['orders#not_null', 'not_null', []]]);
    assert.deepEqual(shape(planRunWithChecks(['summary'], ['orders#row_count'], null, ctx)), [
      ['orders#row_count', 'row_count', []],
      ['summary', null, []],
    ]);
  });

  test('a partitioned asset gets one check task per partition, keyed ASSET[PARTITION]#NAME', () => {
    const partitioned: PlanningContext = { ...ctx, graph: graphOf({ orders: [] }), partitionsOf: () => staticPartitions(['eu', 'us']) };
    assert.deepEqual(planRunWithChecks(['orders'], [], parsePartitionSelector('eu'), partitioned).map((t) => t.taskKey), ['orders[eu]', 'orders[eu]#row_count', 'orders[eu]#not_null']);
    assert.deepEqual(planRunWithChecks([], ['orders#row_count'], parsePartitionSelector('eu,us'), partitioned).map((t) => t.taskKey), ['orders[eu]#row_count', 'orders[us]#row_count']);
    assert.equal(checkTaskKeyOf('raw/events', '2026-01-01', 'fresh'), 'raw/events[2026-01-01]#fresh');
  });

  test('an unknown check is UNKNOWN_ASSET_CHECK suggesting the nearest ASSET#NAME', () => {
    assert.throws(() => resolveCheckKeys(['orders#row_cnt'], ctx), { code: 'UNKNOWN_ASSET_CHECK', details: { check: 'orders#row_cnt', asset: 'orders', checkName: 'row_cnt', suggestions: ['orders#row_count'] } });
    assert.deepEqual(resolveCheckKeys(['orders#row_count', 'orders#row_count'], ctx), ['orders#row_count']);
    assert.deepEqual([parseCheckKey('raw/events#fresh'), parseCheckKey('orders[eu]')], [{ assetKey: 'raw/events', checkName: 'fresh' }, null]);
  });
});
