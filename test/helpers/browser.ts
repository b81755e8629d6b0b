/**
 * A real browser against a real `arco dev` for the web UI's tests: Debian's Chromium driven by
 * playwright-core, one fresh context (its own storage) per page, screenshots under reports/ui/.
 * Under CI the browser and the built UI must be there; elsewhere the tests are skipped without them.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChildProcess } from 'node:child_process';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startDev, stopProcess } from './cli.js';

const CHROMIUM = '/usr/bin/chromium';
const UI_INDEX = fileURLToPath(new URL('../../dist/ui/index.html', import.meta.url));
const SHOTS = fileURLToPath(new URL('../../reports/ui/', import.meta.url));

export function browserSkip(): string | false {
  const missing = !existsSync(CHROMIUM) ? `no browser at ${CHROMIUM} (apt-get install chromium)` : !existsSync(UI_INDEX) ? `the web UI is not built (${UI_INDEX}; npm run build)` : false;
  if (missing && process.env.CI === 'true') throw new Error(`${missing}: the browser tests must run under CI`);
  return missing;
}

export interface UiSession {
  readonly url: string;
  /** A new context on `path`; script errors on the page are collected in `errors`. */
  open(path: string): Promise<{ page: Page; errors: string[] }>;
  shot(page: Page, name: string): Promise<unknown>;
  close(): Promise<void>;
}

export async function startUiSession(project: string): Promise<UiSession> {
  mkdirSync(SHOTS, { recursive: true });
  const dev: { child: ChildProcess; url: string } = await startDev(['--project', project, '--no-watch']);
  let browser: Browser;
  try {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
  } catch (error) {
    await stopProcess(dev.child);
    throw error;
  }
  return {
    url: dev.url,
    async open(path) {
      const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, colorScheme: 'light' });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`${dev.url}${path}`);
      return { page, errors };
    },
    shot: (page, name) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true }),
    async close() {
      await browser.close();
      await stopProcess(dev.child);
    },
  };
}
