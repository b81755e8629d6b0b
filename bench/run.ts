/**
 * Runs every `bench/*.bench.ts` (or those whose name contains an argument) and prints the results.
 * `--record` also rewrites each benchmark's section of docs/benchmarks.md with the figures and the
 * machine they were measured on.
 *
 *   npm run bench                     all benchmarks
 *   npm run bench -- ledger --record  the ledger benchmark, recorded
 */
import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { cpus, totalmem, platform, release } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Benchmark, BenchOutcome } from './harness.js';

const benchDir = resolve(fileURLToPath(new URL('.', import.meta.url)));
const docPath = resolve(benchDir, '..', 'docs', 'benchmarks.md');
const args = process.argv.slice(2);
const record = args.includes('--record');
const filters = args.filter((a) => !a.startsWith('--'));

function machine(): string {
  const cpu = cpus();
  return `${cpu.length} x ${cpu[0]?.model.trim() ?? 'unknown cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, ${platform()} ${release()}, Node ${process.version}`;
}

function section(b: Benchmark, outcome: BenchOutcome, date: string): string {
  const rows = Object.entries(outcome.metrics).map(([k, v]) => `| ${k} | ${typeof v === 'number' ? Number(v.toFixed(3)) : v} |`);
  return [
    `## ${b.name}`,
    '',
    `Target: ${b.target}`,
    '',
    `Last result (${date}, ${machine()}): **${outcome.met ? 'target met' : 'target NOT met'}**. ${outcome.summary}`,
    '',
    '| metric | value |',
    '|---|---|',
    ...rows,
    '',
  ].join('\n');
}

function recordSection(name: string, text: string): void {
  const header = '# Benchmarks\n\nRecorded by `npm run bench -- --record`. Each section states its target and its last measured result with the machine.\n\n';
  const doc = existsSync(docPath) ? readFileSync(docPath, 'utf8') : header;
  const start = doc.indexOf(`## ${name}\n`);
  if (start === -1) {
    writeFileSync(docPath, `${doc.trimEnd()}\n\n${text}`);
    return;
  }
  const next = doc.indexOf('\n## ', start + 1);
  writeFileSync(docPath, doc.slice(0, start) + text + (next === -1 ? '' : doc.slice(next + 1)));
}

const files = readdirSync(benchDir).filter((f) => f.endsWith('.bench.ts')).sort();
let failures = 0;
for (const file of files) {
  const mod = (await import(pathToFileURL(join(benchDir, file)).href)) as { default: Benchmark };
  const b = mod.default;
  if (filters.length && !filters.some((f) => b.name.includes(f) || file.includes(f))) continue;
  process.stdout.write(`${b.name}: running (target: ${b.target})\n`);
  const outcome = await b.run();
  if (!outcome.met) failures += 1;
  process.stdout.write(`${b.name}: ${outcome.met ? 'met' : 'NOT met'} - ${outcome.summary}\n`);
  for (const [k, v] of Object.entries(outcome.metrics)) process.stdout.write(`  ${k}: ${v}\n`);
  if (record) recordSection(b.name, section(b, outcome, new Date().toISOString().slice(0, 10)));
}
process.exitCode = failures ? 1 : 0;
