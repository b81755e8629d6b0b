import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { applyDowngrades, checkMatrix, formatDowngrade, parseMatrix, planDowngrades } from '../../src/parity/index.js';
import { fixtureFacts, fixtureMatrix, lineOf, setCell } from './fixture-repo.js';

const REPORT_EMPTY = '<testsuites></testsuites>';

describe('parity audit', () => {
  test('downgrades nothing when every Implemented row is proven', () => {
    const matrix = parseMatrix(fixtureMatrix());
    assert.deepEqual(planDowngrades(matrix, checkMatrix(matrix, fixtureFacts())), []);
  });

  test('downgrades an Implemented row whose test is absent from the report to Partial, with the reason in Notes', () => {
    const markdown = fixtureMatrix();
    const matrix = parseMatrix(markdown);
    const downgrades = planDowngrades(matrix, checkMatrix(matrix, fixtureFacts(REPORT_EMPTY)));
    assert.deepEqual(downgrades.map((downgrade) => downgrade.rowId), ['SCH-01']);

    const rewritten = applyDowngrades(markdown, matrix, downgrades);
    const row = parseMatrix(rewritten).rows.find((candidate) => candidate.id === 'SCH-01');
    assert.equal(row?.cells.Status, 'Partial');
    assert.match(row?.cells.Notes ?? '', /^Proven by one test\.<br>Downgraded from Implemented by audit: Evidence \(Tests\): .*turns a widget once.* is not in the test report/);
  });

  test('drops the citations of tests that did not pass from a downgraded row and keeps the others', () => {
    const cited = '`test/widgets/spin.test.ts` › `spins` › `turns a widget once`<br>`test/widgets/spin.test.ts` › `spins` › `turns a widget twice`';
    const markdown = setCell(fixtureMatrix(), 'SCH-01', 'Evidence (Tests)', cited);
    const matrix = parseMatrix(markdown);
    const downgrades = planDowngrades(matrix, checkMatrix(matrix, fixtureFacts()));
    assert.deepEqual(downgrades.map((downgrade) => downgrade.droppedTests), [['`test/widgets/spin.test.ts` › `spins` › `turns a widget twice`']]);
    const row = parseMatrix(applyDowngrades(markdown, matrix, downgrades)).rows.find((candidate) => candidate.id === 'SCH-01');
    assert.equal(row?.cells.Status, 'Partial');
    assert.equal(row?.cells['Evidence (Tests)'], '`test/widgets/spin.test.ts` › `spins` › `turns a widget once`');
  });

  test('changes only the downgraded line of the markdown', () => {
    const markdown = fixtureMatrix();
    const matrix = parseMatrix(markdown);
    const rewritten = applyDowngrades(markdown, matrix, planDowngrades(matrix, checkMatrix(matrix, fixtureFacts(REPORT_EMPTY))));
    const before = markdown.split('\n');
    const after = rewritten.split('\n');
    const changed = before.map((line, index) => (line === after[index] ? -1 : index + 1)).filter((line) => line > 0);
    assert.deepEqual(changed, [lineOf(markdown, 'SCH-01')]);
    assert.equal(after.length, before.length);
  });

  test('leaves Implemented rows alone for problems that are not about proof', () => {
    const markdown = setCell(fixtureMatrix(), 'SCH-01', 'Owner', '@arco/nobody');
    const matrix = parseMatrix(markdown);
    assert.deepEqual(planDowngrades(matrix, checkMatrix(matrix, fixtureFacts())), []);
  });

  test('passes the check after downgrading (apart from the CSV, which the CLI regenerates)', () => {
    const markdown = fixtureMatrix();
    const matrix = parseMatrix(markdown);
    const rewritten = applyDowngrades(markdown, matrix, planDowngrades(matrix, checkMatrix(matrix, fixtureFacts(REPORT_EMPTY))));
    assert.deepEqual(checkMatrix(parseMatrix(rewritten), fixtureFacts(REPORT_EMPTY)), []);
  });

  test('prints a downgrade as one line naming the row, the change and why', () => {
    const line = formatDowngrade({ rowId: 'SCH-01', line: 9, capability: 'x', reasons: ['Evidence (CI): .ci/run does not run `npm test`'], droppedTests: [] });
    assert.equal(line, 'matrix:9: Status: SCH-01: Implemented → Partial (Evidence (CI): .ci/run does not run `npm test`)');
  });

  test('keeps CRLF line endings on the rewritten line', () => {
    const markdown = fixtureMatrix().replace(/\n/g, '\r\n');
    const matrix = parseMatrix(markdown);
    const rewritten = applyDowngrades(markdown, matrix, planDowngrades(matrix, checkMatrix(matrix, fixtureFacts(REPORT_EMPTY))));
    assert.equal(rewritten.split('\r\n').length, markdown.split('\r\n').length);
    assert.equal(rewritten.includes('| Partial |'), true);
  });
});
