/**
 * The web UI in a real browser against a real `arco dev`: Debian's Chromium driven by
 * playwright-core loads each page, launches a run from the Assets page and watches it finish on
 * the run page, reruns a failed run from failure, starts and stops a schedule and a sensor, pauses
 * and resumes a backfill, and signs in with a token once the store holds one. Screenshots go to
 * reports/ui/. Under CI the browser and the built UI must be there; elsewhere the tests are skipped
 * (and counted) without them.
 */
import { describe } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChildProcess } from 'node:child_process';
import { chromium, type Browser, type Page } from 'playwright-core';
import { arcoJson, startDev, stopProcess } from '../helpers/cli.js';
import { tempProject } from '../helpers/project.js';
import { skippable } from '../helpers/skippable.js';

const CHROMIUM = '/usr/bin/chromium';
const UI_INDEX = fileURLToPath(new URL('../../dist/ui/index.html', import.meta.url));
const SHOTS = fileURLToPath(new URL('../../reports/ui/', import.meta.url));

function skipReason(): string | false {
  const missing = !existsSync(CHROMIUM) ? `no browser at ${CHROMIUM} (apt-get install chromium)` : !existsSync(UI_INDEX) ? `the web UI is not built (${UI_INDEX}; npm run build)` : false;
  if (missing && process.env.CI === 'true') throw new Error(`${missing}: the browser tests must run under CI`);
  return missing;
}

const SOURCE = `import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dailyPartitions, defineAsset, defineDefinitions, defineSchedule, defineSensor, hourlyPartitions, multiPartitions, onMissing, staticPartitions } from 'arco-flow';
const here = dirname(fileURLToPath(import.meta.url));
const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const orders = defineAsset({ key: 'raw/orders', group: 'ingest', kinds: ['json'], owners: ['team:ingest'], compute: async (ctx) => { ctx.log.info('fetched 120 orders'); await pause(300); } });
const summary = defineAsset({ key: 'reports/summary', deps: [orders], group: 'reports', compute: async () => { await pause(100); } });
const flaky = defineAsset({
  key: 'flaky', group: 'reports', deps: [orders],
  compute: async () => { if (!existsSync(join(here, 'fixed'))) throw new Error('upstream is down'); },
});
const regions = defineAsset({ key: 'regions', group: 'regional', partitions: staticPartitions(['af', 'ap', 'eu', 'oc', 'sa', 'us']), compute: async () => { await pause(1500); } });
// Evaluated by default_automation_condition_sensor from the start: on_missing holds off at the first evaluation.
const audit = defineAsset({ key: 'audit', group: 'automated', automation: onMissing(), compute: async () => {} });
// The partition grids: a calendar of days, days × hours, and regions × days.
const daily = defineAsset({ key: 'daily_events', group: 'partitioned', partitions: dailyPartitions({ start: '2026-01-01', end: '2026-04-01' }), compute: async () => {} });
const hourly = defineAsset({ key: 'hourly_events', group: 'partitioned', partitions: hourlyPartitions({ start: '2026-03-01-00:00', end: '2026-03-08-00:00' }), compute: async () => {} });
const regionDays = defineAsset({
  key: 'region_days', group: 'partitioned',
  partitions: multiPartitions({ a_region: staticPartitions(['af', 'eu', 'us']), b_day: dailyPartitions({ start: '2026-03-01', end: '2026-03-11' }) }),
  compute: async () => {},
});
export default defineDefinitions({
  assets: [orders, summary, flaky, regions, audit, daily, hourly, regionDays],
  schedules: [defineSchedule({ name: 'nightly', cron: '0 3 * * *', target: [summary] })],
  sensors: [defineSensor({ name: 'watch_orders', target: [summary], minimumIntervalSeconds: 5, evaluate: () => ({ skipReason: 'nothing new' }) })],
});
`;

const { test, before, after } = skippable(skipReason());

describe('web UI in Chromium against arco dev', () => {
  const project = tempProject(SOURCE);
  let dev: { child: ChildProcess; url: string };
  let browser: Browser;

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    dev = await startDev(['--project', project.dir, '--no-watch']);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
  });
  after(async () => {
    await browser?.close();
    if (dev) await stopProcess(dev.child);
    project.remove();
  });

  /** A fresh browser context (its own storage, like a new profile) on `path`. */
  async function open(path: string, options: { colorScheme?: 'light' | 'dark' } = {}): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, colorScheme: options.colorScheme ?? 'light' });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${dev.url}${path}`);
    (page as unknown as { errors: string[] }).errors = errors;
    return page;
  }
  const shot = (page: Page, name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  const api = async <T>(path: string, init?: RequestInit): Promise<T> => (await (await fetch(`${dev.url}${path}`, init)).json()) as T;
  const post = (path: string, body: unknown = {}) => api(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  test('the Assets page lists the assets by group with the lineage graph, and a bad selection shows the parser error with its column', async () => {
    const page = await open('/');
    await page.getByRole('table', { name: 'Assets by group' }).getByRole('link', { name: 'raw/orders' }).waitFor();
    for (const group of ['ingest', 'regional', 'reports']) assert.equal(await page.locator('tr.group-row', { hasText: group }).count(), 1, group);
    assert.equal(await page.locator('svg[aria-label="Asset lineage graph"] .node').count(), 8);
    const edges = await page.locator('svg .edge').evaluateAll((paths) => paths.map((p) => `${p.getAttribute('data-from')} -> ${p.getAttribute('data-to')}`).sort());
    assert.deepEqual(edges, ['raw/orders -> flaky', 'raw/orders -> reports/summary'], 'each asset is drawn downstream of its deps');
    const row = page.getByRole('table', { name: 'Assets by group' }).locator('tr', { hasText: 'raw/orders' });
    assert.match(await row.innerText(), /raw\/orders\s*json\s*team:ingest\s*MISSING\s*never/);
    await shot(page, 'assets');

    await page.getByLabel('Asset selection').fill('key:raw/orders or');
    await page.getByRole('button', { name: 'Search' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match(await alert.innerText(), /SELECTION_SYNTAX_ERROR[\s\S]*column \d+/);
    assert.match(page.url(), /select=key%3Araw%2Forders\+or/, 'the search is in the URL, so it can be shared');
    await shot(page, 'assets-selection-error');

    await page.getByLabel('Asset selection').fill('group:reports');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForFunction("document.querySelectorAll('svg .node').length === 2");
    assert.equal(await page.getByRole('alert').count(), 0);
  });

  test('a graph node is reached by keyboard: focus and Enter select it (in the URL), and Materialize launches a run the run page follows to SUCCESS with its timeline and logs', async () => {
    const page = await open('/assets');
    const node = page.locator('svg .node[aria-label^="raw/orders:"]');
    await node.waitFor();
    await node.focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(/asset=raw%2Forders/);
    await page.getByRole('button', { name: 'Materialize', exact: true }).click();
    const link = page.getByRole('status').getByRole('link');
    await link.waitFor();
    const runId = await link.innerText();
    await link.click();
    await page.waitForURL(new RegExp(`/runs/${runId}$`));
    await page.locator('h1 .badge', { hasText: 'SUCCESS' }).waitFor({ timeout: 30_000 });
    await page.getByRole('log', { name: 'Run logs' }).getByText('fetched 120 orders').waitFor({ timeout: 10_000 });
    assert.equal(await page.getByRole('table', { name: 'Task timeline' }).getByRole('rowheader').allInnerTexts().then((t) => t.join(',')), 'raw/orders');
    assert.equal(await page.locator('.gantt .seg.ok').count(), 1, 'one succeeded attempt bar');
    await shot(page, 'run-success');
    await page.getByRole('link', { name: 'Assets', exact: true }).click();
    const row = page.getByRole('table', { name: 'Assets by group' }).locator('tr', { hasText: 'raw/orders' });
    await row.getByText('FRESH').waitFor();
    assert.match(await row.innerText(), new RegExp(`FRESH\\s*(just now|\\d+ s ago) · ${runId.slice(0, 8)}`), 'the catalog shows the new materialization and its run');
    const run = await api<{ status: string; trigger: { kind: string } }>(`/api/v1/runs/${runId}`);
    assert.deepEqual([run.status, run.trigger.kind], ['SUCCESS', 'manual']);
  });

  test('a failed run shows its error with the stack; Rerun from failure opens the new run, which links its parent and succeeds; Rerun all reruns a run that succeeded', async () => {
    const page = await open('/assets?select=key%3Aflaky');
    await page.getByRole('button', { name: 'Materialize selection' }).click();
    const link = page.getByRole('status').getByRole('link');
    await link.waitFor();
    const failedId = await link.innerText();
    await link.click();
    await page.locator('h1 .badge', { hasText: 'FAILURE' }).waitFor({ timeout: 30_000 });
    const errors = page.getByLabel('Errors');
    await errors.getByText('upstream is down').first().waitFor();
    await errors.getByText('Stack').click();
    assert.match(await errors.locator('pre.stack').innerText(), /upstream is down[\s\S]*at /);
    await shot(page, 'run-failure');

    writeFileSync(join(project.dir, 'fixed'), '');
    await page.getByRole('button', { name: 'Rerun from failure' }).click();
    await page.waitForURL((url) => /\/runs\/run_/.test(url.pathname) && !url.pathname.endsWith(failedId));
    await page.locator('h1 .badge', { hasText: 'SUCCESS' }).waitFor({ timeout: 30_000 });
    const parent = page.locator('dt:has-text("Parent") + dd a');
    assert.equal(await parent.innerText(), failedId);
    assert.deepEqual(
      await page.getByRole('table', { name: 'Task timeline' }).getByRole('rowheader').allInnerTexts(),
      ['flaky'],
      'from failure: only the failed task runs again',
    );
    await shot(page, 'run-rerun');

    // A run that succeeded has nothing to rerun from failure, but can be rerun in full.
    const rerunId = /\/runs\/(run_\w+)/.exec(new URL(page.url()).pathname)?.[1] ?? '';
    assert.equal(await page.getByRole('button', { name: 'Rerun from failure' }).isDisabled(), true);
    await page.getByRole('button', { name: 'Rerun all' }).click();
    await page.waitForURL((url) => /\/runs\/run_/.test(url.pathname) && !url.pathname.endsWith(rerunId));
    await page.locator('h1 .badge', { hasText: 'SUCCESS' }).waitFor({ timeout: 30_000 });
    assert.equal(await parent.innerText(), rerunId);
    assert.deepEqual(await page.getByRole('table', { name: 'Task timeline' }).getByRole('rowheader').allInnerTexts(), ['flaky'], 'all: every task of the rerun again');
    await parent.click();
    await page.waitForURL(new RegExp(`/runs/${rerunId}$`));
    await parent.click();
    await page.waitForURL(new RegExp(`/runs/${failedId}$`));
  });

  test('the Runs page filters by status and trigger through the URL and pages', async () => {
    const page = await open('/runs');
    await page.getByRole('table', { name: 'Runs' }).locator('tbody tr').first().waitFor();
    await page.getByLabel('Status').selectOption('FAILURE');
    await page.waitForURL(/status=FAILURE/);
    await page.waitForFunction(`[...document.querySelectorAll('table[aria-label="Runs"] tbody tr .badge')].every((b) => b.textContent === 'FAILURE')`);
    assert.equal(await page.locator('table[aria-label="Runs"] tbody tr').count(), 1);
    await shot(page, 'runs-failed');
    const reloaded = await open('/runs?trigger=rerun');
    await reloaded.locator('table[aria-label="Runs"] tbody tr .badge', { hasText: 'SUCCESS' }).first().waitFor();
    assert.equal(await reloaded.locator('table[aria-label="Runs"] tbody tr').count(), 2, 'the two reruns alone (from failure, and all)');
    assert.equal(await reloaded.getByLabel('Trigger').inputValue(), 'rerun');

    const paged = await open('/runs?limit=1');
    const rows = paged.locator('table[aria-label="Runs"] tbody tr');
    await rows.first().waitFor();
    const newest = await rows.first().getByRole('link').first().innerText();
    await paged.getByRole('button', { name: 'Older →' }).click();
    await paged.waitForURL(new RegExp(`cursor=${newest}`));
    await paged.waitForFunction(`!document.querySelector('table[aria-label="Runs"] tbody')?.textContent?.includes(${JSON.stringify(newest)})`);
    assert.equal(await rows.count(), 1);
    await paged.getByRole('button', { name: '← Newest' }).click();
    await rows.getByRole('link', { name: newest }).waitFor();
  });

  test('Automation starts and stops a schedule and a sensor, and the instance records each change', async () => {
    const page = await open('/automation');
    for (const [kind, name, path] of [
      ['schedule', 'nightly', 'schedules'],
      ['sensor', 'watch_orders', 'sensors'],
    ] as const) {
      await page.getByRole('button', { name: `Start ${kind} ${name}` }).click();
      await page.getByRole('button', { name: `Stop ${kind} ${name}` }).waitFor();
      assert.equal((await api<{ status: string }>(`/api/v1/${path}/${name}`)).status, 'RUNNING', `${kind} started`);
    }
    await page.getByRole('table', { name: 'Sensors' }).locator('tr', { hasText: 'watch_orders' }).getByText('SKIPPED').waitFor({ timeout: 20_000 });
    await shot(page, 'automation');
    await page.getByRole('button', { name: 'Stop schedule nightly' }).click();
    await page.getByRole('button', { name: 'Start schedule nightly' }).waitFor();
    assert.equal((await api<{ status: string }>('/api/v1/schedules/nightly')).status, 'STOPPED');
    await page.getByRole('link', { name: 'watch_orders' }).click();
    await page.getByRole('table', { name: 'Evaluations' }).getByText('nothing new').first().waitFor();
    await page.getByRole('button', { name: 'Stop' }).click();
    await page.getByRole('button', { name: 'Start' }).waitFor();
    assert.equal((await api<{ status: string }>('/api/v1/sensors/watch_orders')).status, 'STOPPED');
    await shot(page, 'sensor');
  });

  test('a backfill shows its progress and is paused and resumed from its page; the asset page shows partition status by range', async () => {
    const created = (await post('/api/v1/backfills', { selection: ['regions'], partition: { kind: 'all' }, maxConcurrentRuns: 1 })) as { backfill: { backfillId: string } };
    const id = created.backfill.backfillId;
    const page = await open('/backfills');
    await page.getByRole('link', { name: id }).click();
    await page.getByRole('button', { name: 'Pause' }).click();
    await page.locator('h1 .badge', { hasText: 'PAUSED' }).waitFor();
    assert.equal((await api<{ status: string }>(`/api/v1/backfills/${id}`)).status, 'PAUSED');
    await shot(page, 'backfill-paused');
    await page.getByRole('button', { name: 'Resume' }).click();
    await page.locator('h1 .badge', { hasText: /REQUESTED|COMPLETED SUCCESS/ }).waitFor();
    await page.locator('h1 .badge', { hasText: 'COMPLETED SUCCESS' }).waitFor({ timeout: 60_000 });
    assert.equal(await page.getByRole('progressbar').first().getAttribute('aria-valuenow'), '6');
    await shot(page, 'backfill-done');

    const asset = await open('/assets/regions');
    const partitions = asset.getByLabel('Partitions', { exact: true });
    await partitions.getByText('6 materialized').waitFor();
    assert.equal(await partitions.getByRole('table', { name: 'Partition ranges' }).locator('tbody tr').count(), 1, 'af…us: one range');
    await shot(asset, 'asset-partitions');
  });

  test('the sensor page shows the cursor, sets and clears it, and previews an evaluation as a dry run; the automation and asset pages show why an asset was not requested, its condition node by node', async () => {
    const page = await open('/automation/sensors/watch_orders');
    const cursor = page.locator('dt:has-text("Cursor") + dd');
    await cursor.waitFor();
    await page.getByLabel('New cursor').fill('offset-42');
    await page.getByRole('button', { name: 'Reset cursor', exact: true }).click();
    await page.locator('dt:has-text("Cursor") + dd', { hasText: 'offset-42' }).waitFor();
    assert.equal((await api<{ cursor: string | null }>('/api/v1/sensors/watch_orders')).cursor, 'offset-42');
    await page.getByRole('table', { name: 'Evaluations' }).getByText('cursor → offset-42').waitFor();
    await shot(page, 'sensor-cursor');
    await page.getByRole('button', { name: 'Reset cursor (clear)' }).click();
    await page.getByRole('table', { name: 'Evaluations' }).getByText('cursor → none').waitFor();
    assert.equal(await cursor.innerText(), '—');
    assert.equal((await api<{ cursor: string | null }>('/api/v1/sensors/watch_orders')).cursor, null);

    // A dry run from a given cursor: what the evaluation would do, and nothing recorded.
    const historyLength = async () => (await api<{ evaluations: unknown[] }>('/api/v1/sensors/watch_orders/evaluations?limit=100')).evaluations.length;
    const recorded = await historyLength();
    await page.getByLabel('From cursor').fill('offset-7');
    await page.getByRole('button', { name: 'Preview (dry run)' }).click();
    const preview = page.getByRole('region', { name: 'Preview result' });
    await preview.waitFor();
    assert.match(await preview.innerText(), /SKIPPED[\s\S]*dry run, nothing recorded · cursor offset-7 → offset-7[\s\S]*nothing new/);
    await shot(page, 'sensor-preview');
    assert.equal(await historyLength(), recorded, 'the preview recorded no evaluation');
    assert.equal((await api<{ cursor: string | null }>('/api/v1/sensors/watch_orders')).cursor, null, 'nor moved the cursor');

    const automation = await open('/automation');
    const evaluations = automation.getByRole('table', { name: 'Condition evaluations' });
    const row = evaluations.locator('tbody tr', { hasText: 'audit' }).first();
    await row.waitFor({ timeout: 40_000 });
    await row.getByText('not requested', { exact: true }).waitFor();
    const nodes = row.getByRole('treeitem');
    assert.deepEqual([await nodes.first().getAttribute('aria-level'), (await nodes.first().innerText()).trim()], ['1', '✗ on_missing'], 'not requested: the root of the condition is false');
    const levels: string[] = [];
    for (let i = 0; i < (await nodes.count()); i += 1) levels.push(`${await nodes.nth(i).getAttribute('aria-level')}${await nodes.nth(i).locator('[aria-label]').getAttribute('aria-label')}`);
    assert.ok(levels.includes('2true') && levels.includes('2false'), `each node of the condition with its truth, nested: ${levels.join(' ')}`);
    await shot(automation, 'automation-evaluations');
    const asset = await open('/assets/audit');
    await asset.getByRole('table', { name: 'Condition evaluations' }).getByText('on_missing').first().waitFor();
  });

  test('partition grids: a calendar of days by week, days × 24 hours and a 2-D grid, drawn on a canvas; a drag materializes a range, Backfill… opens the picker prefilled and creates the backfill', async () => {
    const materialized = (await post('/api/v1/runs', { selection: ['daily_events'], partition: '2026-01-05...2026-01-11' })) as { run: { runId: string } };
    const page = await open('/assets/daily_events');
    const grid = page.getByRole('application', { name: /\d+ partitions, days by week/ });
    await grid.waitFor();
    assert.equal(await page.locator('[aria-label="Partitions"] canvas').count(), 1, 'one canvas, no node per partition');
    // 2026-01-01 is a Thursday: the calendar starts its first week with three empty cells.
    const box = await grid.boundingBox();
    assert.ok(box);
    const cell = (row: number, col: number) => ({ x: box.x + 44 + col * 14 + 7, y: box.y + 18 + row * 14 + 7 });
    const pixel = async (row: number, col: number) => {
      const { x, y } = cell(row, col);
      return page.evaluate<number[]>(`(() => { const c = document.querySelector('[aria-label="Partitions"] canvas'); const r = c.getBoundingClientRect(); const d = c.getContext('2d').getImageData(Math.round((${x} - r.left) * devicePixelRatio), Math.round((${y} - r.top) * devicePixelRatio), 1, 1).data; return [d[0], d[1], d[2], d[3]]; })()`);
    };
    const ok = 'rgb(43, 138, 62)';
    const green = ok.match(/\d+/g)?.map(Number) ?? [];
    for (let i = 0; i < 60 && (await pixel(1, 0)).slice(0, 3).join() !== green.join(); i += 1) await page.waitForTimeout(500);
    assert.deepEqual((await pixel(1, 0)).slice(0, 3), green, 'Monday 2026-01-05 (row 1, column 0) is materialized, green');
    assert.equal((await pixel(0, 0))[3], 0, 'the cells before Thursday 2026-01-01 are empty');
    await shot(page, 'grid-daily');

    // Drag from Monday 2026-01-12 to Wednesday 2026-01-14 and materialize the three days.
    await page.mouse.move(cell(2, 0).x, cell(2, 0).y);
    await page.mouse.down();
    await page.mouse.move(cell(2, 2).x, cell(2, 2).y);
    await page.mouse.up();
    const selected = page.getByRole('group', { name: 'Selected partitions' });
    await selected.getByText('2026-01-12...2026-01-14').waitFor();
    await selected.getByRole('button', { name: 'Materialize selected' }).click();
    const link = page.getByRole('status').getByRole('link');
    await link.waitFor();
    const run = await api<{ partition: unknown; partitionKeys?: string[]; tags: Record<string, string> }>(`/api/v1/runs/${await link.innerText()}`);
    assert.match(JSON.stringify(run), /2026-01-12/);
    assert.notEqual(await link.innerText(), materialized.run.runId);

    // Keyboard: from the cell the drag ended on (2026-01-14), down a week and Shift+right one day, then Backfill… opens the picker prefilled.
    await grid.focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Shift+ArrowRight');
    await selected.getByText('2026-01-21...2026-01-22').waitFor();
    await selected.getByRole('button', { name: 'Backfill…' }).click();
    await page.waitForURL(/backfill=range&from=2026-01-21&to=2026-01-22/);
    const picker = page.getByRole('dialog', { name: 'Backfill partitions' });
    assert.equal(await picker.getByLabel('From key').inputValue(), '2026-01-21');
    await picker.getByLabel('Failed or missing now').check();
    await picker.getByLabel('A range of keys').check();
    await picker.getByLabel('To key').fill('2026-01-23');
    await shot(page, 'backfill-picker');
    await picker.getByRole('button', { name: 'Create backfill' }).click();
    await page.waitForURL(/\/backfills\/[^/?]+$/);
    const backfillId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop() ?? '');
    const backfill = await api<{ partitionSelector?: unknown; targetPartitions?: unknown }>(`/api/v1/backfills/${backfillId}`);
    assert.match(JSON.stringify(backfill), /2026-01-21/);
    assert.match(JSON.stringify(backfill), /2026-01-23/);

    const hourly = await open('/assets/hourly_events');
    await hourly.getByRole('application', { name: /\d+ partitions, days × 24 hours/ }).waitFor();
    await shot(hourly, 'grid-hourly');
    const multi = await open('/assets/region_days', { colorScheme: 'dark' });
    const grid2 = multi.getByRole('application', { name: /\d+ partitions, a_region × b_day/ });
    await grid2.waitFor();
    // Rows are regions, columns days: a rectangle of eu, us × 2026-03-02 … 03-03 is four keys.
    const b2 = await grid2.boundingBox();
    assert.ok(b2);
    await multi.mouse.move(b2.x + 44 + 1 * 14 + 7, b2.y + 18 + 1 * 14 + 7);
    await multi.mouse.down();
    await multi.mouse.move(b2.x + 44 + 2 * 14 + 7, b2.y + 18 + 2 * 14 + 7);
    await multi.mouse.up();
    const sel2 = multi.getByRole('group', { name: 'Selected partitions' });
    await sel2.getByText('eu|2026-03-02 … us|2026-03-03').waitFor();
    assert.match(await sel2.innerText(), /4 partitions/);
    await shot(multi, 'grid-multi-dark');
    await sel2.getByRole('button', { name: 'Backfill selected' }).click();
    await multi.waitForURL(/\/backfills\/[^/?]+$/);
  });

  test('the Instance page shows the daemon with its heartbeat and loops, pools and the queue; the dark theme follows the system and the toggle', async () => {
    const page = await open('/instance', { colorScheme: 'dark' });
    const daemons = page.getByRole('table', { name: 'Daemons' });
    await daemons.getByText('ALIVE').waitFor();
    assert.match(await daemons.innerText(), /leader[\s\S]*coordinator/);
    await page.getByRole('table', { name: 'Queued runs' }).getByText('Nothing queued.').waitFor();
    const background = () => page.evaluate<string>('getComputedStyle(document.body).backgroundColor');
    assert.equal(await background(), 'rgb(20, 23, 28)', 'dark by the system setting');
    await shot(page, 'instance-dark');
    await page.getByRole('button', { name: 'Switch to light theme' }).click();
    assert.equal(await background(), 'rgb(246, 247, 249)', 'light by the toggle');
    await page.reload();
    await daemons.getByText('ALIVE').waitFor();
    assert.equal(await background(), 'rgb(246, 247, 249)', 'the choice is kept');
    assert.deepEqual((page as unknown as { errors: string[] }).errors, [], 'no script error on the page');
  });

  test('once the store holds an API token the UI asks for one, refuses a wrong one and shows the pages with a right one', async () => {
    const created = arcoJson<{ token: string }>(['token', 'create', '--role', 'viewer', '--name', 'ui-test', '--project', project.dir]);
    assert.equal(created.status, 0, created.stderr);
    const page = await open('/runs');
    const input = page.getByLabel('API token');
    await input.waitFor();
    await input.fill('arco_0000000000000000_' + '0'.repeat(64));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').getByText(/refused/).waitFor();
    await shot(page, 'login');
    await input.fill(created.body.token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('table', { name: 'Runs' }).locator('tbody tr').first().waitFor();
    assert.equal(await page.getByLabel('API token').count(), 0);
  });

  test('a viewer token sees no write button on the assets, run, automation, sensor and backfill pages; an operator token sees them', async () => {
    const tokens = Object.fromEntries(
      (['viewer', 'operator'] as const).map((role) => {
        const created = arcoJson<{ token: string }>(['token', 'create', '--role', role, '--name', `ui-${role}`, '--project', project.dir]);
        assert.equal(created.status, 0, created.stderr);
        return [role, created.body.token];
      }),
    ) as Record<'viewer' | 'operator', string>;
    const read = <T>(path: string) => api<T>(path, { headers: { authorization: `Bearer ${tokens.viewer}` } });
    const runId = (await read<{ runs: { runId: string }[] }>('/api/v1/runs?limit=1')).runs[0]?.runId;
    const backfillId = (await read<{ backfills: { backfillId: string }[] }>('/api/v1/backfills')).backfills[0]?.backfillId;
    assert.ok(runId && backfillId);
    const WRITES = /^(Materialize|Rerun|Cancel|Start|Stop|Pause|Resume|Retry|Reset cursor|Backfill)/;
    // What each page shows once loaded, so an absent button is not merely a page still loading.
    const views: [string, string][] = [
      ['/assets?asset=raw%2Forders', 'Details →'],
      [`/runs/${runId}`, 'Timeline'],
      ['/automation', 'watch_orders'],
      ['/automation/sensors/watch_orders', 'History'],
      [`/backfills/${backfillId}`, 'Progress'],
      ['/assets/regions', 'Partitions'],
    ];
    for (const role of ['viewer', 'operator'] as const) {
      const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
      await context.addInitScript(`localStorage.setItem('arco.token', ${JSON.stringify(tokens[role])})`);
      const page = await context.newPage();
      for (const [path, loaded] of views) {
        await page.goto(`${dev.url}${path}`);
        await page.getByLabel('Signed in as').getByText(`ui-${role} (${role})`).waitFor();
        await page.getByText(loaded, { exact: true }).first().waitFor();
        const writes = (await page.locator('button:visible').allTextContents()).filter((text) => WRITES.test(text.trim()));
        if (role === 'viewer') assert.deepEqual(writes, [], `${path}: a viewer sees no write button`);
        else assert.ok(writes.length > 0, `${path}: an operator sees write buttons`);
        if (path === '/automation') await shot(page, `automation-${role}`);
      }
      await context.close();
    }
  });
});
