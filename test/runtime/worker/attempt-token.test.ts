/**
 * Attempt-scoped worker tokens at the one worker channel that exists today (the pool's IPC): a
 * report is recorded only for the attempt its process runs and only with that attempt's token.
 * User code runs inside the worker process and can write to the channel itself, so it is the one
 * that tries to forge: a SUCCEEDED under a made-up token, and a report for another attempt.
 */
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { systemClock } from '../../../src/runtime/clock.js';
import { mintAttemptToken, refuseReport } from '../../../src/runtime/worker/attempt-token.js';
import { WorkerPool, type PoolReport } from '../../../src/runtime/worker/worker-pool.js';
import type { DispatchEnvelope } from '../../../src/runtime/worker/protocol.js';
import { tempProject } from '../../helpers/project.js';

const SOURCE = `
import { defineAsset, defineDefinitions } from 'arco-flow';
const forged = (attemptId, attemptToken) => ({ type: 'finished', attemptId, attemptToken, outcome: 'SUCCEEDED', error: null, durationMs: 0, dataVersion: 'forged', metadata: { forged: true } });
const forger = defineAsset({ key: 'forger', compute: async () => {
  process.send(forged('att-1', '0'.repeat(64)));
  process.send(forged('att-other', '0'.repeat(64)));
  await new Promise((resolve) => setTimeout(resolve, 200));
  throw new Error('the real outcome');
} });
export default defineDefinitions({ assets: [forger] });
`;

const envelope: DispatchEnvelope = {
  runId: 'run_test',
  taskKey: 'forger',
  assetKey: 'forger',
  partitionKey: null,
  partitionKeys: [],
  partitionKeyRange: null,
  attempt: 1,
  attemptId: 'att-1',
  config: {},
  codeVersion: null,
  deadlineAt: null,
};

describe('attempt-scoped worker tokens', () => {
  const project = tempProject(SOURCE);
  after(() => project.remove());

  test('a report for another attempt is ATTEMPT_MISMATCH, one with another token ATTEMPT_TOKEN_REFUSED, the right one is accepted', () => {
    const current = { attemptId: 'a1', attemptToken: mintAttemptToken() };
    assert.equal(refuseReport(current, { ...current }), undefined);
    assert.equal(refuseReport(current, { attemptId: 'a2', attemptToken: current.attemptToken })?.code, 'ATTEMPT_MISMATCH');
    assert.equal(refuseReport(current, { attemptId: 'a1', attemptToken: mintAttemptToken() })?.code, 'ATTEMPT_TOKEN_REFUSED');
    assert.equal(refuseReport(current, { attemptId: 'a1', attemptToken: '' })?.code, 'ATTEMPT_TOKEN_REFUSED');
    assert.equal(refuseReport(undefined, { ...current })?.code, 'ATTEMPT_MISMATCH');
  });

  test('user code that forges a SUCCEEDED for its own attempt, or a report for another, is not recorded: only its real FAILED is', async () => {
    const reports: PoolReport[] = [];
    const problems: string[] = [];
    let finished: () => void = () => {};
    const done = new Promise<void>((resolve) => (finished = resolve));
    const pool = new WorkerPool({
      size: 1,
      definitionsFile: project.file,
      ownerId: 'test',
      clock: systemClock,
      onProblem: (message) => problems.push(message),
      onReport: (report) => {
        reports.push(report);
        if (report.kind === 'finished') finished();
      },
    });
    pool.start();
    try {
      pool.execute(pool.freeSlots()[0] as string, envelope);
      await done;
      // Any forged message still in flight arrives before this.
      await new Promise((resolve) => setTimeout(resolve, 300));
      const ends = reports.filter((r): r is Extract<PoolReport, { kind: 'finished' }> => r.kind === 'finished');
      assert.deepEqual(
        ends.map((r) => [r.envelope.attemptId, r.message.outcome, r.message.error?.message, r.message.dataVersion]),
        [['att-1', 'FAILED', 'the real outcome', null]],
      );
      assert.equal(problems.filter((p) => p.includes('ATTEMPT_TOKEN_REFUSED')).length, 1, problems.join('\n'));
      assert.equal(problems.filter((p) => p.includes('ATTEMPT_MISMATCH')).length, 1, problems.join('\n'));
    } finally {
      await pool.stop();
    }
  });
});
