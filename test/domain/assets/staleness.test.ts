/**
 * Staleness rules (SEMANTICS §8, Dagster's stale status) on an in-memory source: assets as defined
 * now, the last materialization of each asset partition with its provenance, and the parent
 * partitions each child partition reads.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  assessStaleness,
  rollUpStaleStatus,
  type ParentPartitions,
  type RecordedMaterialization,
  type StalenessAsset,
  type StalenessSource,
} from '../../../src/domain/assets/index.js';

const T0 = '2026-01-01T00:00:00.000Z';
const T1 = '2026-01-01T01:00:00.000Z';
const T2 = '2026-01-01T02:00:00.000Z';
const T3 = '2026-01-01T03:00:00.000Z';

type Input = { assetKey: string; partitionKey?: string | null; dataVersion: string | null };

interface World {
  assets: Record<string, Partial<StalenessAsset>>;
  /** `asset` or `asset[partition]` -> materialization. */
  materialized: Record<string, { version: string; at: string; seq: number; code?: string | null; user?: boolean; inputs?: Input[] | null }>;
  /** `child[partition]>parent` -> parent partitions read; default: whole parent. */
  reads?: Record<string, ParentPartitions>;
  history?: Record<string, { version: string; at: string; seq: number }[]>;
}

const ref = (assetKey: string, partitionKey: string | null): string => (partitionKey === null ? assetKey : `${assetKey}[${partitionKey}]`);

function sourceOf(world: World): StalenessSource {
  return {
    asset: (key) => {
      const a = world.assets[key];
      return a ? { key, deps: a.deps ?? [], codeVersion: a.codeVersion ?? null, external: a.external ?? false } : undefined;
    },
    lastMaterialization: (assetKey, partitionKey): RecordedMaterialization | null => {
      const m = world.materialized[ref(assetKey, partitionKey)];
      if (!m) return null;
      const provenance =
        m.inputs === null
          ? null
          : { codeVersion: m.code ?? null, userDataVersion: m.user ?? false, inputs: (m.inputs ?? []).map((i) => ({ partitionKey: null, ...i })) };
      return { sequence: m.seq, dataVersion: m.version, materializedAt: m.at, provenance };
    },
    parentPartitions: (child, partitionKey, parent) => world.reads?.[`${ref(child, partitionKey)}>${parent}`] ?? { kind: 'whole' },
    dataChangedAt: world.history
      ? (dep, recorded, after) => world.history?.[ref(dep.assetKey, dep.partitionKey)]?.find((h) => h.seq > after && h.version !== recorded)?.at ?? null
      : undefined,
  };
}

const reasons = (world: World, key: string, partition: string | null = null): string[] =>
  assessStaleness(sourceOf(world), key, partition).causes.map((c) => `${c.category}: ${c.reason}${c.dependency ? ` <- ${ref(c.dependency.assetKey, c.dependency.partitionKey)}` : ''}`);

describe('stale status', () => {
  test('an asset never materialized is MISSING; once materialized with unchanged inputs it is FRESH', () => {
    const world: World = { assets: { a: {}, b: { deps: ['a'] } }, materialized: { a: { version: 'v1', at: T0, seq: 1 } } };
    assert.equal(assessStaleness(sourceOf(world), 'b', null).status, 'MISSING');
    world.materialized.b = { version: 'w1', at: T1, seq: 2, inputs: [{ assetKey: 'a', dataVersion: 'v1' }] };
    const b = assessStaleness(sourceOf(world), 'b', null);
    assert.deepEqual([b.status, b.causes, b.staleSince], ['FRESH', [], null]);
  });

  test('a new code version makes the asset STALE with cause CODE "has a new code version"', () => {
    const world: World = { assets: { a: { codeVersion: '2' } }, materialized: { a: { version: 'v1', at: T0, seq: 1, code: '1' } } };
    const a = assessStaleness(sourceOf(world), 'a', null);
    assert.equal(a.status, 'STALE');
    assert.deepEqual(a.causes, [{ category: 'CODE', reason: 'has a new code version', key: { assetKey: 'a', partitionKey: null }, dependency: null, causes: [] }]);
    assert.equal(a.staleSince, T0);
    world.assets.a = { codeVersion: '1' };
    assert.equal(assessStaleness(sourceOf(world), 'a', null).status, 'FRESH');
  });

  test('a parent with a code version whose data version changed gives DATA "has a new dependency data version" with the nested cause on the parent', () => {
    const world: World = {
      assets: { a: { codeVersion: '1' }, b: { deps: ['a'] } },
      materialized: { a: { version: 'v2', at: T2, seq: 3 }, b: { version: 'w1', at: T1, seq: 2, inputs: [{ assetKey: 'a', dataVersion: 'v1' }] } },
    };
    const b = assessStaleness(sourceOf(world), 'b', null);
    assert.equal(b.status, 'STALE');
    assert.deepEqual(b.causes, [
      {
        category: 'DATA',
        reason: 'has a new dependency data version',
        key: { assetKey: 'b', partitionKey: null },
        dependency: { assetKey: 'a', partitionKey: null },
        causes: [{ category: 'DATA', reason: 'has a new data version', key: { assetKey: 'a', partitionKey: null }, dependency: null, causes: [] }],
      },
    ]);
    assert.deepEqual(b.rootCauses, [b.causes[0]!.causes[0]]);
    assert.equal(b.staleSince, T2);
  });

  test('a user-supplied data version on the parent also uses the "data version" wording', () => {
    const world: World = {
      assets: { a: {}, b: { deps: ['a'] } },
      materialized: { a: { version: 'v2', at: T2, seq: 3, user: true }, b: { version: 'w1', at: T1, seq: 2, inputs: [{ assetKey: 'a', dataVersion: 'v1' }] } },
    };
    assert.deepEqual(reasons(world, 'b'), ['DATA: has a new dependency data version <- a']);
  });

  test('a parent without code version or user version gives "has a new dependency materialization" and "has a new materialization"', () => {
    const world: World = {
      assets: { a: {}, b: { deps: ['a'] } },
      materialized: { a: { version: 'v2', at: T2, seq: 3 }, b: { version: 'w1', at: T1, seq: 2, inputs: [{ assetKey: 'a', dataVersion: 'v1' }] } },
    };
    const b = assessStaleness(sourceOf(world), 'b', null);
    assert.deepEqual(reasons(world, 'b'), ['DATA: has a new dependency materialization <- a']);
    assert.deepEqual(b.rootCauses.map((c) => c.reason), ['has a new materialization']);
  });

  test('an external parent uses the "data version" wording', () => {
    const world: World = {
      assets: { src: { external: true }, b: { deps: ['src'] } },
      materialized: { src: { version: 'o2', at: T2, seq: 3 }, b: { version: 'w1', at: T1, seq: 2, inputs: [{ assetKey: 'src', dataVersion: 'o1' }] } },
    };
    assert.deepEqual(reasons(world, 'b'), ['DATA: has a new dependency data version <- src']);
  });

  test('a parent re-materialized to the same data version leaves the child FRESH', () => {
    const world: World = {
      assets: { a: { codeVersion: '1' }, b: { deps: ['a'] } },
      materialized: { a: { version: 'v1', at: T2, seq: 3 }, b: { version: 'w1', at: T1, seq: 2, inputs: [{ assetKey: 'a', dataVersion: 'v1' }] } },
    };
    assert.equal(assessStaleness(sourceOf(world), 'b', null).status, 'FRESH');
  });

  test('a new dependency and a removed one are DEPENDENCIES causes naming the asset', () => {
    const world: World = {
      assets: { a: {}, x: {}, b: { deps: ['x'] } },
      materialized: {
        a: { version: 'v1', at: T0, seq: 1 },
        x: { version: 'x1', at: T0, seq: 1 },
        b: { version: 'w1', at: T1, seq: 2, inputs: [{ assetKey: 'a', dataVersion: 'v1' }] },
      },
    };
    assert.deepEqual(reasons(world, 'b'), ['DEPENDENCIES: removed dependency on a <- a', 'DEPENDENCIES: has a new dependency on x <- x']);
    assert.equal(assessStaleness(sourceOf(world), 'b', null).staleSince, T1);
  });

  test('causes sort by key/dependency: the code cause first, then parents by key', () => {
    const world: World = {
      assets: { p: { codeVersion: '1' }, q: { codeVersion: '1' }, b: { deps: ['q', 'p'], codeVersion: '2' } },
      materialized: {
        p: { version: 'p2', at: T2, seq: 4 },
        q: { version: 'q2', at: T2, seq: 5 },
        b: { version: 'w1', at: T1, seq: 2, code: '1', inputs: [{ assetKey: 'q', dataVersion: 'q1' }, { assetKey: 'p', dataVersion: 'p1' }] },
      },
    };
    assert.deepEqual(reasons(world, 'b'), ['CODE: has a new code version', 'DATA: has a new dependency data version <- p', 'DATA: has a new dependency data version <- q']);
  });

  test('staleness is not transitive: the child of a STALE asset stays FRESH until that asset gets a new data version', () => {
    const world: World = {
      assets: { a: { codeVersion: '2' }, b: { deps: ['a'] } },
      materialized: { a: { version: 'v1', at: T0, seq: 1, code: '1' }, b: { version: 'w1', at: T1, seq: 2, inputs: [{ assetKey: 'a', dataVersion: 'v1' }] } },
    };
    assert.equal(assessStaleness(sourceOf(world), 'a', null).status, 'STALE');
    assert.equal(assessStaleness(sourceOf(world), 'b', null).status, 'FRESH');
  });

  test('a materialization without provenance is FRESH, and an external asset is always FRESH', () => {
    const world: World = {
      assets: { a: { codeVersion: '2' }, src: { external: true } },
      materialized: { a: { version: 'v1', at: T0, seq: 1, inputs: null } },
    };
    assert.equal(assessStaleness(sourceOf(world), 'a', null).status, 'FRESH');
    assert.equal(assessStaleness(sourceOf(world), 'src', null).status, 'FRESH');
  });

  test('staleSince is the first parent change after the child materialized and does not move when the parent changes again', () => {
    const world: World = {
      assets: { a: { codeVersion: '1' }, b: { deps: ['a'] } },
      materialized: { a: { version: 'v2', at: T2, seq: 3 }, b: { version: 'w1', at: T1, seq: 2, inputs: [{ assetKey: 'a', dataVersion: 'v1' }] } },
      // a was re-materialized to its recorded version first (no change), then changed at T2.
      history: { a: [{ version: 'v1', at: T0, seq: 1 }, { version: 'v1', at: '2026-01-01T01:30:00.000Z', seq: 2.5 }, { version: 'v2', at: T2, seq: 3 }] },
    };
    assert.equal(assessStaleness(sourceOf(world), 'b', null).staleSince, T2);
    world.materialized.a = { version: 'v3', at: T3, seq: 4 };
    world.history!.a!.push({ version: 'v3', at: T3, seq: 4 });
    const b = assessStaleness(sourceOf(world), 'b', null);
    assert.deepEqual([b.status, b.staleSince], ['STALE', T2]);
  });
});

describe('stale status of partitions', () => {
  test('each upstream partition is its own edge: only the partition whose parent partition changed is STALE', () => {
    const world: World = {
      assets: { up: { codeVersion: '1' }, down: { deps: ['up'] } },
      materialized: {
        'up[x]': { version: 'x2', at: T2, seq: 5 },
        'up[y]': { version: 'y1', at: T0, seq: 2 },
        'down[x]': { version: 'd1', at: T1, seq: 3, inputs: [{ assetKey: 'up', partitionKey: 'x', dataVersion: 'x1' }] },
        'down[y]': { version: 'd2', at: T1, seq: 4, inputs: [{ assetKey: 'up', partitionKey: 'y', dataVersion: 'y1' }] },
      },
      reads: { 'down[x]>up': { kind: 'partitions', keys: ['x'], allOfTimeWindow: false }, 'down[y]>up': { kind: 'partitions', keys: ['y'], allOfTimeWindow: false } },
    };
    assert.deepEqual(reasons(world, 'down', 'x'), ['DATA: has a new dependency data version <- up[x]']);
    assert.equal(assessStaleness(sourceOf(world), 'down', 'y').status, 'FRESH');
  });

  test('an edge to 100 or more upstream partitions is not compared, 99 are', () => {
    const keys = (n: number) => Array.from({ length: n }, (_, i) => `k${i}`);
    const world = (n: number): World => ({
      assets: { up: { codeVersion: '1' }, down: { deps: ['up'] } },
      materialized: {
        'up[k0]': { version: 'new', at: T2, seq: 5 },
        down: { version: 'd1', at: T1, seq: 3, inputs: keys(n).map((k) => ({ assetKey: 'up', partitionKey: k, dataVersion: 'old' })) },
      },
      reads: { 'down>up': { kind: 'partitions', keys: keys(n), allOfTimeWindow: false } },
    });
    assert.equal(assessStaleness(sourceOf(world(100)), 'down', null).status, 'FRESH');
    assert.equal(assessStaleness(sourceOf(world(99)), 'down', null).status, 'STALE');
  });

  test('a time-partitioned parent read through an all-partitions mapping is not compared', () => {
    const world: World = {
      assets: { daily: { codeVersion: '1' }, summary: { deps: ['daily'] } },
      materialized: {
        'daily[2026-01-01]': { version: 'new', at: T2, seq: 5 },
        summary: { version: 's1', at: T1, seq: 3, inputs: [{ assetKey: 'daily', partitionKey: '2026-01-01', dataVersion: 'old' }] },
      },
      reads: { 'summary>daily': { kind: 'partitions', keys: ['2026-01-01'], allOfTimeWindow: true } },
    };
    assert.equal(assessStaleness(sourceOf(world), 'summary', null).status, 'FRESH');
  });

  test('an asset rolls up to STALE if any partition is stale, else MISSING if any is missing, else FRESH', () => {
    assert.equal(rollUpStaleStatus(['FRESH', 'MISSING', 'STALE']), 'STALE');
    assert.equal(rollUpStaleStatus(['FRESH', 'MISSING']), 'MISSING');
    assert.equal(rollUpStaleStatus(['FRESH', 'FRESH']), 'FRESH');
    assert.equal(rollUpStaleStatus([]), 'MISSING');
  });
});
