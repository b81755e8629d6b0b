/**
 * The README's five-minute tour, run as written: every `npx arco` line of its first code block
 * against a fresh `arco dev` of the example project (copied to a temporary folder so its store is
 * new), with RUN_ID replaced by the first run's id. If the README says it, it works.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { arcoAsync, startDev, stopProcess } from '../helpers/cli.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The tour's command lines: the first fenced block after "## A five-minute tour". */
function tourLines(): string[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const tour = readme.slice(readme.indexOf('## A five-minute tour'));
  const block = tour.slice(tour.indexOf('```sh\n') + 6, tour.indexOf('```', tour.indexOf('```sh\n') + 6));
  return block.split('\n').map((line) => line.replace(/\s+#.*$/, '').trim()).filter((line) => line.length > 0);
}

/** Splits a shell line into words, honouring single and double quotes (all the tour uses). */
function words(line: string): string[] {
  return [...line.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3] ?? '');
}

describe('the README tour', () => {
  let dir: string;
  let dev: Awaited<ReturnType<typeof startDev>>;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'arco-tour-'));
    cpSync(join(ROOT, 'examples', 'quickstart', 'definitions.ts'), join(dir, 'definitions.ts'));
    dev = await startDev(['--project', dir]);
  });
  after(async () => {
    await stopProcess(dev.child);
    rmSync(dir, { recursive: true, force: true });
  });

  test('every command of the five-minute tour succeeds as written', async () => {
    const lines = tourLines();
    assert.ok(lines.filter((l) => l.startsWith('npx arco')).length >= 10, `the tour has its commands: ${lines.join(' | ')}`);
    let runId: string | undefined;
    const failures: string[] = [];
    for (const line of lines) {
      if (line.startsWith('curl ')) {
        const url = (words(line)[1] ?? '').replace('http://127.0.0.1:3000', dev.url);
        const response = await fetch(url);
        if (!response.ok) failures.push(`${line}: HTTP ${response.status}`);
        continue;
      }
      assert.match(line, /^npx arco /, `a tour line this test does not know how to run: ${line}`);
      const args = words(line)
        .slice(2)
        .map((word) => word.replace('http://127.0.0.1:3000', dev.url));
      if (args.includes('RUN_ID')) {
        assert.ok(runId, 'a run was requested before RUN_ID is used');
        args.splice(args.indexOf('RUN_ID'), 1, runId);
      }
      const result = await arcoAsync(args, { timeoutMs: 120_000 });
      if (result.status !== 0) failures.push(`${line}: exit ${result.status}\n${result.stdout}\n${result.stderr}`);
      runId ??= /\b(run_[0-9A-Z]{26})\b/.exec(result.stdout)?.[1];
    }
    assert.deepEqual(failures, []);
  });
});
