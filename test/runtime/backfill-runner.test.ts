/**
 * Races between operators and the daemon's backfill step (SEMANTICS §7), under a real daemon,
 * worker processes and a real SQLite store.
 *
 * Goal: an operator's command that lands while the daemon has decided a backfill step but not yet
 * appended it wins, and the daemon's step changes nothing; the next iteration decides again from
 * the new state. Method: the daemon's store is wrapped so that a hook runs the operator's command
 * (on the unwrapped store) at the exact moment the daemon's batch is about to be appended; the
 * wrapper records what that append answered.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { isArcoError } from '../../src/domain/errors/index.js';
import type { StoredEvent } from '../../src/events/index.js';
import { systemClock } from '../../src/runtime/clock.js';
import { createContext, type RuntimeContext } from '../../src/runtime/context.js';
import { Daemon } from '../../src/runtime/daemon.js';
import { loadDefinitions } from '../../src/runtime/definitions-loader.js';
import { cancelBackfill, createBackfill, getBackfill, pauseBackfill, resumeBackfill, type BackfillView } from '../../src/runtime/index.js';
import { openSqliteStore, type Store } from '../../src/store/index.js';
import { tempProject } from '../helpers/project.js';

const SOURCE = `
import { defineAsset, defineDefinitions, dailyPartitions } from 'arco-flow';
const days = dailyPartitions({ start: '2026-01-01' });
const a = defineAsset({ key: 'a', partitions: days, compute: async () => {} });
const slow = defineAsset({ key: 'slow', partitions: days, compute: () => new Promise((resolve) => setTimeout(resolve, 300)) });
export default defineDefinitions({ assets: [a, slow] });
`;

/** Runs before a daemon append; may act on the unwrapped store. */
type AppendHook = (events: readonly StoredEvent[]) => Promise<void>;

/** What an append the hook raced against answered. */
interface RacedAppend {
  readonly types: string[];
  readonly error: string | null;
  readonly sequenceBefore: number;
  readonly sequenceAfter: number;
}

/** `store` with a ledger whose appends first give the armed hook (once) its chance to race. */
function racingStore(store: Store, raced: RacedAppend[]): { store: Store; arm: (matches: (events: readonly StoredEvent[]) => boolean, hook: AppendHook) => void } {
  let armed: { matches: (events: readonly StoredEvent[]) => boolean; hook: AppendHook } | null = null;
  const forward = <T extends object>(target: T, name: PropertyKey) => {
    const value = Reflect.get(target, name, target) as unknown;
    return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
  };
  const ledger = new Proxy(store.ledger, {
    get(target, name) {
      if (name !== 'append') return forward(target, name);
      return async (events: readonly StoredEvent[], options: Parameters<Store['ledger']['append']>[1]) => {
        const race = armed !== null && armed.matches(events) ? armed : null;
        if (!race) return target.append(events, options);
        armed = null;
        await race.hook(events);
        const sequenceBefore = await target.lastSequence();
        try {
          const result = await target.append(events, options);
          raced.push({ types: events.map((e) => e.type), error: null, sequenceBefore, sequenceAfter: await target.lastSequence() });
          return result;
        } catch (error) {
          raced.push({ types: events.map((e) => e.type), error: isArcoError(error) ? error.code : String(error), sequenceBefore, sequenceAfter: await target.lastSequence() });
          throw error;
        }
      };
    },
  });
  const wrapped = new Proxy(store, { get: (target, name) => (name === 'ledger' ? ledger : forward(target, name)) });
  return { store: wrapped, arm: (matches, hook) => (armed = { matches, hook }) };
}

const ofBackfill = (type: string) => (events: readonly StoredEvent[]) => events.some((e) => e.type === type);
const backfillIdIn = (events: readonly StoredEvent[], type: string): string =>
  (events.find((e) => e.type === type)?.payload as { backfillId: string }).backfillId;

describe('backfill step racing operator commands', () => {
  const project = tempProject(SOURCE);
  const raw = openSqliteStore({ path: join(project.dir, 'arco.db') });
  const raced: RacedAppend[] = [];
  const racing = racingStore(raw, raced);
  let ctx: RuntimeContext;
  /** The operator's side: the same context on the unwrapped store. */
  let operator: RuntimeContext;
  let daemon: Daemon;

  before(async () => {
    ctx = createContext(racing.store, systemClock, await loadDefinitions(project.file));
    operator = { ...ctx, store: raw };
    daemon = new Daemon(ctx, { tickMs: 50, workers: 2 });
    daemon.start();
  });
  after(async () => {
    await daemon.stop();
    await raw.close();
    project.remove();
  });

  async function waitFor(backfillId: string, until: (b: BackfillView) => boolean, timeoutMs = 30_000): Promise<BackfillView> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const backfill = await getBackfill({ store: raw }, { backfillId });
      if (until(backfill)) return backfill;
      if (Date.now() > deadline) throw new Error(`backfill ${backfillId} did not get there in ${timeoutMs} ms: ${JSON.stringify(backfill)}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
  const terminal = (b: BackfillView) => ['CANCELED', 'COMPLETED_SUCCESS', 'COMPLETED_FAILED', 'FAILED'].includes(b.status);
  const ledgerOf = async (backfillId: string) =>
    (await raw.ledger.readEvents({ limit: 100_000 })).filter((e) => {
      const payload = e.payload as { backfillId?: string; tags?: Record<string, string> };
      return payload.backfillId === backfillId || payload.tags?.['arco/backfill'] === backfillId;
    });

  test('a pause landing while the daemon records a chunk run that just finished wins: the chunk is recorded once and nothing more is planned until resume', async () => {
    raced.length = 0;
    racing.arm(ofBackfill('BackfillChunkFinished'), async (events) => {
      await pauseBackfill(operator, { backfillId: backfillIdIn(events, 'BackfillChunkFinished') });
    });
    const { backfill } = await createBackfill(ctx, { selection: ['a'], partition: '2026-01-01...2026-01-03', policy: 'multi-run:1', maxConcurrentRuns: 1 });
    const paused = await waitFor(backfill.backfillId, (b) => b.status === 'PAUSED' && b.chunksFinished === 1);
    assert.deepEqual(raced.map((r) => [r.types.filter((t) => t.startsWith('Backfill')), r.error]), [[['BackfillChunkFinished', 'BackfillChunkPlanned'], 'CONCURRENT_MODIFICATION']]);
    assert.equal(raced[0]?.sequenceAfter, raced[0]?.sequenceBefore, 'the daemon batch decided before the pause appended nothing');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const still = await getBackfill({ store: raw }, { backfillId: backfill.backfillId });
    assert.equal(still.chunksPlanned, 1, 'no chunk planned while paused');
    assert.equal(still.stateVersion, paused.stateVersion);
    assert.deepEqual(still.counts, { total: 3, planned: 1, materialized: 1, failed: 0, skipped: 0, canceled: 0, inProgress: 0, notStarted: 2 });

    await resumeBackfill(operator, { backfillId: backfill.backfillId });
    const done = await waitFor(backfill.backfillId, terminal);
    assert.equal(done.status, 'COMPLETED_SUCCESS');
    const events = await ledgerOf(backfill.backfillId);
    assert.deepEqual(events.filter((e) => e.type === 'BackfillChunkFinished').map((e) => e.payload.chunkIndex), [0, 1, 2], 'each chunk recorded once, in order');
    assert.deepEqual(events.filter((e) => e.type === 'RunRequested').map((e) => e.payload.runKey), [0, 1, 2].map((n) => `backfill:${backfill.backfillId}:chunk:${n}`));
  });

  test('a cancel landing while the daemon plans the first chunks wins: no chunk is planned, no run requested, and the backfill ends CANCELED', async () => {
    raced.length = 0;
    racing.arm(ofBackfill('BackfillChunkPlanned'), async (events) => {
      await cancelBackfill(operator, { backfillId: backfillIdIn(events, 'BackfillChunkPlanned') });
    });
    const { backfill } = await createBackfill(ctx, { selection: ['a'], partition: '2026-01-01...2026-01-06', policy: 'multi-run:2', maxConcurrentRuns: 2 });
    const done = await waitFor(backfill.backfillId, terminal);
    assert.equal(done.status, 'CANCELED');
    assert.deepEqual(raced.map((r) => [r.types, r.error]), [[['RunRequested', 'BackfillChunkPlanned', 'RunRequested', 'BackfillChunkPlanned'], 'CONCURRENT_MODIFICATION']]);
    assert.equal(raced[0]?.sequenceAfter, raced[0]?.sequenceBefore, 'the planning batch appended nothing, its run requests included');
    assert.equal(done.chunksPlanned, 0);
    assert.deepEqual(done.counts, { total: 6, planned: 0, materialized: 0, failed: 0, skipped: 0, canceled: 0, inProgress: 0, notStarted: 6 });
    assert.deepEqual((await ledgerOf(backfill.backfillId)).map((e) => e.type), ['BackfillCreated', 'BackfillStateChanged', 'BackfillStateChanged']);
    assert.deepEqual(await raw.runs.listRuns({ tags: [['arco/backfill', backfill.backfillId]], limit: 10 }), []);
  });

  test('two resumes at once: one resumes, the other is BACKFILL_STATE_CONFLICT naming REQUESTED, and the backfill continues once', async () => {
    const { backfill } = await createBackfill(ctx, { selection: ['slow'], partition: '2026-01-01...2026-01-03', policy: 'multi-run:1', maxConcurrentRuns: 1 });
    const planned = await waitFor(backfill.backfillId, (b) => b.chunksPlanned >= 1);
    await pauseBackfill(operator, { backfillId: backfill.backfillId, expectedStateVersion: planned.stateVersion });
    const outcomes = await Promise.allSettled([resumeBackfill(operator, { backfillId: backfill.backfillId }), resumeBackfill(operator, { backfillId: backfill.backfillId })]);
    assert.deepEqual(outcomes.map((o) => o.status).sort(), ['fulfilled', 'rejected']);
    const rejected = outcomes.find((o) => o.status === 'rejected');
    assert.ok(rejected && isArcoError(rejected.reason) && rejected.reason.code === 'BACKFILL_STATE_CONFLICT' && rejected.reason.details?.currentStatus === 'REQUESTED', String(rejected?.reason));
    const done = await waitFor(backfill.backfillId, terminal);
    assert.equal(done.status, 'COMPLETED_SUCCESS');
    const changes = (await ledgerOf(backfill.backfillId)).filter((e) => e.type === 'BackfillStateChanged').map((e) => [e.payload.stateVersion, e.payload.status]);
    assert.deepEqual(changes, [[2, 'PAUSED'], [3, 'REQUESTED'], [4, 'COMPLETED_SUCCESS']], 'one resume recorded, state versions one apart');
    assert.equal((await raw.runs.listRuns({ tags: [['arco/backfill', backfill.backfillId]], limit: 10 })).length, 3, 'one run per chunk');
  });
});
