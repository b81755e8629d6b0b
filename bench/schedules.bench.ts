/**
 * Ten thousand schedules in one daemon iteration. All are running and tick every minute; after
 * the sync iteration the clock moves minute by minute, so each of those iterations owes 10,000
 * ticks: it finds the ticks due, requests 10,000 runs through the run-key reservation and appends
 * 20,000 events. The figure is the median of the minutes after the first (a daemon in steady
 * state); the first minute (cold code) is reported beside it. Also timed: an iteration with no
 * tick due, the common case between ticks.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineBenchmark, timeMs } from './harness.js';
import { defineAsset, defineDefinitions, defineSchedule } from '../src/authoring/index.js';
import { Automation, FakeClock, createContext, indexDefinitions } from '../src/runtime/index.js';
import { openSqliteStore } from '../src/store/index.js';

const SCHEDULES = 10_000;
const MINUTES = 4;
const TARGET_MS = 1_000;

export default defineBenchmark({
  name: 'schedules',
  target: `${SCHEDULES.toLocaleString('en')} schedules evaluated (one tick each, with its run) in one daemon iteration in < ${TARGET_MS} ms`,
  async run() {
    const dir = mkdtempSync(join(tmpdir(), 'arco-bench-schedules-'));
    try {
      const asset = defineAsset({ key: 'a', compute: async () => {} });
      const schedules = Array.from({ length: SCHEDULES }, (_, i) =>
        defineSchedule({ name: `s${i}`, cron: '* * * * *', timezone: i % 2 === 0 ? 'UTC' : 'America/New_York', target: [asset], defaultStatus: 'running' }),
      );
      const definitions = indexDefinitions(join(dir, 'definitions.ts'), defineDefinitions({ assets: [asset], schedules }));
      const store = openSqliteStore({ path: join(dir, 'arco.db') });
      const t0 = Date.parse('2026-01-01T00:00:30Z');
      const clock = new FakeClock(t0);
      const automation = new Automation(createContext(store, clock, definitions, 1));
      const syncMs = await timeMs(() => automation.runOnce(t0));
      const idleMs = await timeMs(() => automation.runOnce(t0 + 10_000));
      const minutes: number[] = [];
      for (let minute = 1; minute <= MINUTES; minute += 1) {
        const t = t0 + 30_000 + (minute - 1) * 60_000;
        clock.set(t);
        minutes.push(await timeMs(() => automation.runOnce(t)));
      }
      const steady = minutes.slice(1).sort((a, b) => a - b);
      const tickMs = steady[Math.floor(steady.length / 2)] as number;
      const ticks = Number((await store.querySystem("SELECT COUNT(*) FROM system_events WHERE type = 'ScheduleTicked'", 1)).rows[0]?.[0]);
      const runs = Number((await store.querySystem('SELECT COUNT(*) FROM system_runs', 1)).rows[0]?.[0]);
      await store.close();
      const met = tickMs < TARGET_MS && ticks === SCHEDULES * MINUTES && runs === SCHEDULES * MINUTES;
      return {
        met,
        metrics: {
          schedules: SCHEDULES,
          ticksAppended: ticks,
          runsRequested: runs,
          tickIterationMedianMs: tickMs,
          firstTickIterationMs: minutes[0] as number,
          idleIterationMs: idleMs,
          syncIterationMs: syncMs,
        },
        summary: `an iteration deciding and appending ${SCHEDULES} ticks with their runs took ${tickMs.toFixed(0)} ms (median; the first, cold, ${(minutes[0] as number).toFixed(0)} ms); an iteration with nothing due took ${idleMs.toFixed(0)} ms.`,
      };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
});
