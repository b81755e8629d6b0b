/**
 * Asset selection over a large graph. Generates a deterministic (seeded) layered DAG of 100k assets
 * — 100 layers of 1,000, each asset reading 1-3 assets of the layers just above — with tags,
 * groups, owners and kinds, then times typical selections (parse + resolve, median of several
 * runs after a warm-up). The slowest one is held to the target; the index build is reported apart
 * because it happens once per definitions load.
 */
import { defineBenchmark, timeMs, median } from './harness.js';
import {
  AssetSelectionIndex,
  resolveAssetSelection,
  type SelectableAsset,
} from '../src/domain/selection/index.js';

const LAYERS = 100;
const ASSETS_PER_LAYER = 1_000;
const RUNS_PER_SELECTION = 7;
const TARGET_MS = 100;
const SEED = 20_240_601;

/** mulberry32: a tiny seeded generator, so every run measures the same graph. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

const keyOf = (layer: number, i: number): string => `ns${layer % 10}/l${layer}_a${i}`;

function generateAssets(): SelectableAsset[] {
  const random = seeded(SEED);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const assets: SelectableAsset[] = [];
  for (let layer = 0; layer < LAYERS; layer += 1) {
    for (let i = 0; i < ASSETS_PER_LAYER; i += 1) {
      const deps = new Set<string>();
      if (layer > 0) {
        const count = 1 + Math.floor(random() * 3);
        for (let d = 0; d < count; d += 1) {
          // Mostly the layer just above, sometimes up to three layers higher, like real pipelines.
          const from = Math.max(0, layer - 1 - Math.floor(random() * random() * 3));
          deps.add(keyOf(from, Math.floor(random() * ASSETS_PER_LAYER)));
        }
      }
      assets.push({
        key: keyOf(layer, i),
        deps: [...deps],
        group: `g${layer % 20}`,
        tags: random() < 0.5 ? { team: pick(['data', 'platform', 'ml']) } : { team: 'data', pii: 'true' },
        owners: random() < 0.3 ? [pick(['alice@example.com', 'team:analytics'])] : [],
        kinds: [pick(['dbt', 'python', 'snowflake'])],
      });
    }
  }
  return assets;
}

export default defineBenchmark({
  name: 'selection',
  target: `resolving a selection over a 100k-asset graph takes < ${TARGET_MS} ms`,
  async run() {
    const assets = generateAssets();
    let index = AssetSelectionIndex.build(assets);
    const indexBuildMs = await timeMs(() => {
      index = AssetSelectionIndex.build(assets);
    });
    const deepSink = keyOf(LAYERS - 1, 7);
    const topRoot = keyOf(0, 7);
    const selections = [
      '*',
      `+key:${deepSink}`,
      `key:${topRoot}+`,
      `2+key:${deepSink}+2`,
      'tag:team=data and not group:g3',
      'key:ns3/*_a1*',
      `roots(+key:${deepSink})`,
      'sinks(kind:dbt or owner:"team:analytics")',
    ];
    const metrics: Record<string, number | string> = { assets: index.size, indexBuildMs };
    let slowest = { selection: '', ms: -1, selected: 0 };
    for (const selection of selections) {
      let selected = resolveAssetSelection(selection, index).length;
      const runs: number[] = [];
      for (let run = 0; run < RUNS_PER_SELECTION; run += 1) {
        runs.push(await timeMs(() => (selected = resolveAssetSelection(selection, index).length)));
      }
      const ms = median(runs);
      metrics[`ms: ${selection}`] = ms;
      metrics[`selected: ${selection}`] = selected;
      if (ms > slowest.ms) slowest = { selection, ms, selected };
    }
    metrics.slowestResolveMs = slowest.ms;
    metrics.slowestSelection = slowest.selection;
    return {
      met: slowest.ms < TARGET_MS,
      metrics,
      summary: `The slowest of ${selections.length} typical selections (${slowest.selection}, ${slowest.selected} assets) resolved in ${slowest.ms.toFixed(1)} ms over ${index.size} assets; building the index took ${indexBuildMs.toFixed(0)} ms.`,
    };
  },
});
