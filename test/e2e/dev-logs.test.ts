/**
 * What `arco dev` prints while it works: a readable line when a run starts and when it ends, and
 * with `--log-format json` one JSON object per line that log shippers can parse, the run's lines
 * carrying its runId. Method: the real command in a child process, a run requested over HTTP, and
 * its output read until the run's last line appears.
 */
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDev, stopProcess } from '../helpers/cli.js';
import { tempProject } from '../helpers/project.js';

const SOURCE = `import { defineAsset, defineDefinitions } from 'arco-flow';
const raw = defineAsset({ key: 'raw', compute: async () => { console.log('hello from raw'); } });
const flaky = defineAsset({ key: 'flaky', retry: { maxRetries: 1 }, compute: async () => { console.error('checking the source'); throw new Error('source down'); } });
export default defineDefinitions({ assets: [raw, flaky] });
`;

async function requestRun(url: string, selection: string[]): Promise<string> {
  const response = await fetch(`${url}/api/v1/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ selection }) });
  assert.equal(response.status, 201);
  return ((await response.json()) as { run: { runId: string } }).run.runId;
}

async function until(read: () => string, pattern: RegExp, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pattern.test(read())) {
    if (Date.now() > deadline) throw new Error(`no ${pattern} in:\n${read()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('arco dev logs', () => {
  const project = tempProject(SOURCE);
  after(() => project.remove());

  test('prints a readable line when a run starts and when it ends, and what user code prints as lines of its worker', async () => {
    const dev = await startDev(['--project', project.dir, '--no-watch']);
    try {
      const runId = await requestRun(dev.url, ['raw']);
      await until(dev.output, new RegExp(`run ${runId} SUCCESS`));
      // The worker's pipe and the ledger are two channels: either line may come first.
      await until(dev.output, /hello from raw/, 10_000);
      assert.match(dev.output(), new RegExp(`\\n\\d\\d:\\d\\d:\\d\\d INFO  run ${runId} STARTED \\(1 task\\) by manual\\n`));
      assert.match(dev.output(), new RegExp(`\\n\\d\\d:\\d\\d:\\d\\d INFO  run ${runId} SUCCESS in \\d+\\.\\ds\\n`));
      assert.match(dev.output(), /\n\d\d:\d\d:\d\d INFO  worker w\d: hello from raw\n/, 'what user code prints comes through the logger');
    } finally {
      await stopProcess(dev.child);
    }
  });

  test('with --log-format json every line is a JSON object with level and msg, what user code prints included, and the lines of a run carry its runId', async () => {
    const dev = await startDev(['--project', project.dir, '--no-watch', '--log-format', 'json']);
    try {
      const runId = await requestRun(dev.url, ['flaky']);
      await until(dev.stdout, new RegExp(`run ${runId} FAILURE`));
      await until(dev.stdout, /checking the source/, 10_000);
      const entries = dev.stdout().split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
      for (const entry of entries) assert.ok(typeof entry.level === 'string' && typeof entry.msg === 'string', JSON.stringify(entry));
      assert.ok(entries.some((e) => e.level === 'warn' && /^worker w\d: checking the source$/.test(String(e.msg))), 'what user code prints to stderr is a warn entry, not a raw line');
      const ofRun = entries.filter((e) => e.runId === runId && /STARTED|FAILED|FAILURE/.test(String(e.msg)));
      assert.deepEqual(
        ofRun.map((e) => [e.level, String(e.msg).replace(/retry at \S+/, 'retry at <time>').replace(/ in \d+\.\ds/, ' in <duration>')]),
        [
          ['info', `run ${runId} STARTED (1 task) by manual`],
          ['warn', `run ${runId} task flaky attempt 1 FAILED (USER_CODE_ERROR: source down); retry at <time>`],
          ['error', `run ${runId} task flaky attempt 2 FAILED (USER_CODE_ERROR: source down); no retry left`],
          ['error', `run ${runId} FAILURE in <duration> (failed: flaky)`],
        ],
      );
    } finally {
      await stopProcess(dev.child);
    }
  });
});
