/**
 * Definitions are compiled into a cached bundle and imported as plain JavaScript
 * (src/runtime/loader/definitions-bundle.ts). What the user's code sees must not change with it:
 * its own file's URL, the npm packages it shares with other code, the line a stack trace names,
 * and every edit, even to a file the definitions only import.
 */
import { strict as assert } from 'node:assert';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { isArcoError } from '../../src/domain/errors/index.js';
import { loadDefinitions } from '../../src/runtime/definitions-loader.js';
import { definitionsBundleUrl, STALE_AFTER_MS } from '../../src/runtime/loader/definitions-bundle.js';

const AUTHORING_URL = new URL('../../src/authoring/index.ts', import.meta.url).href;

describe('definitions loaded from a compiled bundle', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'arco-bundle-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  function project(name: string, files: Record<string, string>): string {
    const root = join(dir, name);
    for (const [path, content] of Object.entries(files)) {
      mkdirSync(join(root, path, '..'), { recursive: true });
      writeFileSync(join(root, path), content);
    }
    return join(root, 'definitions.ts');
  }

  test("user code's import.meta.url, filename and dirname are those of its own file, not the bundle's", async () => {
    const file = project('meta', {
      'definitions.ts': `import { defineAsset, defineDefinitions } from 'arco-flow';\nimport { where } from './lib/where.ts';\nexport default defineDefinitions({ assets: [defineAsset({ key: 'a', description: JSON.stringify([import.meta.url, import.meta.dirname, where]), compute: async () => {} })] });\n`,
      'lib/where.ts': 'export const where: string = import.meta.filename;\n',
    });
    const loaded = await loadDefinitions(file);
    const [url, dirname, where] = JSON.parse(loaded.assets.get('a')?.description ?? '[]') as string[];
    assert.equal(url, pathToFileURL(file).href);
    assert.equal(dirname, join(dir, 'meta'));
    assert.equal(where, join(dir, 'meta', 'lib', 'where.ts'));
  });

  test('a package under node_modules stays outside the bundle: the definitions and everyone else share one instance', async () => {
    const file = project('shared', {
      'node_modules/counter/package.json': JSON.stringify({ name: 'counter', type: 'module', main: 'index.js' }),
      'node_modules/counter/index.js': 'export const state = { loads: 0 };\nstate.loads += 1;\n',
      'definitions.ts': `import { defineAsset, defineDefinitions } from 'arco-flow';\nimport { state } from 'counter';\nexport const seen = state;\nexport default defineDefinitions({ assets: [defineAsset({ key: 'a', compute: async () => {} })] });\n`,
    });
    const bundle = await definitionsBundleUrl(file, { authoringUrl: AUTHORING_URL });
    const fromBundle = (await import(bundle)) as { seen: { loads: number } };
    const direct = (await import(pathToFileURL(join(dir, 'shared', 'node_modules', 'counter', 'index.js')).href)) as { state: { loads: number } };
    assert.equal(fromBundle.seen, direct.state);
    assert.equal(direct.state.loads, 1);
  });

  test('an edit to a file the definitions import is seen by the next load, without a reload generation', async () => {
    const file = project('edit', {
      'label.ts': "export const label = 'first';\n",
      'definitions.ts': `import { defineAsset, defineDefinitions } from 'arco-flow';\nimport { label } from './label.ts';\nexport default defineDefinitions({ assets: [defineAsset({ key: 'a', description: label, compute: async () => {} })] });\n`,
    });
    assert.equal((await loadDefinitions(file)).assets.get('a')?.description, 'first');
    const label = join(dir, 'edit', 'label.ts');
    // The same size, and an mtime moved on: only the recorded mtime can tell the two apart.
    writeFileSync(label, "export const label = 'other';\n");
    const later = new Date(Date.now() + 5_000);
    utimesSync(label, later, later);
    assert.equal((await loadDefinitions(file)).assets.get('a')?.description, 'other');
  });

  test("a change to the project's tsconfig, or a nearer tsconfig created, is seen by the next load", async () => {
    const paths = (target: string) => JSON.stringify({ compilerOptions: { baseUrl: '.', paths: { '@label': [target] } } });
    const file = project('tsconfig', {
      'tsconfig.json': paths('./lib-a/label.ts'),
      'lib-a/label.ts': "export const label = 'a';\n",
      'lib-b/label.ts': "export const label = 'b';\n",
      'lib-c/label.ts': "export const label = 'c';\n",
      'app/definitions.ts': `import { defineAsset, defineDefinitions } from 'arco-flow';\nimport { label } from '@label';\nexport default defineDefinitions({ assets: [defineAsset({ key: 'a', description: label, compute: async () => {} })] });\n`,
    });
    const definitions = join(dir, 'tsconfig', 'app', 'definitions.ts');
    assert.equal(file, join(dir, 'tsconfig', 'definitions.ts'));
    assert.equal((await loadDefinitions(definitions)).assets.get('a')?.description, 'a');
    const tsconfig = join(dir, 'tsconfig', 'tsconfig.json');
    // The same size, and an mtime moved on, as in the edit test above.
    writeFileSync(tsconfig, paths('./lib-b/label.ts'));
    const later = new Date(Date.now() + 5_000);
    utimesSync(tsconfig, later, later);
    assert.equal((await loadDefinitions(definitions)).assets.get('a')?.description, 'b');
    writeFileSync(join(dir, 'tsconfig', 'app', 'tsconfig.json'), paths('../lib-c/label.ts'));
    assert.equal((await loadDefinitions(definitions)).assets.get('a')?.description, 'c');
  });

  test("an error thrown by the definitions names the line of the user's TypeScript file", async () => {
    const file = project('throws', {
      'definitions.ts': `import { defineDefinitions } from 'arco-flow';\ntype Settings = { readonly region: string };\nconst settings: Settings | null = null as Settings | null;\nif (settings === null) throw new Error('no settings');\nexport default defineDefinitions({ assets: [] });\n`,
    });
    await assert.rejects(loadDefinitions(file), (error: unknown) => {
      assert.ok(isArcoError(error));
      assert.equal(error.code, 'DEFINITIONS_LOAD_FAILED');
      assert.equal(error.details?.at, `${file}:4:30`);
      return true;
    });
  });

  test('bundles left unused for a week are removed when another is built; the bundle in use is kept', async () => {
    const cacheDir = join(dir, 'pruned-cache');
    const file = project('pruned', { 'definitions.ts': `import { defineDefinitions } from 'arco-flow';\nexport default defineDefinitions({ assets: [] });\n` });
    const inUse = fileURLToPath(await definitionsBundleUrl(file, { authoringUrl: AUTHORING_URL, cacheDir }));
    const old = join(cacheDir, 'f'.repeat(32) + '.mjs');
    writeFileSync(old, 'export default null;\n');
    const longAgo = new Date(Date.now() - STALE_AFTER_MS - 60_000);
    utimesSync(old, longAgo, longAgo);
    // In use a week ago too: loading it marks it used again.
    utimesSync(inUse, longAgo, longAgo);
    assert.equal(fileURLToPath(await definitionsBundleUrl(file, { authoringUrl: AUTHORING_URL, cacheDir })), inUse);
    const other = project('pruned-other', { 'definitions.ts': `import { defineDefinitions } from 'arco-flow';\nexport default defineDefinitions({ assets: [], schedules: [] });\n` });
    await definitionsBundleUrl(other, { authoringUrl: AUTHORING_URL, cacheDir });
    assert.equal(existsSync(old), false);
    assert.equal(existsSync(inUse), true);
  });

  test('a cache folder others may write to is refused, not trusted', async () => {
    const file = project('cache', { 'definitions.ts': `import { defineDefinitions } from 'arco-flow';\nexport default defineDefinitions({ assets: [] });\n` });
    const cacheDir = join(dir, 'shared-cache');
    mkdirSync(cacheDir);
    chmodSync(cacheDir, 0o777);
    await assert.rejects(definitionsBundleUrl(file, { authoringUrl: AUTHORING_URL, cacheDir }), (error: unknown) => isArcoError(error) && error.code === 'DEFINITIONS_LOAD_FAILED' && /only this user can write/.test(error.message));
    chmodSync(cacheDir, 0o700);
    assert.match(await definitionsBundleUrl(file, { authoringUrl: AUTHORING_URL, cacheDir }), /^file:.*\.mjs$/);
  });
});
