/**
 * The simulated project: a small asset graph (two unpartitioned assets, two daily partitioned
 * ones), a plain schedule every five minutes, a partitioned schedule at midnight and a polling
 * sensor. Computes never run (simulated workers decide their outcome), so they are empty; user
 * functions are pure functions of their context, so an evaluation replays exactly.
 */
import { dailyPartitions, defineAsset, defineDefinitions, defineSchedule, defineSensor } from '../../src/authoring/index.js';
import { indexDefinitions, type LoadedDefinitions } from '../../src/runtime/index.js';

/** The daily partitions start here; the backfills pick ranges after it. */
export const PARTITIONS_START = '2026-02-20';
export const DAILY_KEYS = ['2026-02-20', '2026-02-21', '2026-02-22', '2026-02-23', '2026-02-24', '2026-02-25', '2026-02-26', '2026-02-27'] as const;
/** Sim time starts ten minutes before midnight, so the midnight schedule ticks in most seeds. */
export const SIM_START_MS = Date.parse('2026-03-01T23:50:00.000Z');
/** The asset whose attempts may hang; its time limit ends them. */
export const HANGING_ASSET = 'clean';
export const HANGING_TIMEOUT_MS = 20_000;
/** The schedules' periods (both cron in UTC), to know the latest tick due at an instant. */
export const SCHEDULE_PERIODS_MS: Readonly<Record<string, number>> = { every_five: 5 * 60_000, nightly: 24 * 3_600_000 };

/** Runs the sensor requests in a seed. */
const SENSOR_RUNS_MAX = 4;

const noop = async (): Promise<void> => {};

export function simDefinitions(): LoadedDefinitions {
  const days = dailyPartitions({ start: PARTITIONS_START });
  const raw = defineAsset({ key: 'raw', compute: noop, retry: { maxRetries: 1 } });
  const clean = defineAsset({ key: HANGING_ASSET, deps: [raw], compute: noop, timeoutMs: HANGING_TIMEOUT_MS });
  const daily = defineAsset({ key: 'daily', partitions: days, compute: noop, retry: { maxRetries: 2, delayMs: 5_000 } });
  const report = defineAsset({ key: 'report', deps: [daily], partitions: days, compute: noop });
  const definitions = defineDefinitions({
    assets: [raw, clean, daily, report],
    // A failed run is retried once, whatever failed it: each retry must be requested exactly once
    // whatever crash repeats the decision (the run-key invariant catches a second one).
    instance: { runRetries: { max: 1, retryOn: 'all' } },
    schedules: [
      defineSchedule({ name: 'every_five', cron: '*/5 * * * *', target: [raw, clean], defaultStatus: 'running' }),
      defineSchedule({ name: 'nightly', cron: '0 0 * * *', target: [daily], partition: 'previous window', defaultStatus: 'running' }),
    ],
    sensors: [
      defineSensor({
        name: 'poller',
        target: [raw],
        minimumIntervalSeconds: 30,
        defaultStatus: 'running',
        // Every other evaluation requests a run keyed by the cursor (the sensor's keys must
        // dedupe forever, whatever crashes repeat an evaluation), the first few times only, so
        // the drain reaches a quiet moment.
        evaluate: (ctx) => {
          const n = Number(ctx.cursor ?? '0');
          return { cursor: String(n + 1), runRequests: n % 2 === 0 && n < SENSOR_RUNS_MAX * 2 ? [{ runKey: `poll-${n / 2}` }] : [] };
        },
      }),
    ],
  });
  return indexDefinitions('<simulation>', definitions);
}
