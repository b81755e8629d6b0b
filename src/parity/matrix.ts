/**
 * The parity matrix model: its fixed columns, sections, status taxonomy and proof levels, and the
 * shape of one parsed row. docs/parity/conventions.md explains each rule in words; this file is the
 * single place the tool takes them from.
 */

/** The matrix columns, in the order every section table must use. */
export const MATRIX_COLUMNS = [
  'Capability',
  'Arco Feature',
  'Status',
  'Proof Level Required',
  'Evidence (Code)',
  'Evidence (Tests)',
  'Evidence (CI)',
  'Owner',
  'Notes',
  'Parity Item',
] as const;

export type MatrixColumn = (typeof MATRIX_COLUMNS)[number];

/** The `##` sections of the matrix, each holding one table, in document order. */
export const MATRIX_SECTIONS = [
  'Scheduling',
  'Sensors',
  'Run identity',
  'Partitions',
  'Backfills',
  'Partition status',
  'Staleness/reconciliation',
  'Operator UX',
  'Production hardening',
] as const;

export type MatrixSection = (typeof MATRIX_SECTIONS)[number];

/** The status taxonomy (docs/parity/charter.md). Only these five words are statuses. */
export const STATUSES = ['Implemented', 'Partial', 'Designed', 'Planned', 'Exception'] as const;

export type Status = (typeof STATUSES)[number];

/** How strong a test must be before a row may claim Implemented (docs/parity/conventions.md). */
export const PROOF_LEVELS = ['unit', 'integration', 'e2e', 'sim'] as const;

export type ProofLevel = (typeof PROOF_LEVELS)[number];

/**
 * Where a test must live to count for a proof level. `unit` and `integration` tests may live anywhere
 * under test/; end-to-end and simulation claims need a test from the suites built for them (the
 * web UI's browser tests, test/ui/, drive a running `arco dev` through its UI, so they are end to end).
 */
export const PROOF_LEVEL_TEST_ROOTS: Readonly<Record<ProofLevel, readonly string[]>> = {
  unit: ['test/'],
  integration: ['test/'],
  e2e: ['test/e2e/', 'test/gates/', 'test/ui/'],
  sim: ['test/sim/', 'test/gates/'],
};

/** The parity items (04–11) every row belongs to; charter.md states what each one covers. */
export const PARITY_ITEMS = ['04', '05', '06', '07', '08', '09', '10', '11'] as const;

export type ParityItem = (typeof PARITY_ITEMS)[number];

/** The owner value for a row no team has taken yet. */
export const OWNER_UNASSIGNED = 'TBD';

/**
 * A row id: two to four capital letters, a dash and two or three digits (`SCH-01`). It is written
 * bold at the start of the Capability cell and is what `diff` matches rows by.
 */
export const ROW_ID_PATTERN = /^[A-Z]{2,4}-\d{2,3}$/;

/** The id of a deliberate exception in docs/parity/exceptions.md (`EX-01`). */
export const EXCEPTION_ID_PATTERN = /\bEX-\d{2,3}\b/g;

/** One data row of the matrix as written in the markdown. */
export interface MatrixRow {
  /** 1-based line of the row in the markdown file; problems point here. */
  readonly line: number;
  readonly section: string;
  /** The row id from the Capability cell, or '' when the cell has none. */
  readonly id: string;
  /** The capability statement without its id. */
  readonly capability: string;
  /** Every cell by column, trimmed, with `\|` unescaped to `|`. */
  readonly cells: Readonly<Record<MatrixColumn, string>>;
}

/** The markdown matrix after parsing: its rows plus what could not be read as a row. */
export interface ParsedMatrix {
  readonly rows: readonly MatrixRow[];
  /** Structural problems found while parsing (bad header, wrong cell count, unknown section). */
  readonly problems: readonly Problem[];
  /** Sections whose table was found, in document order, with the line of their heading. */
  readonly sections: readonly { readonly name: string; readonly line: number }[];
}

/** Which file a problem points into. */
export type ProblemSource = 'matrix' | 'csv' | 'exceptions';

/**
 * One finding of `arco parity check`. `rule` is a stable kebab-case name (conventions.md lists them);
 * `proof` marks the findings about evidence that the files and the report must bear out (an
 * Implemented row's whole proof, a Partial row's cited tests); `audit --downgrade` acts on those of
 * Implemented rows. `citation` is the raw test citation a test problem is about.
 */
export interface Problem {
  readonly source: ProblemSource;
  readonly line: number;
  /** A matrix column, or `-` for a problem about the file as a whole. */
  readonly column: MatrixColumn | '-';
  readonly rule: string;
  readonly message: string;
  readonly rowId?: string;
  readonly proof?: boolean;
  readonly citation?: string;
}

export function isStatus(value: string): value is Status {
  return (STATUSES as readonly string[]).includes(value);
}

export function isProofLevel(value: string): value is ProofLevel {
  return (PROOF_LEVELS as readonly string[]).includes(value);
}

export function isParityItem(value: string): value is ParityItem {
  return (PARITY_ITEMS as readonly string[]).includes(value);
}

export function isMatrixSection(value: string): value is MatrixSection {
  return (MATRIX_SECTIONS as readonly string[]).includes(value);
}

/** Formats a problem as the one line the CLI prints: `matrix:<line>: <column>: <problem>`. */
export function formatProblem(problem: Problem): string {
  const subject = problem.rowId ? `${problem.rowId}: ` : '';
  return `${problem.source}:${problem.line}: ${problem.column}: ${subject}${problem.message}`;
}

/** Orders problems by file, then line, then column position, so output is stable. */
export function sortProblems(problems: readonly Problem[]): Problem[] {
  const sourceOrder: Record<ProblemSource, number> = { matrix: 0, csv: 1, exceptions: 2 };
  const columnOrder = (column: MatrixColumn | '-'): number =>
    column === '-' ? -1 : MATRIX_COLUMNS.indexOf(column);
  return [...problems].sort(
    (a, b) =>
      sourceOrder[a.source] - sourceOrder[b.source] ||
      a.line - b.line ||
      columnOrder(a.column) - columnOrder(b.column),
  );
}
