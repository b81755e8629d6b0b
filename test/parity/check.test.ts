/**
 * Goal: every rule of `arco parity check` fires when its rule is broken, at the right row and column,
 * and the unbroken fixture matrix passes. Method: start from the fixture matrix (which passes), break
 * one cell or one fact per case, and look for the named problem.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkMatrix, parseMatrix, parseJunitReport, type MatrixColumn, type ParityFacts } from '../../src/parity/index.js';
import { fixtureFacts, fixtureMatrix, lineOf, setCell } from './fixture-repo.js';

const REPORT_EMPTY = '<testsuites></testsuites>';
const REPORT_FAILED = `<testsuites><testsuite name="spins"><testcase name="turns a widget once" failure="boom"><failure message="boom"/></testcase></testsuite></testsuites>`;
const REPORT_OTHER_SUITE = `<testsuites><testsuite name="elsewhere"><testcase name="turns a widget once"/></testsuite></testsuites>`;

interface RuleCase {
  readonly title: string;
  readonly edit?: (markdown: string) => string;
  readonly facts?: (facts: ParityFacts) => ParityFacts;
  readonly rule: string;
  /** The row the case edits (its line does not move); SCH-02 when not given. */
  readonly row?: string;
  readonly column: MatrixColumn | '-';
  readonly proof?: boolean;
}

const cell = (row: string, column: MatrixColumn, value: string) => (markdown: string) => setCell(markdown, row, column, value);
const withReport = (xml: string) => (facts: ParityFacts): ParityFacts => ({ ...facts, report: parseJunitReport(xml) });

const ROW_RULES: readonly RuleCase[] = [
  { title: 'a row without a status', edit: cell('SCH-02', 'Status', ''), rule: 'status-missing', row: 'SCH-02', column: 'Status' },
  { title: 'a status outside the taxonomy', edit: cell('SCH-02', 'Status', 'Done'), rule: 'status-invalid', row: 'SCH-02', column: 'Status' },
  { title: 'a status in the wrong case', edit: cell('SCH-02', 'Status', 'planned'), rule: 'status-invalid', row: 'SCH-02', column: 'Status' },
  { title: 'a row without an owner', edit: cell('SCH-02', 'Owner', ''), rule: 'owner-missing', row: 'SCH-02', column: 'Owner' },
  { title: 'an owner that is not a team in CODEOWNERS', edit: cell('SCH-02', 'Owner', '@arco/nobody'), rule: 'owner-unknown', row: 'SCH-02', column: 'Owner' },
  { title: 'an owner that is a person, not a team', edit: cell('SCH-02', 'Owner', '@solo-user'), rule: 'owner-unknown', row: 'SCH-02', column: 'Owner' },
  { title: 'an owner written as "shared"', edit: cell('SCH-02', 'Owner', 'shared'), rule: 'owner-not-single', row: 'SCH-02', column: 'Owner' },
  { title: 'two owners in one row', edit: cell('SCH-02', 'Owner', '@arco/core, @arco/automation'), rule: 'owner-not-single', row: 'SCH-02', column: 'Owner' },
  { title: 'a row without a proof level', edit: cell('SCH-02', 'Proof Level Required', ''), rule: 'proof-level-missing', row: 'SCH-02', column: 'Proof Level Required' },
  { title: 'an unknown proof level', edit: cell('SCH-02', 'Proof Level Required', 'manual'), rule: 'proof-level-invalid', row: 'SCH-02', column: 'Proof Level Required' },
  { title: 'a row without a parity item', edit: cell('SCH-02', 'Parity Item', ''), rule: 'parity-item-missing', row: 'SCH-02', column: 'Parity Item' },
  { title: 'a parity item outside 04–11', edit: cell('SCH-02', 'Parity Item', '12'), rule: 'parity-item-invalid', row: 'SCH-02', column: 'Parity Item' },
  { title: 'a parity item without its leading zero', edit: cell('SCH-02', 'Parity Item', '4'), rule: 'parity-item-invalid', row: 'SCH-02', column: 'Parity Item' },
  { title: 'a capability without a bold row id', edit: cell('SCH-02', 'Capability', 'A widget stops when told.'), rule: 'id-missing', column: 'Capability' },
  { title: 'a row id used twice', edit: cell('SCH-02', 'Capability', '**SCH-01** A widget stops when told.'), rule: 'id-duplicate', column: 'Capability' },
  { title: 'the same capability stated twice', edit: cell('SCH-02', 'Capability', '**SCH-02** A widget turns once per call.'), rule: 'capability-duplicate', row: 'SCH-02', column: 'Capability' },
  { title: 'a row with an id but no statement', edit: cell('SCH-02', 'Capability', '**SCH-02**'), rule: 'capability-missing', row: 'SCH-02', column: 'Capability' },
  { title: 'a row without an Arco feature', edit: cell('SCH-02', 'Arco Feature', ''), rule: 'feature-missing', row: 'SCH-02', column: 'Arco Feature' },
  { title: 'an Exception row that cites no EX id', edit: cell('RID-01', 'Notes', 'We prefer our prefix.'), rule: 'exception-id-missing', row: 'RID-01', column: 'Notes' },
  { title: 'an Exception row citing an id exceptions.md does not define', edit: cell('RID-01', 'Notes', 'EX-09.'), rule: 'exception-id-unknown', row: 'RID-01', column: 'Notes' },
  { title: 'a code citation with an absolute path', edit: cell('SCH-02', 'Evidence (Code)', '`/etc/passwd`'), rule: 'evidence-malformed', row: 'SCH-02', column: 'Evidence (Code)' },
  { title: 'a code citation that leaves the repository', edit: cell('SCH-02', 'Evidence (Code)', '`../secrets.ts`'), rule: 'evidence-malformed', row: 'SCH-02', column: 'Evidence (Code)' },
  { title: 'a test citation without a test title', edit: cell('SCH-02', 'Evidence (Tests)', '`test/widgets/spin.test.ts`'), rule: 'evidence-malformed', row: 'SCH-02', column: 'Evidence (Tests)' },
  { title: 'a test citation of a file that is not a test file', edit: cell('SCH-02', 'Evidence (Tests)', '`src/widgets/spin.ts` › `spins`'), rule: 'evidence-malformed', row: 'SCH-02', column: 'Evidence (Tests)' },
];

const PROOF_RULES: readonly RuleCase[] = [
  { title: 'cites no code', edit: cell('SCH-01', 'Evidence (Code)', ''), rule: 'code-evidence-missing', column: 'Evidence (Code)' },
  { title: 'cites a code path that does not exist', edit: cell('SCH-01', 'Evidence (Code)', '`src/widgets/gone.ts`'), rule: 'code-path-missing', column: 'Evidence (Code)' },
  { title: 'cites a symbol the file does not declare', edit: cell('SCH-01', 'Evidence (Code)', '`src/widgets/spin.ts:stopWidget`'), rule: 'code-symbol-missing', column: 'Evidence (Code)' },
  { title: 'cites a member the class does not declare', edit: cell('SCH-01', 'Evidence (Code)', '`src/widgets/spin.ts:Widget.stop`'), rule: 'code-symbol-missing', column: 'Evidence (Code)' },
  { title: 'cites malformed code evidence', edit: cell('SCH-01', 'Evidence (Code)', '`src/widgets/spin.ts:not a symbol`'), rule: 'evidence-malformed', column: 'Evidence (Code)' },
  { title: 'cites no test', edit: cell('SCH-01', 'Evidence (Tests)', ''), rule: 'test-evidence-missing', column: 'Evidence (Tests)' },
  { title: 'cites a test file that does not exist', edit: cell('SCH-01', 'Evidence (Tests)', '`test/widgets/gone.test.ts` › `turns a widget once`'), rule: 'test-file-missing', column: 'Evidence (Tests)' },
  { title: 'cites a test name the file does not contain', edit: cell('SCH-01', 'Evidence (Tests)', '`test/widgets/spin.test.ts` › `turns a widget thrice`'), rule: 'test-name-not-in-file', column: 'Evidence (Tests)' },
  { title: 'cites a test that is absent from the report', facts: withReport(REPORT_EMPTY), rule: 'test-not-in-report', column: 'Evidence (Tests)' },
  { title: 'cites a test that was skipped', edit: cell('SCH-01', 'Evidence (Tests)', '`test/widgets/spin.test.ts` › `spins` › `turns a widget twice`'), rule: 'test-not-passed', column: 'Evidence (Tests)' },
  { title: 'cites a test that failed', facts: withReport(REPORT_FAILED), rule: 'test-not-passed', column: 'Evidence (Tests)' },
  { title: 'cites a suite path the report does not have', facts: withReport(REPORT_OTHER_SUITE), rule: 'test-not-in-report', column: 'Evidence (Tests)' },
  { title: 'cites no CI command', edit: cell('SCH-01', 'Evidence (CI)', ''), rule: 'ci-evidence-missing', column: 'Evidence (CI)' },
  { title: 'cites a CI command that is only in a comment', edit: cell('SCH-01', 'Evidence (CI)', '`npm run lint`'), rule: 'ci-command-not-run', column: 'Evidence (CI)' },
  { title: 'cites part of a CI command word', edit: cell('SCH-01', 'Evidence (CI)', '`npm tes`'), rule: 'ci-command-not-run', column: 'Evidence (CI)' },
  { title: 'cites a CI command when there is no .ci/run', facts: (facts) => ({ ...facts, ciScript: undefined }), rule: 'ci-script-missing', column: 'Evidence (CI)' },
  { title: 'claims an e2e proof with a unit test', edit: cell('SCH-01', 'Proof Level Required', 'e2e'), rule: 'proof-level-unmet', column: 'Proof Level Required' },
];

function problemsFor(testCase: RuleCase) {
  const markdown = (testCase.edit ?? ((text: string) => text))(fixtureMatrix());
  const facts = (testCase.facts ?? ((given: ParityFacts) => given))(fixtureFacts());
  return { markdown, problems: checkMatrix(parseMatrix(markdown), facts) };
}

describe('parity check', () => {
  test('passes the fixture matrix whose Implemented row is proven', () => {
    assert.deepEqual(checkMatrix(parseMatrix(fixtureMatrix()), fixtureFacts()), []);
  });

  describe('reports a row problem at its row and column', () => {
    for (const testCase of ROW_RULES) {
      test(`reports ${testCase.rule} for ${testCase.title}`, () => {
        const { problems } = problemsFor(testCase);
        const line = lineOf(fixtureMatrix(), testCase.row ?? 'SCH-02');
        const found = problems.find((problem) => problem.rule === testCase.rule);
        assert.ok(found, `expected ${testCase.rule}, got ${JSON.stringify(problems)}`);
        assert.equal(found.column, testCase.column);
        assert.equal(found.line, line);
        assert.notEqual(found.proof, true, 'a problem of a row that claims nothing is not a proof failure');
      });
    }
  });

  describe('fails an Implemented row whose proof fails', () => {
    for (const testCase of PROOF_RULES) {
      test(`reports ${testCase.rule} when an Implemented row ${testCase.title}`, () => {
        const { markdown, problems } = problemsFor(testCase);
        const found = problems.find((problem) => problem.rule === testCase.rule);
        assert.ok(found, `expected ${testCase.rule}, got ${JSON.stringify(problems)}`);
        assert.equal(found.line, lineOf(markdown, 'SCH-01'));
        assert.equal(found.column, testCase.column);
        assert.equal(found.rowId, 'SCH-01');
        assert.equal(found.proof, true);
      });
    }
  });

  test('accepts a test cited by its own title without its describe titles', () => {
    const markdown = setCell(fixtureMatrix(), 'SCH-01', 'Evidence (Tests)', '`test/widgets/spin.test.ts` › `turns a widget once`');
    assert.deepEqual(checkMatrix(parseMatrix(markdown), fixtureFacts()), []);
  });

  test('does not verify the evidence of Planned, Designed or Exception rows', () => {
    let markdown = fixtureMatrix();
    for (const row of ['SCH-02', 'SEN-01', 'RID-01']) {
      markdown = setCell(markdown, row, 'Evidence (Tests)', '`test/widgets/gone.test.ts` › `never ran`');
      markdown = setCell(markdown, row, 'Evidence (Code)', '`src/widgets/gone.ts`');
    }
    const problems = checkMatrix(parseMatrix(markdown), fixtureFacts(REPORT_EMPTY)).filter((p) => p.rowId !== 'SCH-01');
    assert.deepEqual(problems, []);
  });

  describe('verifies the tests a Partial row cites', () => {
    const partialCiting = (citation: string) => setCell(fixtureMatrix(), 'PAR-01', 'Evidence (Tests)', citation);
    const partialProblems = (markdown: string, report?: string) =>
      checkMatrix(parseMatrix(markdown), fixtureFacts(report)).filter((problem) => problem.rowId === 'PAR-01');

    test('passes a Partial row whose cited test passed', () => {
      assert.deepEqual(partialProblems(partialCiting('`test/widgets/spin.test.ts` › `spins` › `turns a widget once`')), []);
    });

    test('fails a Partial row whose cited test was skipped', () => {
      const problems = partialProblems(partialCiting('`test/widgets/spin.test.ts` › `spins` › `turns a widget twice`'));
      assert.deepEqual(problems.map((problem) => [problem.rule, problem.column, problem.proof]), [['test-not-passed', 'Evidence (Tests)', true]]);
      assert.match(problems[0]?.message ?? '', /is skipped in the test report/);
    });

    test('fails a Partial row whose cited test failed', () => {
      const problems = partialProblems(partialCiting('`test/widgets/spin.test.ts` › `spins` › `turns a widget once`'), REPORT_FAILED);
      assert.deepEqual(problems.map((problem) => problem.rule), ['test-not-passed']);
    });

    test('fails a Partial row whose cited test is absent from the report or the file', () => {
      assert.deepEqual(partialProblems(partialCiting('`test/widgets/spin.test.ts` › `turns a widget once`'), REPORT_EMPTY).map((p) => p.rule), ['test-not-in-report']);
      assert.deepEqual(partialProblems(partialCiting('`test/widgets/spin.test.ts` › `turns a widget thrice`')).map((p) => p.rule), ['test-name-not-in-file']);
    });
  });

  test('reports a cited test inside a skipped describe as skipped, naming the suite', () => {
    const report = `<testsuites><testcase name="spins"><skipped type="skipped" message="no widgets"/></testcase></testsuites>`;
    const problems = checkMatrix(parseMatrix(fixtureMatrix()), fixtureFacts(report)).filter((problem) => problem.rowId === 'SCH-01');
    assert.deepEqual(problems.map((problem) => [problem.rule, problem.proof]), [['test-not-passed', true]]);
    assert.match(problems[0]?.message ?? '', /its suite "spins" was skipped/);
  });

  test('reports a section with no rows and a parity item with no rows', () => {
    const markdown = fixtureMatrix().replace(/\n## Partition status[\s\S]*?(?=\n## )/, '\n');
    const rules = checkMatrix(parseMatrix(markdown), fixtureFacts()).map((problem) => `${problem.rule}: ${problem.message}`);
    assert.ok(rules.includes('section-missing: the section "Partition status" has no rows'), rules.join('\n'));
    assert.ok(rules.includes('parity-item-uncovered: parity item 08 has no rows'), rules.join('\n'));
  });

  test('lists problems in line order', () => {
    let markdown = setCell(fixtureMatrix(), 'PRD-01', 'Owner', '');
    markdown = setCell(markdown, 'SEN-01', 'Status', '');
    const lines = checkMatrix(parseMatrix(markdown), fixtureFacts()).map((problem) => problem.line);
    assert.deepEqual(lines, [...lines].sort((a, b) => a - b));
    assert.equal(lines.length, 2);
  });
});
