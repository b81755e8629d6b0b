/**
 * Start-up of the `arco` command, as a user feels it: CPU time of a whole process (user + system,
 * measured inside it from the first instruction to exit) minus that of `node -e 0` measured the
 * same way in the same run. Each figure is the median of several runs. `runs --json` reads a store
 * holding 10,000 runs, so opening the store and reading a page are included.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineBenchmark, median } from './harness.js';
import { systemClock } from '../src/runtime/clock.js';
import { createContext } from '../src/runtime/context.js';
import { loadDefinitions } from '../src/runtime/definitions-loader.js';
import { requestRun } from '../src/runtime/run-commands.js';
import { openSqliteStore } from '../src/store/index.js';

const REPEATS = 9;
const RUNS_IN_STORE = 10_000;
const HELP_TARGET_MS = 300;
const RUNS_TARGET_MS = 500;
const PROBE = fileURLToPath(new URL('./cpu-probe.cjs', import.meta.url));
const ARCO = fileURLToPath(new URL('../bin/arco.mjs', import.meta.url));

function cpuMs(args: readonly string[], dir: string): number {
  const file = join(dir, 'cpu');
  const result = spawnSync(process.execPath, ['--require', PROBE, ...args], {
    env: { ...process.env, ARCO_CPU_FILE: file, ARCO_URL: 'http://127.0.0.1:9', NO_COLOR: '1' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  if (result.status !== 0) throw new Error(`${args.join(' ')} failed: ${result.stderr.toString()}`);
  return Number(readFileSync(file, 'utf8')) / 1000;
}

function medianCpuMs(args: readonly string[], dir: string): number {
  return median(Array.from({ length: REPEATS }, () => cpuMs(args, dir)));
}

async function seedStore(dir: string): Promise<string> {
  const file = join(dir, 'definitions.ts');
  writeFileSync(file, "import { defineAsset, defineDefinitions } from 'arco-flow';\nexport default defineDefinitions({ assets: [defineAsset({ key: 'a', compute: async () => {} })] });\n");
  const store = openSqliteStore({ path: join(dir, '.arco', 'arco.db') });
  const ctx = createContext(store, systemClock, await loadDefinitions(file));
  for (let i = 0; i < RUNS_IN_STORE; i += 1) await requestRun(ctx, { selection: ['a'], runKey: `seed-${i}` });
  await store.close();
  return file;
}

export default defineBenchmark({
  name: 'cli-startup',
  target: `CPU above \`node -e 0\`: \`arco --help\` <= ${HELP_TARGET_MS} ms; \`arco runs --json\` on a ${RUNS_IN_STORE.toLocaleString('en')}-run store <= ${RUNS_TARGET_MS} ms`,
  async run() {
    const dir = mkdtempSync(join(tmpdir(), 'arco-startup-'));
    try {
      const definitions = await seedStore(dir);
      const baseline = medianCpuMs(['-e', '0'], dir);
      const help = medianCpuMs([ARCO, '--help'], dir);
      const runs = medianCpuMs([ARCO, 'runs', '--json', '-f', definitions], dir);
      const helpAbove = help - baseline;
      const runsAbove = runs - baseline;
      return {
        met: helpAbove <= HELP_TARGET_MS && runsAbove <= RUNS_TARGET_MS,
        metrics: { nodeBaselineCpuMs: baseline, helpCpuMs: help, helpAboveBaselineMs: helpAbove, runsJsonCpuMs: runs, runsJsonAboveBaselineMs: runsAbove, repeats: REPEATS },
        summary: `arco --help costs ${helpAbove.toFixed(0)} ms CPU above node -e 0 (${baseline.toFixed(0)} ms); arco runs --json on ${RUNS_IN_STORE} runs ${runsAbove.toFixed(0)} ms above it.`,
      };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
});
