/**
 * The daemon's kept view of the active runs (src/runtime/active-runs.ts), on both engines with a
 * second store handle playing the other processes (API servers, workers, an earlier leader).
 *
 * The property test drives a seeded random history: other processes request runs with random
 * priorities, cancel runs and report attempts; the daemon's decisions are appended too. Before each
 * step the run coordinator decides twice, once over every active run read in full (the simple
 * path) and once over what the kept view returns (the optimized path), with the same ids and
 * clock; the two decisions must be equal. The seed is printed on failure.
 *
 * Last, a real daemon with worker processes (SQLite) admits runs queued through another
 * connection, as an API server in another process queues them.
 */
import { describe, afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seededRng } from '../../src/domain/ids/index.js';
import { decideAttemptReport, decideCancel, decideRunProgress, type RunStep } from '../../src/controllers/index.js';
import { draft, idempotencyKeys, stampEvents, type EventDraft } from '../../src/events/index.js';
import type { RunProjection } from '../../src/fold/index.js';
import { ActiveRuns } from '../../src/runtime/active-runs.js';
import { createContext, requestRun, systemClock } from '../../src/runtime/index.js';
import { openSqliteStore, type Store } from '../../src/store/index.js';
import { T0, coordinatorInput, iso, makeIds, requestedRun } from '../helpers/runs.js';
import { freshSchema, postgresSkip, type TestSchema } from '../helpers/postgres.js';
import { skippable } from '../helpers/skippable.js';
import { startDaemon, tempProject, waitForRun } from '../helpers/project.js';

interface Engine {
  readonly name: string;
  readonly skip: string | false;
  /** Two handles on one fresh database: the daemon's and another process's. */
  open(): Promise<{ daemon: Store; other: Store }>;
  cleanup(): Promise<void>;
}

function sqlite(): Engine {
  let dir = '';
  return {
    name: 'SQLite',
    skip: false,
    async open() {
      dir = mkdtempSync(join(tmpdir(), 'arco-active-runs-'));
      const path = join(dir, 'arco.db');
      return { daemon: openSqliteStore({ path }), other: openSqliteStore({ path }) };
    },
    async cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function postgres(): Promise<Engine> {
  let schema: TestSchema | undefined;
  return {
    name: 'PostgreSQL',
    skip: await postgresSkip(),
    async open() {
      schema = await freshSchema();
      return { daemon: await schema.open(), other: await schema.open() };
    },
    async cleanup() {
      await schema?.drop();
    },
  };
}

const ulid = makeIds(99).ulid;
const append = (store: Store, drafts: readonly EventDraft[], at: number) => store.ledger.append(stampEvents(drafts, { ulid, nowEpochMs: at }));

/** Counts the full loads of active runs a store serves, and its reads of runs that changed. */
function countingFullLoads(store: Store): { store: Store; fullLoads: () => number; changedReads: () => number } {
  let fullLoads = 0;
  let changedReads = 0;
  const runs = new Proxy(store.runs, {
    get(target, name, receiver) {
      if (name === 'listActiveRunHeads' || name === 'listActiveRuns') fullLoads += 1;
      if (name === 'readChangedRuns') changedReads += 1;
      const value = Reflect.get(target, name, receiver) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { store: { ...store, runs } as Store, fullLoads: () => fullLoads, changedReads: () => changedReads };
}

for (const engine of [sqlite(), await postgres()]) {
  const { test: engineTest } = skippable(engine.skip);
  describe(`active runs kept by the daemon (${engine.name})`, () => {
    let stores: { daemon: Store; other: Store } | undefined;
    afterEach(async () => {
      await stores?.daemon.close();
      await stores?.other.close();
      await engine.cleanup();
    });

    engineTest('picks up runs another process requests, cancels and starts, reading every active run only once', async () => {
      stores = await engine.open();
      const { daemon, other } = stores;
      const counted = countingFullLoads(daemon);
      const view = new ActiveRuns(counted.store);
      const unlimited = { maxConcurrentRuns: null };
      assert.deepEqual(await view.read(unlimited), []);

      const first = requestedRun({ dag: { a: [] }, at: T0, ids: makeIds(1) });
      const second = requestedRun({ dag: { a: [], b: ['a'] }, at: T0 + 1000, ids: makeIds(2) });
      await append(other, [...first.drafts, ...second.drafts], T0 + 1000);
      assert.deepEqual((await view.read(unlimited)).map((r) => r.runId).sort(), [first.run.runId, second.run.runId].sort(), 'both new queued runs admitted');
      assert.deepEqual(await view.read({ maxConcurrentRuns: 0 }), [], 'queued runs are not read whole when none may start');

      await append(other, decideCancel(first.run, 'not needed', T0 + 2000), T0 + 2000);
      const [started] = decideRunProgress(coordinatorInput([second.run], T0 + 3000)) as [RunStep];
      await append(other, started.drafts, T0 + 3000);
      const read = await view.read({ maxConcurrentRuns: 0 });
      assert.deepEqual(read, [await other.runs.getRun(second.run.runId)], 'the canceled run left, the started run is read at its new version');
      assert.equal(read[0]?.status, 'STARTED');
      assert.equal(counted.fullLoads(), 1);

      const deleted = draft('RunDeleted', { runId: first.run.runId, deletedAt: iso(T0 + 4000), requestedBy: null }, idempotencyKeys.runDeleted(first.run.runId), first.run.runId);
      await append(other, [deleted], T0 + 4000);
      assert.deepEqual((await view.read({ maxConcurrentRuns: 0 })).map((r) => r.runId), [second.run.runId], 'a run deleted by id is followed without reading everything');
      assert.equal(counted.fullLoads(), 1);

      view.drop();
      assert.equal((await view.read({ maxConcurrentRuns: 0 })).length, 1);
      assert.equal(counted.fullLoads(), 2, 'a dropped view reads everything again');
    });

    engineTest('advances a run it read whole through later events in memory, and reads again only runs it does not hold exactly', async () => {
      stores = await engine.open();
      const { daemon, other } = stores;
      const counted = countingFullLoads(daemon);
      const view = new ActiveRuns(counted.store);
      const unlimited = { maxConcurrentRuns: null };
      const { run, drafts } = requestedRun({ dag: { a: [], b: ['a'] }, at: T0, ids: makeIds(1) });
      await view.read(unlimited);
      await append(other, drafts, T0);
      await view.read(unlimited);
      const [started] = decideRunProgress(coordinatorInput([run], T0 + 1000, { freeWorkerSlots: ['w0'] })) as [RunStep];
      await append(other, started.drafts, T0 + 1000);
      assert.deepEqual(await view.read(unlimited), [await other.runs.getRun(run.runId)], 'the started run, read again');
      assert.equal(counted.changedReads(), 1, 'a queued run is held as its head only: its start is read');

      // The start was read with the sequence it is exact through: what follows is folded in memory.
      const startedRun = (await other.runs.getRun(run.runId)) as RunProjection;
      const dispatched = startedRun.tasks.find((t) => t.taskKey === 'a')?.attempts[0];
      assert.ok(dispatched, 'task a dispatched with the run start');
      const finished = decideAttemptReport(
        startedRun,
        { kind: 'finished', runId: run.runId, taskKey: 'a', attemptId: dispatched.attemptId, outcome: 'SUCCEEDED', error: null, durationMs: 5, dataVersion: null, metadata: {} },
        { nowEpochMs: T0 + 2000, upstreamDataVersions: {} },
      );
      await append(other, finished, T0 + 2000);
      const afterReport = await view.read(unlimited);
      assert.deepEqual(afterReport, [await other.runs.getRun(run.runId)], 'the report folded in memory is the stored document');
      assert.equal(afterReport[0]?.tasks.find((t) => t.taskKey === 'b')?.status, 'READY');
      assert.equal(counted.changedReads(), 1, 'no read for a run held exactly');

      // A run requested after the view loaded is made from its request: its head joins the queue unread.
      const next = requestedRun({ dag: { a: [] }, at: T0 + 3000, ids: makeIds(2) });
      await append(other, next.drafts, T0 + 3000);
      assert.deepEqual((await view.read({ maxConcurrentRuns: 2 })).map((r) => r.runId).sort(), [run.runId, next.run.runId].sort());
      assert.equal(counted.changedReads(), 1, 'a new run is not read to be queued');

      // A doubted run is read again, whatever the view holds.
      view.doubt(run.runId);
      assert.deepEqual(await view.read({ maxConcurrentRuns: 0 }), [await other.runs.getRun(run.runId)]);
      assert.equal(counted.changedReads(), 2);
      assert.equal(counted.fullLoads(), 1);
    });

    engineTest('a change committed between its ledger read and its run read is in the document once', async () => {
      stores = await engine.open();
      const { daemon, other } = stores;
      const { run, drafts } = requestedRun({ dag: { a: [], b: ['a'] }, at: T0, ids: makeIds(1) });
      await append(other, drafts, T0);
      const [started] = decideRunProgress(coordinatorInput([run], T0 + 1000, { freeWorkerSlots: ['w0'] })) as [RunStep];
      // Another process appends the run's start while the view is between its two reads.
      let between: (() => Promise<unknown>) | undefined = () => append(other, started.drafts, T0 + 1000);
      const runs = new Proxy(daemon.runs, {
        get(target, name, receiver) {
          const value = Reflect.get(target, name, receiver) as unknown;
          if (typeof value !== 'function') return value;
          return async (...args: unknown[]) => {
            const interleave = name === 'readChangedRuns' ? between : undefined;
            between = interleave ? undefined : between;
            await interleave?.();
            return (value as (...a: unknown[]) => unknown).apply(target, args);
          };
        },
      });
      const view = new ActiveRuns({ ...daemon, runs } as Store);
      await view.read({ maxConcurrentRuns: 0 });
      // The queued run is read again; its start lands between the ledger read and the run read.
      view.doubt(run.runId);
      const read = await view.read({ maxConcurrentRuns: 0 });
      assert.equal(between, undefined, 'the start was appended between the two reads');
      assert.deepEqual(read, [await other.runs.getRun(run.runId)]);
      // The next read follows the ledger over the start, which the document holds already.
      const again = await view.read({ maxConcurrentRuns: 0 });
      assert.deepEqual(again, [await other.runs.getRun(run.runId)], 'the start is not applied a second time');
    });

    engineTest('decides exactly what the coordinator decides over every active run, on seeded random histories', async () => {
      stores = await engine.open();
      const { daemon, other } = stores;
      for (const seed of [1, 2, 3]) {
        const view = new ActiveRuns(daemon);
        try {
          await randomHistory(seed, daemon, other, view);
        } catch (error) {
          throw new Error(`seed ${seed}: ${String(error)}`, { cause: error });
        }
      }
    });
  });
}

/** Steps of one seeded history; each compares both paths and then changes the runs. */
const HISTORY_STEPS = 40;
const PRIORITIES = [undefined, '0', '1', '5', '-2', 'x'] as const;

async function randomHistory(seed: number, daemon: Store, other: Store, view: ActiveRuns): Promise<void> {
  const source = seededRng(seed);
  const rng = (): number => source.nextUint32() / 2 ** 32;
  const pick = <T>(values: readonly T[]): T => values[Math.floor(rng() * values.length)] as T;
  let now = T0 + seed * 10_000_000;
  for (let i = 0; i < HISTORY_STEPS; i += 1) {
    now += Math.floor(rng() * 8_000);
    const maxConcurrentRuns = pick([null, 0, 1, 2, 3]);
    const slots = Array.from({ length: Math.floor(rng() * 4) }, (_, n) => `w${n}`);
    const decide = (runs: readonly RunProjection[]) =>
      decideRunProgress(coordinatorInput(runs, now, { maxConcurrentRuns, freeWorkerSlots: slots, ids: makeIds(seed * 1000 + i) }));
    const all = await daemon.runs.listActiveRuns();
    const held = await view.read({ maxConcurrentRuns });
    const simple = decide(all);
    const optimized = decide(held);
    assert.deepEqual(optimized, simple, `step ${i}`);
    // Runs advanced in memory by the view are the documents the store folded.
    const stored = new Map(all.map((r) => [r.runId, r]));
    for (const run of held) assert.deepEqual(run, stored.get(run.runId), `step ${i}: run ${run.runId}`);
    // The daemon's decisions are appended by whichever process leads at the time.
    for (const step of simple) await append(pick([daemon, other]), step.drafts, now);
    await changeRuns(rng, pick, other, now, seed * 1000 + i);
  }
}

/** What other processes do meanwhile: request runs, cancel one, report an attempt. */
async function changeRuns(rng: () => number, pick: <T>(values: readonly T[]) => T, other: Store, now: number, idSeed: number): Promise<void> {
  for (let n = Math.floor(rng() * 3); n > 0; n -= 1) {
    const priority = pick(PRIORITIES);
    const { drafts } = requestedRun({ dag: { a: [], b: ['a'] }, at: now, ids: makeIds(idSeed * 10 + n), tags: priority === undefined ? {} : { 'arco/priority': priority } });
    await append(other, drafts, now);
  }
  const active = await other.runs.listActiveRuns();
  if (active.length > 0 && rng() < 0.2) await append(other, decideCancel(pick(active), 'random cancel', now), now);
  const running = active.flatMap((run) => run.tasks.filter((t) => t.status === 'DISPATCHED').map((task) => ({ run, task })));
  if (running.length > 0 && rng() < 0.7) {
    const { run, task } = pick(running);
    const attempt = task.attempts.find((a) => a.attempt === task.attempt);
    if (!attempt) return;
    const outcome = pick(['SUCCEEDED', 'FAILED'] as const);
    const drafts = decideAttemptReport(
      run,
      {
        kind: 'finished',
        runId: run.runId,
        taskKey: task.taskKey,
        attemptId: attempt.attemptId,
        outcome,
        error: outcome === 'FAILED' ? { code: 'USER_CODE_ERROR', message: 'boom', errorClass: 'Error', stack: null, retryable: false } : null,
        durationMs: 5,
        dataVersion: null,
        metadata: {},
      },
      { nowEpochMs: now, upstreamDataVersions: {} },
    );
    await append(other, drafts, now);
  }
}

describe('a leading daemon keeping its active runs', () => {
  test('starts runs another process queues one at a time under maxConcurrentRuns, higher arco/priority first, as each run ends', async () => {
    const project = tempProject(`
import { existsSync } from 'node:fs';
import { defineAsset, defineDefinitions } from 'arco-flow';
const released = ${JSON.stringify(join(tmpdir(), `arco-active-runs-release-${process.pid}`))};
const gate = defineAsset({ key: 'gate', compute: async () => { while (!existsSync(released)) await new Promise((r) => setTimeout(r, 20)); } });
const quick = defineAsset({ key: 'quick', compute: async () => {} });
export default defineDefinitions({ assets: [gate, quick] });
`);
    const release = join(tmpdir(), `arco-active-runs-release-${process.pid}`);
    const storePath = join(project.dir, 'arco.db');
    const running = await startDaemon(project.file, storePath, { maxConcurrentRuns: 1 });
    // The API of another process: its own connection to the same file.
    const api = openSqliteStore({ path: storePath });
    try {
      const apiCtx = createContext(api, systemClock, running.ctx.definitions);
      const { run: blocker } = await requestRun(apiCtx, { selection: ['gate'] });
      await waitForRun(running.store, blocker.runId, 30_000, (r) => r.status === 'STARTED');
      const older = (await requestRun(apiCtx, { selection: ['quick'] })).run;
      const newer = (await requestRun(apiCtx, { selection: ['quick'] })).run;
      const urgent = (await requestRun(apiCtx, { selection: ['quick'], tags: { 'arco/priority': '5' } })).run;
      writeFileSync(release, '');
      const done = [];
      for (const run of [blocker, older, newer, urgent]) done.push(await waitForRun(running.store, run.runId));
      assert.deepEqual(done.map((r) => r.status), ['SUCCESS', 'SUCCESS', 'SUCCESS', 'SUCCESS']);
      const byStart = [...done].sort((a, b) => (a.startedAt as string).localeCompare(b.startedAt as string) || (a.runId < b.runId ? -1 : 1));
      assert.deepEqual(byStart.map((r) => r.runId), [blocker.runId, urgent.runId, older.runId, newer.runId]);
      for (let i = 1; i < byStart.length; i += 1) {
        assert.ok((byStart[i]?.startedAt as string) >= (byStart[i - 1]?.finishedAt as string), 'a run starts only after the one before it ended');
      }
    } finally {
      await api.close();
      await running.stop();
      rmSync(release, { force: true });
      project.remove();
    }
  });
});
