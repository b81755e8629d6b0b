#!/usr/bin/env node
// Runs the test suite with node:test through tsx. Node 20 does not expand globs, so this script
// collects the test files itself. It always writes two reports: `spec` to stdout for people and
// JUnit XML to reports/ for the parity checker, which only trusts tests the report shows as passed.
//
//   node scripts/run-tests.mjs                 all tests        -> reports/junit.xml
//   node scripts/run-tests.mjs test/gates/m1   one folder/file  -> reports/junit-<name>.xml
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const targets = process.argv.slice(2);

function collect(path) {
  const stat = statSync(path);
  if (stat.isFile()) return path.endsWith('.test.ts') ? [path] : [];
  return readdirSync(path)
    .sort()
    .flatMap((name) => (name === 'node_modules' || name === 'fixtures' ? [] : collect(join(path, name))));
}

const files = (targets.length ? targets : ['test']).flatMap((t) => collect(resolve(root, t)));
if (files.length === 0) {
  console.error(`no test files under ${targets.join(' ') || 'test'}`);
  process.exit(1);
}

const reportName = targets.length
  ? `junit-${targets.map((t) => relative('test', t).replace(/[\\/]/g, '-').replace(/\.test\.ts$/, '')).join('_')}.xml`
  : 'junit.xml';
mkdirSync(join(root, 'reports'), { recursive: true });

// Files run three at a time: many tests wait on real child processes and timers, not on CPU.
const concurrency = process.env.ARCO_TEST_CONCURRENCY ?? '3';
const args = [
  // The same loader the `arco` command uses: TypeScript through tsx, and 'arco-flow' resolvable
  // from definitions files that tests write to temporary folders.
  '--import',
  './src/runtime/loader/register.mjs',
  '--test',
  `--test-concurrency=${concurrency}`,
  '--test-reporter=spec',
  '--test-reporter-destination=stdout',
  '--test-reporter=junit',
  `--test-reporter-destination=${join('reports', reportName)}`,
  ...files.map((f) => relative(root, f)),
];
const result = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
process.exit(result.status ?? 1);
