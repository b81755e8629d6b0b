/**
 * Reads the markdown matrix: one `##` heading per section, each followed by a pipe table whose header
 * is exactly MATRIX_COLUMNS. Prose between tables is allowed and ignored. The parser only reports
 * what stops it from reading rows (header, cell count, section name); everything a row says is
 * judged by `checkMatrix`.
 */
import {
  MATRIX_COLUMNS,
  isMatrixSection,
  type MatrixColumn,
  type MatrixRow,
  type ParsedMatrix,
  type Problem,
} from './matrix.js';

const HEADING = /^##\s+(.+?)\s*#*\s*$/;
const SEPARATOR_CELL = /^:?-{3,}:?$/;
const CAPABILITY_WITH_ID = /^\*\*([^*]+)\*\*\s*(.*)$/s;

/**
 * Splits one table line into trimmed cells. A `\|` is a pipe inside a cell (GitHub's rule) and is
 * unescaped; the optional outer pipes are dropped.
 */
export function splitTableCells(line: string): string[] {
  let body = line.trim();
  if (body.startsWith('|')) body = body.slice(1);
  if (body.endsWith('|') && !body.endsWith('\\|')) body = body.slice(0, -1);
  const cells: string[] = [];
  let current = '';
  for (let index = 0; index < body.length; index += 1) {
    const char = body[index];
    if (char === '\\' && body[index + 1] === '|') {
      current += '|';
      index += 1;
    } else if (char === '|') {
      cells.push(current.trim());
      current = '';
    } else {
      current += char;
    }
  }
  cells.push(current.trim());
  return cells;
}

/** Escapes a cell value for a table line: the inverse of `splitTableCells` for one cell. */
export function escapeTableCell(value: string): string {
  return value.replace(/\|/g, '\\|');
}

/** Renders cells as one table line, `| a | b |`. */
export function renderTableLine(cells: readonly string[]): string {
  return `| ${cells.map(escapeTableCell).join(' | ')} |`;
}

/** Splits a Capability cell into its bold id and its statement. */
export function splitCapability(cell: string): { id: string; capability: string } {
  const match = CAPABILITY_WITH_ID.exec(cell);
  if (!match) return { id: '', capability: cell };
  return { id: (match[1] ?? '').trim(), capability: (match[2] ?? '').trim() };
}

function isTableLine(line: string): boolean {
  return line.trimStart().startsWith('|');
}

function isSeparatorLine(line: string): boolean {
  const cells = splitTableCells(line);
  return cells.length > 0 && cells.every((cell) => SEPARATOR_CELL.test(cell));
}

function toRow(cells: readonly string[], line: number, section: string): MatrixRow {
  const byColumn = {} as Record<MatrixColumn, string>;
  MATRIX_COLUMNS.forEach((column, index) => {
    byColumn[column] = cells[index] ?? '';
  });
  const { id, capability } = splitCapability(byColumn.Capability);
  return { line, section, id, capability, cells: byColumn };
}

/** Parses the matrix markdown. Never throws: what it cannot read becomes a problem. */
export function parseMatrix(markdown: string): ParsedMatrix {
  const lines = markdown.split(/\r?\n/);
  const rows: MatrixRow[] = [];
  const problems: Problem[] = [];
  const sections: { name: string; line: number }[] = [];
  let section = '';
  let sectionLine = 0;
  let index = 0;
  const problem = (line: number, rule: string, message: string): void => {
    problems.push({ source: 'matrix', line, column: '-', rule, message });
  };

  while (index < lines.length) {
    const text = lines[index] ?? '';
    const heading = HEADING.exec(text);
    if (heading) {
      section = heading[1] ?? '';
      sectionLine = index + 1;
      index += 1;
      continue;
    }
    if (!isTableLine(text)) {
      index += 1;
      continue;
    }
    // A table starts here: header, separator, then rows until the first non-table line.
    const tableLine = index + 1;
    const header = splitTableCells(text);
    const tableEnd = lines.findIndex((candidate, at) => at > index && !isTableLine(candidate));
    const end = tableEnd === -1 ? lines.length : tableEnd;
    index = end;
    if (!section) {
      problem(tableLine, 'table-outside-section', 'a table appears before any `##` section heading');
      continue;
    }
    if (header.join('|') !== MATRIX_COLUMNS.join('|')) {
      problem(tableLine, 'table-header', `the header must be exactly: ${MATRIX_COLUMNS.join(' | ')}`);
      continue;
    }
    if (!isSeparatorLine(lines[tableLine] ?? '')) {
      problem(tableLine + 1, 'table-header', 'the header must be followed by a `|---|` separator line');
      continue;
    }
    if (!isMatrixSection(section)) {
      problem(sectionLine, 'section-unknown', `"${section}" is not a matrix section`);
    }
    if (sections.some((known) => known.name === section)) {
      problem(sectionLine, 'section-duplicate', `section "${section}" has more than one table`);
    } else {
      sections.push({ name: section, line: sectionLine });
    }
    for (let at = tableLine + 1; at < end; at += 1) {
      const cells = splitTableCells(lines[at] ?? '');
      if (cells.length !== MATRIX_COLUMNS.length) {
        problem(at + 1, 'row-shape', `the row has ${cells.length} cells; the matrix has ${MATRIX_COLUMNS.length} columns`);
        continue;
      }
      rows.push(toRow(cells, at + 1, section));
    }
  }
  return { rows, problems, sections };
}
