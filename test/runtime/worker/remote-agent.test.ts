/**
 * The remote worker's reports (`arco worker`, src/runtime/worker/remote-agent.ts), against a fake
 * worker-protocol client. Goal: an attempt that prints hundreds of lines reaches the API in a few
 * calls, every line once and in order, a line too long for the API cut instead of refused, and
 * the finished report after the last line. Method: a real agent and worker process; the client
 * hands out one attempt and records every call.
 */
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { DispatchEnvelope } from '../../../src/runtime/worker/protocol.js';
import { RemoteWorkerAgent, type WorkerProtocolClient } from '../../../src/runtime/worker/remote-agent.js';
import { orphanedClaims } from '../../../src/runtime/worker/remote-spool.js';
import { readSpool } from '../../../src/runtime/worker/result-spool.js';
import { arcoError } from '../../../src/domain/errors/arco-error.js';
import { tempProject } from '../../helpers/project.js';

const LINES = 450;
const SOURCE = `
import { defineAsset, defineDefinitions } from 'arco-flow';
const chatty = defineAsset({ key: 'chatty', compute: async (ctx) => {
  for (let i = 0; i < ${LINES}; i += 1) console.log('line ' + i);
  ctx.log.info('x'.repeat(70000));
} });
export default defineDefinitions({ assets: [chatty] });
`;

const envelope: DispatchEnvelope = {
  runId: 'run_test',
  taskKey: 'chatty',
  assetKey: 'chatty',
  partitionKey: null,
  partitionKeys: [],
  partitionKeyRange: null,
  attempt: 1,
  attemptId: 'att_chatty',
  config: {},
  codeVersion: null,
  deadlineAt: null,
};

/** A client that accepts registration, heartbeats, log lines and leaving; the test gives the rest. */
function fakeClient(calls: Pick<WorkerProtocolClient, 'claimAttempts' | 'reportAttemptStarted' | 'reportAttemptFinished'> & Partial<WorkerProtocolClient>): WorkerProtocolClient {
  return {
    registerWorker: async () => ({ heartbeatIntervalMs: 60_000 }),
    workerHeartbeat: async () => ({ abort: [] }),
    reportAttemptLogs: async () => undefined,
    unregisterWorker: async () => undefined,
    ...calls,
  };
}

/** Runs a real agent (one slot, one worker process) against `client` until `done` settles. */
async function runAgent(project: { file: string; dir: string }, client: WorkerProtocolClient, done: Promise<void>, startedReportDelayMs?: number): Promise<void> {
  const agent = new RemoteWorkerAgent({
    definitionsFile: project.file,
    slots: 1,
    heartbeatTimeoutMs: 60_000,
    client,
    spoolDir: join(project.dir, '.arco', 'remote-results'),
    pollMs: 20,
    ...(startedReportDelayMs === undefined ? {} : { startedReportDelayMs }),
    onProblem: () => undefined,
    onNotice: () => undefined,
  });
  await agent.start();
  try {
    await done;
  } finally {
    await agent.stop(1_000);
  }
}

describe('remote worker agent', () => {
  const project = tempProject(SOURCE);
  after(() => project.remove());

  test('log lines go to the API in batches, each line once and in order, an over-long line cut, and the finished report after them', async () => {
    const calls: string[] = [];
    const lines: { seq: number; message: string }[] = [];
    let handedOut = false;
    let finished: () => void = () => undefined;
    const done = new Promise<void>((resolve) => (finished = resolve));
    const client = fakeClient({
      claimAttempts: async () => {
        const attempts = handedOut ? [] : [{ envelope, attemptToken: 'a'.repeat(64) }];
        handedOut = true;
        return { attempts, sentAtEpochMs: Date.now() };
      },
      reportAttemptStarted: async () => calls.push('started'),
      reportAttemptLogs: async (input) => {
        calls.push('logs');
        lines.push(...input.lines);
      },
      reportAttemptFinished: async (input) => {
        calls.push(`finished ${input.outcome}`);
        finished();
        return {};
      },
    });
    await runAgent(project, client, done);
    assert.equal(calls.at(-1), 'finished SUCCEEDED');
    assert.equal(calls[0], 'started');
    const logCalls = calls.filter((c) => c === 'logs').length;
    assert.ok(logCalls <= 5, `${LINES + 1} lines in ${logCalls} calls`);
    assert.deepEqual(lines.map((l) => l.seq), Array.from({ length: LINES + 1 }, (_, i) => i), 'every line once, in order');
    assert.equal(lines[LINES - 1]?.message, `[stdout] line ${LINES - 1}`);
    const long = lines[LINES]?.message ?? '';
    assert.ok(long.length <= 65_536, `the long line is cut to what the API takes (${long.length})`);
    assert.match(long, /cut: the line had 70000 characters\)$/);
  });

  test('an attempt that ends within moments sends no started report, its finished report stands for both; a longer one reports its start while it runs; a finished report carries the next claim, and the attempt its answer brings runs', async () => {
    const timed = tempProject(`
import { defineAsset, defineDefinitions } from 'arco-flow';
const quick = defineAsset({ key: 'quick', compute: async () => {} });
const slow = defineAsset({ key: 'slow', compute: () => new Promise((resolve) => setTimeout(resolve, 3000)) });
export default defineDefinitions({ assets: [quick, slow] });
`);
    const calls: string[] = [];
    const queue = ['quick', 'slow'];
    const attemptOf = (key: string) => ({ envelope: { ...envelope, taskKey: key, assetKey: key, attemptId: `att_${key}` }, attemptToken: 'b'.repeat(64) });
    let finishedCount = 0;
    let finished: () => void = () => undefined;
    const done = new Promise<void>((resolve) => (finished = resolve));
    const client = fakeClient({
      claimAttempts: async () => {
        const key = queue.shift();
        if (key !== undefined) calls.push(`claimed ${key}`);
        return { attempts: key === undefined ? [] : [attemptOf(key)], sentAtEpochMs: Date.now() };
      },
      reportAttemptStarted: async (input) => void calls.push(`started ${input.attemptId}`),
      reportAttemptFinished: async (input) => {
        calls.push(`finished ${input.attemptId} ${input.outcome}${input.claim ? ` claiming ${input.claim.max}` : ''}`);
        if ((finishedCount += 1) === 2) finished();
        // The API answers the claim the report carries with the next attempt.
        const key = input.claim ? queue.shift() : undefined;
        return key === undefined ? {} : { claimed: { attempts: [attemptOf(key)], sentAtEpochMs: Date.now() } };
      },
    });
    try {
      // A delay far above the moment between a no-op's two reports, even on a loaded machine.
      await runAgent(timed, client, done, 1_500);
    } finally {
      timed.remove();
    }
    assert.deepEqual(calls, ['claimed quick', 'finished att_quick SUCCEEDED claiming 1', 'started att_slow', 'finished att_slow SUCCEEDED claiming 1']);
  });

  test('a worker stopped while the API cannot be reached stops once its grace is over, and keeps the result it could not report for the next worker', async () => {
    const quick = tempProject(`
import { defineAsset, defineDefinitions } from 'arco-flow';
const quick = defineAsset({ key: 'quick', compute: async () => {} });
export default defineDefinitions({ assets: [quick] });
`);
    const spoolDir = join(quick.dir, '.arco', 'remote-results');
    let handedOut = false;
    let tried: () => void = () => undefined;
    const reportTried = new Promise<void>((resolve) => (tried = resolve));
    const client = fakeClient({
      claimAttempts: async () => {
        const attempts = handedOut ? [] : [{ envelope: { ...envelope, taskKey: 'quick', assetKey: 'quick', attemptId: 'att_unreported' }, attemptToken: 'c'.repeat(64) }];
        handedOut = true;
        return { attempts, sentAtEpochMs: Date.now() };
      },
      reportAttemptStarted: async () => undefined,
      reportAttemptFinished: async () => {
        tried();
        throw arcoError('API_UNREACHABLE', 'cannot reach the API (down, as far as this test goes)');
      },
      unregisterWorker: async () => {
        throw arcoError('API_UNREACHABLE', 'cannot reach the API');
      },
    });
    const agent = new RemoteWorkerAgent({ definitionsFile: quick.file, slots: 1, heartbeatTimeoutMs: 60_000, client, spoolDir, pollMs: 20, onProblem: () => undefined, onNotice: () => undefined });
    try {
      await agent.start();
      await reportTried;
      // Not a speed measure: a stop that waits for the API for ever would never settle.
      let bound: NodeJS.Timeout | undefined;
      const stopped = await Promise.race([agent.stop(200).then(() => 'stopped'), new Promise((resolve) => (bound = setTimeout(() => resolve('still stopping after 20 s'), 20_000)))]);
      clearTimeout(bound);
      assert.equal(stopped, 'stopped');
      assert.deepEqual(readSpool(spoolDir).results.map((r) => `${r.message.attemptId} ${r.message.outcome}`), ['att_unreported SUCCEEDED'], 'the result waits in the spool');
      assert.deepEqual(orphanedClaims(spoolDir).records.map((r) => r.attemptId), ['att_unreported'], 'with the claim record that lets the next worker report it');
    } finally {
      quick.remove();
    }
  });
});
