/**
 * The Runs page's timeline and launchpad in Chromium against a real `arco dev`. Goal: a user sees
 * each run as a bar in the row of what triggered it (manual, a sensor, a backfill) and opens the run
 * from its bar by mouse or keyboard; and launches a run of a selection with a partition, tags and
 * config only once the server's plan of exactly that request is shown, a bad selection or bad JSON
 * launching nothing. Method: runs are started through the API first, the pages are driven as a user
 * would, and what was launched is read back through the API.
 */
import { describe } from 'node:test';
import assert from 'node:assert/strict';
import { browserSkip, startUiSession, type UiSession } from '../helpers/browser.js';
import { arcoJson } from '../helpers/cli.js';
import { tempProject } from '../helpers/project.js';
import { skippable } from '../helpers/skippable.js';

const SOURCE = `import { dailyPartitions, defineAsset, defineDefinitions, defineSchedule, defineSensor } from 'arco-flow';
const orders = defineAsset({ key: 'orders', compute: async () => {} });
const summary = defineAsset({ key: 'summary', deps: [orders], compute: async () => {} });
const days = defineAsset({ key: 'days', partitions: dailyPartitions({ start: '2026-01-01', end: '2026-02-01' }), compute: async () => {} });
export default defineDefinitions({
  assets: [orders, summary, days],
  schedules: [defineSchedule({ name: 'minutely', cron: '* * * * *', target: [summary], defaultStatus: 'running' })],
  sensors: [defineSensor({ name: 'hook', type: 'push', target: [orders], defaultStatus: 'running', evaluate: (ctx) => ({ runRequests: [{ runKey: String(ctx.message.payload) }] }) })],
});
`;

interface Run {
  runId: string;
  status: string;
  tags: Record<string, string>;
  partition: unknown;
  config: unknown;
  assetKeys: string[];
  trigger: { kind: string };
}

const { test, before, after } = skippable(browserSkip());

describe('web UI: runs timeline and launchpad', () => {
  const project = tempProject(SOURCE);
  let ui: UiSession;
  const api = async <T>(path: string, init?: RequestInit): Promise<T> => (await (await fetch(`${ui.url}${path}`, init)).json()) as T;
  const post = <T>(path: string, body: unknown) => api<T>(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const allRuns = async () => (await api<{ runs: Run[] }>('/api/v1/runs?limit=500')).runs;
  // The schedule may tick any time: what the launchpad launched is counted among manual runs.
  const manualRunCount = async () => (await allRuns()).filter((r) => r.trigger.kind === 'manual').length;

  before(async () => {
    ui = await startUiSession(project.dir);
  });
  after(async () => {
    await ui?.close();
    project.remove();
  });

  test('the launchpad shows a bad selection’s error with its column and flags bad JSON config, launching nothing; a valid launch with a tag and a partition opens the run, which carries them', async () => {
    const before = await manualRunCount();
    const { page, errors } = await ui.open('/runs/launchpad');
    const launch = page.getByRole('button', { name: 'Launch run' });
    const preview = page.getByRole('region', { name: 'Run preview' });

    await page.getByLabel('Selection').fill('key:orders or');
    await preview.getByRole('alert').getByText('SELECTION_SYNTAX_ERROR').waitFor();
    assert.match(await preview.getByRole('alert').innerText(), /column \d+/);
    assert.equal(await launch.isDisabled(), true, 'a bad selection cannot be launched');
    await ui.shot(page, 'launchpad-selection-error');

    // A partition of an asset that has none: the server's answer, before any launch.
    await page.getByLabel('Selection').fill('orders');
    await page.getByLabel('Partition').fill('2026-01-05');
    await preview.getByRole('alert').getByText('PARTITION_NOT_APPLICABLE').waitFor();
    assert.equal(await launch.isDisabled(), true);

    await page.getByLabel('Selection').fill('days');
    await page.getByLabel('Run config (JSON)').fill('{"rows": ');
    await page.getByRole('alert').getByText(/Run config is not valid JSON/).waitFor();
    assert.equal(await launch.isDisabled(), true, 'bad JSON cannot be launched');
    assert.equal(await page.getByLabel('Run config (JSON)').getAttribute('aria-invalid'), 'true');

    await page.getByLabel('Run config (JSON)').fill('{"rows": 5}');
    await page.getByLabel('Tag 1 key').fill('team');
    await page.getByLabel('Tag 1 value').fill('ops');
    await preview.getByText('1 asset, 1 task').waitFor();
    assert.deepEqual(await preview.getByRole('list', { name: 'Assets to run' }).getByRole('listitem').allInnerTexts(), ['days']);
    await preview.getByText('team=ops').waitFor();
    await launch.waitFor({ state: 'visible' });
    await page.waitForFunction("!document.querySelector('form[aria-label=\"Launch a run\"] button[type=submit]').disabled");
    assert.equal(await manualRunCount(), before, 'nothing was launched while the form was wrong');
    await ui.shot(page, 'launchpad');

    await launch.click();
    await page.waitForURL(/\/runs\/run_[^/]+$/);
    const runId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop() ?? '');
    const run = await api<Run>(`/api/v1/runs/${runId}`);
    assert.deepEqual([run.assetKeys, run.tags.team, run.tags['arco/partition'], run.config, run.trigger.kind], [['days'], 'ops', '2026-01-05', { rows: 5 }, 'manual']);
    assert.match(JSON.stringify(run.partition), /2026-01-05/);
    assert.equal(await manualRunCount(), before + 1, 'one run launched');
    assert.deepEqual(errors, []);
  });

  test('the timeline draws each run as a bar in its trigger’s row (schedule, sensor, backfill, manual), shows its facts on hover and focus, and opens its run page by click or Enter; the schedule’s page lists the tick with its run', async () => {
    const manual = (await post<{ run: Run }>('/api/v1/runs', { selection: ['orders'] })).run.runId;
    const pushed = await post<{ evaluation: { runs: { runId: string }[] } }>('/api/v1/sensors/hook/push', { messageId: 'm1', payload: 'first' });
    const sensorRun = pushed.evaluation.runs[0]?.runId;
    assert.ok(sensorRun, JSON.stringify(pushed));
    const { backfill } = await post<{ backfill: { backfillId: string } }>('/api/v1/backfills', { selection: ['days'], partition: '2026-01-02...2026-01-03' });
    // The schedule ticks at the next minute: at most a minute after arco dev started.
    let runs: Run[] = [];
    for (let i = 0; ; i += 1) {
      runs = await allRuns();
      if (runs.some((r) => r.trigger.kind === 'schedule') && runs.length >= 6 && runs.every((r) => r.status === 'SUCCESS')) break;
      if (i === 900) throw new Error(`runs did not finish: ${runs.map((r) => `${r.runId} ${r.trigger.kind} ${r.status}`).join(', ')}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const of = (kind: string) => runs.filter((r) => r.trigger.kind === kind).map((r) => r.runId);
    const backfillRuns = of('backfill');
    assert.equal(backfillRuns.length, 2, 'the backfill ran one run per day');
    const manualRuns = of('manual');
    assert.equal(manualRuns.length, 2, 'this one and the launchpad’s');
    const scheduleRun = of('schedule')[0] as string;

    const { page, errors } = await ui.open('/runs');
    await page.getByRole('navigation', { name: 'Runs views' }).getByRole('link', { name: 'Timeline' }).click();
    await page.waitForURL(/\/runs\/timeline$/);
    const timeline = page.getByRole('table', { name: 'Runs timeline' });
    const row = (label: string) => timeline.getByRole('row').filter({ has: page.getByRole('rowheader', { name: new RegExp(`^${label}`) }) });
    const bar = (label: string, runId: string) => row(label).getByRole('link', { name: new RegExp(`^${runId}: SUCCESS, started `) });
    await bar('manual launches', manual).waitFor();
    for (const runId of manualRuns) await bar('manual launches', runId).waitFor();
    assert.equal(await row('manual launches').locator('.tl-bar').count(), 2, 'the manual row holds the manual runs only');
    assert.equal(await row('sensor hook').locator('.tl-bar').count(), 1);
    await bar('sensor hook', sensorRun).waitFor();
    await bar('schedule minutely', scheduleRun).waitFor();
    for (const runId of backfillRuns) await bar(`backfill ${backfill.backfillId}`, runId).waitFor();
    const headers = await timeline.getByRole('rowheader').allInnerTexts();
    assert.match(headers.join('\n'), new RegExp(`^schedule minutely · \\d+\nsensor hook · 1\nbackfill ${backfill.backfillId} · 2\nmanual launches · 2$`), 'a row per trigger, automation first');

    await bar('manual launches', manual).hover();
    const tip = page.getByRole('tooltip');
    await tip.getByText(manual).waitFor();
    assert.match(await tip.innerText(), /SUCCESS[\s\S]*started[\s\S]*ended/);
    await ui.shot(page, 'runs-timeline');

    // The keyboard: Tab reaches a bar like any link, focus shows its facts, Enter opens the run.
    await bar('sensor hook', sensorRun).focus();
    await tip.getByText(sensorRun).waitFor();
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(`/runs/${sensorRun}$`));
    await page.locator('h1', { hasText: sensorRun }).waitFor();

    await page.goBack();
    await bar(`backfill ${backfill.backfillId}`, backfillRuns[0] as string).click();
    await page.waitForURL(new RegExp(`/runs/${backfillRuns[0]}$`));

    // The window is in the URL, so a view can be shared; a run from a minute ago is in every window.
    await page.goto(`${ui.url}/runs/timeline`);
    await page.getByLabel('Window').selectOption('6h');
    await page.waitForURL(/\/runs\/timeline\?window=6h$/);
    await bar('manual launches', manual).waitFor();

    // The schedule's page shows the recorded tick with its result and the run it requested.
    await page.goto(`${ui.url}/automation/schedules/minutely`);
    const tickRow = page.getByRole('table', { name: 'Ticks' }).locator('tbody tr').filter({ has: page.getByRole('link', { name: scheduleRun.slice(0, 8) }) });
    await tickRow.waitFor();
    assert.match(await tickRow.innerText(), /SUCCESS/);
    await tickRow.getByRole('link', { name: scheduleRun.slice(0, 8) }).click();
    await page.waitForURL(new RegExp(`/runs/${scheduleRun}$`));
    assert.deepEqual(errors, []);
  });

  test('a viewer previews a launch but sees no Launch button; an operator sees it', async () => {
    for (const role of ['viewer', 'operator'] as const) {
      const created = arcoJson<{ token: string }>(['token', 'create', '--role', role, '--name', `pad-${role}`, '--project', project.dir]);
      assert.equal(created.status, 0, created.stderr);
      const { page } = await ui.open('/');
      await page.evaluate(`localStorage.setItem('arco.token', ${JSON.stringify(created.body.token)})`);
      await page.goto(`${ui.url}/runs/launchpad?select=orders`);
      await page.getByLabel('Signed in as').getByText(`pad-${role} (${role})`).waitFor();
      await page.getByRole('region', { name: 'Run preview' }).getByText('1 asset, 1 task').waitFor();
      assert.equal(await page.getByRole('button', { name: 'Launch run' }).count(), role === 'viewer' ? 0 : 1, role);
    }
  });
});
