/**
 * Backfills at scale (issue 12): creating a backfill over 1,000,000 hourly partitions (about 114
 * years) stores its selector, not its keys; its status is answered from counts and planned
 * chunks; and the daemon's backfill step plans chunk runs fast when workers are not the
 * bottleneck. Real SQLite file, real definitions, the runtime functions the API calls.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineBenchmark, mainThreadCpuMs, timeMs } from './harness.js';
import { FakeClock } from '../src/runtime/clock.js';
import { createContext } from '../src/runtime/context.js';
import { loadDefinitions } from '../src/runtime/definitions-loader.js';
import { advanceBackfills, backfillStatus, createBackfill } from '../src/runtime/index.js';
import { openSqliteStore } from '../src/store/index.js';

const PARTITIONS = 1_000_000;
const CREATE_TARGET_MS = 1_000;
const STATUS_TARGET_MS = 100;
const RUNS_PER_SECOND_TARGET = 1_000;
/** Chunk runs the launch measure plans. */
const LAUNCHES = 5_000;

const SOURCE = `import { defineAsset, defineDefinitions, hourlyPartitions } from 'arco-flow';
export default defineDefinitions({ assets: [defineAsset({ key: 'hours', partitions: hourlyPartitions({ start: '1910-01-01-00:00' }), compute: async () => {} })] });
`;

/** The key of the hour `index` hours after the start (UTC, so every hour exists). */
function hourKey(index: number): string {
  const d = new Date(Date.UTC(1910, 0, 1) + index * 3_600_000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())}-${p(d.getUTCHours())}:00`;
}

export default defineBenchmark({
  name: 'backfills',
  target: `create over ${PARTITIONS.toLocaleString('en')} partitions < ${CREATE_TARGET_MS} ms; status < ${STATUS_TARGET_MS} ms; >= ${RUNS_PER_SECOND_TARGET} chunk runs planned per second of daemon CPU`,
  async run() {
    const dir = mkdtempSync(join(tmpdir(), 'arco-bench-backfills-'));
    try {
      writeFileSync(join(dir, 'definitions.ts'), SOURCE);
      const store = openSqliteStore({ path: join(dir, 'arco.db') });
      const clock = new FakeClock(Date.UTC(2026, 0, 1));
      const ctx = createContext(store, clock, await loadDefinitions(join(dir, 'definitions.ts')), 7);
      const range = `${hourKey(0)}...${hourKey(PARTITIONS - 1)}`;
      const rssBefore = process.memoryUsage().rss;
      let backfillId = '';
      const createMs = await timeMs(async () => {
        backfillId = (await createBackfill(ctx, { selection: ['hours'], partition: range, policy: 'multi-run:1', maxConcurrentRuns: 10, requestId: 'big' })).backfill.backfillId;
      });
      await advanceBackfills(ctx, clock.now());
      const rssAfterMiB = (process.memoryUsage().rss - rssBefore) / 2 ** 20;
      const statusMs = await timeMs(() => backfillStatus(ctx, { backfillId }));

      // Launch rate: a second backfill with no limit on runs in flight, stepped until it planned LAUNCHES runs.
      await createBackfill(ctx, { selection: ['hours'], partition: `${hourKey(0)}...${hourKey(LAUNCHES - 1)}`, policy: 'multi-run:1', maxConcurrentRuns: LAUNCHES, requestId: 'wide' });
      let launched = 0;
      const cpuBefore = mainThreadCpuMs() ?? 0;
      const launchWallMs = await timeMs(async () => {
        while (launched < LAUNCHES) {
          const step = await advanceBackfills(ctx, clock.now());
          if (step.requestedRuns === 0) break;
          launched += step.requestedRuns;
        }
      });
      const launchCpuMs = (mainThreadCpuMs() ?? cpuBefore + launchWallMs) - cpuBefore;
      const runsPerCpuSecond = (launched / launchCpuMs) * 1000;
      await store.close();
      return {
        met: createMs < CREATE_TARGET_MS && statusMs < STATUS_TARGET_MS && runsPerCpuSecond >= RUNS_PER_SECOND_TARGET,
        metrics: { partitions: PARTITIONS, createMs, statusMs, rssGrowthMiB: rssAfterMiB, runsLaunched: launched, launchWallMs, launchCpuMs, runsPerCpuSecond },
        summary: `a ${PARTITIONS.toLocaleString('en')}-partition backfill is created in ${createMs.toFixed(0)} ms (RSS +${rssAfterMiB.toFixed(0)} MiB after its first step) and its status answered in ${statusMs.toFixed(0)} ms; the daemon step planned ${launched} chunk runs at ${runsPerCpuSecond.toFixed(0)} per CPU second.`,
      };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
});
