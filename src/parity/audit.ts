/**
 * `arco parity audit --downgrade`: an Implemented row whose proof fails becomes Partial, and its Notes
 * say why, so the matrix never claims more than CI proved. The Status and Notes cells of those rows
 * change, and the citations of tests that did not pass leave Evidence (Tests) (the note names them):
 * a Partial row's cited tests must pass too. Every other line of the markdown is kept byte for byte.
 */
import type { MatrixRow, ParsedMatrix, Problem } from './matrix.js';
import { MATRIX_COLUMNS } from './matrix.js';
import { renderTableLine } from './parse-matrix.js';
import { splitEvidenceItems } from './evidence.js';

/** One row the audit downgrades, with the proof problems that caused it. */
export interface Downgrade {
  readonly rowId: string;
  readonly line: number;
  readonly capability: string;
  readonly reasons: readonly string[];
  /** Raw test citations whose test did not pass; they leave the Evidence (Tests) cell. */
  readonly droppedTests: readonly string[];
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
    .map((row) => {
      const own = problems.filter((problem) => problem.proof && problem.source === 'matrix' && problem.line === row.line);
      return {
        row,
        reasons: own.map((problem) => `${problem.column}: ${problem.message}`),
        droppedTests: [...new Set(own.flatMap((problem) => (problem.citation === undefined ? [] : [problem.citation])))],
      };
    })
    .filter(({ reasons }) => reasons.length > 0)
    .map(({ row, reasons, droppedTests }) => ({ rowId: row.id, line: row.line, capability: row.capability, reasons, droppedTests }));
}

function downgradedCells(row: MatrixRow, downgrade: Downgrade): string[] {
  const { reasons, droppedTests } = downgrade;
  return MATRIX_COLUMNS.map((column) => {
    if (column === 'Status') return 'Partial';
    if (column === 'Evidence (Tests)' && droppedTests.length > 0) {
      return splitEvidenceItems(row.cells[column])
        .filter((item) => !droppedTests.includes(item))
        .join('<br>');
    }
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
    lines[downgrade.line - 1] = renderTableLine(downgradedCells(row, downgrade)) + lineEnd;
  }
  return lines.join('\n');
}

/** The line the CLI prints for a downgrade. */
export function formatDowngrade(downgrade: Downgrade): string {
  return `matrix:${downgrade.line}: Status: ${downgrade.rowId}: Implemented → Partial (${downgrade.reasons.join('; ')})`;
}
