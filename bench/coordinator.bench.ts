/**
 * The run coordinator's iteration with a long queue (issue 16, Scale): N queued runs (1k to 100k)
 * beside four runs in progress, `maxConcurrentRuns` 4, on a SQLite file opened as `arco dev`
 * opens it (and on PostgreSQL at 20k when a database answers). Measured on the daemon's own
 * `coordinate` step (a Daemon without worker processes, so no task is dispatched):
 * - idle: nothing to decide, the common iteration;
 * - one admission: another process canceled a run in progress (it ends at once: none of its tasks
 *   holds a worker), and the iteration starts the next queued run;
 * - full read: what an idle iteration cost before the daemon kept the active runs (every active
 *   run document read and parsed, then decided), for the curve's comparison;
 * - first: the first iteration of a new leader, which reads every active run head once.
 * Also measured, at 1k, 5k and 20k (not part of the target): with `maxConcurrentRuns` unlimited, the
 * default, requested runs do not stay QUEUED but start at once and wait STARTED for a worker slot;
 * an idle iteration then decides over all of them (kept whole in memory, not read again).
 * Figures are medians of ROUNDS iterations each, wall time.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { defineBenchmark, median, timeMs } from './harness.js';
import { defineAsset, defineDefinitions } from '../src/authoring/index.js';
import { decideCancel, decideRunProgress } from '../src/controllers/index.js';
import { createUlidFactory, seededRng } from '../src/domain/ids/index.js';
import { draft, idempotencyKeys, stampEvents, type EventDraft } from '../src/events/index.js';
import { Daemon, FakeClock, createContext, indexDefinitions, requestRun, type RuntimeContext } from '../src/runtime/index.js';
import { openPostgresStore, openSqliteStore, type Store } from '../src/store/index.js';

const QUEUE_SIZES = [1_000, 5_000, 20_000, 100_000] as const;
/** Started runs waiting for a worker slot (unlimited runs in progress); starting them is slow to seed. */
const WAITING_SIZES = [1_000, 5_000, 20_000] as const;
const TARGET_QUEUED = 20_000;
const TARGET_MS = 20;
const IN_PROGRESS = 4;
const ROUNDS = 15;
/** Runs appended per batch while seeding the queue. */
const SEED_BATCH = 500;
const PG_URL = process.env.ARCO_TEST_PG ?? 'postgres://127.0.0.1:5432/test';

/** The daemon step measured; private in Daemon, reached here so the real code is what is timed. */
type Coordinating = { coordinate(now: number): Promise<void>; holdLeadership(now: number): Promise<boolean> };

/** The daemon as the leader it must be to coordinate (its appends carry the lease's fencing token). */
async function leading(daemon: Daemon, now: number): Promise<Coordinating> {
  const coordinating = daemon as unknown as Coordinating;
  if (!(await coordinating.holdLeadership(now))) throw new Error('the benchmark daemon did not get the leader lease');
  return coordinating;
}

interface Curve {
  readonly idleMs: number;
  readonly admissionMs: number;
  readonly fullReadMs: number;
  readonly firstMs: number;
}

async function measure(store: Store, queued: number, dir: string): Promise<Curve> {
  const asset = defineAsset({ key: 'a', compute: async () => {} });
  const definitions = indexDefinitions(join(dir, 'definitions.ts'), defineDefinitions({ assets: [asset] }));
  const clock = new FakeClock(Date.parse('2026-01-01T00:00:00Z'));
  const ctx = createContext(store, clock, definitions, 5);
  await seedQueue(ctx, queued + IN_PROGRESS);
  const daemon = new Daemon(ctx, { workers: 0, maxConcurrentRuns: IN_PROGRESS, attemptLeaseMs: 3_600_000 });
  const coordinating = await leading(daemon, clock.now());
  // The first iteration reads every active run head and starts IN_PROGRESS runs.
  const firstMs = await timeMs(() => coordinating.coordinate(clock.now()));
  const idle: number[] = [];
  const admission: number[] = [];
  const fullRead: number[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    clock.advance(1_000);
    idle.push(await timeMs(() => coordinating.coordinate(clock.now())));
    fullRead.push(await timeMs(() => decideOverEveryActiveRun(ctx)));
    // Another process cancels a run in progress: it ends at once, and the next iteration admits.
    const [victim] = await store.runs.listRuns({ statuses: ['STARTED'], limit: 1 });
    if (!victim) throw new Error('no run in progress to cancel');
    await store.ledger.append(stampEvents(decideCancel(victim, 'bench', clock.now()), { ulid: ctx.ids.ulid, nowEpochMs: clock.now() }));
    admission.push(await timeMs(() => coordinating.coordinate(clock.now())));
  }
  const started = (await store.runs.listRuns({ statuses: ['STARTED'], limit: IN_PROGRESS + 1 })).length;
  if (started !== IN_PROGRESS) throw new Error(`expected ${IN_PROGRESS} runs in progress, found ${started}`);
  return { idleMs: median(idle), admissionMs: median(admission), fullReadMs: median(fullRead), firstMs };
}

/** Idle iterations over `count` started runs that wait for a worker slot (no limit on runs). */
async function measureWaitingForSlots(store: Store, count: number, dir: string): Promise<number> {
  const asset = defineAsset({ key: 'a', compute: async () => {} });
  const definitions = indexDefinitions(join(dir, 'definitions.ts'), defineDefinitions({ assets: [asset] }));
  const clock = new FakeClock(Date.parse('2026-01-01T00:00:00Z'));
  const ctx = createContext(store, clock, definitions, 5);
  await seedQueue(ctx, count);
  const coordinating = await leading(new Daemon(ctx, { workers: 0, maxConcurrentRuns: null, attemptLeaseMs: 3_600_000 }), clock.now());
  await coordinating.coordinate(clock.now());
  const idle: number[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    clock.advance(1_000);
    idle.push(await timeMs(() => coordinating.coordinate(clock.now())));
  }
  const started = (await store.runs.listRuns({ statuses: ['STARTED'], limit: count })).length;
  if (started !== count) throw new Error(`expected ${count} started runs, found ${started}`);
  return median(idle);
}

/** The iteration as it was: every active run read whole, then decided (nothing is appended). */
async function decideOverEveryActiveRun(ctx: RuntimeContext): Promise<void> {
  const runs = await ctx.store.runs.listActiveRuns();
  const attemptIds = runs.flatMap((r) => r.tasks.flatMap((t) => t.attempts.filter((a) => a.outcome === null).map((a) => a.attemptId)));
  const heartbeats = await ctx.store.leases.readHeartbeats(attemptIds);
  decideRunProgress({ runs, nowEpochMs: ctx.clock.now(), freeWorkerSlots: [], heartbeats, attemptLeaseMs: 3_600_000, maxConcurrentRuns: IN_PROGRESS, ids: ctx.ids });
}

/**
 * Requests one run as the API does and appends `count` copies of its RunRequested under new run
 * ids, in batches (planning each run again would only slow the seeding). One run in ten is urgent.
 */
async function seedQueue(ctx: RuntimeContext, count: number): Promise<void> {
  const { run } = await requestRun(ctx, { selection: ['a'] });
  const [template] = await ctx.store.ledger.readEvents({ limit: 1, correlationId: run.runId });
  if (template?.type !== 'RunRequested') throw new Error('expected the RunRequested of the template run');
  const ulid = createUlidFactory(seededRng(11));
  const start = ctx.clock.now();
  for (let at = 1; at < count; at += SEED_BATCH) {
    const drafts: EventDraft[] = [];
    for (let i = at; i < Math.min(count, at + SEED_BATCH); i += 1) {
      const runId = `run_${ulid(start + i)}`;
      const tags: Record<string, string> = i % 10 === 0 ? { 'arco/priority': '5' } : {};
      drafts.push(draft('RunRequested', { ...template.payload, runId, tags }, idempotencyKeys.runRequested(runId, null), runId));
    }
    await ctx.store.ledger.append(stampEvents(drafts, { ulid: ctx.ids.ulid, nowEpochMs: start }));
  }
}

async function onSqlite<T>(body: (store: Store, dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'arco-bench-coordinator-'));
  const store = openSqliteStore({ path: join(dir, 'arco.db'), backgroundCheckpoint: {} });
  try {
    return await body(store, dir);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A connected client on PG_URL, trying the usual users when the URL names none (trust auth). */
async function connectPostgres(): Promise<{ client: import('pg').Client; url: URL } | null> {
  const pg = (await import('pg')).default;
  const url = new URL(PG_URL);
  const users = url.username !== '' ? [url.username] : [process.env.PGUSER, process.env.USER, userInfo().username, 'postgres'].filter((u): u is string => Boolean(u));
  for (const user of new Set(users)) {
    url.username = user;
    const client = new pg.Client({ connectionString: url.href, connectionTimeoutMillis: 3_000 });
    try {
      await client.connect();
      return { client, url };
    } catch {
      await client.end().catch(() => undefined);
    }
  }
  return null;
}

/** On a fresh PostgreSQL schema, or null when no database answers. */
async function onPostgres(queued: number): Promise<Curve | null> {
  const connected = await connectPostgres();
  if (connected === null) return null;
  const { client: admin, url } = connected;
  const schema = `arco_bench_${process.pid}`;
  const dir = mkdtempSync(join(tmpdir(), 'arco-bench-coordinator-pg-'));
  try {
    await admin.query(`CREATE SCHEMA ${schema}`);
    url.searchParams.set('options', `-csearch_path=${schema}`);
    const store = await openPostgresStore({ connectionString: url.href });
    try {
      return await measure(store, queued, dir);
    } finally {
      await store.close();
    }
  } finally {
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.end();
    rmSync(dir, { recursive: true, force: true });
  }
}

export default defineBenchmark({
  name: 'coordinator',
  target: `a coordinator iteration with ${TARGET_QUEUED.toLocaleString('en')} queued runs on SQLite < ${TARGET_MS} ms, idle and with one admission (median wall time)`,
  async run() {
    const metrics: Record<string, number | string> = {};
    const curve = new Map<number, Curve>();
    for (const queued of QUEUE_SIZES) {
      const c = await onSqlite((store, dir) => measure(store, queued, dir));
      curve.set(queued, c);
      metrics[`sqlite ${queued} queued: idle / one admission / full read / first (ms)`] = [c.idleMs, c.admissionMs, c.fullReadMs, c.firstMs].map((v) => v.toFixed(2)).join(' / ');
    }
    for (const waiting of WAITING_SIZES) {
      metrics[`sqlite ${waiting} started runs waiting for a worker slot: idle (ms)`] = (await onSqlite((store, dir) => measureWaitingForSlots(store, waiting, dir))).toFixed(2);
    }
    const pg = await onPostgres(TARGET_QUEUED);
    metrics[`postgres ${TARGET_QUEUED} queued: idle / one admission / full read / first (ms)`] =
      pg === null ? 'no database answered' : [pg.idleMs, pg.admissionMs, pg.fullReadMs, pg.firstMs].map((v) => v.toFixed(2)).join(' / ');
    const atTarget = curve.get(TARGET_QUEUED) as Curve;
    const met = atTarget.idleMs < TARGET_MS && atTarget.admissionMs < TARGET_MS;
    return {
      met,
      metrics,
      summary: `with ${TARGET_QUEUED.toLocaleString('en')} queued runs an idle iteration took ${atTarget.idleMs.toFixed(2)} ms and one admitting a run ${atTarget.admissionMs.toFixed(2)} ms, against ${atTarget.fullReadMs.toFixed(0)} ms to read and decide over every active run as before (medians of ${ROUNDS}); a new leader's first iteration read the queue in ${atTarget.firstMs.toFixed(0)} ms.`,
    };
  },
});
