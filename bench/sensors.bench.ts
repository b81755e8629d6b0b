/**
 * One thousand poll sensors with a 1 s minimum interval on one daemon's automation step, on the
 * real clock, iterating every 250 ms as the daemon does. Each evaluation reads its cursor, returns a
 * new one (and every tenth a run request), and is appended with its compare-and-swap. After the run
 * the ledger tells, per sensor, how late each evaluation started after it became due (lag).
 * Keeping up means the lag stays bounded: p95 under a second, and no larger in the second half of
 * the run than in the first (a backlog would grow). A sensor becomes due between two iterations,
 * so about half a daemon tick of lag (~125 ms) is the floor.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineBenchmark } from './harness.js';
import { defineAsset, defineDefinitions, defineSensor } from '../src/authoring/index.js';
import { Automation, createContext, indexDefinitions, systemClock } from '../src/runtime/index.js';
import { openSqliteStore } from '../src/store/index.js';

const SENSORS = 1_000;
const INTERVAL_SECONDS = 1;
const DURATION_MS = 15_000;
const DAEMON_TICK_MS = 250;
const LAG_P95_TARGET_MS = 1_000;
/** The second half's p95 lag may exceed the first half's by at most one daemon tick. */
const LAG_GROWTH_MAX_MS = DAEMON_TICK_MS;

function percentile(sorted: readonly number[], p: number): number {
  return sorted.length === 0 ? 0 : (sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number);
}

export default defineBenchmark({
  name: 'sensors',
  target: `${SENSORS} poll sensors at a ${INTERVAL_SECONDS} s interval keep up on one daemon: p95 evaluation lag < ${LAG_P95_TARGET_MS} ms, not growing over the run`,
  async run() {
    const dir = mkdtempSync(join(tmpdir(), 'arco-bench-sensors-'));
    try {
      const asset = defineAsset({ key: 'a', compute: async () => {} });
      const sensors = Array.from({ length: SENSORS }, (_, i) =>
        defineSensor({
          name: `s${i}`,
          target: [asset],
          minimumIntervalSeconds: INTERVAL_SECONDS,
          defaultStatus: 'running',
          evaluate: (ctx) => {
            const n = Number(ctx.cursor ?? '0') + 1;
            return n % 10 === 0 ? { runRequests: [{ runKey: `n${n}` }], cursor: String(n) } : { skipReason: 'nothing new', cursor: String(n) };
          },
        }),
      );
      const definitions = indexDefinitions(join(dir, 'definitions.ts'), defineDefinitions({ assets: [asset], sensors }));
      const store = openSqliteStore({ path: join(dir, 'arco.db') });
      const automation = new Automation(createContext(store, systemClock, definitions, 1), { sensorConcurrency: 64 });
      const started = systemClock.now();
      let iterations = 0;
      while (systemClock.now() - started < DURATION_MS) {
        const begin = systemClock.now();
        await automation.iterate(begin);
        iterations += 1;
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, DAEMON_TICK_MS - (systemClock.now() - begin))));
      }
      await automation.stop();
      const elapsedMs = systemClock.now() - started;
      // Lag of an evaluation: how long after its sensor became due it started (the first was due at the start).
      const last = new Map<string, number>(sensors.map((s) => [s.name, started - INTERVAL_SECONDS * 1000]));
      const lags: number[] = [];
      const firstHalf: number[] = [];
      const secondHalf: number[] = [];
      let evaluations = 0;
      let stale = 0;
      let failures = 0;
      for (let after = 0; ; ) {
        const page = await store.ledger.readEvents({ afterSequence: after, limit: 5_000 });
        if (page.length === 0) break;
        after = page[page.length - 1]?.sequence ?? after;
        for (const event of page) {
          if (event.type !== 'SensorEvaluated') continue;
          evaluations += 1;
          if (event.payload.status === 'STALE') stale += 1;
          if (event.payload.status === 'FAILURE') failures += 1;
          const at = Date.parse(event.payload.startedAt);
          const previous = last.get(event.payload.sensorName);
          if (previous !== undefined) {
            const lag = at - previous - INTERVAL_SECONDS * 1000;
            lags.push(lag);
            (at - started < elapsedMs / 2 ? firstHalf : secondHalf).push(lag);
          }
          last.set(event.payload.sensorName, at);
        }
      }
      await store.close();
      for (const list of [lags, firstHalf, secondHalf]) list.sort((a, b) => a - b);
      const keepUp = evaluations / (SENSORS * (elapsedMs / (INTERVAL_SECONDS * 1000)));
      const p95 = percentile(lags, 95);
      const growth = percentile(secondHalf, 95) - percentile(firstHalf, 95);
      return {
        met: p95 < LAG_P95_TARGET_MS && growth <= LAG_GROWTH_MAX_MS && stale === 0 && failures === 0,
        metrics: {
          sensors: SENSORS,
          elapsedMs,
          iterations,
          evaluations,
          evaluationsPerSecond: evaluations / (elapsedMs / 1000),
          keepUpRatio: keepUp,
          lagP50Ms: percentile(lags, 50),
          lagP95Ms: p95,
          lagMaxMs: lags[lags.length - 1] ?? 0,
          lagP95FirstHalfMs: percentile(firstHalf, 95),
          lagP95SecondHalfMs: percentile(secondHalf, 95),
          staleEvaluations: stale,
          failedEvaluations: failures,
        },
        summary: `${evaluations} evaluations in ${(elapsedMs / 1000).toFixed(1)} s (${(evaluations / (elapsedMs / 1000)).toFixed(0)}/s, ${(keepUp * 100).toFixed(0)}% of one per sensor per second); lag p50 ${percentile(lags, 50)} ms, p95 ${p95} ms (first half ${percentile(firstHalf, 95)}, second half ${percentile(secondHalf, 95)}), max ${lags[lags.length - 1] ?? 0} ms.`,
      };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
});
