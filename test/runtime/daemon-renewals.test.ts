/**
 * The daemon renews its leader lease and its attempts' heartbeats a few times per lease, not on
 * every iteration. What must hold whatever the spacing: an attempt that outlives several attempt
 * leases is not declared lost while its worker runs it, and a live leader keeps its lease against
 * a standby for longer than several leader leases.
 */
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { requestRun } from '../../src/runtime/run-commands.js';
import { startDaemon, task, tempProject, waitForRun } from '../helpers/project.js';

const SOURCE = `
import { defineAsset, defineDefinitions } from 'arco-flow';
const slow = defineAsset({ key: 'slow', compute: () => new Promise((resolve) => setTimeout(resolve, 2_000)) });
export default defineDefinitions({ assets: [slow] });
`;

describe('lease and heartbeat renewals', () => {
  const project = tempProject(SOURCE);
  after(() => project.remove());

  test('an attempt running for four attempt leases is kept alive by its heartbeats and succeeds on its first attempt', async () => {
    const running = await startDaemon(project.file, join(project.dir, 'heartbeats.db'), { attemptLeaseMs: 500, tickMs: 20 });
    try {
      const { run } = await requestRun(running.ctx, { selection: ['slow'] });
      const done = await waitForRun(running.store, run.runId);
      assert.equal(done.status, 'SUCCESS');
      assert.deepEqual(
        task(done, 'slow').attempts.map((a) => [a.outcome, a.error?.code ?? null]),
        [['SUCCEEDED', null]],
      );
    } finally {
      await running.stop();
    }
  });

  test('a live leader keeps its lease for four leader leases: the standby on the same store never leads', async () => {
    const store = join(project.dir, 'lease.db');
    const leader = await startDaemon(project.file, store, { leaderLeaseMs: 500, tickMs: 20, workers: 1 });
    try {
      const deadline = Date.now() + 5_000;
      while (!leader.daemon.isLeader && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      assert.ok(leader.daemon.isLeader, 'the first daemon leads');
      const standby = await startDaemon(project.file, store, { leaderLeaseMs: 500, tickMs: 20, workers: 1 });
      try {
        let standbyLed = false;
        const until = Date.now() + 2_000;
        while (Date.now() < until) {
          standbyLed ||= standby.daemon.isLeader;
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        assert.equal(standbyLed, false);
        assert.ok(leader.daemon.isLeader);
      } finally {
        await standby.stop();
      }
    } finally {
      await leader.stop();
    }
  });
});
