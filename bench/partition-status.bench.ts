/**
 * Partition status of an asset with 1,000,000 hourly partitions (UTC, 1910 to 2024). Method: the
 * asset's status row is built through the fold (materializations whose windows span the runs of
 * consecutive partitions, and single-hour final failures in them), written into a SQLite store,
 * and `describePartitionStatus` (store read, runs in flight, counts and key ranges per status) is
 * timed: median of 20 runs after 5 warm-up runs, for the whole asset, a range selector and one
 * partition in detail. Storage: the row's size in bytes for 1 to 10,000 runs of consecutive
 * partitions, each with the same million partitions materialized, and for the same number of runs
 * holding 10 times fewer partitions: the size must follow the runs, not the partitions.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { defineBenchmark, median, timeMs } from './harness.js';
import { defineAsset, defineDefinitions, hourlyPartitions } from '../src/authoring/index.js';
import { DEFAULT_WORKSPACE, EVENT_VERSION, draft, idempotencyKeys, type EventDraft, type StoredEvent } from '../src/events/index.js';
import { assetPartitionStatusFamily, foldInMemory, type AssetPartitionStatusRow } from '../src/fold/index.js';
import { FakeClock, createContext, describePartitionStatus, indexDefinitions } from '../src/runtime/index.js';
import { openSqliteStore } from '../src/store/index.js';

const HOUR_MS = 3_600_000;
const PARTITIONS = 1_000_000;
const START_MS = Date.parse('1910-01-01T00:00:00Z');
const END_MS = START_MS + PARTITIONS * HOUR_MS;
/** Runs of consecutive materialized partitions in the timed row; failures are one per run. */
const STATUS_RUNS = 1_000;
const TIMED_RUNS = 20;
/** Untimed runs first, so the JIT has compiled the path being timed. */
const WARM_UP_RUNS = 5;
const TARGET_MS = 50;
const STORAGE_RUNS = [1, 10, 100, 1_000, 10_000];
const ASSET = 'events/hourly';

const materialized = (startMs: number, endMs: number, n: number): EventDraft =>
  draft(
    'AssetMaterialized',
    { runId: `run_${n}`, taskKey: `${ASSET}[${n}]`, attempt: 1, assetKey: ASSET, partitionKey: String(n), dataVersion: 'v1', codeVersion: null, metadata: {}, partitionWindow: { startMs, endMs }, provenance: null },
    idempotencyKeys.assetMaterialized(`run_${n}`, `${ASSET}[${n}]`, 1),
    `run_${n}`,
  );
const failed = (startMs: number, n: number): EventDraft =>
  draft(
    'TaskAttemptFinished',
    {
      runId: `run_f${n}`, taskKey: `${ASSET}[f${n}]`, assetKey: ASSET, partitionKey: `f${n}`, attempt: 1, attemptId: `att_${n}`, outcome: 'FAILED',
      error: { code: 'USER_CODE_ERROR', message: 'boom', errorClass: null, stack: null, retryable: true }, durationMs: 1, resolution: 'FAILED', retryAt: null,
      infrastructureRetry: false, partitionWindow: { startMs, endMs: startMs + HOUR_MS },
    },
    idempotencyKeys.taskAttemptFinished(`run_f${n}`, `${ASSET}[f${n}]`, 1),
    `run_f${n}`,
  );

/**
 * The row after materializing `partitions` hours as `runs` runs of consecutive hours spread over
 * the million (a gap after each), then failing the first hour of each run.
 */
function statusRow(runs: number, partitions: number, withFailures: boolean): AssetPartitionStatusRow {
  const stride = Math.floor(PARTITIONS / runs);
  const length = Math.min(stride - 1 || 1, Math.floor(partitions / runs));
  const drafts: EventDraft[] = [];
  for (let r = 0; r < runs; r += 1) {
    const startMs = START_MS + r * stride * HOUR_MS;
    drafts.push(materialized(startMs, startMs + length * HOUR_MS, r));
    if (withFailures) drafts.push(failed(startMs, r));
  }
  const events = drafts.map((d, i) => ({ ...d, eventId: `e${i}`, version: EVENT_VERSION, at: '2024-01-01T00:00:00.000Z', workspace: DEFAULT_WORKSPACE, causationId: null, sequence: i + 1 }) as StoredEvent);
  const row = foldInMemory(assetPartitionStatusFamily, new Map(), events).get(ASSET);
  if (!row) throw new Error('the fold wrote no row');
  return row;
}

const bytes = (row: AssetPartitionStatusRow): number => Buffer.byteLength(JSON.stringify(row));

export default defineBenchmark({
  name: 'partition-status',
  target: `status of an asset with ${PARTITIONS.toLocaleString('en-US')} partitions answers in < ${TARGET_MS} ms; its stored size follows the runs of consecutive partitions, not the partitions`,
  async run() {
    const dir = mkdtempSync(join(tmpdir(), 'arco-bench-status-'));
    try {
      const path = join(dir, 'arco.db');
      const store = openSqliteStore({ path });
      const row = statusRow(STATUS_RUNS, PARTITIONS, true);
      const db = new Database(path);
      db.prepare('INSERT INTO asset_partition_status (id, doc) VALUES (?, ?)').run(ASSET, JSON.stringify(row));
      db.close();
      const partitions = hourlyPartitions({ start: new Date(START_MS).toISOString(), end: new Date(END_MS).toISOString() });
      const defs = indexDefinitions('definitions.ts', defineDefinitions({ assets: [defineAsset({ key: ASSET, partitions, compute: async () => {} })] }));
      const now = END_MS + HOUR_MS;
      const ctx = createContext(store, new FakeClock(now), defs, 1);

      const timed = async (query: { partition?: string; rangesMax?: number }) => {
        for (let i = 0; i < WARM_UP_RUNS; i += 1) await describePartitionStatus(ctx, ASSET, query, now);
        const runs: number[] = [];
        for (let i = 0; i < TIMED_RUNS; i += 1) runs.push(await timeMs(() => describePartitionStatus(ctx, ASSET, query, now)));
        return median(runs);
      };
      const view = await describePartitionStatus(ctx, ASSET, {}, now);
      const wholeMs = await timed({});
      const rangeMs = await timed({ partition: '1950-01-01-00:00...2000-12-31-23:00' });
      const oneMs = await timed({ partition: '1990-06-15-12:00' });
      // Listing more ranges costs two key lookups per range: shown, not part of the target.
      const hundredRangesMs = await timed({ rangesMax: 100 });
      await store.close();

      const sizes = Object.fromEntries(
        STORAGE_RUNS.flatMap((runs) => [
          [`rowBytes_${runs}runs_${PARTITIONS / 1000}kPartitions`, bytes(statusRow(runs, PARTITIONS, false))],
          [`rowBytes_${runs}runs_${PARTITIONS / 10_000}kPartitions`, bytes(statusRow(runs, PARTITIONS / 10, false))],
        ]),
      );
      const slowestMs = Math.max(wholeMs, rangeMs, oneMs);
      const c = view.counts;
      return {
        met: c.total === PARTITIONS && slowestMs < TARGET_MS,
        metrics: {
          partitions: c.total,
          materialized: c.materialized,
          failed: c.failed,
          missing: c.missing,
          statusRuns: STATUS_RUNS,
          timedRowBytes: bytes(row),
          wholeAssetMs: wholeMs,
          rangeSelectorMs: rangeMs,
          onePartitionMs: oneMs,
          wholeAssetListing100RangesPerStatusMs: hundredRangesMs,
          ...sizes,
        },
        summary:
          `The status of ${c.total.toLocaleString('en-US')} hourly partitions (${c.materialized.toLocaleString('en-US')} materialized in ${STATUS_RUNS} runs, ${c.failed} failed, ${c.missing.toLocaleString('en-US')} missing) ` +
          `answered in ${wholeMs.toFixed(1)} ms (median, listing up to 20 key ranges per status; a range selector ${rangeMs.toFixed(1)} ms, one partition ${oneMs.toFixed(1)} ms, 100 ranges per status ${hundredRangesMs.toFixed(1)} ms) from a ${bytes(row).toLocaleString('en-US')}-byte row; ` +
          `the row is ${sizes[`rowBytes_1runs_1000kPartitions`]} bytes for 1 run and ${sizes[`rowBytes_10000runs_1000kPartitions`]} bytes for 10,000 runs, whether they hold 1,000,000 or 100,000 partitions.`,
      };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
});
