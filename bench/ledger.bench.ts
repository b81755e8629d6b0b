/**
 * Ledger throughput: append+fold of N realistic events on SQLite, against a raw batched INSERT of
 * the same rows into a bare table with the same unique idempotency index, in the same run.
 *
 * The ratio is judged on CPU time (user + system of this process), with wall time reported beside
 * it: on a shared 2-core machine other processes stretch wall time by whatever they happen to be
 * doing, which made wall-clock ratios of the same code vary from 0.45 to 0.7 between runs. Both
 * sides are single-threaded and write the same WAL, so CPU time is what each side costs.
 *
 * The events are whole run lifecycles produced by the real controllers (request, start, dispatch,
 * start/finish reports, materializations, log lines), so the fold does its real work: loading and
 * rewriting run documents, inserting materialization and log rows. Both sides commit in batches
 * of BATCH_SIZE.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { advanceRun, decideAttemptReport } from '../src/controllers/index.js';
import { createUlidFactory, seededRng } from '../src/domain/ids/index.js';
import { draft, idempotencyKeys, stampEvents, type ArcoEvent, type EventDraft } from '../src/events/index.js';
import { openSqliteStore } from '../src/store/index.js';
import { T0, iso, requestedRun, step } from '../test/helpers/runs.js';
import { defineBenchmark, measureMs, median } from './harness.js';

const RUNS = 2_000;
const LOG_LINES_PER_TASK = 4;
const BATCH_SIZE = 500;
const DAG = { extract: [], clean: ['extract'], join: ['clean'], mart: ['join'], report: ['mart'] } as const;

function lifecycleDrafts(runIndex: number): EventDraft[] {
  const at = T0 + runIndex * 1000;
  let { run, drafts: all } = requestedRun({ dag: DAG, at });
  const out: EventDraft[] = [...all];
  let now = at;
  while (run.status !== 'SUCCESS') {
    now += 10;
    const next = step(run, now);
    out.push(...next.drafts);
    run = next.run;
    for (const task of run.tasks.filter((t) => t.status === 'DISPATCHED')) {
      const attempt = task.attempts[task.attempts.length - 1]!;
      for (let seq = 0; seq < LOG_LINES_PER_TASK; seq += 1) {
        out.push(draft('TaskLogged', { runId: run.runId, taskKey: task.taskKey, attempt: attempt.attempt, seq, level: 'info', message: `line ${seq} of ${task.taskKey}`, loggedAt: iso(now) }, idempotencyKeys.taskLogged(run.runId, task.taskKey, attempt.attempt, seq), run.runId));
      }
      const drafts = decideAttemptReport(run, { kind: 'finished', runId: run.runId, taskKey: task.taskKey, attemptId: attempt.attemptId, outcome: 'SUCCEEDED', error: null, durationMs: 5, dataVersion: null, metadata: { rows: 10 } }, { nowEpochMs: now, upstreamDataVersions: {} });
      out.push(...drafts);
      run = advanceRun(run, drafts, iso(now));
    }
  }
  return out;
}

/** Rounds of (raw, store), alternating, so a noisy neighbour hits both sides; medians are compared. */
const ROUNDS = 5;

type Timing = { wallMs: number; cpuMs: number };

async function rawInsertMs(dir: string, events: readonly ArcoEvent[]): Promise<Timing> {
  const raw = new Database(join(dir, 'raw.db'));
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = NORMAL');
  raw.exec(`CREATE TABLE ledger (sequence INTEGER PRIMARY KEY AUTOINCREMENT, event_id TEXT NOT NULL, type TEXT NOT NULL, version INTEGER NOT NULL,
    at TEXT NOT NULL, workspace TEXT NOT NULL, idempotency_key TEXT NOT NULL, correlation_id TEXT, causation_id TEXT, payload TEXT NOT NULL,
    UNIQUE (workspace, idempotency_key))`);
  const insert = raw.prepare('INSERT INTO ledger (event_id, type, version, at, workspace, idempotency_key, correlation_id, causation_id, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
  const insertBatch = raw.transaction((batch: readonly ArcoEvent[]) => {
    for (const e of batch) insert.run(e.eventId, e.type, e.version, e.at, e.workspace, e.idempotencyKey, e.correlationId, e.causationId, JSON.stringify(e.payload));
  });
  const ms = await measureMs(() => {
    for (let i = 0; i < events.length; i += BATCH_SIZE) insertBatch(events.slice(i, i + BATCH_SIZE));
  });
  raw.close();
  return ms;
}

async function appendFoldMs(dir: string, events: readonly ArcoEvent[]): Promise<Timing> {
  const store = openSqliteStore({ path: join(dir, 'arco.db') });
  const ms = await measureMs(async () => {
    for (let i = 0; i < events.length; i += BATCH_SIZE) await store.ledger.append(events.slice(i, i + BATCH_SIZE));
  });
  const runsDone = (await store.runs.listRuns({ limit: RUNS + 1, statuses: ['SUCCESS'] })).length;
  await store.close();
  if (runsDone !== RUNS) throw new Error(`expected ${RUNS} successful runs after the fold, found ${runsDone}`);
  return ms;
}

export default defineBenchmark({
  name: 'ledger-append-fold',
  target: 'append+fold throughput on SQLite >= 0.5 x a raw batched INSERT of the same rows (unique idempotency index, same batch size)',
  run: async () => {
    const ulid = createUlidFactory(seededRng(11));
    const events: ArcoEvent[] = [];
    for (let i = 0; i < RUNS; i += 1) events.push(...stampEvents(lifecycleDrafts(i), { ulid, nowEpochMs: T0 + i * 1000 }));
    const raw: Timing[] = [];
    const store: Timing[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      const dir = mkdtempSync(join(tmpdir(), 'arco-bench-'));
      try {
        raw.push(await rawInsertMs(dir, events));
        store.push(await appendFoldMs(dir, events));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
    const rate = (timings: Timing[], key: keyof Timing) => events.length / (median(timings.map((t) => t[key])) / 1000);
    const cpuRatio = rate(store, 'cpuMs') / rate(raw, 'cpuMs');
    const wallRatio = rate(store, 'wallMs') / rate(raw, 'wallMs');
    return {
      met: cpuRatio >= 0.5,
      metrics: {
        events: events.length,
        batchSize: BATCH_SIZE,
        rounds: ROUNDS,
        rawInsertEventsPerCpuSecond: Math.round(rate(raw, 'cpuMs')),
        appendFoldEventsPerCpuSecond: Math.round(rate(store, 'cpuMs')),
        ratioCpu: Number(cpuRatio.toFixed(3)),
        rawInsertEventsPerWallSecond: Math.round(rate(raw, 'wallMs')),
        appendFoldEventsPerWallSecond: Math.round(rate(store, 'wallMs')),
        ratioWall: Number(wallRatio.toFixed(3)),
      },
      summary: `append+fold ran ${Math.round(rate(store, 'cpuMs'))} events per CPU second against ${Math.round(rate(raw, 'cpuMs'))} rows for the raw insert (ratio ${cpuRatio.toFixed(2)}; wall-clock ratio ${wallRatio.toFixed(2)}), medians of ${ROUNDS} alternating rounds.`,
    };
  },
});
