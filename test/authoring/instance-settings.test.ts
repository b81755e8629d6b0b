/**
 * Instance settings (`defineDefinitions({ instance })`): what Dagster keeps in dagster.yaml. Goal: a
 * deployment gets the documented defaults when it says nothing, what it says is read exactly, and a
 * misspelt or impossible setting is a load error naming the setting, never silently ignored.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defineAsset, defineDefinitions } from '../../src/authoring/index.js';

const raw = defineAsset({ key: 'raw', compute: async () => {} });

test('without instance settings the queue is unlimited, runs are not retried, monitoring uses 180 s and records are kept forever', () => {
  assert.deepEqual(defineDefinitions({ assets: [raw] }).instance, {
    runQueue: { maxConcurrentRuns: null, tagConcurrencyLimits: [] },
    pools: { defaultLimit: null, granularity: 'task' },
    runRetries: { max: 0, retryOn: 'failure' },
    runMonitoring: { startTimeoutSeconds: 180, cancelTimeoutSeconds: 180, maxRuntimeSeconds: null },
    retention: { ticksMs: null, evaluationsMs: null, runsMs: null },
  });
});

test('instance settings are read as given, with retention durations in minutes, hours or days', () => {
  const { instance } = defineDefinitions({
    assets: [raw],
    instance: {
      runQueue: { maxConcurrentRuns: 4, tagConcurrencyLimits: [{ key: 'team', value: 'data', limit: 2 }, { key: 'db', limit: 1, perUniqueValue: true }] },
      pools: { defaultLimit: 3, granularity: 'run' },
      runRetries: { max: 2, retryOn: 'all' },
      runMonitoring: { startTimeoutSeconds: 60, maxRuntimeSeconds: 3600 },
      retention: { ticks: '30d', evaluations: '12h', runs: '90m' },
    },
  });
  assert.deepEqual(instance.runQueue.tagConcurrencyLimits, [{ key: 'team', value: 'data', limit: 2 }, { key: 'db', limit: 1, perUniqueValue: true }]);
  assert.equal(instance.runQueue.maxConcurrentRuns, 4);
  assert.deepEqual(instance.pools, { defaultLimit: 3, granularity: 'run' });
  assert.deepEqual(instance.runRetries, { max: 2, retryOn: 'all' });
  assert.deepEqual(instance.runMonitoring, { startTimeoutSeconds: 60, cancelTimeoutSeconds: 180, maxRuntimeSeconds: 3600 });
  assert.deepEqual(instance.retention, { ticksMs: 30 * 86_400_000, evaluationsMs: 12 * 3_600_000, runsMs: 90 * 60_000 });
});

test('a misspelt or impossible instance setting is INVALID_DEFINITION naming it', () => {
  const refused = (instance: unknown, field: string, pattern: RegExp) =>
    assert.throws(
      () => defineDefinitions({ assets: [raw], instance: instance as never }),
      (e: { code: string; message: string; details: Record<string, unknown> }) => e.code === 'INVALID_DEFINITION' && e.details['field'] === field && pattern.test(e.message),
    );
  refused({ runQueue: { maxConcurentRuns: 3 } }, 'instance.runQueue.maxConcurentRuns', /did you mean "maxConcurrentRuns"/);
  refused({ runQueue: { maxConcurrentRuns: 0 } }, 'instance.runQueue.maxConcurrentRuns', /maxConcurrentRuns/);
  refused({ retention: { runs: '1y' } }, 'instance.retention.runs', /duration such as 90m, 12h or 30d/);
  refused({ runRetries: { max: 1, retryOn: 'sometimes' } }, 'instance.runRetries.retryOn', /retryOn/);
  refused({ pools: { defaultLimit: -1 } }, 'instance.pools.defaultLimit', /defaultLimit/);
  refused({ pools: { default_limit: 2 } }, 'instance.pools.default_limit', /did you mean "defaultLimit"/);
  refused({ pools: { granularity: 'op' } }, 'instance.pools.granularity', /granularity/);
});
