/**
 * The worker pool's slots: an attempt handed to a slot runs in a live worker process, whatever
 * happened to the attempt the slot ran before.
 */
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { WorkerPool, type PoolReport } from '../../../src/runtime/worker/worker-pool.js';
import type { DispatchEnvelope } from '../../../src/runtime/worker/protocol.js';
import { tempProject } from '../../helpers/project.js';

const SOURCE = `
import { defineAsset, defineDefinitions } from 'arco-flow';
const hangs = defineAsset({ key: 'hangs', compute: () => new Promise(() => {}) });
const quick = defineAsset({ key: 'quick', compute: async () => ({ metadata: { ok: true } }) });
export default defineDefinitions({ assets: [hangs, quick] });
`;

function envelope(assetKey: string, attemptId: string): DispatchEnvelope {
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
    deadlineAt: null,
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
});
