import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CSV_COLUMNS, compareCsv, parseCsv, parseMatrix, renderCsv } from '../../src/parity/index.js';
import { fixtureMatrix, lineOf, setCell } from './fixture-repo.js';

describe('parity CSV', () => {
  const rows = parseMatrix(fixtureMatrix()).rows;

  test('renders a header and one record per row with section and id first', () => {
    const records = parseCsv(renderCsv(rows));
    assert.deepEqual(records[0]?.values, [...CSV_COLUMNS]);
    assert.equal(records.length, rows.length + 1);
    assert.deepEqual(records[1]?.values.slice(0, 5), ['Scheduling', 'SCH-01', 'A widget turns once per call.', '`spinWidget()`', 'Implemented']);
  });

  test('quotes cells with commas, quotes and newlines so they read back unchanged', () => {
    const tricky = ['a, b', 'say "hi"', 'line\nbreak', 'plain', ''];
    const text = `${tricky.map((value) => (/[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value)).join(',')}\n`;
    assert.deepEqual(parseCsv(text)[0]?.values, tricky);
  });

  test('renders the same bytes for the same rows', () => {
    assert.equal(renderCsv(rows), renderCsv(parseMatrix(fixtureMatrix()).rows));
  });

  test('agrees with the matrix it was generated from', () => {
    assert.deepEqual(compareCsv(rows, renderCsv(rows)), []);
  });

  test('reports a cell the CSV disagrees on at the matrix row and column', () => {
    const stale = renderCsv(rows);
    const edited = parseMatrix(setCell(fixtureMatrix(), 'SEN-01', 'Owner', '@arco/core')).rows;
    const problems = compareCsv(edited, stale);
    assert.equal(problems.length, 1);
    assert.equal(problems[0]?.rule, 'csv-mismatch');
    assert.equal(problems[0]?.source, 'matrix');
    assert.equal(problems[0]?.column, 'Owner');
    assert.equal(problems[0]?.line, lineOf(fixtureMatrix(), 'SEN-01'));
  });

  const structural = [
    { title: 'reports a matrix row missing from the CSV', csv: () => renderCsv(rows.slice(0, -1)), source: 'matrix' },
    { title: 'reports a CSV record the matrix does not have', csv: () => renderCsv([...rows, ...rows.slice(0, 1)]), source: 'csv' },
    { title: 'reports records in a different order', csv: () => renderCsv([rows[1], rows[0], ...rows.slice(2)].filter((row) => row !== undefined)), source: 'csv' },
    { title: 'reports a wrong header', csv: () => renderCsv(rows).replace('Section,ID', 'Area,ID'), source: 'csv' },
  ];
  for (const { title, csv, source } of structural) {
    test(title, () => {
      const problems = compareCsv(rows, csv());
      assert.equal(problems.length, 1, JSON.stringify(problems));
      assert.equal(problems[0]?.rule, 'csv-mismatch');
      assert.equal(problems[0]?.source, source);
    });
  }
});
