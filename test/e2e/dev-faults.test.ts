/**
 * `arco dev` when the machine misbehaves under it: the port is taken, the disk fills, the store file
 * is deleted or replaced. Each ends in a clear error, never a 500, a silent loss or a headless daemon.
 */
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { arco, startDev, stopProcess } from '../helpers/cli.js';
import { tempProject } from '../helpers/project.js';

const SOURCE = `import { defineAsset, defineDefinitions } from 'arco-flow';
const raw = defineAsset({ key: 'raw', compute: async () => ({ metadata: { note: 'x'.repeat(2000) } }) });
export default defineDefinitions({ assets: [raw] });
`;

interface Answer {
  readonly status: number | 'refused';
  readonly code?: string;
  readonly message?: string;
}

async function requestRun(url: string): Promise<Answer> {
  try {
    const response = await fetch(`${url}/api/v1/runs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ selection: ['raw'], tags: { note: 'y'.repeat(4000) } }),
    });
    const body = (await response.json()) as { code?: string; message?: string };
    return { status: response.status, code: body.code, message: body.message };
  } catch {
    return { status: 'refused' };
  }
}

function exitOf(child: import('node:child_process').ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

describe('arco dev under faults', () => {
  const projects: { remove: () => void }[] = [];
  const project = () => {
    const p = tempProject(SOURCE);
    projects.push(p);
    return p;
  };
  after(() => projects.forEach((p) => p.remove()));

  test('a port already in use ends arco dev with PORT_IN_USE and a non-zero exit, leaving no daemon running', async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const port = (holder.address() as AddressInfo).port;
    try {
      const p = project();
      const result = arco(['dev', '--project', p.dir, '--port', String(port), '--no-watch'], { timeoutMs: 60_000 });
      assert.equal(result.status, 1, `exit ${result.status}\n${result.stdout}${result.stderr}`);
      assert.match(result.stderr, new RegExp(`PORT_IN_USE: cannot listen on 127\\.0\\.0\\.1:${port}: the port is in use.*--port`));
      assert.doesNotMatch(result.stdout, /is running/);
    } finally {
      holder.close();
    }
  });

  test('a full disk answers writes with 503 STORE_UNAVAILABLE, never a 500, and arco dev keeps serving', async () => {
    const p = project();
    const dev = await startDev(['--project', p.dir, '--no-watch']);
    try {
      assert.equal((await requestRun(dev.url)).status, 201);
      // No file of the process may grow past its size now: the next pages the store writes fail
      // as on a full disk (EFBIG; Node ignores SIGXFSZ).
      const files = ['arco.db', 'arco.db-wal'].map((f) => join(p.dir, '.arco', f));
      const largest = Math.max(...files.map((f) => { try { return statSync(f).size; } catch { return 0; } }));
      const limited = spawnSync('prlimit', [`--pid=${dev.child.pid}`, `--fsize=${largest}`], { encoding: 'utf8' });
      assert.equal(limited.status, 0, limited.stderr);
      const answers: Answer[] = [];
      for (let i = 0; i < 40 && !answers.some((a) => a.status === 503); i += 1) answers.push(await requestRun(dev.url));
      assert.deepEqual(answers.filter((a) => a.status !== 201 && a.status !== 503), [], 'every answer is an acknowledgement or a 503');
      const unavailable = answers.find((a) => a.status === 503);
      assert.ok(unavailable, `a write failed as unavailable within 40 requests: ${JSON.stringify(answers.slice(-3))}`);
      assert.equal(unavailable.code, 'STORE_UNAVAILABLE');
      assert.match(unavailable.message ?? '', /SQLite store at .* is unavailable/);
      const health = await fetch(`${dev.url}/api/v1/health`);
      assert.equal(health.status, 200, 'reads are still served');
    } finally {
      await stopProcess(dev.child, 'SIGKILL');
    }
  });

  test('a deleted store file: writes are refused with STORE_UNAVAILABLE and arco dev stops with a non-zero exit', async () => {
    const p = project();
    const dev = await startDev(['--project', p.dir, '--no-watch']);
    const exited = exitOf(dev.child);
    try {
      assert.equal((await requestRun(dev.url)).status, 201);
      for (const f of ['arco.db', 'arco.db-wal', 'arco.db-shm']) rmSync(join(p.dir, '.arco', f), { force: true });
      const answer = await requestRun(dev.url);
      // Either the write is refused, or arco dev already noticed and stopped: never acknowledged.
      if (answer.status !== 'refused') {
        assert.equal(answer.status, 503, JSON.stringify(answer));
        assert.equal(answer.code, 'STORE_UNAVAILABLE');
        assert.match(answer.message ?? '', /was deleted/);
      }
      assert.equal(await exited, 1);
      assert.match(dev.output(), /STORE_UNAVAILABLE: the store file .*arco\.db was deleted while this process had it open/);
    } finally {
      await stopProcess(dev.child, 'SIGKILL');
    }
  });

  test('a store file replaced by another stops arco dev with a non-zero exit naming the replacement', async () => {
    const p = project();
    const dev = await startDev(['--project', p.dir, '--no-watch']);
    const exited = exitOf(dev.child);
    try {
      const store = join(p.dir, '.arco', 'arco.db');
      copyFileSync(store, `${store}.copy`);
      renameSync(`${store}.copy`, store);
      assert.equal(await exited, 1);
      assert.match(dev.output(), /STORE_UNAVAILABLE: the store file .*arco\.db was replaced by another file/);
    } finally {
      await stopProcess(dev.child, 'SIGKILL');
    }
  });

  test('a second arco dev on the same store warns that another daemon leads it and runs requests with its definitions', async () => {
    const p = project();
    const first = await startDev(['--project', p.dir, '--no-watch']);
    try {
      const second = await startDev(['--project', p.dir, '--no-watch']);
      try {
        while (!/another daemon/.test(second.output())) {
          if (second.child.exitCode !== null) assert.fail(second.output());
          await new Promise((r) => setTimeout(r, 50));
        }
        assert.match(second.output(), /WARN +another daemon \(\S+\) leads this store: this one stands by and takes over if it stops\. Runs requested here are executed by the leader with its definitions, which may differ from .*definitions\.ts/);
        assert.doesNotMatch(first.output(), /another daemon/);
      } finally {
        await stopProcess(second.child);
      }
    } finally {
      await stopProcess(first.child);
    }
  });

  test('SIGTERM stops arco dev at once while a client follows a run\'s logs on an open stream', async () => {
    const p = project();
    const source = `import { defineAsset, defineDefinitions } from 'arco-flow';
const slow = defineAsset({ key: 'slow', compute: async (ctx) => { await new Promise((r) => { const t = setTimeout(r, 600_000); ctx.signal.addEventListener('abort', () => { clearTimeout(t); r(undefined); }); }); } });
export default defineDefinitions({ assets: [slow] });
`;
    (await import('node:fs')).writeFileSync(p.file, source);
    const dev = await startDev(['--project', p.dir, '--no-watch']);
    const exited = exitOf(dev.child);
    try {
      const requested = await fetch(`${dev.url}/api/v1/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ selection: ['slow'] }) });
      const { run: { runId } } = (await requested.json()) as { run: { runId: string } };
      const stream = await fetch(`${dev.url}/api/v1/runs/${runId}/logs?follow=true`);
      assert.equal(stream.status, 200);
      const reader = stream.body?.getReader();
      dev.child.kill('SIGTERM');
      // The run would hold the stream open for ten minutes; the server must close it rather than wait.
      assert.equal(await exited, 0);
      await reader?.cancel().catch(() => undefined);
    } finally {
      await stopProcess(dev.child, 'SIGKILL');
    }
  });
});
