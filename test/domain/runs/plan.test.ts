import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_RETRY_POLICY, planRun, resolveRunAssets, retryDelayMs } from '../../../src/domain/runs/index.js';
import { graphOf } from '../../helpers/runs.js';

const graph = graphOf({ a: [], b: ['a'], c: ['b'], x: [] });
const none = { includeUpstream: false, includeDownstream: false };

describe('run planning', () => {
  test('selecting an asset runs exactly that asset, never its downstream', () => {
    assert.deepEqual(resolveRunAssets(graph, ['b'], none), ['b']);
  });

  test('closure flags add every upstream or downstream asset', () => {
    assert.deepEqual(resolveRunAssets(graph, ['b'], { ...none, includeUpstream: true }), ['a', 'b']);
    assert.deepEqual(resolveRunAssets(graph, ['b'], { ...none, includeDownstream: true }), ['b', 'c']);
  });

  test('an upstream asset outside the run is read as it is: the task does not wait on it', () => {
    const tasks = planRun(graph, ['b', 'c'], () => ({ retry: DEFAULT_RETRY_POLICY, timeoutMs: null, codeVersion: null }));
    assert.deepEqual(tasks.map((t) => [t.taskKey, t.deps]), [['b', []], ['c', ['b']]]);
    assert.deepEqual(tasks[0]!.upstreamAssets, ['a']);
  });

  test('an unknown asset is UNKNOWN_ASSET naming it', () => {
    assert.throws(() => resolveRunAssets(graph, ['nope'], none), { code: 'UNKNOWN_ASSET', details: { key: 'nope' } });
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
