/**
 * PRD-01 at the simulation level: whatever point a daemon dies at, whatever order and number of
 * times deliveries arrive, however the leader changes and the clock jumps, nothing is lost and
 * nothing is done twice.
 *
 * Method (STYLE "Tests", after TigerBeetle's VOPR): each seed builds a world (test/sim/world.ts)
 * with the real store, fold and controllers, runs a fault phase then a fault-free drain, and checks
 * the invariants of test/sim/invariants.ts. A failing seed is printed with its label and the
 * command that replays it (`npm run sim -- --seed S --trace`); `npm run sim -- --seeds N` runs
 * longer searches.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { StoredEvent } from '../../src/events/index.js';
import { ledgerViolations } from './invariants.js';
import { describeFailure, runSeed, SMALL, type SeedResult } from './run-seed.js';

const SEEDS = 1_000;

/** A ledger row with only the fields the ledger checks read. */
function row(sequence: number, type: string, idempotencyKey: string, payload: Record<string, unknown>): StoredEvent {
  return { sequence, type, idempotencyKey, payload, workspace: 'default' } as unknown as StoredEvent;
}

describe('deterministic simulation of crashes and faulty deliveries', () => {
  test('1,000 seeds with crashes at any append, leader changes, duplicated, reordered and delayed deliveries and clock jumps lose no run and duplicate no effect', async () => {
    const failed: SeedResult[] = [];
    // Faults injected over all seeds, by kind.
    const totals = {
      crashBeforeAppend: 0,
      crashAfterAppend: 0,
      redeliveredBatch: 0,
      duplicateReports: 0,
      reorderedReports: 0,
      delayedReports: 0,
      leaderPauses: 0,
      zombieLeaders: 0,
      concurrentRequests: 0,
      clockJumps: 0,
    };
    let retries = 0;
    for (let seed = 1; seed <= SEEDS; seed += 1) {
      const result = await runSeed(seed, SMALL);
      retries += result.retries;
      if (result.failures.length > 0) {
        failed.push(result);
        // The first failures are enough to act on; the rest would only repeat them.
        if (failed.length >= 5) break;
      }
      for (const fault of Object.keys(totals) as (keyof typeof totals)[]) totals[fault] += result.stats[fault];
    }
    assert.deepEqual(failed.map((r) => describeFailure(r, false)), [], 'seeds failed');
    // The faults did happen: a simulation that injected none would prove nothing.
    for (const [fault, count] of Object.entries(totals)) assert.ok(count > SEEDS / 10, `${fault}: only ${count} over ${SEEDS} seeds`);
    assert.ok(retries > SEEDS / 10, `failed runs were retried only ${retries} times over ${SEEDS} seeds`);
  });

  test('a seed replays exactly: running it again appends the same ledger, and another seed does not', async () => {
    for (const seed of [3, 77, 4242]) {
      const first = await runSeed(seed, SMALL);
      const again = await runSeed(seed, SMALL);
      assert.ok(first.events > 20, `seed ${seed} did some work (${first.events} events)`);
      assert.equal(again.fingerprint, first.fingerprint, `seed ${seed} replayed differently`);
      assert.deepEqual(again.stats, first.stats);
    }
    assert.notEqual((await runSeed(5, SMALL)).fingerprint, (await runSeed(6, SMALL)).fingerprint);
  });

  test('the ledger checks find a doubled key, a task dispatched again after it succeeded and a run key held by two runs', () => {
    const attempt = (n: number) => ({ runId: 'run_a', taskKey: 't', attempt: n });
    const events = [
      row(1, 'RunRequested', 'run:k', { runId: 'run_a', runKey: 'k' }),
      row(2, 'TaskDispatched', 'dispatched:run_a:t:1', attempt(1)),
      row(3, 'TaskAttemptFinished', 'finished:run_a:t:1', { ...attempt(1), outcome: 'SUCCEEDED' }),
      row(4, 'TaskDispatched', 'dispatched:run_a:t:2', attempt(2)),
      row(5, 'RunRequested', 'run:k', { runId: 'run_b', runKey: 'k' }),
    ];
    const messages = ledgerViolations(events).map((f) => `${f.kind}: ${f.message}`);
    assert.deepEqual(messages, [
      'correctness: idempotency keys appended more than once: default/run:k x2',
      'correctness: task t of run run_a dispatched again (attempt 2, sequence 4) after it succeeded',
      'correctness: run key k requested for 2 runs: run_a, run_b',
    ]);
    assert.deepEqual(ledgerViolations(events.slice(0, 3)), []);
  });
});
