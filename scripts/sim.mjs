#!/usr/bin/env node
// The deterministic simulator (test/sim/), run through tsx like the tests:
//
//   npm run sim -- --seeds 10000 [--from 1] [--large]   search many seeds
//   npm run sim -- --seed 1234 [--large] --trace         replay one seed exactly, with its trace
//
// Exits non-zero when a seed fails; each failing seed is printed with the command that replays it.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const result = spawnSync(process.execPath, ['--import', 'tsx', resolve(root, 'test/sim/cli.ts'), ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
process.exit(result.status ?? 1);
