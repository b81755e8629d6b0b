#!/usr/bin/env node
// The mutation gate (issue 19): proves that the tests an Implemented matrix row cites can fail for
// the bug the row rules out. For each mutation of scripts/mutations.mjs it
//
//   1. runs the row's cited tests on the unchanged code (the baseline: they must all pass, else a
//      "kill" would prove nothing), once per row;
//   2. applies the mutation IN PLACE (an exact text that occurs exactly once in a file under src/),
//      runs the same tests again and restores the file, byte for byte and with its old mtime;
//   3. calls the mutation killed when a cited test failed or vanished, survived when all passed.
//
// Only the cited tests run: each cited file with one `--test-name-pattern` per cited title (a
// `describe` matching a title runs whole). When a cited test is a subtest of a non-matching test,
// node 20 skips it, and a test that builds on the tests before it fails alone; the baseline notices
// either and that row then runs its cited files whole. Results are
// read from a JUnit report with the parity checker's own matcher (src/parity), so "cited test" means
// here exactly what it means to `arco parity check`. Tests run from the sources
// (ARCO_FROM_SOURCE=1), so the CLI the e2e tests spawn runs the mutated code, never dist/.
//
//   npm run mutate                       every mutation; exit 1 if one survives or is broken
//   npm run mutate -- --only NAME[,NAME] just these (repeatable)
//   npm run mutate -- --list             print the mutations and their rows, run nothing
//   npm run mutate -- --no-baseline      skip step 1 (faster; a broken test then counts as a kill)
//   npm run mutate -- --timeout SECONDS  per test run (default 900); a run that times out is a kill
//
// The source file is restored in a finally block, on SIGINT/SIGTERM, and on exit. If the file changed
// under us while mutated (someone saved it), it is NOT overwritten: the script says so and exits 1.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { register } from 'tsx/esm/api';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
register();
const parity = await import(pathToFileURL(join(root, 'src/parity/index.ts')).href);
const { default: MUTATIONS } = await import(pathToFileURL(join(root, 'scripts/mutations.mjs')).href);

// ---------------------------------------------------------------------------------------------
// Arguments

function usage(message) {
  console.error(`mutate: ${message}\nusage: node scripts/mutate.mjs [--only NAME[,NAME]]... [--list] [--no-baseline] [--timeout SECONDS]`);
  process.exit(2);
}

const options = { only: [], list: false, baseline: true, timeoutMs: 900_000 };
for (let i = 2; i < process.argv.length; i += 1) {
  const arg = process.argv[i];
  const value = () => process.argv[++i] ?? usage(`${arg} needs a value`);
  if (arg === '--only') options.only.push(...value().split(',').filter(Boolean));
  else if (arg.startsWith('--only=')) options.only.push(...arg.slice(7).split(',').filter(Boolean));
  else if (arg === '--list') options.list = true;
  else if (arg === '--no-baseline') options.baseline = false;
  else if (arg === '--timeout') options.timeoutMs = Number(value()) * 1000;
  else usage(`unknown argument ${arg}`);
}
if (!(options.timeoutMs > 0)) usage('--timeout needs a positive number of seconds');

// ---------------------------------------------------------------------------------------------
// The matrix and the mutations

const matrix = parity.parseMatrix(readFileSync(join(root, 'docs/parity/dagster-parity-matrix.md'), 'utf8'));
const rowsById = new Map(matrix.rows.map((row) => [row.id, row]));

const names = new Set();
for (const m of MUTATIONS) {
  if (names.has(m.name)) usage(`mutation ${m.name} is listed twice in scripts/mutations.mjs`);
  names.add(m.name);
}
for (const name of options.only) if (!names.has(name)) usage(`no mutation named ${name} (see --list)`);
const selected = options.only.length ? MUTATIONS.filter((m) => options.only.includes(m.name)) : MUTATIONS;

/** Test files under test/ (sorted), for finding the files that run a shared suite module. */
function testFiles(dir = join(root, 'test')) {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return entry.name === 'fixtures' ? [] : testFiles(path);
      return entry.name.endsWith('.test.ts') ? [relative(root, path)] : [];
    });
}

/**
 * The files to run for a cited file: itself, or for a shared suite module (test/store/conformance.ts)
 * the test files beside it that import it.
 */
function runnableFiles(cited) {
  if (cited.endsWith('.test.ts')) return [cited];
  const module = basename(cited).replace(/\.ts$/, '');
  const dir = cited.slice(0, cited.lastIndexOf('/') + 1);
  return testFiles().filter(
    (file) => file.startsWith(dir) && new RegExp(`from ['"]\\./${module}(\\.js|\\.ts)?['"]`).test(readFileSync(join(root, file), 'utf8')),
  );
}

const escapeRegExp = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** What a mutation needs, or the reason it is broken. */
function prepare(m) {
  const problems = [];
  for (const field of ['name', 'row', 'file', 'find', 'replace']) if (typeof m[field] !== 'string' || m[field] === '') problems.push(`no ${field}`);
  if (problems.length) return { problems };
  const row = rowsById.get(m.row);
  if (!row) problems.push(`no matrix row ${m.row}`);
  else if (row.cells.Status !== 'Implemented') problems.push(`row ${m.row} is ${row.cells.Status}, not Implemented`);
  if (!m.file.startsWith('src/') || m.file.includes('..')) problems.push(`${m.file} is not under src/`);
  let occurrences = 0;
  try {
    const text = readFileSync(join(root, m.file), 'utf8');
    for (let at = text.indexOf(m.find); at !== -1; at = text.indexOf(m.find, at + 1)) occurrences += 1;
    if (occurrences !== 1) problems.push(`its text occurs ${occurrences} times in ${m.file}, not once`);
  } catch {
    problems.push(`${m.file} does not exist`);
  }
  if (m.find === m.replace) problems.push('replace equals find');
  if (!row || problems.length) return { problems, section: row?.section };
  const cited = parity.parseTestEvidence(row.cells['Evidence (Tests)']).items;
  if (cited.length === 0) return { problems: [`row ${m.row} cites no test`], section: row.section };
  const files = [...new Set(cited.flatMap((test) => runnableFiles(test.file)))];
  const missing = cited.filter((test) => runnableFiles(test.file).length === 0).map((test) => test.file);
  if (missing.length) return { problems: [`no test file runs ${[...new Set(missing)].join(', ')}`], section: row.section };
  const patterns = [...new Set(cited.map((test) => `^${escapeRegExp(test.titlePath[test.titlePath.length - 1])}$`))];
  return { problems: [], section: row.section, row, cited, files, patterns };
}

const prepared = new Map(selected.map((m) => [m.name, prepare(m)]));

if (options.list) {
  for (const m of selected) {
    const p = prepared.get(m.name);
    console.log(`${m.name.padEnd(44)} ${m.row.padEnd(8)} ${m.file}${p.problems.length ? `  BROKEN: ${p.problems.join('; ')}` : ''}\n    ${m.bug ?? ''}`);
  }
  process.exit(0);
}

// Every section that has Implemented rows needs a mutation (checked on full runs only).
const coverageProblems = [];
if (options.only.length === 0) {
  const mutated = new Set(MUTATIONS.map((m) => rowsById.get(m.row)?.section).filter(Boolean));
  const implemented = new Set(matrix.rows.filter((row) => row.cells.Status === 'Implemented').map((row) => row.section));
  for (const section of implemented) if (!mutated.has(section)) coverageProblems.push(`section "${section}" has Implemented rows but no mutation`);
}

// ---------------------------------------------------------------------------------------------
// Applying and restoring, safely

/** The mutation currently applied: { path, original, mutated, atime, mtime }. */
let applied;

function restore() {
  if (!applied) return true;
  const { path, original, mutated, atime, mtime } = applied;
  applied = undefined;
  let current;
  try {
    current = readFileSync(path, 'utf8');
  } catch {
    current = undefined;
  }
  if (current === original) return true;
  if (current !== mutated) {
    console.error(`\nmutate: ${relative(root, path)} changed while it was mutated; NOT restoring it over that change. Check it by hand (git diff).`);
    return false;
  }
  writeFileSync(path, original);
  // The old mtime too: bin/arco.mjs compares src/ with dist/BUILD, and the content is the old one.
  utimesSync(path, atime, mtime);
  return true;
}

function apply(m) {
  const path = join(root, m.file);
  const original = readFileSync(path, 'utf8');
  const { atime, mtime } = statSync(path);
  const mutated = original.replace(m.find, () => m.replace);
  applied = { path, original, mutated, atime, mtime };
  writeFileSync(path, mutated);
}

let child;
function onSignal(signal) {
  if (child) child.kill('SIGKILL');
  const ok = restore();
  console.error(`\nmutate: ${signal}; ${ok ? 'source restored' : 'see above'}`);
  process.exit(130);
}
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);
process.on('exit', () => restore());

// ---------------------------------------------------------------------------------------------
// Running the cited tests

const work = mkdtempSync(join(tmpdir(), 'arco-mutate-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));
let runs = 0;

/** Runs files (optionally filtered by name patterns); resolves { report, timedOut, log, code, ms }. */
function runTests(files, patterns) {
  runs += 1;
  const reportPath = join(work, `junit-${runs}.xml`);
  const logPath = join(work, `log-${runs}.txt`);
  const args = [
    '--import',
    './src/runtime/loader/register.mjs',
    '--test',
    '--test-concurrency=3',
    '--test-reporter=junit',
    `--test-reporter-destination=${reportPath}`,
    '--test-reporter=dot',
    `--test-reporter-destination=${logPath}`,
    ...(patterns ?? []).map((pattern) => `--test-name-pattern=${pattern}`),
    ...files,
  ];
  const started = Date.now();
  return new Promise((done) => {
    let output = '';
    child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, ARCO_FROM_SOURCE: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (chunk) => (output = (output + chunk).slice(-20_000)));
    child.stderr.on('data', (chunk) => (output = (output + chunk).slice(-20_000)));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child?.kill('SIGKILL');
    }, options.timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      child = undefined;
      let report = parity.EMPTY_REPORT;
      try {
        report = parity.parseJunitReport(readFileSync(reportPath, 'utf8'));
      } catch {
        // No or partial report (killed): every cited test counts as not passed.
      }
      done({ report, timedOut, code, output, ms: Date.now() - started });
    });
  });
}

/** Per cited test: 'passed', 'failed' (some matching entry did not pass) or 'missing'. */
function citedOutcomes(report, cited) {
  return cited.map((test) => {
    const results = parity.matchingResults(report, test);
    if (results.length === 0) return { test, outcome: 'missing' };
    return { test, outcome: results.every((r) => r.outcome === 'passed') ? 'passed' : 'failed' };
  });
}

const citation = (test) => `${test.file} › ${test.titlePath.join(' › ')}`;
const seconds = (ms) => `${Math.round(ms / 1000)}s`;

/** Baselines per row: { mode: 'patterns' | 'files' } or { problem }. */
const baselines = new Map();

async function baseline(p) {
  const cachedFor = baselines.get(p.row.id);
  if (cachedFor) return cachedFor;
  let result = await runTests(p.files, p.patterns);
  let outcomes = citedOutcomes(result.report, p.cited);
  let mode = 'patterns';
  if (outcomes.some((o) => o.outcome !== 'passed')) {
    // Node 20 skips a cited subtest of a test the patterns do not match, and some files' tests build
    // on the ones before them (one shared store per describe): run such rows' files whole.
    result = await runTests(p.files, undefined);
    outcomes = citedOutcomes(result.report, p.cited);
    mode = 'files';
  }
  const bad = outcomes.filter((o) => o.outcome !== 'passed');
  const answer = bad.length
    ? { problem: `baseline: ${bad.map((o) => `${o.outcome} ${citation(o.test)}`).join('; ')}`, output: result.output }
    : { mode, ms: result.ms };
  baselines.set(p.row.id, answer);
  return answer;
}

// ---------------------------------------------------------------------------------------------
// The gate

const results = [];
let restoreFailed = false;
console.log(`mutation gate: ${selected.length} mutation(s), the cited tests of their rows${options.baseline ? ', each row checked on unchanged code first' : ''}\n`);

for (const m of selected) {
  const p = prepared.get(m.name);
  const base = { name: m.name, row: m.row, section: p.section ?? '?', file: m.file };
  if (p.problems.length) {
    results.push({ ...base, verdict: 'BROKEN', detail: p.problems.join('; ') });
    console.log(`BROKEN    ${m.name}: ${p.problems.join('; ')}`);
    continue;
  }
  let mode = 'patterns';
  if (options.baseline) {
    const b = await baseline(p);
    if (b.problem) {
      results.push({ ...base, verdict: 'BROKEN', detail: b.problem });
      console.log(`BROKEN    ${m.name}: ${b.problem}\n${b.output.split('\n').slice(-30).join('\n')}`);
      continue;
    }
    mode = b.mode;
  }
  let run;
  apply(m);
  try {
    run = await runTests(p.files, mode === 'patterns' ? p.patterns : undefined);
  } finally {
    if (!restore()) restoreFailed = true;
  }
  if (restoreFailed) break;
  const outcomes = citedOutcomes(run.report, p.cited);
  const killers = outcomes.filter((o) => o.outcome !== 'passed');
  const verdict = run.timedOut || killers.length > 0 ? 'KILLED' : 'SURVIVED';
  const detail = run.timedOut
    ? `timed out after ${seconds(run.ms)}`
    : killers.length
      ? `${killers.length}/${outcomes.length} cited tests ${[...new Set(killers.map((k) => k.outcome))].join('/')}, e.g. ${citation(killers[0].test)}`
      : `all ${outcomes.length} cited tests passed`;
  results.push({ ...base, verdict, detail, ms: run.ms });
  console.log(`${verdict.padEnd(9)} ${m.name} (${m.row}, ${seconds(run.ms)}): ${detail}`);
}

// ---------------------------------------------------------------------------------------------
// The report

const width = (key, min) => Math.max(min, ...results.map((r) => String(r[key]).length));
const [wn, wr, ws, wv] = [width('name', 8), width('row', 3), width('section', 7), width('verdict', 7)];
console.log(`\n${'mutation'.padEnd(wn)}  ${'row'.padEnd(wr)}  ${'section'.padEnd(ws)}  ${'verdict'.padEnd(wv)}  file`);
console.log(`${'-'.repeat(wn)}  ${'-'.repeat(wr)}  ${'-'.repeat(ws)}  ${'-'.repeat(wv)}  ${'-'.repeat(4)}`);
for (const r of results) console.log(`${r.name.padEnd(wn)}  ${r.row.padEnd(wr)}  ${r.section.padEnd(ws)}  ${r.verdict.padEnd(wv)}  ${r.file}`);

const killed = results.filter((r) => r.verdict === 'KILLED').length;
const survived = results.filter((r) => r.verdict === 'SURVIVED');
const broken = results.filter((r) => r.verdict === 'BROKEN');
const judged = killed + survived.length;
console.log(`\nkill rate: ${killed}/${judged}${judged ? ` (${Math.round((killed / judged) * 1000) / 10}%)` : ''}; ${broken.length} broken; ${runs} test runs`);
for (const r of survived) console.log(`SURVIVED: ${r.name} — the cited tests of ${r.row} do not fail for: ${MUTATIONS.find((m) => m.name === r.name).bug}`);
for (const r of broken) console.log(`BROKEN: ${r.name} — ${r.detail}`);
for (const problem of coverageProblems) console.log(`COVERAGE: ${problem}`);
if (restoreFailed) console.log('RESTORE: a mutated file changed under the gate and was left as it is; see above');
process.exit(survived.length || broken.length || coverageProblems.length || restoreFailed ? 1 : 0);
