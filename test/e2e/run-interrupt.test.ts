/**
 * Ctrl-C in `arco run --wait` while this process executes the run (no `arco dev`): the run it
 * started is canceled and ends CANCELED, rather than being left STARTED with nobody to finish it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ARCO_BIN, arcoJson } from '../helpers/cli.js';
import { tempProject } from '../helpers/project.js';

const source = (dir: string) => `import { writeFileSync } from 'node:fs';
import { defineAsset, defineDefinitions } from 'arco-flow';
const slow = defineAsset({ key: 'slow', compute: async (ctx) => {
  writeFileSync(${JSON.stringify(join(dir, 'started'))}, '');
  await new Promise((resolve) => { const t = setTimeout(resolve, 120_000); ctx.signal.addEventListener('abort', () => { clearTimeout(t); resolve(undefined); }); });
  if (!ctx.signal.aborted) writeFileSync(${JSON.stringify(join(dir, 'finished'))}, '');
} });
export default defineDefinitions({ assets: [slow] });
`;

test('Ctrl-C in arco run --wait cancels the run it started: it ends CANCELED, its attempt aborted, exit 130', async () => {
  const project = tempProject('');
  try {
    const { writeFileSync } = await import('node:fs');
    writeFileSync(project.file, source(project.dir));
    // Its own process group, as a terminal's foreground job: Ctrl-C reaches the workers too.
    const child = spawn(process.execPath, [ARCO_BIN, 'run', '--select', 'slow', '--wait', '--project', project.dir], {
      detached: true,
      env: { ...process.env, NO_COLOR: '1', ARCO_URL: 'http://127.0.0.1:9' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    while (!existsSync(join(project.dir, 'started'))) {
      if (child.exitCode !== null) assert.fail(`arco run ended before the attempt started:\n${output}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    process.kill(-(child.pid as number), 'SIGINT');
    assert.equal(await exited, 130, output);
    assert.match(output, /canceling run \S+ \(Ctrl-C again to stop waiting\)/);
    const runs = arcoJson<{ runs: { status: string }[] }>(['runs', '--project', project.dir]);
    assert.deepEqual(runs.body.runs.map((r) => r.status), ['CANCELED']);
    assert.equal(existsSync(join(project.dir, 'finished')), false, 'the attempt was aborted, not run to its end');
  } finally {
    project.remove();
  }
});
