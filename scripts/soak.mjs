#!/usr/bin/env node
// The kill soak (issue #15): finished work is not done again when the daemon dies at any instant.
//
//   npm run soak -- [--trials 24] [--seed 1] [--pause-ms 0]
//
// Each trial starts `arco daemon` on one SQLite store, requests runs of six independent assets
// whose computes write "start" and "done" lines to a log, and kills the daemon with SIGKILL at a
// seeded random instant (with --pause-ms, it is frozen with SIGSTOP that long first, then killed).
// A last daemon finishes what is left. The log then tells whether any compute that had finished
// was run again for the same run and task (target: 0), and every run must have ended.
// Exits non-zero when a finished compute ran again or a run did not end.
import { spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const { values } = parseArgs({ options: { trials: { type: 'string', default: '24' }, seed: { type: 'string', default: '1' }, 'pause-ms': { type: 'string', default: '0' } } });
const trials = Number(values.trials);
const pauseMs = Number(values['pause-ms']);
let state = Number(values.seed) >>> 0 || 1;
/** xorshift32: the kill instants replay for a seed. */
const random = (below) => {
  state ^= state << 13;
  state >>>= 0;
  state ^= state >>> 17;
  state ^= state << 5;
  state >>>= 0;
  return state % below;
};

const dir = mkdtempSync(join(tmpdir(), 'arco-soak-'));
const log = join(dir, 'computes.log');
const assets = ['s1', 's2', 's3', 's4', 's5', 's6'];
writeFileSync(
  join(dir, 'definitions.ts'),
  `import { appendFileSync } from 'node:fs';
import { defineAsset, defineDefinitions } from 'arco-flow';
const log = ${JSON.stringify(log)};
const asset = (key: string, ms: number) => defineAsset({ key, compute: async (ctx) => {
  appendFileSync(log, 'start ' + ctx.runId + ' ' + key + ' ' + ctx.attempt + '\\n');
  await new Promise((r) => setTimeout(r, ms));
  appendFileSync(log, 'done ' + ctx.runId + ' ' + key + ' ' + ctx.attempt + '\\n');
} });
export default defineDefinitions({ assets: [${assets.map((a, i) => `asset('${a}', ${150 + 100 * i})`).join(', ')}] });
`,
);
writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));

function startDaemon() {
  const args = [join(root, 'bin/arco.mjs'), 'daemon', '--project', dir, '--db', join(dir, 'arco.db'), '--port', '0', '--workers', '2', '--attempt-lease-ms', '3000'];
  const child = spawn(process.execPath, args, { env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`arco daemon did not start:\n${output}`)), 60_000);
    const onData = (chunk) => {
      output += chunk.toString();
      const url = /API\s+(http:\/\/\S+)\/api\/v1/.exec(output)?.[1];
      if (url) {
        clearTimeout(timer);
        resolvePromise({ child, url });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => reject(new Error(`arco daemon exited with ${code}:\n${output}`)));
  });
}

async function api(url, path, body) {
  const response = await fetch(`${url}/api/v1${path}`, body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return response.json();
}

const killed = (child) => new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r() : child.once('exit', r)));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const progress = (text) => process.stderr.write(`\r${text}`.padEnd(60));

let requested = 0;
for (let trial = 1; trial <= trials; trial += 1) {
  progress(`trial ${trial}/${trials}`);
  const { child, url } = await startDaemon();
  for (let i = 0; i < 3; i += 1) {
    await api(url, '/runs', { selection: assets });
    requested += 1;
  }
  await sleep(200 + random(2_300));
  if (pauseMs > 0) {
    child.kill('SIGSTOP');
    await sleep(pauseMs);
  }
  child.kill('SIGKILL');
  await killed(child);
}
progress('finishing what is left');
const { child, url } = await startDaemon();
const deadline = Date.now() + 180_000;
let runs = [];
for (;;) {
  runs = (await api(url, '/runs?limit=200')).runs;
  if (runs.every((r) => ['SUCCESS', 'FAILURE', 'CANCELED'].includes(r.status)) || Date.now() > deadline) break;
  await sleep(250);
}
child.kill('SIGKILL');
await killed(child);
process.stderr.write('\n');

const finished = new Set();
let starts = 0;
let rerunsOfFinished = 0;
const examples = [];
for (const line of readFileSync(log, 'utf8').split('\n').filter(Boolean)) {
  const [kind, runId, key] = line.split(' ');
  const task = `${runId} ${key}`;
  if (kind === 'start') {
    starts += 1;
    if (finished.has(task)) {
      rerunsOfFinished += 1;
      if (examples.length < 5) examples.push(task);
    }
  } else finished.add(task);
}
const notEnded = runs.filter((r) => !['SUCCESS', 'FAILURE', 'CANCELED'].includes(r.status));
const byStatus = {};
for (const r of runs) byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
const report = { trials, seed: Number(values.seed), pauseMs, runsRequested: requested, runsByStatus: byStatus, computesStarted: starts, computesFinished: finished.size, rerunsOfFinishedComputes: rerunsOfFinished, examples, runsNotEnded: notEnded.length };
process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
appendFileSync(join(dir, 'report.json'), JSON.stringify(report));
rmSync(dir, { recursive: true, force: true });
process.exit(rerunsOfFinished === 0 && notEnded.length === 0 ? 0 : 1);
