/**
 * `arco parity audit --downgrade`: an Implemented row whose proof fails becomes Partial, and its Notes
 * say why, so the matrix never claims more than CI proved. Only the Status and Notes cells of those
 * rows change; every other line of the markdown is kept byte for byte.
 */
import type { MatrixRow, ParsedMatrix, Problem } from './matrix.js';
import { MATRIX_COLUMNS } from './matrix.js';
import { renderTableLine } from './parse-matrix.js';

/** One row the audit downgrades, with the proof problems that caused it. */
export interface Downgrade {
  readonly rowId: string;
  readonly line: number;
  readonly capability: string;
  readonly reasons: readonly string[];
}

/** The note appended to a downgraded row; `reason` is the first proof problem. */
export function downgradeNote(reasons: readonly string[]): string {
  const more = reasons.length > 1 ? ` (and ${reasons.length - 1} more)` : '';
  return `Downgraded from Implemented by audit: ${reasons[0] ?? 'proof failed'}${more}.`;
}

/** The Implemented rows that have at least one proof problem, in document order. */
export function planDowngrades(matrix: ParsedMatrix, problems: readonly Problem[]): Downgrade[] {
  return matrix.rows
    .filter((row) => row.cells.Status === 'Implemented')
    .map((row) => ({
      row,
      reasons: problems
        .filter((problem) => problem.proof && problem.source === 'matrix' && problem.line === row.line)
        .map((problem) => `${problem.column}: ${problem.message}`),
    }))
    .filter(({ reasons }) => reasons.length > 0)
    .map(({ row, reasons }) => ({ rowId: row.id, line: row.line, capability: row.capability, reasons }));
}

function downgradedCells(row: MatrixRow, reasons: readonly string[]): string[] {
  return MATRIX_COLUMNS.map((column) => {
    if (column === 'Status') return 'Partial';
    if (column === 'Notes') {
      const note = downgradeNote(reasons);
      return row.cells.Notes ? `${row.cells.Notes}<br>${note}` : note;
    }
    return row.cells[column];
  });
}

/** Rewrites the markdown with each downgrade applied; line endings and other lines are preserved. */
export function applyDowngrades(markdown: string, matrix: ParsedMatrix, downgrades: readonly Downgrade[]): string {
  const lines = markdown.split('\n');
  for (const downgrade of downgrades) {
    const row = matrix.rows.find((candidate) => candidate.line === downgrade.line);
    const original = lines[downgrade.line - 1];
    if (!row || original === undefined) continue;
    const lineEnd = original.endsWith('\r') ? '\r' : '';
    lines[downgrade.line - 1] = renderTableLine(downgradedCells(row, downgrade.reasons)) + lineEnd;
  }
  return lines.join('\n');
}

/** The line the CLI prints for a downgrade. */
export function formatDowngrade(downgrade: Downgrade): string {
  return `matrix:${downgrade.line}: Status: ${downgrade.rowId}: Implemented → Partial (${downgrade.reasons.join('; ')})`;
}
