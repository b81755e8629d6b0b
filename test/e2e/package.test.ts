/**
 * The package as a user gets it: `npm pack` of a copy of this repository (its prepare step builds
 * dist/), installed into an empty folder from the tarball, and there `npx arco dev --project
 * ./my-project` runs a project of the user's and serves the web UI. Method: the install resolves dependencies from the
 * npm registry (or the local npm cache) and builds better-sqlite3, as a user's install does.
 */
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const NPM_TIMEOUT_MS = 10 * 60_000;

function npm(args: readonly string[], cwd: string): string {
  const result = spawnSync('npm', [...args], { cwd, encoding: 'utf8', timeout: NPM_TIMEOUT_MS, env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false' } });
  assert.equal(result.status, 0, `npm ${args.join(' ')} failed:\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

describe('the installable package', () => {
  const work = mkdtempSync(join(tmpdir(), 'arco-package-'));
  after(() => rmSync(work, { recursive: true, force: true }));

  test('a tarball from npm pack installs into an empty folder, where npx arco dev runs a user project', async () => {
    // A copy, so that packing (which rebuilds dist/) never touches the checkout other tests run.
    const repo = join(work, 'repo');
    mkdirSync(repo);
    for (const entry of ['bin', 'src', 'scripts', 'examples', 'ui', 'package.json', 'package-lock.json', 'tsconfig.json', 'README.md']) {
      cpSync(join(ROOT, entry), join(repo, entry), { recursive: true, filter: (path) => !path.includes(`${'/'}.arco`) });
    }
    symlinkSync(join(ROOT, 'node_modules'), join(repo, 'node_modules'), 'dir');
    const tarball = npm(['pack', '--pack-destination', work], repo).trim().split('\n').at(-1) as string;
    assert.match(tarball, /^arco-flow-.*\.tgz$/);

    const app = join(work, 'app');
    mkdirSync(join(app, 'my-project'), { recursive: true });
    writeFileSync(join(app, 'package.json'), '{ "name": "my-app", "private": true }\n');
    npm(['install', '--prefer-offline', join(work, tarball)], app);
    assert.ok(existsSync(join(app, 'node_modules', 'arco-flow', 'dist', 'BUILD')), 'the package ships its compiled build');
    assert.deepEqual(readdirSync(join(app, 'node_modules', 'arco-flow')).filter((f) => f === 'test' || f === 'bench'), [], 'tests and benchmarks stay out of the package');
    writeFileSync(
      join(app, 'my-project', 'definitions.ts'),
      "import { defineAsset, defineDefinitions } from 'arco-flow';\nexport default defineDefinitions({ assets: [defineAsset({ key: 'hello', compute: async (ctx) => { ctx.log.info('hi'); } })] });\n",
    );

    // Its own process group: npx starts arco dev as a child, and stopping npx alone would leave it.
    const dev = spawn('npx', ['arco', 'dev', '--project', './my-project', '--port', '0', '--no-watch'], { cwd: app, detached: true, env: { ...process.env, NO_COLOR: '1' } });
    const exited = new Promise((resolve) => dev.once('exit', resolve));
    let output = '';
    dev.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    dev.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      let url: string | undefined;
      for (let i = 0; i < 600 && !url; i += 1) {
        url = /API\s+(http:\/\/[^/\s]+)\/api\/v1/.exec(output)?.[1];
        if (!url) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      assert.ok(url, `arco dev did not start:\n${output}`);
      const run = spawnSync('npx', ['arco', 'run', '--select', 'hello', '--url', url, '--wait', '--json'], { cwd: app, encoding: 'utf8', timeout: 120_000 });
      assert.equal(run.status, 0, run.stdout + run.stderr);
      assert.equal((JSON.parse(run.stdout) as { status: string }).status, 'SUCCESS');
      // The web UI ships built inside dist/, and arco dev serves it from the installed package.
      const page = await fetch(`${url}/`);
      assert.equal(page.status, 200);
      assert.match(await page.text(), /<div id="root"><\/div>/);
    } finally {
      if (dev.pid !== undefined) process.kill(-dev.pid, 'SIGTERM');
      await exited;
    }
  });
});
