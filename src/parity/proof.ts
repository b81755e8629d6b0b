/**
 * Verifies the evidence an Implemented row cites: code that exists, tests that exist and passed in
 * the report, and CI commands that `.ci/run` runs. Each failure is a problem marked `proof`, the kind
 * `audit --downgrade` acts on. File access comes in through `ParityFacts`, so this stays testable
 * with in-memory fixtures.
 */
import { parseCiEvidence, parseCodeEvidence, parseTestEvidence, type TestEvidence } from './evidence.js';
import type { TestReport, TestResult } from './junit.js';
import { PROOF_LEVEL_TEST_ROOTS, isProofLevel, type MatrixColumn, type MatrixRow, type Problem } from './matrix.js';

/** What the checker knows about the repository, injected so the rules stay pure. */
export interface ParityFacts {
  /** `@org/team` handles named in CODEOWNERS. */
  readonly teams: ReadonlySet<string>;
  /** Ids defined in docs/parity/exceptions.md. */
  readonly exceptionIds: ReadonlySet<string>;
  /** The text of `.ci/run`, or undefined when it does not exist. */
  readonly ciScript: string | undefined;
  /** The test report(s) merged; tests absent from it count as not proven. */
  readonly report: TestReport;
  /** Reads a repository-relative file; undefined when it is missing or a directory. */
  readFile(path: string): string | undefined;
  /** Whether a repository-relative path exists as a file or a directory. */
  pathExists(path: string): boolean;
}

function escapeRegex(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Whether the source declares `name` at any level: function, class, variable, type, or re-export. */
export function declaresName(source: string, name: string): boolean {
  const n = escapeRegex(name);
  return (
    new RegExp(`\\b(?:function\\s*\\*?|class|const|let|var|interface|type|enum|namespace)\\s+${n}\\b`).test(source) ||
    new RegExp(`\\bexport\\s*(?:type\\s*)?\\{[^}]*\\b${n}\\b[^}]*\\}`).test(source)
  );
}

/** Whether the source declares `member` as a method, property or object key (`member(`, `member:`, `member =`). */
export function declaresMember(source: string, member: string): boolean {
  const m = escapeRegex(member);
  const modifiers = '(?:(?:static|readonly|async|get|set|public|private|protected|override)\\s+)*';
  return new RegExp(`(?:^|[\\s{,;])${modifiers}${m}\\s*(?:<[^>\\n]*>)?\\s*\\??\\s*[(:=]`, 'm').test(source);
}

/** Whether a command appears in the CI script as a command, not inside a longer word or a comment. */
export function ciRunsCommand(script: string, command: string): boolean {
  const pattern = new RegExp(`(?:^|[\\s;&|(])${escapeRegex(command)}(?=$|[\\s;&|)])`);
  return script
    .split(/\r?\n/)
    .filter((line) => !line.trimStart().startsWith('#'))
    .some((line) => pattern.test(line));
}

/** Whether a title occurs in the test file as written, allowing for its quotes being escaped. */
export function fileMentionsTitle(source: string, title: string): boolean {
  const variants = [title, title.replace(/'/g, "\\'"), title.replace(/"/g, '\\"'), title.replace(/`/g, '\\`')];
  return variants.some((variant) => source.includes(variant));
}

/**
 * The report results a citation names: those whose title path ends with the cited titles (so a
 * citation may omit outer suites) and, when the report records files, that came from the cited file.
 */
export function matchingResults(report: TestReport, test: TestEvidence): TestResult[] {
  const cited = test.titlePath;
  return report.results.filter((result) => {
    const path = result.titlePath;
    if (path.length < cited.length) return false;
    const offset = path.length - cited.length;
    if (!cited.every((title, index) => path[offset + index] === title)) return false;
    return result.file === undefined || result.file === test.file || result.file.endsWith(`/${test.file}`);
  });
}

/**
 * A skipped or todo report entry that is a suite enclosing the cited test. node:test reports a
 * skipped `describe` as one `<testcase>` with `<skipped>` and none of its tests, so a test inside
 * it matches nothing; naming the suite tells the reader it was skipped, not renamed.
 */
function skippedEnclosingSuite(report: TestReport, test: TestEvidence): TestResult | undefined {
  for (let length = test.titlePath.length - 1; length >= 1; length -= 1) {
    const outer: TestEvidence = { ...test, titlePath: test.titlePath.slice(0, length) };
    const skipped = matchingResults(report, outer).find((result) => result.outcome === 'skipped' || result.outcome === 'todo');
    if (skipped) return skipped;
  }
  return undefined;
}

/** `citation` is the raw test citation a test problem is about (audit drops it from a downgraded row). */
type Emit = (column: MatrixColumn, rule: string, message: string, citation?: string) => void;

function verifyCode(row: MatrixRow, facts: ParityFacts, emit: Emit): void {
  const { items } = parseCodeEvidence(row.cells['Evidence (Code)']);
  if (items.length === 0) emit('Evidence (Code)', 'code-evidence-missing', 'an Implemented row must cite the code that implements it');
  for (const item of items) {
    if (!facts.pathExists(item.path)) {
      emit('Evidence (Code)', 'code-path-missing', `${item.path} does not exist`);
      continue;
    }
    if (item.symbol === undefined) continue;
    const source = facts.readFile(item.path) ?? '';
    const [name = '', member] = item.symbol.split('.');
    const found = declaresName(source, name) && (member === undefined || declaresMember(source, member));
    if (!found) emit('Evidence (Code)', 'code-symbol-missing', `${item.path} does not declare ${item.symbol}`);
  }
}

function verifyTest(test: TestEvidence, facts: ParityFacts, emit: Emit): void {
  const where = `${test.file} › ${test.titlePath.join(' › ')}`;
  const source = facts.readFile(test.file);
  if (source === undefined) {
    emit('Evidence (Tests)', 'test-file-missing', `${test.file} does not exist`, test.raw);
    return;
  }
  const absent = test.titlePath.filter((title) => !fileMentionsTitle(source, title));
  if (absent.length > 0) {
    emit('Evidence (Tests)', 'test-name-not-in-file', `${test.file} has no test titled "${absent.join('", "')}"`, test.raw);
    return;
  }
  const results = matchingResults(facts.report, test);
  if (results.length === 0) {
    const suite = skippedEnclosingSuite(facts.report, test);
    if (suite !== undefined) {
      emit('Evidence (Tests)', 'test-not-passed', `${where} is skipped in the test report (its suite "${suite.titlePath.join(' › ')}" was ${suite.outcome})`, test.raw);
      return;
    }
    emit('Evidence (Tests)', 'test-not-in-report', `${where} is not in the test report (absent counts as not proven)`, test.raw);
    return;
  }
  const unproven = results.filter((result) => result.outcome !== 'passed');
  if (unproven.length > 0) {
    const outcomes = [...new Set(unproven.map((result) => result.outcome))].join(', ');
    const hint = results.length > 1 ? ` (${results.length} tests match; cite the enclosing describe titles to pick one)` : '';
    emit('Evidence (Tests)', 'test-not-passed', `${where} is ${outcomes} in the test report${hint}`, test.raw);
  }
}

function verifyTests(row: MatrixRow, facts: ParityFacts, emit: Emit): void {
  const { items } = parseTestEvidence(row.cells['Evidence (Tests)']);
  if (items.length === 0) {
    emit('Evidence (Tests)', 'test-evidence-missing', 'an Implemented row must cite at least one test that passed');
    return;
  }
  for (const test of items) verifyTest(test, facts, emit);
  const level = row.cells['Proof Level Required'];
  if (!isProofLevel(level)) return;
  const roots = PROOF_LEVEL_TEST_ROOTS[level];
  if (!items.some((test) => roots.some((root) => test.file.startsWith(root)))) {
    emit('Proof Level Required', 'proof-level-unmet', `a ${level} claim needs a test under ${roots.join(' or ')}`);
  }
}

function verifyCi(row: MatrixRow, facts: ParityFacts, emit: Emit): void {
  const { items } = parseCiEvidence(row.cells['Evidence (CI)']);
  if (items.length === 0) {
    emit('Evidence (CI)', 'ci-evidence-missing', 'an Implemented row must name the `.ci/run` command that runs its tests');
    return;
  }
  if (facts.ciScript === undefined) {
    emit('Evidence (CI)', 'ci-script-missing', '.ci/run does not exist, so no command runs in CI');
    return;
  }
  for (const command of items) {
    if (!ciRunsCommand(facts.ciScript, command)) emit('Evidence (CI)', 'ci-command-not-run', `.ci/run does not run \`${command}\``);
  }
}

/** A list of a row's proof problems and the function that adds to it. */
function proofProblems(row: MatrixRow): { problems: Problem[]; emit: Emit } {
  const problems: Problem[] = [];
  const emit: Emit = (column, rule, message, citation) =>
    problems.push({
      source: 'matrix',
      line: row.line,
      column,
      rule,
      message,
      ...(row.id ? { rowId: row.id } : {}),
      proof: true,
      ...(citation === undefined ? {} : { citation }),
    });
  return { problems, emit };
}

/** Every proof problem of an Implemented row (none for a proven row). */
export function verifyProof(row: MatrixRow, facts: ParityFacts): Problem[] {
  const { problems, emit } = proofProblems(row);
  verifyCode(row, facts, emit);
  verifyTests(row, facts, emit);
  verifyCi(row, facts, emit);
  return problems;
}

/**
 * The problems of the tests a row cites whatever its status: each must exist, be in the file and
 * have passed in the report. A Partial row claims what its cited tests show, so a failing, skipped or
 * vanished test there is a problem too. These are proof problems (they depend on the report), but
 * only Implemented rows are downgraded for them.
 */
export function verifyCitedTests(row: MatrixRow, facts: ParityFacts): Problem[] {
  const { problems, emit } = proofProblems(row);
  for (const test of parseTestEvidence(row.cells['Evidence (Tests)']).items) verifyTest(test, facts, emit);
  return problems;
}
