/**
 * Guards the committed matrix in docs/parity. Proof (tests passed in the report) cannot be judged
 * here, because the report is still being written while this test runs; `.ci/run` checks it after
 * the tests finish. Everything else about the matrix is checked now.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import {
  EMPTY_REPORT,
  MATRIX_SECTIONS,
  PARITY_ITEMS,
  checkMatrix,
  compareCsv,
  findRepositoryRoot,
  formatProblem,
  parseMatrix,
  repositoryFacts,
  PARITY_PATHS,
} from '../../src/parity/index.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = findRepositoryRoot(fileURLToPath(new URL('.', import.meta.url)));
const markdown = readFileSync(join(root, PARITY_PATHS.matrix), 'utf8');
const matrix = parseMatrix(markdown);

describe('the committed parity matrix', () => {
  test('breaks no rule other than proof, which CI checks against the finished test report', () => {
    const { facts, exceptionProblems } = repositoryFacts(root, EMPTY_REPORT);
    const problems = [...checkMatrix(matrix, facts), ...exceptionProblems].filter((problem) => !problem.proof);
    assert.deepEqual(problems.map(formatProblem), []);
  });

  test('agrees with its CSV', () => {
    const problems = compareCsv(matrix.rows, readFileSync(join(root, PARITY_PATHS.csv), 'utf8'));
    assert.deepEqual(problems.map(formatProblem), []);
  });

  test('has at least 60 rows, rows in every section and rows for every parity item 04–11', () => {
    assert.ok(matrix.rows.length >= 60, `${matrix.rows.length} rows`);
    for (const section of MATRIX_SECTIONS) assert.ok(matrix.rows.some((row) => row.section === section), section);
    for (const item of PARITY_ITEMS) assert.ok(matrix.rows.some((row) => row.cells['Parity Item'] === item), item);
  });
});
