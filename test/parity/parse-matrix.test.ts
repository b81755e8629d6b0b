import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MATRIX_COLUMNS, parseMatrix, renderTableLine, splitCapability, splitTableCells } from '../../src/parity/index.js';
import { fixtureMatrix } from './fixture-repo.js';

const HEADER = `| ${MATRIX_COLUMNS.join(' | ')} |`;
const SEPARATOR = `|${MATRIX_COLUMNS.map(() => '---').join('|')}|`;
const ROW = '| **SCH-01** A thing happens. | thing | Planned | unit |  |  |  | TBD |  | 04 |';

describe('parity matrix parsing', () => {
  test('reads every row of the fixture with its section, id, statement and line', () => {
    const matrix = parseMatrix(fixtureMatrix());
    assert.deepEqual(matrix.problems, []);
    assert.equal(matrix.rows.length, 10);
    const first = matrix.rows[0];
    assert.equal(first?.section, 'Scheduling');
    assert.equal(first?.id, 'SCH-01');
    assert.equal(first?.capability, 'A widget turns once per call.');
    assert.equal(first?.cells.Status, 'Implemented');
    assert.equal(fixtureMatrix().split('\n')[(first?.line ?? 0) - 1]?.includes('**SCH-01**'), true);
    assert.deepEqual(
      matrix.sections.map((section) => section.name),
      ['Scheduling', 'Sensors', 'Run identity', 'Partitions', 'Backfills', 'Partition status', 'Staleness/reconciliation', 'Operator UX', 'Production hardening'],
    );
  });

  test('reads an escaped pipe as a pipe inside the cell', () => {
    const row = parseMatrix(fixtureMatrix()).rows.find((candidate) => candidate.id === 'PAR-01');
    assert.equal(row?.capability, 'A widget has one partition per colour | shade.');
  });

  test('renders cells back to a line that parses to the same cells', () => {
    const cells = ['a | b', '`x`', '', 'c\\d'];
    assert.deepEqual(splitTableCells(renderTableLine(cells)), cells);
  });

  const structural = [
    {
      title: 'reports a table whose header is not the matrix columns',
      markdown: `## Scheduling\n\n| Capability | Status |\n|---|---|\n${ROW}\n`,
      rule: 'table-header',
      line: 3,
    },
    {
      title: 'reports a header without its separator line',
      markdown: `## Scheduling\n\n${HEADER}\n${ROW}\n`,
      rule: 'table-header',
      line: 4,
    },
    {
      title: 'reports a row with the wrong number of cells',
      markdown: `## Scheduling\n\n${HEADER}\n${SEPARATOR}\n| **SCH-01** Too short | Planned |\n`,
      rule: 'row-shape',
      line: 5,
    },
    {
      title: 'reports a table under a heading that is not a matrix section',
      markdown: `## Scheduler\n\n${HEADER}\n${SEPARATOR}\n${ROW}\n`,
      rule: 'section-unknown',
      line: 1,
    },
    {
      title: 'reports a section with two tables',
      markdown: `## Scheduling\n\n${HEADER}\n${SEPARATOR}\n${ROW}\n\ntext\n\n${HEADER}\n${SEPARATOR}\n${ROW}\n`,
      rule: 'section-duplicate',
      line: 1,
    },
    {
      title: 'reports a table before any section heading',
      markdown: `# Title\n\n${HEADER}\n${SEPARATOR}\n${ROW}\n`,
      rule: 'table-outside-section',
      line: 3,
    },
  ];
  for (const { title, markdown, rule, line } of structural) {
    test(title, () => {
      const problems = parseMatrix(markdown).problems;
      assert.ok(
        problems.some((problem) => problem.rule === rule && problem.line === line),
        `expected ${rule} at line ${line}, got ${JSON.stringify(problems)}`,
      );
    });
  }

  test('splits the bold id from the capability statement', () => {
    assert.deepEqual(splitCapability('**SCH-01** A schedule ticks.'), { id: 'SCH-01', capability: 'A schedule ticks.' });
    assert.deepEqual(splitCapability('A schedule ticks.'), { id: '', capability: 'A schedule ticks.' });
  });

  test('ignores prose and tables-free headings between sections', () => {
    const markdown = `# Matrix\n\nIntro.\n\n## How to read\n\nProse only.\n\n## Scheduling\n\nA note.\n\n${HEADER}\n${SEPARATOR}\n${ROW}\n`;
    const matrix = parseMatrix(markdown);
    assert.deepEqual(matrix.problems, []);
    assert.equal(matrix.rows.length, 1);
    assert.equal(matrix.rows[0]?.line, 15);
  });
});
