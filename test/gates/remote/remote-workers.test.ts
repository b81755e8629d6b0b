/**
 * Gate — remote workers over HTTP (`arco worker`, docs/worker-protocol.md), on SQLite and on
 * PostgreSQL: real `arco daemon --workers 0` and `arco worker` processes, with access control on
 * (an admin token for requests, a worker token for workers).
 *
 * What a user relies on: a remote worker runs a run's tasks to success and its log lines reach the
 * run; two workers share work and no task runs twice; a report with a forged token is 403 and one
 * about an attempt that is not (or no longer) current is 409, and neither changes the ledger; a
 * worker killed with SIGKILL mid-attempt is declared lost once its heartbeats stop, its attempt
 * ends WORKER_LOST and is retried on the other worker, and the compute completes exactly once;
 * concurrent claims hand each dispatched attempt to one claim only.
 */
import { describe } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatApiToken, secretSha256 } from '../../../src/domain/access/index.js';
import { sha256Hex } from '../../../src/domain/ids/index.js';
import { isTerminalRun } from '../../../src/domain/runs/index.js';
import type { RunProjection } from '../../../src/fold/index.js';
import { openSqliteStore, type Store, type TokenRole } from '../../../src/store/index.js';
import { arcoAsync, stopProcess } from '../../helpers/cli.js';
import { startArcoDaemon, startArcoWorker, type ArcoProcess } from '../../helpers/arco-processes.js';
import { allEvents } from '../../helpers/ledger-reads.js';
import { freshSchema, postgresSkip } from '../../helpers/postgres.js';
import { tempProject } from '../../helpers/project.js';
import { skippable } from '../../helpers/skippable.js';

const SOURCE = `
import { appendFileSync } from 'node:fs';
import { defineAsset, defineDefinitions } from 'arco-flow';
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const mark = (line) => process.env.ARCO_TEST_MARKS && appendFileSync(process.env.ARCO_TEST_MARKS, line + '\\n');
const first = defineAsset({ key: 'first', compute: async () => { console.log('first ran on pid ' + process.pid); mark('first'); return { metadata: { pid: process.pid } }; } });
const second = defineAsset({ key: 'second', deps: [first], compute: async () => { mark('second'); } });
const slow = defineAsset({ key: 'slow', compute: async () => { mark('slow start'); await sleep(3000); mark('slow end'); } });
const many = Array.from({ length: 12 }, (_, i) => defineAsset({ key: 'm' + i, compute: async () => { await sleep(30); mark('m' + i); } }));
export default defineDefinitions({ assets: [first, second, slow, ...many] });
`;
/** Workers in these tests are lost after this long without a heartbeat. */
const HEARTBEAT_TIMEOUT_MS = 5_000;

interface Engine {
  readonly name: string;
  readonly skip: string | false;
  setup(): Promise<{ db: string; open: () => Promise<Store>; drop: () => Promise<void> }>;
}

const ENGINES: Engine[] = [
  {
    name: 'SQLite',
    skip: false,
    async setup() {
      const dir = mkdtempSync(join(tmpdir(), 'arco-remote-'));
      const db = join(dir, 'arco.db');
      return { db, open: async () => openSqliteStore({ path: db }), drop: async () => rmSync(dir, { recursive: true, force: true }) };
    },
  },
  {
    name: 'PostgreSQL',
    skip: await postgresSkip(),
    async setup() {
      const schema = await freshSchema();
      return { db: schema.url, open: () => schema.open(), drop: () => schema.drop() };
    },
  },
];

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

interface Answer {
  readonly status: number;
  readonly body: { code?: string; [key: string]: unknown };
}

async function call(url: string, token: string, method: string, path: string, body?: unknown): Promise<Answer> {
  const response = await fetch(`${url}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Answer['body'] };
}

/** The gate, once per engine (the suites below name their engine literally, for the parity matrix). */
function remoteWorkerTests(engine: Engine): void {
  const { test, before, after } = skippable(engine.skip);
  {
    const project = tempProject(SOURCE);
    const marks = join(project.dir, 'marks.txt');
    let setup: Awaited<ReturnType<Engine['setup']>>;
    let store: Store;
    let daemon: ArcoProcess & { url: string };
    let admin = '';
    let worker = '';
    let viewer = '';
    const workers: ArcoProcess[] = [];

    before(async () => {
      setup = await engine.setup();
      store = await setup.open();
      admin = await createToken(store, 'admin');
      worker = await createToken(store, 'worker');
      viewer = await createToken(store, 'viewer');
      daemon = await startArcoDaemon(project.dir, setup.db, ['--workers', '0', '--attempt-lease-ms', '10000']);
    });
    after(async () => {
      for (const w of workers.splice(0)) await stopProcess(w.child, 'SIGKILL');
      if (daemon) await stopProcess(daemon.child, 'SIGKILL');
      await store?.close();
      await setup?.drop();
      project.remove();
    });

    const startWorker = async (slots: number) => {
      const w = await startArcoWorker(project.dir, daemon.url, worker, ['--slots', String(slots), '--heartbeat-timeout-ms', String(HEARTBEAT_TIMEOUT_MS)], { ARCO_TEST_MARKS: marks });
      workers.push(w);
      return w;
    };
    const stopWorkers = async () => {
      for (const w of workers.splice(0)) await stopProcess(w.child, 'SIGTERM');
    };
    const requestRun = async (selection: string[]): Promise<string> => {
      const answer = await call(daemon.url, admin, 'POST', '/runs', { selection });
      assert.ok(answer.status < 300, JSON.stringify(answer.body));
      return (answer.body as unknown as { run: { runId: string } }).run.runId;
    };
    const finished = (runId: string, timeoutMs = 30_000) =>
      until(`run ${runId} ends`, async () => {
        const run = await store.runs.getRun(runId);
        return run && isTerminalRun(run.status) ? run : undefined;
      }, timeoutMs);
    const markLines = () => {
      try {
        return readFileSync(marks, 'utf8').split('\n').filter(Boolean);
      } catch {
        return [];
      }
    };

    test("a remote worker process runs a run's tasks to success; its log lines reach the run; arco instance info lists it; the daemon's /metrics times its appends and counts it", async () => {
      const w = await startWorker(2);
      const runId = await requestRun(['first', 'second']);
      const run: RunProjection = await finished(runId);
      assert.equal(run.status, 'SUCCESS');
      const started = (await allEvents(store)).filter((e) => e.type === 'TaskAttemptStarted' && e.payload.runId === runId);
      assert.deepEqual(started.map((e) => (e.type === 'TaskAttemptStarted' ? e.payload.workerId : '')), [w.id, w.id], 'both tasks ran on the remote worker');
      const logs = await store.logs.listLogs(runId, { limit: 100 });
      assert.ok(logs.some((l) => /first ran on pid \d+/.test(l.message)), 'the printed line reached the run’s logs');
      const info = await arcoAsync(['instance', 'info', '--db', setup.db, '--project', project.dir, '--json']);
      assert.equal(info.status, 0, info.stderr);
      const listed = (JSON.parse(info.stdout) as { workers: { workerId: string; slots: number; alive: boolean; heartbeatAgeMs: number }[] }).workers.find((x) => x.workerId === w.id);
      assert.ok(listed, 'arco instance info lists the worker');
      assert.equal(listed.slots, 2);
      assert.equal(listed.alive, true);
      assert.ok(listed.heartbeatAgeMs < HEARTBEAT_TIMEOUT_MS);
      // The daemon's /metrics: its appends are timed and its remote worker counted, as with arco dev.
      const metrics = await (await fetch(`${daemon.url}/metrics`, { headers: { authorization: `Bearer ${admin}` } })).text();
      const appends = Number(/^arco_ledger_append_seconds_count (\d+)/m.exec(metrics)?.[1] ?? 0);
      assert.ok(appends > 0, 'the daemon timed its ledger appends');
      assert.match(metrics, /^arco_remote_workers 1$/m);
      await stopWorkers();
      assert.equal(await store.workers.getWorker(w.id), undefined, 'a worker stopped with SIGTERM unregisters');
    });

    test('two remote workers share a run of 12 tasks: each task starts and materializes exactly once', async () => {
      const [a, b] = [await startWorker(2), await startWorker(2)];
      const runId = await requestRun(Array.from({ length: 12 }, (_, i) => `m${i}`));
      assert.equal((await finished(runId)).status, 'SUCCESS');
      const events = (await allEvents(store)).filter((e) => 'runId' in e.payload && e.payload.runId === runId);
      const startedBy = events.flatMap((e) => (e.type === 'TaskAttemptStarted' ? [e.payload.workerId] : []));
      assert.equal(startedBy.length, 12, 'every task started once');
      assert.deepEqual(new Set(startedBy), new Set([a.id, b.id]), 'both workers took tasks');
      const materialized = events.flatMap((e) => (e.type === 'AssetMaterialized' ? [e.payload.assetKey] : []));
      assert.equal(new Set(materialized).size, 12);
      assert.equal(materialized.length, 12, 'no task materialized twice');
      await stopWorkers();
    });

    test('a worker killed with SIGKILL mid-attempt is lost: the attempt ends WORKER_LOST and is retried on the other worker, the compute completes once', async () => {
      const [a, b] = [await startWorker(1), await startWorker(1)];
      const runId = await requestRun(['slow']);
      const holder = await until('the slow attempt started', async () => {
        const run = await store.runs.getRun(runId);
        const attempt = run?.tasks[0]?.attempts[0];
        return attempt?.startedAt ? attempt.workerId : undefined;
      });
      const [victim, survivor] = holder === a.id ? [a, b] : [b, a];
      assert.equal(holder, victim.id);
      victim.child.kill('SIGKILL');
      const run = await finished(runId, 40_000);
      assert.equal(run.status, 'SUCCESS', JSON.stringify(run.tasks[0]?.attempts));
      const attempts = run.tasks[0]?.attempts ?? [];
      assert.equal(attempts[0]?.error?.code, 'WORKER_LOST');
      assert.equal(attempts[0]?.workerId, victim.id);
      assert.equal(attempts.at(-1)?.workerId, survivor.id, 'retried on the other worker');
      assert.equal(attempts.at(-1)?.outcome, 'SUCCEEDED');
      const materialized = (await allEvents(store)).filter((e) => e.type === 'AssetMaterialized' && e.payload.runId === runId);
      assert.equal(materialized.length, 1, 'materialized once');
      assert.equal(markLines().filter((l) => l === 'slow end').length, 1, 'the compute completed exactly once (the killed one never finished)');
      assert.equal(await store.workers.getWorker(victim.id), undefined, 'the lost worker is forgotten');
      await stopWorkers();
    });

    test("a worker served by a standby daemon's API: the leader records its results (through the store) and the run succeeds", async () => {
      const standby = await startArcoDaemon(project.dir, setup.db, ['--workers', '0']);
      try {
        await until('the second daemon stands by', async () => (await store.daemons.listDaemonHeartbeats(0)).some((d) => d.daemonId === standby.id && d.role === 'standby'));
        await startArcoWorker(project.dir, standby.url, worker, ['--slots', '2', '--heartbeat-timeout-ms', String(HEARTBEAT_TIMEOUT_MS)], { ARCO_TEST_MARKS: marks }).then((w) => workers.push(w));
        const runId = await requestRun(['first', 'second']);
        assert.equal((await finished(runId)).status, 'SUCCESS');
        assert.equal((await store.leases.readLease('daemon'))?.holder, daemon.id, 'the first daemon led throughout');
        await stopWorkers();
      } finally {
        await stopProcess(standby.child, 'SIGTERM');
      }
    });

    test('over real HTTP: a forged attempt token is 403, a report about another attempt is 409, a worker token reads nothing; none changes the ledger', async () => {
      const workerId = `rw_${randomBytes(8).toString('hex')}`;
      const base = `/workers/${workerId}`;
      const registered = await call(daemon.url, worker, 'POST', '/workers', { workerId, host: 'test', pid: process.pid, slots: 1, heartbeatTimeoutMs: HEARTBEAT_TIMEOUT_MS });
      assert.equal(registered.status, 200, JSON.stringify(registered.body));
      const beat = setInterval(() => void call(daemon.url, worker, 'POST', `${base}/heartbeat`, { attemptIds: [] }).catch(() => undefined), 300);
      let claimed: { envelope: { attemptId: string; runId: string }; attemptToken: string } | undefined;
      let runId = '';
      try {
        runId = await requestRun(['first']);
        claimed = await until('the attempt is claimed', async () => {
          const answer = await call(daemon.url, worker, 'POST', `${base}/claim`, { max: 1 });
          assert.equal(answer.status, 200, JSON.stringify(answer.body));
          return (answer.body['attempts'] as NonNullable<typeof claimed>[])[0];
        });
      } finally {
        clearInterval(beat);
      }
      const { attemptId } = claimed.envelope;
      const sequence = await store.ledger.lastSequence();
      const version = (await store.runs.getRun(runId))?.version;
      const result = { outcome: 'SUCCEEDED', error: null, durationMs: 1, dataVersion: null, metadata: {} };

      const forged = await call(daemon.url, worker, 'POST', `${base}/attempts/${attemptId}/finished`, { attemptToken: randomBytes(32).toString('hex'), ...result });
      assert.equal(forged.status, 403);
      assert.equal(forged.body.code, 'ATTEMPT_TOKEN_REFUSED');
      const forgedStart = await call(daemon.url, worker, 'POST', `${base}/attempts/${attemptId}/started`, { attemptToken: randomBytes(32).toString('hex') });
      assert.equal(forgedStart.status, 403);
      const other = await call(daemon.url, worker, 'POST', `${base}/attempts/att_not_this_one/finished`, { attemptToken: claimed.attemptToken, ...result });
      assert.equal(other.status, 409);
      assert.equal(other.body.code, 'ATTEMPT_MISMATCH');
      const otherWorker = await call(daemon.url, worker, 'POST', `/workers/rw_someoneelse0000/attempts/${attemptId}/finished`, { attemptToken: claimed.attemptToken, ...result });
      assert.equal(otherWorker.status, 409, 'another worker cannot report this attempt');
      const asViewer = await call(daemon.url, viewer, 'POST', `${base}/attempts/${attemptId}/finished`, { attemptToken: claimed.attemptToken, ...result });
      assert.equal(asViewer.status, 403);
      assert.equal(asViewer.body.code, 'FORBIDDEN');
      const workerReads = await call(daemon.url, worker, 'GET', '/runs');
      assert.equal(workerReads.status, 403, 'a worker token may call the worker protocol only');
      assert.equal(await store.ledger.lastSequence(), sequence, 'no refused report appended anything');
      assert.equal((await store.runs.getRun(runId))?.version, version);
      assert.equal((await store.workers.getDispatch(attemptId))?.state, 'claimed', 'the attempt is still claimed, with no result stored');

      // Heartbeats stopped: the worker is lost, its attempt ends WORKER_LOST; its late report is 409.
      const lost = await until('the attempt ends WORKER_LOST', async () => {
        const attempt = (await store.runs.getRun(runId))?.tasks[0]?.attempts[0];
        return attempt?.outcome ? attempt : undefined;
      }, 20_000);
      assert.equal(lost.error?.code, 'WORKER_LOST');
      const late = await call(daemon.url, worker, 'POST', `${base}/attempts/${attemptId}/finished`, { attemptToken: claimed.attemptToken, ...result });
      assert.equal(late.status, 409);
      assert.equal(late.body.code, 'ATTEMPT_MISMATCH');
      const lateBeat = await call(daemon.url, worker, 'POST', `${base}/heartbeat`, { attemptIds: [attemptId] });
      assert.equal(lateBeat.status, 404);
      assert.equal(lateBeat.body.code, 'WORKER_NOT_REGISTERED');
      const materialized = (await allEvents(store)).filter((e) => e.type === 'AssetMaterialized' && e.payload.runId === runId);
      assert.equal(materialized.length, 0, 'the late report recorded nothing');
      // The retry waits for a worker: one finishes the run.
      await startWorker(1);
      assert.equal((await finished(runId)).status, 'SUCCESS');
      await stopWorkers();
    });

    test('a claim answer that never reached the worker: the next claim not naming the attempt hands it out again under a new token, a stale claim request gets nothing, the old token is refused, the run finishes with one materialization', async () => {
      const workerId = `rw_${randomBytes(8).toString('hex')}`;
      const base = `/workers/${workerId}`;
      assert.equal((await call(daemon.url, worker, 'POST', '/workers', { workerId, host: 'test', pid: process.pid, slots: 1, heartbeatTimeoutMs: 60_000 })).status, 200);
      type Claimed = { envelope: { attemptId: string }; attemptToken: string };
      let claimSeq = 0;
      const claim = async (running: string[], seq = (claimSeq += 1)) => {
        const answer = await call(daemon.url, worker, 'POST', `${base}/claim`, { max: 1, running, claimSeq: seq });
        assert.equal(answer.status, 200, JSON.stringify(answer.body));
        return answer.body['attempts'] as Claimed[];
      };
      const runId = await requestRun(['first']);
      // The first answer is "lost": the test reads it only to compare, as the worker never would.
      const lost = await until('the attempt is claimed', async () => (await claim([]))[0]);
      const { attemptId } = lost.envelope;
      const again = (await claim([]))[0];
      assert.equal(again?.envelope.attemptId, attemptId, 'the attempt the worker does not run is handed to it again');
      assert.notEqual(again.attemptToken, lost.attemptToken, 'under a fresh token');
      assert.deepEqual(await claim([attemptId]), [], 'an attempt the worker names as running is never handed out again');
      assert.deepEqual(await claim([], 1), [], 'a claim request that arrives after later ones is stale and gets nothing');
      const stale = await call(daemon.url, worker, 'POST', `${base}/attempts/${attemptId}/started`, { attemptToken: lost.attemptToken });
      assert.equal(stale.status, 403);
      assert.equal(stale.body.code, 'ATTEMPT_TOKEN_REFUSED', 'the lost answer’s token is refused');
      assert.equal((await call(daemon.url, worker, 'POST', `${base}/attempts/${attemptId}/started`, { attemptToken: again.attemptToken })).status, 200);
      const repeated = await call(daemon.url, worker, 'POST', `${base}/attempts/${attemptId}/started`, { attemptToken: again.attemptToken });
      assert.equal(repeated.status, 200, `a repeated started report (its first answer lost) is accepted, not refused: ${JSON.stringify(repeated.body)}`);
      assert.deepEqual(await claim([attemptId]), []);
      assert.deepEqual(await claim([]), [], 'an attempt that started is not handed out again');
      const result = { outcome: 'SUCCEEDED', error: null, durationMs: 1, dataVersion: null, metadata: {} };
      assert.equal((await call(daemon.url, worker, 'POST', `${base}/attempts/${attemptId}/finished`, { attemptToken: again.attemptToken, ...result })).status, 202);
      assert.equal((await finished(runId)).status, 'SUCCESS');
      const materialized = (await allEvents(store)).filter((e) => e.type === 'AssetMaterialized' && e.payload.runId === runId);
      assert.equal(materialized.length, 1, 'materialized once');
      assert.equal((await call(daemon.url, worker, 'DELETE', base)).status, 200);
    });

    test('a finished report that carries a claim is stored, and its answer brings the attempt the leader dispatched to the worker once it recorded the report', async () => {
      const workerId = `rw_${randomBytes(8).toString('hex')}`;
      const base = `/workers/${workerId}`;
      assert.equal((await call(daemon.url, worker, 'POST', '/workers', { workerId, host: 'test', pid: process.pid, slots: 2, heartbeatTimeoutMs: 60_000 })).status, 200);
      type Claimed = { envelope: { attemptId: string; taskKey: string }; attemptToken: string };
      const runId = await requestRun(['m0', 'm1', 'm2']);
      // Two slots: the leader dispatches two attempts; the first claim takes one, the other waits.
      await until('two attempts are dispatched to the worker', async () => (await store.workers.listDispatches(workerId)).length === 2 || undefined);
      let claimSeq = 0;
      const answer = await call(daemon.url, worker, 'POST', `${base}/claim`, { max: 1, running: [], claimSeq: (claimSeq += 1) });
      const first = (answer.body['attempts'] as Claimed[])[0] as Claimed;
      const waiting = (await store.workers.listDispatches(workerId)).find((d) => d.state === 'dispatched');
      assert.ok(waiting, 'one attempt is dispatched and not claimed');
      const result = { outcome: 'SUCCEEDED', error: null, durationMs: 1, dataVersion: null, metadata: {} };
      const firstId = first.envelope.attemptId;
      const forged = await call(daemon.url, worker, 'POST', `${base}/attempts/${firstId}/finished`, { attemptToken: randomBytes(32).toString('hex'), ...result, claim: { max: 1, running: [firstId], claimSeq: (claimSeq += 1), waitMs: 200 } });
      assert.equal(forged.status, 403);
      assert.equal((await store.workers.getDispatch(waiting.attemptId))?.state, 'dispatched', 'a refused report claims nothing');
      const finish = async (claimed: Claimed, waitMs: number) => {
        const id = claimed.envelope.attemptId;
        const reported = await call(daemon.url, worker, 'POST', `${base}/attempts/${id}/finished`, { attemptToken: claimed.attemptToken, ...result, claim: { max: 1, running: [id], claimSeq: (claimSeq += 1), waitMs } });
        assert.equal(reported.status, 202, JSON.stringify(reported.body));
        return (reported.body['claimed'] as { attempts: Claimed[] }).attempts;
      };
      const [second] = await finish(first, 8_000);
      assert.equal(second?.envelope.attemptId, waiting.attemptId, 'the answer brings the attempt already dispatched');
      assert.equal((await store.workers.getDispatch(waiting.attemptId))?.tokenSha256, sha256Hex(second.attemptToken), 'claimed under the token it answered');
      const [third] = await finish(second, 8_000);
      assert.ok(third, 'the answer brings the attempt the leader dispatched once it recorded the reports');
      assert.deepEqual(new Set([first, second, third].map((c) => c.envelope.taskKey)), new Set(['m0', 'm1', 'm2']));
      assert.deepEqual(await finish(third, 100), [], 'nothing left to claim: the claim waited and came back empty');
      assert.equal((await finished(runId)).status, 'SUCCESS');
      const materialized = (await allEvents(store)).flatMap((e) => (e.type === 'AssetMaterialized' && e.payload.runId === runId ? [e.payload.assetKey] : []));
      assert.deepEqual(materialized.sort(), ['m0', 'm1', 'm2'], 'each materialized once');
      assert.equal((await call(daemon.url, worker, 'DELETE', base)).status, 200);
    });

    test('a worker that leaves right after its finished report was accepted: the result is recorded, not declared lost and run again', async () => {
      const workerId = `rw_${randomBytes(8).toString('hex')}`;
      const base = `/workers/${workerId}`;
      assert.equal((await call(daemon.url, worker, 'POST', '/workers', { workerId, host: 'test', pid: process.pid, slots: 1, heartbeatTimeoutMs: 60_000 })).status, 200);
      const runId = await requestRun(['first']);
      let claimSeq = 0;
      const claimed = await until('the attempt is claimed', async () => ((await call(daemon.url, worker, 'POST', `${base}/claim`, { max: 1, running: [], claimSeq: (claimSeq += 1) })).body['attempts'] as { envelope: { attemptId: string }; attemptToken: string }[])[0]);
      const { attemptId } = claimed.envelope;
      const report = `${base}/attempts/${attemptId}/`;
      assert.equal((await call(daemon.url, worker, 'POST', `${report}started`, { attemptToken: claimed.attemptToken })).status, 200);
      const result = { outcome: 'SUCCEEDED', error: null, durationMs: 1, dataVersion: null, metadata: {} };
      assert.equal((await call(daemon.url, worker, 'POST', `${report}finished`, { attemptToken: claimed.attemptToken, ...result })).status, 202);
      // As `arco worker` does on SIGTERM once its reports are accepted: before the leader recorded them.
      assert.equal((await call(daemon.url, worker, 'DELETE', base)).status, 200);
      const run = await finished(runId);
      assert.deepEqual(run.tasks[0]?.attempts.map((a) => [a.attemptId, a.outcome]), [[attemptId, 'SUCCEEDED']]);
      assert.equal(run.status, 'SUCCESS');
    });

    test('a worker killed after its compute finished but before reporting it: the restarted worker reports the spooled result, the compute ran once; a stale spooled result is refused and forgotten; the killed worker is unregistered at once', async () => {
      const spool = join(project.dir, '.arco', 'remote-results');
      const spooled = () => {
        try {
          return readdirSync(spool).filter((n) => n.endsWith('.json')).concat(readdirSync(join(spool, 'claims')).filter((n) => n.endsWith('.json')).map((n) => `claims/${n}`));
        } catch {
          return [];
        }
      };
      const firstRuns = () => markLines().filter((l) => l === 'first').length;
      const ranBefore = firstRuns();
      // Its worker processes hold each finished report a minute after spooling it; lost only after 60 s of silence.
      const victim = await startArcoWorker(project.dir, daemon.url, worker, ['--slots', '1', '--heartbeat-timeout-ms', '60000'], { ARCO_TEST_MARKS: marks, ARCO_TEST_REPORT_DELAY_MS: '60000' });
      workers.push(victim);
      const runId = await requestRun(['first']);
      const attemptId = await until('the result is spooled', async () => {
        const attempt = (await store.runs.getRun(runId))?.tasks[0]?.attempts[0];
        return attempt && spooled().includes(`${attempt.attemptId}.json`) ? attempt.attemptId : undefined;
      });
      await stopProcess(victim.child, 'SIGKILL');
      workers.splice(workers.indexOf(victim), 1);
      // A stale result left by a worker that is gone (the victim's pid): its attempt is no worker's now.
      const stale = 'att_stale_spooled';
      writeFileSync(join(spool, `${stale}.json`), JSON.stringify({ runId, taskKey: 'first', message: { type: 'finished', attemptId: stale, attemptToken: 'local', outcome: 'SUCCEEDED', error: null, durationMs: 1, dataVersion: null, metadata: {} } }));
      writeFileSync(join(spool, 'claims', `${stale}.json`), JSON.stringify({ attemptId: stale, workerId: victim.id, attemptToken: randomBytes(32).toString('hex'), pid: victim.child.pid }));
      assert.equal((await store.runs.getRun(runId))?.status, 'STARTED', 'nothing was reported before the kill');

      const restarted = await startWorker(1);
      const run = await finished(runId);
      assert.equal(run.status, 'SUCCESS');
      assert.deepEqual(run.tasks[0]?.attempts.map((a) => [a.attemptId, a.workerId, a.outcome]), [[attemptId, victim.id, 'SUCCEEDED']], 'the first attempt, reported for the killed worker, and no retry');
      assert.equal(firstRuns(), ranBefore + 1, 'the compute ran once');
      const materialized = (await allEvents(store)).filter((e) => e.type === 'AssetMaterialized' && e.payload.runId === runId);
      assert.equal(materialized.length, 1);
      await until('the spool is empty', async () => spooled().length === 0 || undefined);
      // The worker prints the refusal before it forgets the file, but its output reaches this process
      // through a pipe, possibly after the folder was seen empty.
      await until('the worker says the stale result was refused', async () => /att_stale_spooled refused: ATTEMPT_MISMATCH/.test(restarted.output()) || undefined);
      // The killed worker would be lost only after its minute of silence: its successor unregistered it.
      await until('the killed worker is unregistered by its successor', async () => !(await store.workers.listWorkers()).some((w) => w.workerId === victim.id) || undefined, 10_000);
      // It prints that once the API answered, so its line may reach this process after the store changed.
      await until('the worker says it unregistered the killed worker', async () => new RegExp(`worker ${victim.id}, whose process is gone, was unregistered`).test(restarted.output()) || undefined);
      await stopWorkers();
    });

    test('concurrent claims (through the API and two store connections) hand each dispatched attempt to exactly one claim', async () => {
      const workerId = `rw_${randomBytes(8).toString('hex')}`;
      const base = `/workers/${workerId}`;
      assert.equal((await call(daemon.url, worker, 'POST', '/workers', { workerId, host: 'test', pid: process.pid, slots: 6, heartbeatTimeoutMs: 60_000 })).status, 200);
      const runId = await requestRun(['m0', 'm1', 'm2', 'm3', 'm4', 'm5']);
      const dispatched = await until('six attempts are dispatched to the worker', async () => {
        const rows = (await store.workers.listDispatches()).filter((d) => d.workerId === workerId);
        return rows.length === 6 ? rows.map((d) => d.attemptId).sort() : undefined;
      });
      const answers = await Promise.all(Array.from({ length: 12 }, () => call(daemon.url, worker, 'POST', `${base}/claim`, { max: 2 })));
      const claimedIds = answers.flatMap((a) => (a.body['attempts'] as { envelope: { attemptId: string } }[]).map((x) => x.envelope.attemptId));
      assert.deepEqual([...claimedIds].sort(), dispatched, 'every attempt claimed once, none twice');
      // The store's claim itself, raced from two connections (two API servers), on a store of its
      // own: the daemon's leader would forget dispatch rows of attempts no run holds.
      const own = await engine.setup();
      const [one, two] = [await own.open(), await own.open()];
      try {
        const hashes = (n: number) => Array.from({ length: n }, () => randomBytes(32).toString('hex'));
        const rows = Array.from({ length: 20 }, (_, i) => ({ attemptId: `att_race_${i}`, workerId, runId, taskKey: 'm0', envelope: {}, dispatchedAtEpochMs: i }));
        await one.workers.addDispatches(rows);
        // Half the claims begin a claim request (which claims in the same statement), half only claim.
        const begin = async (store: Store) => (await store.workers.beginClaim(workerId, undefined, [], { tokenSha256s: hashes(3), nowEpochMs: 0 }))?.claimed ?? [];
        await one.workers.registerWorker({ workerId, host: 'test', pid: 1, slots: 6, heartbeatTimeoutMs: 60_000, registeredAtEpochMs: 0, seenAtEpochMs: 0 });
        const claims = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 4 < 2 ? begin(i % 2 === 0 ? one : two) : (i % 2 === 0 ? one : two).workers.claimDispatches(workerId, hashes(3)))));
        const ids = claims.flatMap((c) => c.map((d) => d.attemptId));
        assert.equal(ids.length, 20, 'all twenty claimed');
        assert.equal(new Set(ids).size, 20, 'none claimed twice');
      } finally {
        await one.close();
        await two.close();
        await own.drop();
      }
      // The worker leaves: what it held ends WORKER_LOST; cancel the run, which no worker will finish.
      assert.equal((await call(daemon.url, worker, 'DELETE', base)).status, 200);
      assert.equal((await call(daemon.url, admin, 'POST', `/runs/${runId}/cancel`, {})).status < 300, true);
      await finished(runId);
    });
  }
}

describe('remote workers on SQLite', () => remoteWorkerTests(ENGINES[0] as Engine));
describe('remote workers on PostgreSQL', () => remoteWorkerTests(ENGINES[1] as Engine));
