/**
 * The parity matrix tool: parse, check, audit, export and diff docs/parity/dagster-parity-matrix.md.
 * Pure rules (parse-matrix, check, proof, csv, audit, diff, junit) take text and injected facts;
 * repository.ts is the only module that touches files or runs git.
 */
export {
  MATRIX_COLUMNS,
  MATRIX_SECTIONS,
  STATUSES,
  PROOF_LEVELS,
  PROOF_LEVEL_TEST_ROOTS,
  PARITY_ITEMS,
  OWNER_UNASSIGNED,
  formatProblem,
  sortProblems,
  type MatrixColumn,
  type MatrixSection,
  type MatrixRow,
  type ParsedMatrix,
  type ParityItem,
  type Problem,
  type ProblemSource,
  type ProofLevel,
  type Status,
} from './matrix.js';
export { parseMatrix, splitTableCells, renderTableLine, splitCapability } from './parse-matrix.js';
export {
  parseCodeEvidence,
  parseTestEvidence,
  parseCiEvidence,
  TITLE_SEPARATOR,
  type CodeEvidence,
  type TestEvidence,
} from './evidence.js';
export { parseJunitReport, mergeReports, EMPTY_REPORT, type TestReport, type TestResult, type TestOutcome } from './junit.js';
export { parseCodeownersTeams } from './codeowners.js';
export { parseExceptions, EXCEPTION_FIELDS, type ExceptionEntry } from './exceptions-doc.js';
export {
  verifyProof,
  verifyCitedTests,
  matchingResults,
  declaresName,
  declaresMember,
  ciRunsCommand,
  fileMentionsTitle,
  type ParityFacts,
} from './proof.js';
export { checkMatrix, checkRow } from './check.js';
export { CSV_COLUMNS, renderCsv, parseCsv, compareCsv } from './csv.js';
export { planDowngrades, applyDowngrades, formatDowngrade, downgradeNote, type Downgrade } from './audit.js';
export { diffMatrices, formatDiff, type MatrixDiff, type RowChange, type DiffRow, type FieldChange } from './diff.js';
export {
  PARITY_PATHS,
  findRepositoryRoot,
  loadReport,
  repositoryFacts,
  checkRepository,
  auditRepository,
  exportCsv,
  readMatrixAtRevision,
  diffRepository,
  type CheckOutcome,
} from './repository.js';
