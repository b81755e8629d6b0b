/**
 * Gate — a remote worker on another network host (Linux network namespaces, this machine only).
 *
 * A worker runs in its own network namespace and reaches the daemon (on PostgreSQL) over a veth
 * pair: a real network hop with its own addresses. Its link is cut mid-attempt: its heartbeats stop
 * arriving, the leader declares it lost, the attempt ends WORKER_LOST and is retried on another
 * worker, and the run succeeds with the task materialized once. When the link comes back, the cut
 * worker learns it was declared lost (404), registers anew, and its late report of the attempt is
 * refused, so nothing is recorded twice.
 *
 * Needs root and `ip netns` (iproute2): skipped without them only when CI is unset; under CI=true it
 * runs (and fails if it cannot). Addresses are a /30 in 10.213.0.0/16 on this machine's own veth pair; no
 * outside address is ever used.
 */
import { describe } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatApiToken, secretSha256 } from '../../../src/domain/access/index.js';
import { isTerminalRun } from '../../../src/domain/runs/index.js';
import type { Store, TokenRole } from '../../../src/store/index.js';
import { stopProcess } from '../../helpers/cli.js';
import { startArcoDaemon, startArcoWorker, type ArcoProcess } from '../../helpers/arco-processes.js';
import { allEvents } from '../../helpers/ledger-reads.js';
import { createNetnsHost, netnsSkip, type NetnsHost } from '../../helpers/netns.js';
import { freshSchema, postgresSkip, type TestSchema } from '../../helpers/postgres.js';
import { tempProject } from '../../helpers/project.js';
import { skippable } from '../../helpers/skippable.js';

const SOURCE = `
import { appendFileSync } from 'node:fs';
import { defineAsset, defineDefinitions } from 'arco-flow';
const mark = (line) => process.env.ARCO_TEST_MARKS && appendFileSync(process.env.ARCO_TEST_MARKS, line + '\\n');
const slow = defineAsset({ key: 'slow', compute: async () => { mark('slow start ' + process.env.ARCO_TEST_WHERE); await new Promise((r) => setTimeout(r, 4000)); mark('slow end ' + process.env.ARCO_TEST_WHERE); } });
export default defineDefinitions({ assets: [slow] });
`;
const HEARTBEAT_TIMEOUT_MS = 5_000;
const WORKER_OPTIONS = ['--slots', '1', '--heartbeat-timeout-ms', String(HEARTBEAT_TIMEOUT_MS)];

const skip = netnsSkip() || (await postgresSkip());
const { test, before, after } = skippable(skip);

async function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function createToken(store: Store, role: TokenRole): Promise<string> {
  const id = randomBytes(8).toString('hex');
  const secret = randomBytes(32).toString('hex');
  await store.tokens.createToken({ id, name: `${role}-${id.slice(0, 6)}`, role, createdAt: new Date().toISOString(), revokedAt: null, createdBy: 'test', revokedBy: null, secretSha256: secretSha256(secret) });
  return formatApiToken(id, secret);
}

describe('a remote worker across a network hop', () => {
  const project = tempProject(SOURCE);
  const marks = join(project.dir, 'marks.txt');
  let schema: TestSchema;
  let store: Store;
  const processes: ArcoProcess[] = [];

  let farHost: NetnsHost | undefined;

  before(async () => {
    farHost = createNetnsHost();
    schema = await freshSchema();
    store = await schema.open();
  });
  after(async () => {
    for (const p of processes.splice(0)) await stopProcess(p.child, 'SIGKILL');
    farHost?.remove();
    await store?.close();
    await schema?.drop();
    project.remove();
  });

  test('a worker whose link is cut mid-attempt is lost: WORKER_LOST, retried on another worker, recorded once; back online it registers anew and its late report is refused', async () => {
    const admin = await createToken(store, 'admin');
    const workerToken = await createToken(store, 'worker');
    // Bound to the veth address only: the namespaced worker reaches it over the hop.
    const link = farHost as NetnsHost;
    const daemon = await startArcoDaemon(project.dir, schema.url, ['--host', link.hostAddress, '--workers', '0', '--attempt-lease-ms', '20000']);
    processes.push(daemon);
    const far = await startArcoWorker(project.dir, daemon.url, workerToken, WORKER_OPTIONS, { ARCO_TEST_MARKS: marks, ARCO_TEST_WHERE: 'far' }, { namespace: link.namespace });
    processes.push(far);
    const response = await fetch(`${daemon.url}/api/v1/runs`, { method: 'POST', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, body: JSON.stringify({ selection: ['slow'] }) });
    assert.ok(response.ok, await response.clone().text());
    const runId = ((await response.json()) as { run: { runId: string } }).run.runId;
    await until('the attempt started on the far worker', async () => (await store.runs.getRun(runId))?.tasks[0]?.attempts[0]?.startedAt != null);
    assert.equal((await store.runs.getRun(runId))?.tasks[0]?.attempts[0]?.workerId, far.id);
    // Cut at once, before the other worker starts: on a loaded machine its start-up outlasted the
    // 4 s compute, which then finished and reported before the cut.
    link.cut();
    assert.ok(!existsSync(marks) || !readFileSync(marks, 'utf8').includes('slow end far'), 'the link was cut mid-attempt');
    const near = await startArcoWorker(project.dir, daemon.url, workerToken, WORKER_OPTIONS, { ARCO_TEST_MARKS: marks, ARCO_TEST_WHERE: 'near' });
    processes.push(near);
    const run = await until('the run ends', async () => {
      const r = await store.runs.getRun(runId);
      return r && isTerminalRun(r.status) ? r : undefined;
    }, 40_000);
    const attempts = run.tasks[0]?.attempts ?? [];
    assert.equal(run.status, 'SUCCESS', JSON.stringify(attempts));
    assert.equal(attempts[0]?.error?.code, 'WORKER_LOST');
    assert.equal(attempts.at(-1)?.workerId, near.id, 'retried on the worker that can still reach the daemon');

    // The link comes back: the far worker's compute finished meanwhile; its report must not count.
    link.restore();
    await until('the far worker registers again under a new id', async () => /registering again as (rw_\S+)/.exec(far.output())?.[1], 30_000);
    await until('the far worker gave up its late report', async () => /refused|stopped: /.test(far.output()), 30_000);
    const events = await allEvents(store);
    assert.equal(events.filter((e) => e.type === 'AssetMaterialized' && e.payload.runId === runId).length, 1, 'materialized once');
    assert.equal((await store.runs.getRun(runId))?.version, run.version, 'the late report changed nothing');
    assert.ok(readFileSync(marks, 'utf8').includes('slow end near'));
  });
});
