/**
 * What the SQL sandbox costs a query on SQLite (docs/security.md, "SQL surface"): each query goes
 * to a sandbox process, which attaches the store under a fresh name, rebuilds the views and checks
 * the compiled program before running it. Measured on a store of 2,000 runs: the first query
 * (which starts the process), then the median of warm queries, beside the same query on a plain
 * read-only connection in this process.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createUlidFactory, seededRng } from '../src/domain/ids/index.js';
import { stampEvents } from '../src/events/index.js';
import { openSqliteStore } from '../src/store/index.js';
import { T0, requestedRun } from '../test/helpers/runs.js';
import { defineBenchmark, median, timeMs } from './harness.js';

const RUNS = 2_000;
const WARM_QUERIES = 50;
const QUERY = 'SELECT status, COUNT(*) AS runs, SUM(task_count) AS tasks FROM system_runs GROUP BY status';
/** The first query starts the sandbox process (node and better-sqlite3). */
const FIRST_TARGET_MS = 2000;
/** What the sandbox adds to a warm query: attach, views, program check, the trip between processes. */
const OVERHEAD_TARGET_MS = 50;

export default defineBenchmark({
  name: 'sql-sandbox',
  target: `on SQLite over ${RUNS} runs, the first system SQL query answers within ${FIRST_TARGET_MS} ms (sandbox start) and the sandbox adds at most ${OVERHEAD_TARGET_MS} ms (median) to a warm query`,
  async run() {
    const dir = mkdtempSync(join(tmpdir(), 'arco-bench-sql-'));
    const path = join(dir, 'arco.db');
    const store = openSqliteStore({ path });
    try {
      const ulid = createUlidFactory(seededRng(7));
      for (let i = 0; i < RUNS; i++) {
        const { drafts } = requestedRun({ dag: { a: [], b: ['a'] }, at: T0 + i, ids: { ulid } });
        await store.ledger.append(stampEvents(drafts, { ulid, nowEpochMs: T0 + i }));
      }
      const firstMs = await timeMs(() => store.sql.querySystem(QUERY, 1000));
      const warm: number[] = [];
      for (let i = 0; i < WARM_QUERIES; i++) warm.push(await timeMs(() => store.sql.querySystem(QUERY, 1000)));
      const plain = new Database(path, { readonly: true });
      const direct: number[] = [];
      try {
        for (let i = 0; i < WARM_QUERIES; i++) direct.push(await timeMs(() => plain.prepare(QUERY).all()));
      } finally {
        plain.close();
      }
      const warmMs = median(warm);
      const directMs = median(direct);
      return {
        met: firstMs <= FIRST_TARGET_MS && warmMs - directMs <= OVERHEAD_TARGET_MS,
        metrics: { runs: RUNS, firstQueryMs: firstMs, warmQueryMedianMs: warmMs, sameQueryUnsandboxedMedianMs: directMs, sandboxOverheadMedianMs: warmMs - directMs },
        summary: `The first query took ${firstMs.toFixed(0)} ms, later ones ${warmMs.toFixed(1)} ms (median), ${(warmMs - directMs).toFixed(1)} ms more than the same query on a plain connection.`,
      };
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
});
