#!/usr/bin/env node
// Bundles src/ into dist/ (scripts/bundle.mjs) so the `arco` command starts as plain JavaScript,
// without a TypeScript loader (start-up budget: DESIGN.md). Runs on `npm ci` / `npm install`
// (prepare) and `npm run build`. The .mjs sources load by their own paths, so they are copied
// beside the bundle. The web UI (ui/) is type-checked and built by Vite into dist/ui. dist/BUILD is
// written last: bin/arco.mjs runs dist/ only while no source file is newer than it.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { bundle } from './bundle.mjs';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const src = join(root, 'src');
// Built beside dist/ and swapped in at the end, so a command started meanwhile (a test, say)
// finds the old build or the new one, never half of one.
const dist = join(root, 'dist.next');

rmSync(dist, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
// Type errors are the type-check's to report (npm run typecheck, CI); the build only bundles.
await bundle(src, dist);

function copyModules(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) copyModules(path);
    else if (entry.name.endsWith('.mjs')) {
      const target = join(dist, relative(src, path));
      mkdirSync(dirname(target), { recursive: true });
      copyFileSync(path, target);
    }
  }
}
copyModules(src);

// The web UI: type-checked with its own tsconfig (browser code, and the API types it imports from
// src/operations), then bundled by Vite into dist.next/ui, so the swap below brings it in too.
const ui = join(root, 'ui');
const uiChecked = spawnSync(process.execPath, [tsc, '-p', join(ui, 'tsconfig.json')], { cwd: root, stdio: 'inherit' });
if (uiChecked.status !== 0) {
  rmSync(dist, { recursive: true, force: true });
  process.exit(uiChecked.status ?? 1);
}
// The route of each operation, from the catalogue just compiled, goes into the UI's script: the
// UI's first API call then waits for no read of the OpenAPI document (ui/src/api.ts).
const { operationRoutes } = await import(pathToFileURL(join(dist, 'operations', 'index.js')).href);
const { build } = await import('vite');
await build({
  configFile: join(ui, 'vite.config.ts'),
  logLevel: 'warn',
  define: { __ARCO_ROUTES__: JSON.stringify(operationRoutes()) },
  build: { outDir: join(dist, 'ui'), emptyOutDir: true },
});

writeFileSync(join(dist, 'BUILD'), `${new Date().toISOString()}\n`);
rmSync(join(root, 'dist'), { recursive: true, force: true });
renameSync(dist, join(root, 'dist'));
