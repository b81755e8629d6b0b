/**
 * What the web UI's start costs, in Chromium against `arco dev`. Goal: opening a view loads the
 * app's entry, the shared vendor chunk and that view's own code only, and its first API call waits
 * for no read of the OpenAPI document (the routes are built into the script). Method: record every
 * request of one navigation to a 1,000,000-partition asset's page until its grid has painted. How
 * fast that is is measured by bench/ui-partitions.bench.ts, not asserted here.
 */
import { describe } from 'node:test';
import assert from 'node:assert/strict';
import { browserSkip, startUiSession, type UiSession } from '../helpers/browser.js';
import { tempProject } from '../helpers/project.js';
import { skippable } from '../helpers/skippable.js';

const SOURCE = `import { defineAsset, defineDefinitions, hourlyPartitions } from 'arco-flow';
const events = defineAsset({ key: 'events', partitions: hourlyPartitions({ start: '1910-01-01-00:00', end: '2024-01-29-16:00' }), compute: async () => {} });
const other = defineAsset({ key: 'other', deps: [events], compute: async () => {} });
export default defineDefinitions({ assets: [events, other] });
`;

const { test, before, after } = skippable(browserSkip());

describe('web UI: app start', () => {
  const project = tempProject(SOURCE);
  let ui: UiSession;

  before(async () => {
    ui = await startUiSession(project.dir);
  });
  after(async () => {
    await ui?.close();
    project.remove();
  });

  test('a page loads only the entry, the vendor chunk and its own code, and calls the API without reading the OpenAPI document first', async () => {
    // A fresh context on a page that is not the app: its cache is empty when the app is opened.
    const { page, errors } = await ui.open('/api/v1/health');
    const requests: string[] = [];
    page.on('request', (r) => requests.push(new URL(r.url()).pathname));
    await page.goto(`${ui.url}/assets/events`);
    await page.locator('[aria-roledescription="partition grid"][aria-label^="1,000,000 partitions"]').waitFor();

    assert.deepEqual(requests.filter((p) => p.includes('openapi')), [], 'no read of the OpenAPI document');
    const scripts = requests.filter((p) => p.endsWith('.js')).map((p) => (p.split('/').pop() ?? '').replace(/-[\w-]{8}\.js$/, ''));
    assert.ok(scripts.includes('index') && scripts.includes('vendor') && scripts.includes('AssetPage'), scripts.join(' '));
    for (const other of ['AssetsPage', 'RunsPage', 'RunPage', 'RunsTimelinePage', 'LaunchpadPage', 'ParityPage', 'InstancePage']) {
      assert.ok(!scripts.includes(other), `the asset page loads no code of ${other}: ${scripts.join(' ')}`);
    }
    // The first API call goes out before the page has loaded anything but scripts and styles.
    const firstApi = requests.findIndex((p) => p.startsWith('/api/'));
    assert.ok(firstApi > 0 && requests.slice(0, firstApi).every((p) => p.startsWith('/static/') || p === '/assets/events'), requests.join(' '));
    assert.deepEqual(errors, []);
  });
});
