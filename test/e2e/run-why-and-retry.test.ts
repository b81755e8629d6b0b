/**
 * What `arco status` tells an operator about a run, against a running `arco dev` (OPX-15, OPX-24,
 * OPX-25, OPX-26): why the run exists (a manual request, a sensor evaluation), each attempt's
 * duration and error with its code, message, class and stack, and for a task waiting to retry,
 * which attempt failed with which error and when the next one is due.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { arco, arcoJson, startDev, stopProcess } from '../helpers/cli.js';
import { tempProject } from '../helpers/project.js';

const RETRY_DELAY_MS = 600_000;
const SOURCE = `import { defineAsset, defineDefinitions, defineSensor } from 'arco-flow';
const flaky = defineAsset({ key: 'flaky', retry: { maxRetries: 2, delayMs: ${RETRY_DELAY_MS} }, compute: async () => { throw new TypeError('upstream is down'); } });
const ok = defineAsset({ key: 'ok', compute: async () => {} });
export default defineDefinitions({
  assets: [flaky, ok],
  sensors: [
    defineSensor({ name: 'hook', type: 'push', target: [ok], defaultStatus: 'running', evaluate: (ctx) => {
      if (ctx.message.payload === 'skip') return { skipReason: 'nothing to do for skip' };
      if (ctx.message.payload === 'boom') throw new RangeError('payload boom is out of range');
      return { runRequests: [{ runKey: String(ctx.message.payload) }] };
    } }),
  ],
});
`;

interface Attempt {
  attempt: number;
  outcome: string | null;
  error: { code: string; message: string; errorClass: string | null; stack: string | null } | null;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
}
interface RunJson {
  runId: string;
  status: string;
  why: string;
  tasks: { key: string; status: string; attemptHistory: Attempt[]; retry: { attempt: number; of: number; nextRetryAt: string | null } }[];
}

describe('arco status against arco dev: why a run exists, its attempts and its retries', () => {
  const project = tempProject(SOURCE);
  let dev: Awaited<ReturnType<typeof startDev>>;
  before(async () => {
    dev = await startDev(['--project', project.dir, '--no-watch']);
  });
  after(async () => {
    await stopProcess(dev.child);
    project.remove();
  });

  const statusUntil = async (runId: string, done: (run: RunJson) => boolean): Promise<RunJson> => {
    for (let i = 0; i < 300; i += 1) {
      const read = arcoJson<RunJson>(['status', runId, '--url', dev.url]);
      if (done(read.body)) return read.body;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`run ${runId} never reached the state waited for`);
  };

  test('a task waiting to retry says which attempt failed, with its error code, message, class and stack, its duration, and when the next attempt is due', async () => {
    const requested = arcoJson<RunJson>(['run', '--url', dev.url, '--select', 'flaky']);
    assert.equal(requested.body.why, 'manual', 'a manual request says so');
    const run = await statusUntil(requested.body.runId, (r) => r.tasks[0]?.status === 'RETRY_WAIT');
    const task = run.tasks[0]!;
    const [first] = task.attemptHistory;
    assert.equal(first?.outcome, 'FAILED');
    assert.equal(first?.error?.message, 'upstream is down');
    assert.equal(first?.error?.errorClass, 'TypeError');
    assert.match(first?.error?.stack ?? '', /TypeError: upstream is down\n\s+at /);
    assert.equal(typeof first?.error?.code, 'string');
    assert.ok(first?.durationMs !== null && first!.durationMs >= 0, 'the attempt has a duration');
    assert.ok(first?.startedAt && first.finishedAt);
    assert.equal(task.retry.attempt, 1);
    assert.equal(task.retry.of, 3);
    const dueInMs = Date.parse(task.retry.nextRetryAt ?? '') - Date.parse(first!.finishedAt!);
    assert.ok(Math.abs(dueInMs - RETRY_DELAY_MS) < 5_000, `next attempt due ${dueInMs} ms after the failure`);
    const text = arco(['status', run.runId, '--url', dev.url]).stdout;
    assert.ok(text.includes(`attempt 1 of 3 failed (${first!.error!.code}); retry at ${task.retry.nextRetryAt}`), text);
    assert.equal(arco(['cancel', run.runId, '--url', dev.url]).status, 0);
  });

  test("a sensor's evaluation history read through the CLI shows each evaluation's status, the run it requested, a skip reason and an error", async () => {
    for (const [id, payload] of [['e1', '"e1"'], ['e2', '"skip"'], ['e3', '"boom"']] as const) {
      assert.equal(arco(['sensor', 'push', 'hook', '--message-id', id, '--payload', payload, '--url', dev.url]).status, 0);
    }
    type Evaluation = { kind: string; status: string | null; runs: { runId: string }[]; skipReason: string | null; error: { code: string; message: string } | null };
    const page = arcoJson<{ evaluations: Evaluation[] }>(['sensor', 'evals', 'hook', '--url', dev.url]);
    assert.equal(page.status, 0, page.stderr);
    const [boom, skipped, requested] = page.body.evaluations.filter((e) => e.kind === 'evaluation');
    assert.deepEqual([requested?.status, requested?.runs.length], ['SUCCESS', 1]);
    assert.deepEqual([skipped?.status, skipped?.skipReason, skipped?.runs.length], ['SKIPPED', 'nothing to do for skip', 0]);
    assert.equal(boom?.status, 'FAILURE');
    assert.match(boom?.error?.message ?? '', /payload boom is out of range/);
    const table = arco(['sensor', 'evals', 'hook', '--url', dev.url]).stdout;
    assert.match(table, /SKIPPED.*nothing to do for skip/);
    assert.match(table, new RegExp(`FAILURE.*${boom?.error?.code}: .*payload boom`));
  });

  test('a run a sensor requested says which sensor and which pushed message requested it', async () => {
    const pushed = arcoJson<{ evaluation: { runs: { runId: string }[] } }>(['sensor', 'push', 'hook', '--message-id', 'm1', '--payload', '"k1"', '--url', dev.url]);
    assert.equal(pushed.status, 0, pushed.stderr);
    const runId = pushed.body.evaluation.runs[0]?.runId ?? '';
    const run = await statusUntil(runId, (r) => r.status === 'SUCCESS');
    assert.equal(run.why, 'sensor hook message m1');
    assert.match(arco(['status', runId, '--url', dev.url]).stdout, /why: sensor hook message m1/);
  });
});
