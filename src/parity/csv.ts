/**
 * The CSV sibling of the matrix (docs/parity/dagster-parity-matrix.csv). It is generated, never
 * edited: one header line, then one record per matrix row in document order. Two columns come first
 * that the markdown carries in its layout: `Section` (the `##` heading) and `ID` (the bold id in the
 * Capability cell); `Capability` then holds the statement alone. Every other cell is copied as
 * written. Quoting follows RFC 4180; lines end with `\n`.
 */
import { MATRIX_COLUMNS, type MatrixRow, type Problem } from './matrix.js';

/** The CSV header, in order. */
export const CSV_COLUMNS = ['Section', 'ID', ...MATRIX_COLUMNS] as const;

function quote(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** One CSV record of a row, in CSV_COLUMNS order. */
export function rowRecord(row: MatrixRow): string[] {
  return [
    row.section,
    row.id,
    ...MATRIX_COLUMNS.map((column) => (column === 'Capability' ? row.capability : row.cells[column])),
  ];
}

/** Renders the CSV text for the given rows. Deterministic: the same rows give the same bytes. */
export function renderCsv(rows: readonly MatrixRow[]): string {
  const lines = [CSV_COLUMNS.join(','), ...rows.map((row) => rowRecord(row).map(quote).join(','))];
  return `${lines.join('\n')}\n`;
}

/** A parsed CSV record with the 1-based line it starts on. */
export interface CsvRecord {
  readonly line: number;
  readonly values: readonly string[];
}

/** Parses RFC 4180 CSV (quoted fields may hold commas, quotes and newlines). */
export function parseCsv(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  let values: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let recordLine = 1;
  let fieldStarted = false;
  const endRecord = (): void => {
    values.push(field);
    if (!(values.length === 1 && values[0] === '' && !fieldStarted)) records.push({ line: recordLine, values });
    values = [];
    field = '';
    fieldStarted = false;
  };
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index] ?? '';
    if (char === '\n') line += 1;
    if (quoted) {
      if (char === '"' && text[index + 1] === '"') {
        field += '"';
        index += 1;
      } else if (char === '"') quoted = false;
      else field += char;
      continue;
    }
    if (char === '"') {
      quoted = true;
      fieldStarted = true;
    } else if (char === ',') {
      values.push(field);
      field = '';
      fieldStarted = true;
    } else if (char === '\n') {
      endRecord();
      recordLine = line;
    } else if (char !== '\r') {
      field += char;
      fieldStarted = true;
    }
  }
  if (field.length > 0 || values.length > 0 || fieldStarted) endRecord();
  return records;
}

/**
 * Compares the CSV text with the CSV the rows generate. Each disagreement is one problem: a
 * differing cell points at the matrix row and column; a missing, extra or out-of-order record, or a
 * wrong header, points at the CSV line. Comparison stops at the first record whose id differs,
 * because every later record would differ too.
 */
export function compareCsv(rows: readonly MatrixRow[], csvText: string): Problem[] {
  const fix = 'regenerate it with `arco parity export --csv`';
  const records = parseCsv(csvText);
  const problems: Problem[] = [];
  const header = records[0];
  if (!header || header.values.join(',') !== CSV_COLUMNS.join(',')) {
    return [{ source: 'csv', line: header?.line ?? 1, column: '-', rule: 'csv-mismatch', message: `the CSV header is not ${CSV_COLUMNS.join(',')}; ${fix}` }];
  }
  const body = records.slice(1);
  for (let index = 0; index < Math.max(rows.length, body.length); index += 1) {
    const row = rows[index];
    const record = body[index];
    if (!row && record) {
      problems.push({ source: 'csv', line: record.line, column: '-', rule: 'csv-mismatch', message: `the CSV has a record (${record.values[1] ?? '?'}) the matrix does not; ${fix}` });
      break;
    }
    if (row && !record) {
      problems.push({ source: 'matrix', line: row.line, column: '-', rule: 'csv-mismatch', rowId: row.id, message: `the row is missing from the CSV; ${fix}` });
      break;
    }
    if (!row || !record) break;
    const expected = rowRecord(row);
    if (record.values[1] !== row.id || record.values.length !== expected.length) {
      problems.push({ source: 'csv', line: record.line, column: '-', rule: 'csv-mismatch', message: `the CSV record here is ${record.values[1] ?? '?'} where the matrix has ${row.id || '(no id)'}; ${fix}` });
      break;
    }
    CSV_COLUMNS.forEach((column, at) => {
      if (record.values[at] === expected[at] || column === 'ID') return;
      problems.push({
        source: 'matrix',
        line: row.line,
        column: column === 'Section' ? '-' : column,
        rule: 'csv-mismatch',
        rowId: row.id,
        message: `the CSV (line ${record.line}) says "${record.values[at] ?? ''}"; ${fix}`,
      });
    });
  }
  return problems;
}
