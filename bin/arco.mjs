#!/usr/bin/env node
// The `arco` command. It runs the compiled JavaScript in dist/ (built by `npm ci` or `npm run
// build`), which starts several times faster than TypeScript through a loader. While any source
// file is newer than that build (someone is editing src/), it runs the sources through tsx instead,
// so a stale build never answers for the code in front of you.
import { readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

function newestChange(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = `${dir}/${entry.name}`;
    newest = Math.max(newest, entry.isDirectory() ? newestChange(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function buildIsCurrent() {
  try {
    const built = statSync(`${root}dist/BUILD`).mtimeMs;
    // An installed package is never edited in place; its files' times are whatever unpacking gave them.
    return root.includes('/node_modules/') || built >= newestChange(`${root}src`);
  } catch {
    return false;
  }
}

if (process.env.ARCO_FROM_SOURCE !== '1' && buildIsCurrent()) {
  await import('../dist/cli/main.js');
} else {
  await import('../src/runtime/loader/register.mjs');
  await import('../src/cli/main.ts');
}
