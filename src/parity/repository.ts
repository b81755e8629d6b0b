/**
 * The I/O shell of the parity tool: finds the repository, reads the matrix, CSV, exceptions,
 * CODEOWNERS, `.ci/run` and the test report, runs `git`, and hands plain values to the pure rules in
 * check.ts, audit.ts, csv.ts and diff.ts. Paths are relative to the repository root.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { arcoError, isArcoError } from '../domain/errors/index.js';
import { applyDowngrades, planDowngrades, type Downgrade } from './audit.js';
import { checkMatrix } from './check.js';
import { parseCodeownersTeams } from './codeowners.js';
import { compareCsv, renderCsv } from './csv.js';
import { diffMatrices, type MatrixDiff } from './diff.js';
import { parseExceptions } from './exceptions-doc.js';
import { EMPTY_REPORT, mergeReports, parseJunitReport, type TestReport } from './junit.js';
import { sortProblems, type ParsedMatrix, type Problem } from './matrix.js';
import { parseMatrix } from './parse-matrix.js';
import type { ParityFacts } from './proof.js';

/** Where the parity tool finds its files, relative to the repository root. */
export const PARITY_PATHS = {
  matrix: 'docs/parity/dagster-parity-matrix.md',
  csv: 'docs/parity/dagster-parity-matrix.csv',
  exceptions: 'docs/parity/exceptions.md',
  ciScript: '.ci/run',
  report: 'reports/junit.xml',
  codeowners: ['CODEOWNERS', '.github/CODEOWNERS', 'docs/CODEOWNERS'],
} as const;

const PACKAGE_NAME = 'arco-flow';

/**
 * The nearest directory at or above `start` whose package.json is named `arco-flow`.
 * @throws PARITY_ROOT_NOT_FOUND when there is none.
 */
export function findRepositoryRoot(start: string): string {
  for (let directory = resolve(start); ; directory = dirname(directory)) {
    const manifest = join(directory, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name === PACKAGE_NAME) return directory;
      } catch {
        // An unreadable package.json belongs to something else; keep walking up.
      }
    }
    if (dirname(directory) === directory) {
      throw arcoError('PARITY_ROOT_NOT_FOUND', `no ${PACKAGE_NAME} package.json at or above ${start}; pass --root`, { start });
    }
  }
}

function readOptional(root: string, path: string): string | undefined {
  const absolute = resolve(root, path);
  return existsSync(absolute) && statSync(absolute).isFile() ? readFileSync(absolute, 'utf8') : undefined;
}

function readRequired(root: string, path: string): string {
  const text = readOptional(root, path);
  if (text === undefined) throw arcoError('PARITY_FILE_NOT_FOUND', `${path} does not exist`, { path });
  return text;
}

/**
 * Reads and merges the test reports. Named reports must exist; without names, the default report is
 * used when present, and its absence is a note (every test then counts as not proven).
 * @throws PARITY_FILE_NOT_FOUND, PARITY_REPORT_INVALID
 */
export function loadReport(root: string, reportPaths: readonly string[] = []): { report: TestReport; notes: string[] } {
  const notes: string[] = [];
  const paths = reportPaths.length > 0 ? reportPaths : [PARITY_PATHS.report];
  const reports: TestReport[] = [];
  for (const path of paths) {
    const text = readOptional(root, path);
    if (text === undefined && reportPaths.length === 0) {
      notes.push(`no test report at ${path}: no test counts as passed`);
      continue;
    }
    if (text === undefined) throw arcoError('PARITY_FILE_NOT_FOUND', `the test report ${path} does not exist`, { path });
    try {
      reports.push(parseJunitReport(text));
    } catch (error) {
      if (isArcoError(error)) throw arcoError(error.code, `${path}: ${error.message}`, { path });
      throw error;
    }
  }
  return { report: reports.length > 0 ? mergeReports(reports) : EMPTY_REPORT, notes };
}

/** The facts of the repository on disk, for `checkMatrix`. */
export function repositoryFacts(root: string, report: TestReport): { facts: ParityFacts; exceptionProblems: Problem[] } {
  const codeowners = PARITY_PATHS.codeowners.map((path) => readOptional(root, path)).find((text) => text !== undefined);
  const exceptions = parseExceptions(readOptional(root, PARITY_PATHS.exceptions) ?? '');
  const facts: ParityFacts = {
    teams: parseCodeownersTeams(codeowners ?? ''),
    exceptionIds: new Set(exceptions.entries.map((entry) => entry.id)),
    ciScript: readOptional(root, PARITY_PATHS.ciScript),
    report,
    readFile: (path) => readOptional(root, path),
    pathExists: (path) => existsSync(resolve(root, path)),
  };
  return { facts, exceptionProblems: exceptions.problems };
}

export interface CheckOutcome {
  readonly matrix: ParsedMatrix;
  readonly problems: readonly Problem[];
  /** Remarks that are not problems (e.g. no report found). */
  readonly notes: readonly string[];
}

/**
 * Runs every check: matrix rows, CSV agreement and exceptions.md.
 * @throws PARITY_FILE_NOT_FOUND (matrix or a named report), PARITY_REPORT_INVALID
 */
export function checkRepository(root: string, reportPaths: readonly string[] = []): CheckOutcome {
  const matrix = parseMatrix(readRequired(root, PARITY_PATHS.matrix));
  const { report, notes } = loadReport(root, reportPaths);
  const { facts, exceptionProblems } = repositoryFacts(root, report);
  const csvText = readOptional(root, PARITY_PATHS.csv);
  const csvProblems: Problem[] =
    csvText === undefined
      ? [{ source: 'csv', line: 1, column: '-', rule: 'csv-mismatch', message: `${PARITY_PATHS.csv} does not exist; generate it with \`arco parity export --csv\`` }]
      : compareCsv(matrix.rows, csvText);
  const problems = sortProblems([...checkMatrix(matrix, facts), ...csvProblems, ...exceptionProblems]);
  return { matrix, problems, notes };
}

/**
 * Finds the Implemented rows whose proof fails; with `write`, rewrites them to Partial in the
 * markdown and regenerates the CSV so the two still agree.
 */
export function auditRepository(root: string, reportPaths: readonly string[], write: boolean): { downgrades: Downgrade[]; notes: readonly string[] } {
  const { matrix, problems, notes } = checkRepository(root, reportPaths);
  const downgrades = planDowngrades(matrix, problems);
  if (write && downgrades.length > 0) {
    const markdown = applyDowngrades(readRequired(root, PARITY_PATHS.matrix), matrix, downgrades);
    writeFileSync(resolve(root, PARITY_PATHS.matrix), markdown);
    writeFileSync(resolve(root, PARITY_PATHS.csv), renderCsv(parseMatrix(markdown).rows));
  }
  return { downgrades, notes };
}

/** Regenerates the CSV from the markdown. Returns the path written and the number of rows. */
export function exportCsv(root: string): { path: string; rows: number } {
  const matrix = parseMatrix(readRequired(root, PARITY_PATHS.matrix));
  writeFileSync(resolve(root, PARITY_PATHS.csv), renderCsv(matrix.rows));
  return { path: PARITY_PATHS.csv, rows: matrix.rows.length };
}

function git(root: string, args: readonly string[]): { ok: boolean; stdout: string; stderr: string } {
  try {
    const stdout = execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
    return { ok: true, stdout, stderr: '' };
  } catch (error) {
    const failure = error as { stdout?: string; stderr?: string; code?: string };
    if (failure.code === 'ENOENT') throw arcoError('PARITY_GIT_FAILED', 'git is not installed', { command: `git ${args.join(' ')}` });
    return { ok: false, stdout: failure.stdout ?? '', stderr: failure.stderr ?? '' };
  }
}

/**
 * The matrix text at a revision, '' when the matrix did not exist there (so every row reads as added).
 * @throws PARITY_REVISION_NOT_FOUND, PARITY_GIT_FAILED
 */
export function readMatrixAtRevision(root: string, revision: string): { text: string; label: string } {
  const commit = git(root, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${revision}^{commit}`]);
  if (!commit.ok) {
    const inside = git(root, ['rev-parse', '--is-inside-work-tree']);
    if (!inside.ok) throw arcoError('PARITY_GIT_FAILED', `${root} is not inside a git repository`, { command: 'git rev-parse', stderr: inside.stderr.trim() });
    throw arcoError('PARITY_REVISION_NOT_FOUND', `"${revision}" does not name a commit`, { revision });
  }
  const label = `${revision} (${commit.stdout.trim().slice(0, 10)})`;
  const spec = `${commit.stdout.trim()}:./${PARITY_PATHS.matrix}`;
  if (!git(root, ['cat-file', '-e', spec]).ok) return { text: '', label };
  const shown = git(root, ['show', spec]);
  if (!shown.ok) throw arcoError('PARITY_GIT_FAILED', `git show ${spec} failed`, { command: `git show ${spec}`, stderr: shown.stderr.trim() });
  return { text: shown.stdout, label };
}

/** Diffs the matrix between two revisions, or between a revision and the working tree. */
export function diffRepository(root: string, from: string, to?: string): MatrixDiff {
  const before = readMatrixAtRevision(root, from);
  const after =
    to === undefined ? { text: readOptional(root, PARITY_PATHS.matrix) ?? '', label: 'working tree' } : readMatrixAtRevision(root, to);
  return diffMatrices(parseMatrix(before.text).rows, parseMatrix(after.text).rows, before.label, after.label);
}
