/**
 * The lineage graph of 2,000 assets in headless Chromium: from navigation to /assets until the
 * graph of all 2,000 is laid out and the nodes in view are drawn (a graph this large is culled to
 * the view), and the assets table lists its first rows. The assets form 20 groups of layered chains (each asset depends on one or two of
 * the layer before), a shape like a real warehouse's.
 */
import { defineBenchmark } from './harness.js';
import { timeInBrowser } from './ui-browser.js';

const TARGET_MS = 2000;
const RUNS = 3;
const ASSETS = 2000;
const SOURCE = `import { defineAsset, defineDefinitions } from 'arco-flow';
const assets = [];
for (let i = 0; i < ${ASSETS}; i += 1) {
  const layer = Math.floor(i / 100);
  const prev = (layer - 1) * 100;
  const deps = layer === 0 ? [] : [assets[prev + (i % 100)], assets[prev + ((i * 7) % 100)]];
  assets.push(defineAsset({ key: 'a' + i, group: 'g' + (i % 20), deps: [...new Set(deps)], compute: async () => {} }));
}
export default defineDefinitions({ assets });
`;

export default defineBenchmark({
  name: 'ui-lineage',
  target: `the lineage graph of ${ASSETS.toLocaleString('en-US')} assets is drawn < ${TARGET_MS} ms after navigation (headless Chromium, median of ${RUNS})`,
  async run() {
    const ready = `document.querySelector('svg[aria-label="Asset lineage graph"]')?.getAttribute('data-assets') === '${ASSETS}' && document.querySelectorAll('svg[aria-label="Asset lineage graph"] .node').length > 0 && document.querySelectorAll('table[aria-label="Assets by group"] tbody tr').length > 0`;
    const measured = await timeInBrowser(SOURCE, '/assets', ready, RUNS);
    return {
      met: measured.medianMs < TARGET_MS,
      metrics: { assets: ASSETS, drawnMedianMs: measured.medianMs, firstNavigationMs: measured.firstMs, runsMs: measured.runsMs.map((t) => Math.round(t)).join(' ') },
      summary: `the lineage graph of ${ASSETS} assets was drawn in ${Math.round(measured.medianMs)} ms (median of ${RUNS})`,
    };
  },
});
