/**
 * The daemon observes an external asset with `autoObserveIntervalMinutes` once per interval of its
 * clock, and a restarted daemon (a new runner) in the same interval records nothing twice.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defineAsset, defineDefinitions, defineExternalAsset } from '../../src/authoring/index.js';
import { FakeClock, createContext, indexDefinitions } from '../../src/runtime/index.js';
import { ObservationRunner } from '../../src/runtime/observation-runner.js';
import { openSqliteStore } from '../../src/store/index.js';

const T0 = Date.parse('2026-03-10T12:00:00Z');

test('an auto-observed external asset is observed once per interval, also across a daemon restart', async () => {
  let version = 'v1';
  let calls = 0;
  const orders = defineExternalAsset({
    key: 'ext/orders',
    autoObserveIntervalMinutes: 5,
    observe: () => {
      calls += 1;
      return { dataVersion: version };
    },
  });
  const quiet = defineExternalAsset({ key: 'ext/quiet', observe: () => ({ dataVersion: 'never' }) });
  const clean = defineAsset({ key: 'clean', deps: [orders, quiet], compute: () => {} });
  const defs = indexDefinitions('definitions.ts', defineDefinitions({ assets: [orders, quiet, clean] }));
  const store = openSqliteStore({ path: ':memory:' });
  const clock = new FakeClock(T0);
  const ctx = createContext(store, clock, defs, 1);
  const problems: string[] = [];
  const observed = async () =>
    (await store.ledger.readEvents({ limit: 1000 })).filter((e) => e.type === 'AssetObserved').map((e) => `${e.payload.assetKey}=${e.payload.dataVersion}`);
  try {
    const first = new ObservationRunner(ctx, (m) => problems.push(m));
    await first.observeDue(clock.now());
    clock.advance(60_000);
    await first.observeDue(clock.now());
    assert.deepEqual(await observed(), ['ext/orders=v1'], 'once in the first interval; an asset without an interval is never auto-observed');
    // A restart within the same interval: observed again, recorded once.
    version = 'v2';
    await new ObservationRunner(ctx, (m) => problems.push(m)).observeDue(clock.now());
    assert.deepEqual(await observed(), ['ext/orders=v1']);
    clock.advance(4 * 60_000);
    await first.observeDue(clock.now());
    assert.deepEqual(await observed(), ['ext/orders=v1', 'ext/orders=v2'], 'the next interval records the new version');
    assert.equal(calls, 3);
    assert.deepEqual(problems, []);
  } finally {
    await store.close();
  }
});

test('autoObserveIntervalMinutes without observe is a load error naming the asset', () => {
  assert.throws(() => defineExternalAsset({ key: 'ext/x', autoObserveIntervalMinutes: 5 }), {
    code: 'INVALID_DEFINITION',
    message: 'asset "ext/x": autoObserveIntervalMinutes needs an observe function',
  });
});
