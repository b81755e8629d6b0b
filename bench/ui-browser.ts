/**
 * What the web UI benchmarks share: a temporary project served by `arco dev`, and Debian's
 * Chromium (headless, playwright-core) timing how long a page takes from navigation until a
 * condition holds in it. Median of a few navigations after one warm-up (the server's first read
 * loads the definitions).
 */
import { chromium, type Browser } from 'playwright-core';
import { startDev, stopProcess } from '../test/helpers/cli.js';
import { tempProject } from '../test/helpers/project.js';
import { median } from './harness.js';

const CHROMIUM = '/usr/bin/chromium';

export async function timeInBrowser(source: string, path: string, ready: string, runs: number): Promise<{ medianMs: number; firstMs: number; runsMs: number[] }> {
  const project = tempProject(source);
  const dev = await startDev(['--project', project.dir, '--no-watch']);
  let browser: Browser | undefined;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-sync', '--no-first-run'] });
    const times: number[] = [];
    for (let i = 0; i <= runs; i += 1) {
      const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
      const page = await context.newPage();
      const started = performance.now();
      await page.goto(`${dev.url}${path}`);
      await page.waitForFunction(ready, undefined, { timeout: 120_000, polling: 'raf' });
      times.push(performance.now() - started);
      await context.close();
    }
    const [firstMs, ...runsMs] = times as [number, ...number[]];
    return { medianMs: median(runsMs), firstMs, runsMs };
  } finally {
    await browser?.close();
    await stopProcess(dev.child);
    project.remove();
  }
}
