/**
 * Data versions and staleness end to end (SEMANTICS §8, STL-07): real runs on a daemon with worker
 * processes, whose attempt reports derive the data versions, then the staleness view over the
 * projection they leave. The code version changes by restarting the daemon on a second definitions
 * file that differs only in one asset's code version, as a deploy would. Tests run in order and
 * share one store: each builds on the materializations of the ones before.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { requestRun } from '../../src/runtime/run-commands.js';
import { computeStaleness, type AssetStalenessView } from '../../src/runtime/staleness.js';
import { selectAssets } from '../../src/runtime/selection.js';
import type { Materialization } from '../../src/fold/index.js';
import { startDaemon, tempProject, waitForRun, type Running } from '../helpers/project.js';

const definitions = (cleanCodeVersion: string): string => `
import { defineAsset, defineDefinitions, dailyPartitions, timeWindowMapping } from 'arco-flow';
type Config = { rawVersion?: string; dailyVersion?: string } | null;
const raw = defineAsset({ key: 'raw', codeVersion: '1', compute: (ctx) => {
  const v = (ctx.config as Config)?.rawVersion;
  return v ? { dataVersion: v } : {};
} });
const clean = defineAsset({ key: 'clean', deps: [raw], codeVersion: '${cleanCodeVersion}', compute: () => {} });
const report = defineAsset({ key: 'report', deps: [clean], compute: () => {} });
const days = dailyPartitions({ start: '2026-01-01', end: '2026-01-05' });
const daily = defineAsset({ key: 'daily', codeVersion: '1', partitions: days, compute: (ctx) => {
  const v = (ctx.config as Config)?.dailyVersion;
  return v ? { dataVersion: v + '-' + ctx.partitionKey } : {};
} });
const previous = defineAsset({
  key: 'previous',
  deps: [{ asset: daily, partitionMapping: timeWindowMapping({ startOffset: -1, endOffset: -1 }) }],
  codeVersion: '1',
  partitions: days,
  compute: () => {},
});
export default defineDefinitions({ assets: [raw, clean, report, daily, previous] });
`;

describe('data versions and staleness end to end', () => {
  const project = tempProject(definitions('1'));
  const storePath = join(project.dir, 'arco.db');
  const deployed = join(project.dir, 'definitions-v2.ts');
  let running: Running;

  before(async () => {
    writeFileSync(deployed, definitions('2'));
    running = await startDaemon(project.file, storePath);
  });
  after(async () => {
    await running.stop();
    project.remove();
  });

  async function materialize(selection: string[], options: { config?: Record<string, string>; partition?: string; staleOnly?: boolean } = {}) {
    const { run } = await requestRun(running.ctx, { selection, config: options.config ?? {}, partition: options.partition ?? null, staleOnly: options.staleOnly });
    const done = await waitForRun(running.store, run.runId);
    assert.equal(done.status, 'SUCCESS');
    return done;
  }
  const latest = async (assetKey: string): Promise<Materialization> => {
    const [m] = await running.store.assets.listMaterializations(assetKey, 1);
    assert.ok(m, `${assetKey} has a materialization`);
    return m;
  };
  const staleness = async (assetKey: string): Promise<AssetStalenessView> => {
    const [view] = await computeStaleness(running.ctx, [assetKey]);
    assert.ok(view);
    return view;
  };

  test('a never-materialized asset is MISSING', async () => {
    assert.deepEqual((await computeStaleness(running.ctx, ['raw', 'clean'])).map((v) => v.status), ['MISSING', 'MISSING']);
  });

  test('a user-supplied data version is stored as given', async () => {
    await materialize(['raw'], { config: { rawVersion: 'r1' } });
    const m = await latest('raw');
    assert.equal(m.dataVersion, 'r1');
    assert.equal(m.provenance?.userDataVersion, true);
  });

  test('the same code version and the same input data versions give the same data version in every run', async () => {
    await materialize(['clean']);
    const first = await latest('clean');
    await materialize(['clean']);
    const second = await latest('clean');
    assert.notEqual(first.runId, second.runId);
    assert.equal(second.dataVersion, first.dataVersion);
    assert.deepEqual(second.provenance, { codeVersion: '1', userDataVersion: false, inputs: [{ assetKey: 'raw', partitionKey: null, dataVersion: 'r1' }] });
    assert.equal((await staleness('clean')).status, 'FRESH');
  });

  test('an upstream re-materialized to the same user-supplied data version leaves its downstream FRESH', async () => {
    await materialize(['report']);
    await materialize(['raw'], { config: { rawVersion: 'r1' } });
    assert.deepEqual((await computeStaleness(running.ctx, ['raw', 'clean', 'report'])).map((v) => [v.assetKey, v.status]), [
      ['raw', 'FRESH'],
      ['clean', 'FRESH'],
      ['report', 'FRESH'],
    ]);
  });

  test('an upstream re-materialized to a new data version makes its downstream STALE with "has a new dependency data version", and only it', async () => {
    await materialize(['raw'], { config: { rawVersion: 'r2' } });
    const raw = await latest('raw');
    const clean = await staleness('clean');
    assert.equal(clean.status, 'STALE');
    assert.deepEqual(clean.causes, [
      {
        category: 'DATA',
        reason: 'has a new dependency data version',
        key: { assetKey: 'clean', partitionKey: null },
        dependency: { assetKey: 'raw', partitionKey: null },
        causes: [{ category: 'DATA', reason: 'has a new data version', key: { assetKey: 'raw', partitionKey: null }, dependency: null, causes: [] }],
      },
    ]);
    assert.equal(clean.staleSince, raw.materializedAt);
    // Not transitive: report read clean, whose data version has not changed yet.
    assert.equal((await staleness('report')).status, 'FRESH');
  });

  test('staleSince stays put while the asset stays stale, however often the upstream changes again', async () => {
    const since = (await staleness('clean')).staleSince;
    await materialize(['raw'], { config: { rawVersion: 'r3' } });
    const clean = await staleness('clean');
    assert.equal(clean.status, 'STALE');
    assert.equal(clean.staleSince, since);
  });

  test('a stale-only run materializes exactly the stale assets of the selection, and a downstream turns stale only once its upstream version changed', async () => {
    const run = await materialize(['raw', 'clean', 'report'], { staleOnly: true });
    assert.deepEqual(run.assetKeys, ['clean']);
    assert.deepEqual(run.tasks.map((t) => t.taskKey), ['clean']);
    const report = await staleness('report');
    assert.equal(report.status, 'STALE');
    assert.deepEqual(report.causes.map((c) => [c.reason, c.dependency?.assetKey]), [['has a new dependency data version', 'clean']]);
    const next = await materialize(['raw', 'clean', 'report'], { staleOnly: true });
    assert.deepEqual(next.assetKeys, ['report']);
  });

  test('a stale-only run when nothing is stale requests nothing: NOTHING_STALE', async () => {
    const before = await running.store.runs.listRuns({ limit: 1000 });
    await assert.rejects(requestRun(running.ctx, { selection: ['raw', 'clean', 'report'], staleOnly: true }), { code: 'NOTHING_STALE', details: { assets: ['raw', 'clean', 'report'] } });
    assert.equal((await running.store.runs.listRuns({ limit: 1000 })).length, before.length);
  });

  test('a new code version makes the asset STALE with "has a new code version", and its next materialization gets a different data version', async () => {
    const old = await latest('clean');
    await running.stop();
    running = await startDaemon(deployed, storePath);
    const clean = await staleness('clean');
    assert.equal(clean.status, 'STALE');
    assert.deepEqual(clean.causes.map((c) => [c.category, c.reason]), [['CODE', 'has a new code version']]);
    assert.equal(clean.staleSince, old.materializedAt);
    // The same inputs as before: only the code version differs.
    await materialize(['clean']);
    const fresh = await latest('clean');
    assert.deepEqual(fresh.provenance?.inputs, old.provenance?.inputs);
    assert.notEqual(fresh.dataVersion, old.dataVersion);
    assert.equal((await staleness('clean')).status, 'FRESH');
    assert.deepEqual((await staleness('report')).causes.map((c) => c.reason), ['has a new dependency data version']);
  });

  test('each partition is compared with the upstream partition its mapping reads: only the one whose upstream changed is STALE', async () => {
    await materialize(['daily'], { partition: '2026-01-01...2026-01-03', config: { dailyVersion: 'a' } });
    await materialize(['previous'], { partition: '2026-01-02...2026-01-03' });
    await materialize(['daily'], { partition: '2026-01-01', config: { dailyVersion: 'b' } });
    const previous = await staleness('previous');
    assert.equal(previous.status, 'STALE');
    assert.deepEqual(previous.partitionCounts, { FRESH: 1, STALE: 1, MISSING: 2 });
    const stale = previous.partitions.find((p) => p.status === 'STALE');
    assert.equal(stale?.partitionKey, '2026-01-02');
    assert.deepEqual(stale?.causes.map((c) => [c.reason, c.dependency]), [['has a new dependency data version', { assetKey: 'daily', partitionKey: '2026-01-01' }]]);
  });

  test('a stale-only run of partitions materializes only the stale and missing ones, with the fingerprint of exactly those', async () => {
    const { run } = await requestRun(running.ctx, { selection: ['previous'], partition: '2026-01-02...2026-01-04', staleOnly: true, runKey: 'stale-previous' });
    assert.deepEqual(run.tasks.map((t) => t.taskKey), ['previous[2026-01-02]', 'previous[2026-01-04]']);
    // Asking for exactly those partitions without the flag is the same run.
    const same = await requestRun(running.ctx, { selection: ['previous'], partition: '2026-01-02,2026-01-04', runKey: 'stale-previous' });
    assert.equal(same.existing, true);
    assert.equal(same.run.runId, run.runId);
    await waitForRun(running.store, run.runId);
  });

  test('an unknown asset in the selection is UNKNOWN_ASSET suggesting the nearest key', () => {
    assert.throws(() => selectAssets(running.ctx.definitions, 'clen'), { code: 'UNKNOWN_ASSET', details: { key: 'clen', suggestions: ['clean'] } });
  });
});
