/**
 * The daemon's remote-worker work costs nothing while no remote worker exists, on SQLite and on
 * PostgreSQL. Goal: an instance without remote workers pays one cheap read per iteration, not the
 * snapshot, reconcile and collect of remote dispatches; yet a worker that registers in the store
 * (as through another daemon's API) is dispatched to from the next iteration. Method: a daemon in
 * this process with no local worker slots, over a store whose worker family counts its calls.
 */
import { describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { claimRemoteAttempts, createContext, Daemon, loadDefinitions, registerRemoteWorker, reportRemoteFinished, systemClock } from '../../src/runtime/index.js';
import { requestRun } from '../../src/runtime/run-commands.js';
import { openSqliteStore, type Store, type WorkerStore } from '../../src/store/index.js';
import { freshSchema, postgresSkip } from '../helpers/postgres.js';
import { tempProject } from '../helpers/project.js';
import { skippable } from '../helpers/skippable.js';

const SOURCE = `import { defineAsset, defineDefinitions } from 'arco-flow';
export default defineDefinitions({ assets: [defineAsset({ key: 'raw', compute: async () => {} })] });
`;

interface Engine {
  readonly skip: string | false;
  /** `other`: the store as another process opens it (PostgreSQL), or the same store (SQLite: signals reach only this process). */
  open(): Promise<{ store: Store; drop: () => Promise<void>; other?: () => Promise<{ store: Store; close: () => Promise<void> }> }>;
}

/** `store` whose worker family counts each method's calls in `calls`. */
function counting(store: Store, calls: Map<string, number>): Store {
  const workers = new Proxy(store.workers, {
    get(target, name, receiver) {
      const value: unknown = Reflect.get(target, name, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.set(String(name), (calls.get(String(name)) ?? 0) + 1);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  }) as WorkerStore;
  return { ...store, workers };
}

async function until(what: string, probe: () => Promise<boolean> | boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function daemonTests(engine: Engine): void {
  const { test } = skippable(engine.skip);
  test('without remote workers an iteration reads no remote-worker state; a worker registered in the store is dispatched to from the next iteration', async () => {
    const project = tempProject(SOURCE);
    const { store, drop } = await engine.open();
    const calls = new Map<string, number>();
    const ctx = createContext(counting(store, calls), systemClock, await loadDefinitions(project.file));
    const daemon = new Daemon(ctx, { tickMs: 20, workers: 0 });
    try {
      daemon.start();
      const { run } = await requestRun(ctx, { selection: ['raw'] });
      await until('the daemon led ten iterations', () => (calls.get('hasRemoteWork') ?? 0) >= 10);
      const remoteReads = ['listWorkers', 'listDispatches', 'addDispatches', 'removeDispatches', 'removeWorkers'].filter((name) => calls.has(name));
      assert.deepEqual(remoteReads, [], 'no snapshot, reconcile or collect while no remote worker exists');
      // Registered straight in the store: what any daemon's API does, this daemon's memory unaware.
      const now = Date.now();
      await store.workers.registerWorker({ workerId: 'rw_registered0000', host: 'elsewhere', pid: 1, slots: 1, heartbeatTimeoutMs: 60_000, registeredAtEpochMs: now, seenAtEpochMs: now });
      await until('the waiting task is dispatched to the remote worker', async () => (await store.workers.listDispatches('rw_registered0000')).some((d) => d.runId === run.runId));
    } finally {
      await daemon.stop();
      await store.workers.removeWorkers(['rw_registered0000']);
      await store.close();
      await drop();
      project.remove();
    }
  });

  test("a remote worker's finished report, stored through another daemon's API, is recorded at once, not at the leader's next tick", async () => {
    const project = tempProject(SOURCE);
    const { store, drop, other } = await engine.open();
    const api = other ? await other() : { store, close: async () => undefined };
    const ctx = createContext(store, systemClock, await loadDefinitions(project.file));
    // No tick comes during the test: only a wake-up can record the report.
    const daemon = new Daemon(ctx, { tickMs: 600_000, workers: 0 });
    const workerId = 'rw_reportwake000';
    try {
      const now = Date.now();
      await registerRemoteWorker(api.store, { workerId, host: 'elsewhere', pid: 1, slots: 1, heartbeatTimeoutMs: 60_000 }, now);
      daemon.start();
      await until('the daemon led an iteration that saw remote work', () => daemon.isLeader);
      const { run } = await requestRun(ctx, { selection: ['raw'] });
      daemon.wake();
      const [claimed] = await claimRemoteAttempts(api.store, workerId, 1, { running: [], claimSeq: 1 }, Date.now(), 20_000);
      assert.equal(claimed?.envelope.runId, run.runId);
      // Iterations the wake-ups above asked for are over by now; the next one must be the report's.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      await reportRemoteFinished(api.store, workerId, claimed.envelope.attemptId, claimed.attemptToken, { outcome: 'SUCCEEDED', error: null, durationMs: 1, dataVersion: null, metadata: {} });
      await until('the run ends', async () => (await store.runs.getRun(run.runId))?.status === 'SUCCESS');
    } finally {
      await daemon.stop();
      await api.close();
      await store.close();
      await drop();
      project.remove();
    }
  });
}

describe('daemon remote-worker work on SQLite', () =>
  daemonTests({
    skip: false,
    async open() {
      const dir = mkdtempSync(join(tmpdir(), 'arco-daemon-remote-'));
      return { store: openSqliteStore({ path: join(dir, 'arco.db') }), drop: async () => rmSync(dir, { recursive: true, force: true }) };
    },
  }),
);
const pgSkip = await postgresSkip();
describe('daemon remote-worker work on PostgreSQL', () =>
  daemonTests({
    skip: pgSkip,
    async open() {
      const schema = await freshSchema();
      return {
        store: await schema.open(),
        drop: () => schema.drop(),
        other: async () => {
          const store = await schema.open();
          return { store, close: () => store.close() };
        },
      };
    },
  }),
);
