/**
 * The worker pool's slots: an attempt handed to a slot runs in a live worker process, whatever
 * happened to the attempt the slot ran before.
 */
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock, systemClock } from '../../../src/runtime/clock.js';
import { WorkerPool, startWorkersEarly, stopEarlyWorkers, type PoolReport } from '../../../src/runtime/worker/worker-pool.js';
import type { DispatchEnvelope } from '../../../src/runtime/worker/protocol.js';
import { tempProject } from '../../helpers/project.js';

const SOURCE = `
import { defineAsset, defineDefinitions } from 'arco-flow';
const hangs = defineAsset({ key: 'hangs', compute: () => new Promise(() => {}) });
const quick = defineAsset({ key: 'quick', compute: async () => ({ metadata: { ok: true } }) });
const logs = defineAsset({ key: 'logs', compute: async (ctx) => { ctx.log.info('hello'); } });
const pid = defineAsset({ key: 'pid', compute: async () => ({ metadata: { pid: process.pid } }) });
export default defineDefinitions({ assets: [hangs, quick, logs, pid] });
`;

function envelope(assetKey: string, attemptId: string, deadlineAt: string | null = null): DispatchEnvelope {
  return {
    runId: 'run_test',
    taskKey: assetKey,
    assetKey,
    partitionKey: null,
    partitionKeys: [],
    partitionKeyRange: null,
    attempt: 1,
    attemptId,
    config: {},
    codeVersion: null,
    deadlineAt,
  };
}

describe('worker pool', () => {
  const project = tempProject(SOURCE);
  after(() => project.remove());

  test('an attempt dispatched to a slot right after its previous attempt was discarded runs in a fresh worker, not the killed one', async () => {
    const reports: PoolReport[] = [];
    let notify = (): void => {};
    const pool = new WorkerPool({
      size: 1,
      definitionsFile: project.file,
      ownerId: 'test',
      clock: systemClock,
      onReport: (report) => {
        reports.push(report);
        notify();
      },
    });
    const until = (predicate: () => boolean): Promise<void> =>
      new Promise((resolve) => {
        notify = () => predicate() && resolve();
        notify();
      });
    pool.start();
    try {
      pool.execute('test/w0', envelope('hangs', 'att_a'));
      await until(() => reports.some((r) => r.kind === 'started' && r.envelope.attemptId === 'att_a'));
      // The coordinator resolved att_a (a timeout, say): its process is killed, and the slot is
      // offered at once to the next dispatch, before the killed process has reported its exit.
      pool.discard('att_a');
      assert.deepEqual(pool.freeSlots(), ['test/w0']);
      pool.execute('test/w0', envelope('quick', 'att_b'));
      await until(() => reports.some((r) => r.kind === 'finished' && r.envelope.attemptId === 'att_b'));
      const finished = reports.find((r) => r.kind === 'finished' && r.envelope.attemptId === 'att_b');
      assert.equal(finished?.kind === 'finished' ? finished.message.outcome : null, 'SUCCEEDED');
      assert.equal(reports.filter((r) => r.envelope.attemptId === 'att_a' && r.kind === 'finished').length, 0);
    } finally {
      await pool.stop();
    }
  });

  /** A pool on a fake clock far from the host's, reporting into `reports`. */
  function poolOn(clock: FakeClock, reports: PoolReport[]) {
    let notify = (): void => {};
    const pool = new WorkerPool({
      size: 1,
      definitionsFile: project.file,
      ownerId: 'clocked',
      clock,
      onReport: (report) => {
        reports.push(report);
        notify();
      },
    });
    const until = (predicate: () => boolean): Promise<void> =>
      new Promise((resolve) => {
        notify = () => predicate() && resolve();
        notify();
      });
    return { pool, until };
  }

  test("an attempt is stopped at its deadline as the daemon's clock counts it, not the host's", { timeout: 20_000 }, async () => {
    // The clock reads 2001: measured against the host's clock, the deadline 1.5 s after it would
    // have passed long ago and the attempt would be stopped at once.
    const clock = new FakeClock(Date.parse('2001-01-01T00:00:00Z'));
    const reports: PoolReport[] = [];
    const { pool, until } = poolOn(clock, reports);
    pool.start();
    try {
      await until(() => pool.freeSlots().length === 1);
      const sentAt = performance.now();
      pool.execute('clocked/w0', envelope('hangs', 'att_deadline', '2001-01-01T00:00:01.500Z'));
      await until(() => reports.some((r) => r.kind === 'finished' && r.envelope.attemptId === 'att_deadline'));
      const elapsedMs = performance.now() - sentAt;
      const finished = reports.find((r) => r.kind === 'finished');
      assert.equal(finished?.kind === 'finished' ? finished.message.error?.code : null, 'TIMEOUT');
      assert.ok(elapsedMs >= 1_400, `stopped after ${Math.round(elapsedMs)} ms, before its deadline`);
    } finally {
      await pool.stop();
    }
  });

  test("a worker's log lines are dated by the daemon's clock, not the host's", { timeout: 20_000 }, async () => {
    const clock = new FakeClock(Date.parse('2040-01-01T00:00:00Z'));
    const reports: PoolReport[] = [];
    const { pool, until } = poolOn(clock, reports);
    pool.start();
    try {
      pool.execute('clocked/w0', envelope('logs', 'att_logs'));
      await until(() => reports.some((r) => r.kind === 'finished' && r.envelope.attemptId === 'att_logs'));
      const line = reports.find((r) => r.kind === 'log');
      assert.match(line?.kind === 'log' ? line.message.loggedAt : '', /^2040-01-01T00:00:\d\d\.\d{3}Z$/);
    } finally {
      await pool.stop();
    }
  });

  test('a worker started before its pool (arco run --wait) is the one that runs the first attempt, having loaded the definitions meanwhile', async () => {
    const [earlyPid] = startWorkersEarly(project.file, 1);
    // Long enough for the early worker to load the definitions and say it is ready before the pool exists.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const reports: PoolReport[] = [];
    let notify = (): void => {};
    const pool = new WorkerPool({ size: 1, definitionsFile: project.file, ownerId: 'early', clock: systemClock, onReport: (r) => (reports.push(r), notify()) });
    pool.start();
    try {
      pool.execute('early/w0', envelope('pid', 'att_pid'));
      await new Promise<void>((resolve) => {
        notify = () => reports.some((r) => r.kind === 'finished') && resolve();
        notify();
      });
      const finished = reports.find((r) => r.kind === 'finished');
      assert.equal(finished?.kind === 'finished' ? finished.message.outcome : null, 'SUCCEEDED');
      assert.equal(finished?.kind === 'finished' ? finished.message.metadata.pid : null, earlyPid);
    } finally {
      await pool.stop();
    }
  });

  test('early workers no pool takes are stopped, so the command can exit', async () => {
    const pids = startWorkersEarly(project.file, 2);
    stopEarlyWorkers();
    await new Promise((resolve) => setTimeout(resolve, 300));
    for (const pid of pids) assert.throws(() => process.kill(pid, 0), /ESRCH/);
  });
});
