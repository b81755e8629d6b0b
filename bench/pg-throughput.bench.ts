/**
 * Several machines' worth of processes on one PostgreSQL store (issue 16): two `arco daemon`
 * processes (a leader and a standby, one local worker each) and eight `arco worker` processes
 * over HTTP, running runs of no-op assets. After warm-up batches (the throughput sustained by
 * running processes is the target, not their first seconds), reports task completions per second
 * of one batch from its first request to its last run's end, the leader's ledger append latency
 * over it (p50/p99 from its /metrics histogram) and where the CPU went (leader, standby, workers
 * and their children, PostgreSQL).
 * Needs PostgreSQL on 127.0.0.1:5432 (as the tests do); on a machine with few cores the processes
 * compete for them, so the machine is part of the figure.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freshSchema } from '../test/helpers/postgres.js';
import { defineBenchmark } from './harness.js';

const TARGET_TASKS_PER_SECOND = 200;
const ASSETS = 100;
const RUNS = 10;
const REMOTE_WORKERS = 8;
/** Slots of each remote worker (`ARCO_BENCH_SLOTS`, default 1, `arco worker`'s default); the target is for the default. */
const SLOTS = process.env['ARCO_BENCH_SLOTS'] ?? '1';
const ARCO = fileURLToPath(new URL('../bin/arco.mjs', import.meta.url));
const TICKS_PER_SECOND = 100;
/** Batches of RUNS runs before the measured one (`ARCO_BENCH_WARMUP_BATCHES`, default 3). */
const WARMUP_BATCHES = Math.max(1, Number(process.env['ARCO_BENCH_WARMUP_BATCHES'] ?? 3));
/** How often the end of the runs is watched (their duration is read from the runs, not from this). */
const POLL_MS = 500;

interface Started {
  readonly child: ChildProcess;
  readonly match: RegExpExecArray;
}

/**
 * `ARCO_BENCH_CPU_PROF=DIR`: the daemons and the remote workers run with `node --cpu-prof` and are
 * stopped with SIGTERM at the end, so that each writes its profile to DIR (to see where the time goes).
 */
const PROFILE_DIR = process.env['ARCO_BENCH_CPU_PROF'];
/** How many of the most frequent statements the report names (`ARCO_BENCH_TOP_STATEMENTS`, default 5). */
const TOP_STATEMENTS = Number(process.env['ARCO_BENCH_TOP_STATEMENTS'] ?? 5);

function start(args: readonly string[], ready: RegExp, nodeArgs: readonly string[] = [], env: NodeJS.ProcessEnv = {}): Promise<Started> {
  const child = spawn(process.execPath, [...nodeArgs, ARCO, ...args], { env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`arco ${args[0]} did not start:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = ready.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ child, match });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', (code) => reject(new Error(`arco ${args[0]} exited with ${code}:\n${output}`)));
  });
}

const STATEMENT_COUNTER = new URL('./pg-statements.mjs', import.meta.url).href;

/** Statements the daemons sent so far, by SQL text (see pg-statements.mjs). */
function statementCounts(dir: string): Map<string, number> {
  const total = new Map<string, number>();
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.json'))) {
    for (const [sql, n] of JSON.parse(readFileSync(join(dir, name), 'utf8')) as [string, number][]) total.set(sql, (total.get(sql) ?? 0) + n);
  }
  return total;
}

/** CPU (user + system, with reaped children) of a process and its live descendants, in ms. */
function treeCpuMs(pid: number): number {
  const stat = (p: number) => {
    try {
      const fields = readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
      return { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]) };
    } catch {
      return null;
    }
  };
  const all = readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number);
  const children = new Map<number, number[]>();
  for (const p of all) {
    const s = stat(p);
    if (s) children.set(s.ppid, [...(children.get(s.ppid) ?? []), p]);
  }
  let ticks = 0;
  const visit = (p: number) => {
    ticks += stat(p)?.ticks ?? 0;
    for (const c of children.get(p) ?? []) visit(c);
  };
  visit(pid);
  return (ticks * 1000) / TICKS_PER_SECOND;
}

/**
 * CPU of every PostgreSQL server process, in ms: each one's own, and the postmaster's reaped
 * children (backends that ended). Each process once: the backends are the postmaster's children,
 * so summing each one's tree (as this did until 2026-12-07) counted every live backend twice.
 */
function postgresCpuMs(): number {
  const pids = spawnSync('pgrep', ['-x', 'postgres'], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean).map(Number);
  const server = new Set(pids);
  let ticks = 0;
  for (const pid of pids) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
      ticks += Number(fields[11]) + Number(fields[12]);
      if (!server.has(Number(fields[1]))) ticks += Number(fields[13]) + Number(fields[14]);
    } catch {
      // Ended between the listing and the read: its time is in its parent's reaped children.
    }
  }
  return (ticks * 1000) / TICKS_PER_SECOND;
}

interface Bucket {
  readonly le: number;
  readonly count: number;
}

/** A prom-client histogram's cumulative buckets, from the text format. */
function histogramBuckets(metrics: string, name: string): Bucket[] {
  return [...metrics.matchAll(new RegExp(`^${name}_bucket\\{le="([^"]+)"\\} (\\d+)`, 'gm'))].map((m) => ({ le: m[1] === '+Inf' ? Infinity : Number(m[1]), count: Number(m[2]) }));
}

/**
 * A quantile of the observations a histogram gained between two scrapes (`before`'s buckets
 * subtracted from `after`'s), by linear interpolation in its bucket.
 */
function histogramQuantile(after: readonly Bucket[], before: readonly Bucket[], q: number): number | null {
  const buckets = after.map((b, i) => ({ le: b.le, count: b.count - (before[i]?.count ?? 0) }));
  const total = buckets[buckets.length - 1]?.count ?? 0;
  if (total === 0) return null;
  let previous = { le: 0, count: 0 };
  for (const bucket of buckets) {
    if (bucket.count >= q * total) {
      if (bucket.le === Infinity) return previous.le;
      return previous.le + ((bucket.le - previous.le) * (q * total - previous.count)) / Math.max(1, bucket.count - previous.count);
    }
    previous = bucket;
  }
  return null;
}

export default defineBenchmark({
  name: 'postgres-throughput',
  target: `2 daemons + ${REMOTE_WORKERS} remote workers on one PostgreSQL store complete >= ${TARGET_TASKS_PER_SECOND} no-op tasks per second`,
  async run() {
    const dir = mkdtempSync(join(tmpdir(), 'arco-bench-pg-'));
    writeFileSync(
      join(dir, 'definitions.ts'),
      `import { defineAsset, defineDefinitions } from 'arco-flow';\nconst assets = [];\nfor (let i = 0; i < ${ASSETS}; i++) assets.push(defineAsset({ key: 'a' + i, compute: async () => {} }));\nexport default defineDefinitions({ assets });\n`,
    );
    const schema = await freshSchema();
    const processes: ChildProcess[] = [];
    try {
      const token = (role: string) => {
        const made = spawnSync(process.execPath, [ARCO, 'token', 'create', '--role', role, '--db', schema.url, '--project', dir, '--json'], { encoding: 'utf8' });
        if (made.status !== 0) throw new Error(made.stderr);
        return (JSON.parse(made.stdout) as { token: string }).token;
      };
      const operator = token('operator');
      const worker = token('worker');
      const daemonArgs = ['daemon', '--project', dir, '--db', schema.url, '--port', '0', '--workers', '1'];
      const countDir = join(dir, 'statements');
      mkdirSync(countDir);
      const counted = { NODE_OPTIONS: `${process.env['NODE_OPTIONS'] ?? ''} --import ${STATEMENT_COUNTER}`.trim(), ARCO_BENCH_PG_COUNT_DIR: countDir };
      const daemonReady = /daemon (\S+) is running[\s\S]*API\s+(http:\/\/\S+)\/api\/v1/;
      const profiled = PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : [];
      const leader = await start(daemonArgs, daemonReady, profiled, counted);
      processes.push(leader.child);
      const standby = await start(daemonArgs, daemonReady, profiled, counted);
      processes.push(standby.child);
      const url = leader.match[2] as string;
      const headers = { authorization: `Bearer ${operator}`, 'content-type': 'application/json' };
      for (let i = 0; i < REMOTE_WORKERS; i += 1) {
        const w = await start(['worker', '--project', dir, '--url', url, '--token', worker, '--slots', SLOTS], /worker (rw_\S+) is running/, profiled);
        processes.push(w.child);
      }
      const cpuNow = () => ({ leader: treeCpuMs(leader.child.pid as number), standby: treeCpuMs(standby.child.pid as number), workers: processes.slice(2).reduce((s, c) => s + treeCpuMs(c.pid as number), 0), postgres: postgresCpuMs() });
      // Requests RUNS runs at once and waits for all of them to end.
      const batch = async (): Promise<{ runIds: string[]; startedAtEpochMs: number; succeeded: number }> => {
        const startedAtEpochMs = Date.now();
        const runIds: string[] = [];
        for (let i = 0; i < RUNS; i += 1) {
          const response = await fetch(`${url}/api/v1/runs`, { method: 'POST', headers, body: JSON.stringify({ selection: ['*'] }) });
          if (!response.ok) throw new Error(`request a run: ${response.status} ${await response.text()}`);
          runIds.push(((await response.json()) as { run: { runId: string } }).run.runId);
        }
        // The end is watched on /metrics (run counts by status, one grouped query): listing the runs
        // every 100 ms made the leader parse and send ten 84 KB run documents each time, which was
        // most of the leader's CPU in this benchmark, not the work it measures. The time taken is
        // read from the runs themselves (the last one's finishedAt, on this machine's clock), so
        // the watch can be every POLL_MS: each scrape is work for the leader that is not measured.
        const ended = { before: await endedRuns(), now: { ended: 0, succeeded: 0 } };
        for (;;) {
          ended.now = await endedRuns();
          if (ended.now.ended - ended.before.ended === RUNS) break;
          await new Promise((r) => setTimeout(r, POLL_MS));
        }
        return { runIds, startedAtEpochMs, succeeded: ended.now.succeeded - ended.before.succeeded };
      };
      // Runs ended so far; every run ending is not enough: a task lost and never retried would end its run FAILURE.
      const endedRuns = async () => {
        const text = await (await fetch(`${url}/metrics`, { headers })).text();
        const count = (status: string) => Number(new RegExp(`^arco_runs\\{status="${status}"\\} (\\d+)`, 'm').exec(text)?.[1] ?? 0);
        return { ended: count('SUCCESS') + count('FAILURE') + count('CANCELED'), succeeded: count('SUCCESS') };
      };
      // When the last of the runs ended as the leader recorded it (its clock is this machine's).
      const lastFinishedAt = async (runIds: readonly string[], from: number) => {
        let last = from;
        for (const runId of runIds) {
          const run = (await (await fetch(`${url}/api/v1/runs/${runId}`, { headers })).json()) as { finishedAt: string | null };
          last = Math.max(last, Date.parse(run.finishedAt ?? ''));
        }
        return last;
      };
      // WARMUP_BATCHES batches warm the processes up first: V8 compiles a process's hot paths only
      // after it ran them a while, and a daemon or worker of a real deployment runs for days. The
      // first batch is reported on its own as the cold figure; the target is for the batch after
      // the warm-up, measured alone (measured 2026-12-07: 106-152 tasks/s cold, 158-183 after one
      // batch, 191-201 after three or four).
      const cold = await batch();
      const coldWallS = ((await lastFinishedAt(cold.runIds, cold.startedAtEpochMs)) - cold.startedAtEpochMs) / 1000;
      for (let i = 1; i < WARMUP_BATCHES; i += 1) await batch();
      const cpuBefore = cpuNow();
      const appendsBefore = histogramBuckets(await (await fetch(`${url}/metrics`, { headers })).text(), 'arco_ledger_append_seconds');
      // Counts are written every 200 ms: wait for a write that follows the statements so far.
      await new Promise((r) => setTimeout(r, 300));
      const statementsBefore = statementCounts(countDir);
      const { runIds, startedAtEpochMs, succeeded } = await batch();
      await new Promise((r) => setTimeout(r, 300));
      const statements = [...statementCounts(countDir)].map(([sql, n]) => [sql, n - (statementsBefore.get(sql) ?? 0)] as const).filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]);
      // Read before the explanation below, whose reads are not the work measured.
      const cpuAfter = cpuNow();
      const cpu = {
        leader: cpuAfter.leader - cpuBefore.leader,
        standby: cpuAfter.standby - cpuBefore.standby,
        workers: cpuAfter.workers - cpuBefore.workers,
        postgres: cpuAfter.postgres - cpuBefore.postgres,
      };
      // Why runs did not succeed: run and task statuses and the error codes of attempts, counted.
      const errors = new Map<string, number>();
      const count = (key: string) => errors.set(key, (errors.get(key) ?? 0) + 1);
      const lastFinishedAtEpochMs = await lastFinishedAt(runIds, startedAtEpochMs);
      for (const runId of runIds) {
        const run = (await (await fetch(`${url}/api/v1/runs/${runId}`, { headers })).json()) as { status: string };
        count(`run ${run.status}`);
        const { tasks } = (await (await fetch(`${url}/api/v1/runs/${runId}/tasks`, { headers })).json()) as { tasks: { status: string; attempts: { error: { code: string } | null }[] }[] };
        for (const task of tasks) {
          count(`task ${task.status}`);
          for (const a of task.attempts) if (a.error) count(a.error.code);
        }
      }
      const metrics = await (await fetch(`${url}/metrics`, { headers })).text();
      const tasks = ASSETS * RUNS;
      // From the first request to the last run's end as the leader recorded it.
      const wallS = (lastFinishedAtEpochMs - startedAtEpochMs) / 1000;
      const perSecond = tasks / wallS;
      const appends = histogramBuckets(metrics, 'arco_ledger_append_seconds');
      const p50 = histogramQuantile(appends, appendsBefore, 0.5);
      const p99 = histogramQuantile(appends, appendsBefore, 0.99);
      const ms = (s: number | null) => (s === null ? 'n/a' : Number((s * 1000).toFixed(2)));
      return {
        met: perSecond >= TARGET_TASKS_PER_SECOND && succeeded === RUNS,
        metrics: {
          tasks,
          runsSucceeded: succeeded,
          outcomes: [...errors].map(([code, n]) => `${code}: ${n}`).join(', ') || 'none',
          wallSeconds: Number(wallS.toFixed(2)),
          tasksPerSecond: Number(perSecond.toFixed(1)),
          coldTasksPerSecond: Number((tasks / coldWallS).toFixed(1)),
          appendP50Ms: ms(p50),
          appendP99Ms: ms(p99),
          leaderCpuMs: cpu.leader,
          standbyCpuMs: cpu.standby,
          workersCpuMs: cpu.workers,
          postgresCpuMs: cpu.postgres,
          cpuMsPerTask: Number(((cpu.leader + cpu.standby + cpu.workers + cpu.postgres) / tasks).toFixed(2)),
          statementsPerTask: Number((statements.reduce((sum, [, n]) => sum + n, 0) / tasks).toFixed(1)),
          topStatementsPerTask: statements.slice(0, TOP_STATEMENTS).map(([sql, n]) => `${(n / tasks).toFixed(2)} ${sql.slice(0, 60)}`).join(' | '),
        },
        summary: `${tasks} no-op tasks in ${RUNS} runs (${succeeded} SUCCESS) took ${wallS.toFixed(1)} s: ${perSecond.toFixed(0)} tasks/s (the first ${RUNS}, as the processes warmed up: ${(tasks / coldWallS).toFixed(0)}); leader append p99 ${ms(p99)} ms; CPU per task: leader ${(cpu.leader / tasks).toFixed(1)} ms, workers ${(cpu.workers / tasks).toFixed(1)} ms, PostgreSQL ${(cpu.postgres / tasks).toFixed(1)} ms.`,
      };
    } finally {
      if (PROFILE_DIR) {
        // Workers first, while the API they report to is still up; then the daemons.
        const stop = (children: ChildProcess[]) => Promise.all(children.filter((c) => c.exitCode === null).map((c) => new Promise((resolve) => c.once('exit', resolve).kill('SIGTERM'))));
        await stop(processes.slice(2));
        await stop(processes.slice(0, 2));
      }
      for (const child of processes) child.kill('SIGKILL');
      await schema.drop().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    }
  },
});
