/**
 * The partitions view of an asset with 1,000,000 hourly partitions in headless Chromium: from
 * navigation to /assets/KEY until its grid has painted cells (the canvas holds coloured pixels),
 * which is when it answers a click or a key. The asset is unmaterialized (one MISSING range): the
 * grid is drawn from ranges, so its cost is the cells in view, not the partitions.
 */
import { defineBenchmark } from './harness.js';
import { timeInBrowser } from './ui-browser.js';

const TARGET_MS = 1000;
const RUNS = 5;
const SOURCE = `import { defineAsset, defineDefinitions, hourlyPartitions } from 'arco-flow';
// 1,000,000 hours from 1910-01-01.
const events = defineAsset({ key: 'events', partitions: hourlyPartitions({ start: '1910-01-01-00:00', end: '2024-01-29-16:00' }), compute: async () => {} });
export default defineDefinitions({ assets: [events] });
`;
// Painted: some pixel of the grid's canvas is opaque.
const PAINTED = `(() => { const c = document.querySelector('[aria-label="Partitions"] canvas'); if (!c || c.width === 0) return false;
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; for (let i = 3; i < d.length; i += 4) if (d[i] !== 0) return true; return false; })()`;

export default defineBenchmark({
  name: 'ui-partitions',
  target: `the partitions view of a 1,000,000-partition asset paints its grid < ${TARGET_MS} ms after navigation (headless Chromium, median of ${RUNS})`,
  async run() {
    const measured = await timeInBrowser(SOURCE, '/assets/events', `${PAINTED} && document.querySelector('[aria-roledescription="partition grid"]')?.getAttribute('aria-label')?.startsWith('1,000,000 partitions')`, RUNS);
    return {
      met: measured.medianMs < TARGET_MS,
      metrics: { partitions: 1_000_000, firstPaintMedianMs: measured.medianMs, firstNavigationMs: measured.firstMs, runsMs: measured.runsMs.map((t) => Math.round(t)).join(' ') },
      summary: `the grid of 1,000,000 hourly partitions painted in ${Math.round(measured.medianMs)} ms (median of ${RUNS}; the first navigation, which loads the definitions, ${Math.round(measured.firstMs)} ms)`,
    };
  },
});
