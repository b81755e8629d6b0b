/**
 * The web UI's live updates and its parity page, in Chromium against `arco dev`: the run page
 * follows a run's log lines over one stream (not a poll per second), its polls revalidate with the
 * last ETag (so an unchanged view costs an empty 304), and /instance/parity shows the matrix this version ships with its filters in the URL.
 */
import { describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { browserSkip, startUiSession, type UiSession } from '../helpers/browser.js';
import { tempProject } from '../helpers/project.js';
import { skippable } from '../helpers/skippable.js';

const SOURCE = `import { defineAsset, defineDefinitions } from 'arco-flow';
const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const slow = defineAsset({ key: 'slow', compute: async (ctx) => {
  ctx.log.info('first line');
  await pause(2500);
  ctx.log.info('second line');
  await pause(500);
} });
export default defineDefinitions({ assets: [slow] });
`;
const MATRIX = fileURLToPath(new URL('../../docs/parity/dagster-parity-matrix.md', import.meta.url));

const { test, before, after } = skippable(browserSkip());

describe('web UI: live updates and the parity page', () => {
  const project = tempProject(SOURCE);
  let ui: UiSession;

  before(async () => {
    ui = await startUiSession(project.dir);
  });
  after(async () => {
    await ui?.close();
    project.remove();
  });

  test('the run page streams its log lines over one request, and its polls revalidate with the last ETag', async () => {
    const response = await fetch(`${ui.url}/api/v1/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ selection: ['slow'] }) });
    const { run } = (await response.json()) as { run: { runId: string } };
    const { page, errors } = await ui.open(`/runs/${run.runId}`);
    const logRequests: string[] = [];
    const revalidations: boolean[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/logs')) logRequests.push(r.url());
    });
    page.on('request', (r) => {
      // A poll still in flight when the browser closes has no headers to give: that is no failure.
      if (r.url().includes('/api/v1/runs/') && !r.url().includes('/logs')) void r.allHeaders().then((h) => revalidations.push(h['if-none-match'] !== undefined), () => undefined);
    });
    await page.reload();
    const logs = page.getByRole('log', { name: 'Run logs' });
    await logs.getByText('first line').waitFor({ timeout: 15_000 });
    const openedBeforeFirstLine = logRequests.length;
    await logs.getByText('second line').waitFor({ timeout: 15_000 });
    await page.locator('h1 .badge', { hasText: 'SUCCESS' }).waitFor({ timeout: 15_000 });
    // 2.5 s between the lines: a page polling logs would have asked again meanwhile.
    assert.deepEqual(logRequests.slice(openedBeforeFirstLine), [], 'the second line came over the stream already open');
    assert.ok(logRequests.every((url) => /follow=true/.test(url)), logRequests.join(', '));
    // The browser revalidates its polls with the last ETag (the server's 304 for an unchanged
    // body is proven in test/api/etags.test.ts; the browser reports a revalidated answer as 200).
    await page.waitForTimeout(4_500);
    assert.ok(revalidations.includes(true), `polls of the run carry If-None-Match: ${revalidations.join(' ')}`);
    await ui.shot(page, 'run-streamed-logs');
    assert.deepEqual(errors, []);
  });

  test('the parity page shows every row of the shipped matrix with bars per area, and filters by status and text through the URL', async () => {
    const rowsInFile = readFileSync(MATRIX, 'utf8').split('\n').filter((line) => /^\| \*\*[A-Z]{2,4}-\d{2,3}\*\*/.test(line));
    const { page, errors } = await ui.open('/instance');
    await page.getByRole('link', { name: 'Dagster parity of this version' }).click();
    const table = page.getByRole('table', { name: 'Parity rows' });
    await page.getByText(`${rowsInFile.length} of ${rowsInFile.length} rows`).waitFor();
    assert.equal(await table.locator('tbody tr').count(), rowsInFile.length);
    assert.ok((await page.getByRole('img', { name: /^All areas: \d+ Implemented/ }).count()) === 1, 'a bar for all areas');
    assert.ok((await page.getByRole('table', { name: 'Parity by area' }).getByRole('img').count()) >= 9, 'a bar per area');
    await ui.shot(page, 'parity');

    const partial = Number(/Partial (\d+)/.exec(await page.getByLabel('Rows per status').innerText())?.[1]);
    assert.ok(partial > 0, 'the legend counts the Partial rows');
    await page.getByRole('combobox', { name: 'Status' }).selectOption('Partial');
    await page.getByText(`${partial} of ${rowsInFile.length} rows`).waitFor();
    assert.match(page.url(), /\/instance\/parity\?status=Partial/);
    await page.getByRole('searchbox', { name: 'Search' }).fill('PRD-21');
    await table.locator('tbody tr').first().waitFor();
    await page.waitForFunction("document.querySelectorAll('table[aria-label=\"Parity rows\"] tbody tr').length <= 1");
    await page.reload();
    assert.equal(await page.getByRole('searchbox', { name: 'Search' }).inputValue(), 'PRD-21', 'the filters live in the URL');
    assert.deepEqual(errors, []);
  });
});
