/**
 * The rules of `arco parity check` over a parsed matrix (docs/parity/conventions.md lists each rule
 * by name). Every row is judged on its own cells; Implemented rows also have their evidence verified
 * (`verifyProof`) and Partial rows their cited tests (`verifyCitedTests`); the matrix as a whole must cover every section and every parity item.
 */
import { parseCodeEvidence, parseTestEvidence } from './evidence.js';
import {
  EXCEPTION_ID_PATTERN,
  MATRIX_SECTIONS,
  OWNER_UNASSIGNED,
  PARITY_ITEMS,
  PROOF_LEVELS,
  ROW_ID_PATTERN,
  STATUSES,
  isParityItem,
  isProofLevel,
  isStatus,
  sortProblems,
  type MatrixColumn,
  type MatrixRow,
  type ParsedMatrix,
  type Problem,
} from './matrix.js';
import { verifyCitedTests, verifyProof, type ParityFacts } from './proof.js';

type Emit = (column: MatrixColumn, rule: string, message: string, proof?: boolean) => void;

function checkIdentity(row: MatrixRow, emit: Emit): void {
  if (!ROW_ID_PATTERN.test(row.id)) {
    emit('Capability', 'id-missing', 'the cell must start with a bold row id such as **SCH-01**');
  }
  if (row.capability.length === 0) emit('Capability', 'capability-missing', 'the capability statement is empty');
  if (row.cells['Arco Feature'].length === 0) emit('Arco Feature', 'feature-missing', 'name the Arco feature that covers the capability');
}

function checkStatus(row: MatrixRow, facts: ParityFacts, emit: Emit): void {
  const status = row.cells.Status;
  if (status.length === 0) emit('Status', 'status-missing', `the row has no status (one of ${STATUSES.join(', ')})`);
  else if (!isStatus(status)) emit('Status', 'status-invalid', `"${status}" is not a status (one of ${STATUSES.join(', ')})`);
  if (status !== 'Exception') return;
  const cited = row.cells.Notes.match(EXCEPTION_ID_PATTERN) ?? [];
  if (cited.length === 0) {
    emit('Notes', 'exception-id-missing', 'an Exception row must cite its EX id from exceptions.md in Notes');
    return;
  }
  for (const id of cited) {
    if (!facts.exceptionIds.has(id)) emit('Notes', 'exception-id-unknown', `${id} is not defined in exceptions.md`);
  }
}

function checkOwner(row: MatrixRow, facts: ParityFacts, emit: Emit): void {
  const owner = row.cells.Owner;
  if (owner.length === 0) {
    emit('Owner', 'owner-missing', `the row has no owner (a team from CODEOWNERS, or ${OWNER_UNASSIGNED})`);
  } else if (/[\s,;]/.test(owner) || /^shared$/i.test(owner)) {
    emit('Owner', 'owner-not-single', `"${owner}" is not one owner: name one team, or ${OWNER_UNASSIGNED}`);
  } else if (owner !== OWNER_UNASSIGNED && !facts.teams.has(owner)) {
    const known = [...facts.teams].sort().join(', ') || 'none';
    emit('Owner', 'owner-unknown', `"${owner}" is neither ${OWNER_UNASSIGNED} nor a team in CODEOWNERS (teams: ${known})`);
  }
}

function checkColumns(row: MatrixRow, emit: Emit): void {
  const level = row.cells['Proof Level Required'];
  if (level.length === 0) emit('Proof Level Required', 'proof-level-missing', `state the proof level (${PROOF_LEVELS.join(', ')})`);
  else if (!isProofLevel(level)) emit('Proof Level Required', 'proof-level-invalid', `"${level}" is not a proof level (${PROOF_LEVELS.join(', ')})`);
  const item = row.cells['Parity Item'];
  if (item.length === 0) emit('Parity Item', 'parity-item-missing', `name the parity item (${PARITY_ITEMS.join(', ')})`);
  else if (!isParityItem(item)) emit('Parity Item', 'parity-item-invalid', `"${item}" is not a parity item (${PARITY_ITEMS.join(', ')})`);
  // Citations are checked for form on every row, so a row reads right before it claims anything;
  // on an Implemented row a citation that cannot be read is also a missing proof.
  const claimed = row.cells.Status === 'Implemented';
  for (const bad of parseCodeEvidence(row.cells['Evidence (Code)']).malformed) {
    emit('Evidence (Code)', 'evidence-malformed', `${bad.raw}: ${bad.reason}`, claimed);
  }
  for (const bad of parseTestEvidence(row.cells['Evidence (Tests)']).malformed) {
    emit('Evidence (Tests)', 'evidence-malformed', `${bad.raw}: ${bad.reason}`, claimed);
  }
}

function checkUniqueness(rows: readonly MatrixRow[]): Problem[] {
  const problems: Problem[] = [];
  const seenIds = new Map<string, number>();
  const seenCapabilities = new Map<string, number>();
  for (const row of rows) {
    const firstId = seenIds.get(row.id);
    if (row.id && firstId !== undefined) {
      problems.push({ source: 'matrix', line: row.line, column: 'Capability', rule: 'id-duplicate', rowId: row.id, message: `the id is already used on line ${firstId}` });
    } else if (row.id) seenIds.set(row.id, row.line);
    const key = row.capability.toLowerCase();
    const firstCapability = seenCapabilities.get(key);
    if (key && firstCapability !== undefined) {
      problems.push({ source: 'matrix', line: row.line, column: 'Capability', rule: 'capability-duplicate', rowId: row.id, message: `the same capability is stated on line ${firstCapability}` });
    } else if (key) seenCapabilities.set(key, row.line);
  }
  return problems;
}

function checkCoverage(matrix: ParsedMatrix): Problem[] {
  const problems: Problem[] = [];
  for (const section of MATRIX_SECTIONS) {
    if (!matrix.rows.some((row) => row.section === section)) {
      problems.push({ source: 'matrix', line: 1, column: '-', rule: 'section-missing', message: `the section "${section}" has no rows` });
    }
  }
  for (const item of PARITY_ITEMS) {
    if (!matrix.rows.some((row) => row.cells['Parity Item'] === item)) {
      problems.push({ source: 'matrix', line: 1, column: '-', rule: 'parity-item-uncovered', message: `parity item ${item} has no rows` });
    }
  }
  return problems;
}

/**
 * The problems of one row. Implemented rows have all their proof verified; Partial rows have the
 * tests they cite verified (they claim part of the capability on that evidence).
 */
export function checkRow(row: MatrixRow, facts: ParityFacts): Problem[] {
  const problems: Problem[] = [];
  const emit: Emit = (column, rule, message, proof) =>
    problems.push({
      source: 'matrix',
      line: row.line,
      column,
      rule,
      message,
      ...(row.id ? { rowId: row.id } : {}),
      ...(proof ? { proof } : {}),
    });
  checkIdentity(row, emit);
  checkStatus(row, facts, emit);
  checkOwner(row, facts, emit);
  checkColumns(row, emit);
  if (row.cells.Status === 'Implemented') problems.push(...verifyProof(row, facts));
  else if (row.cells.Status === 'Partial') problems.push(...verifyCitedTests(row, facts));
  return problems;
}

/**
 * Every problem of the matrix: what the parser found, each row's problems, duplicates and coverage,
 * sorted by line. An empty list means the matrix passes.
 */
export function checkMatrix(matrix: ParsedMatrix, facts: ParityFacts): Problem[] {
  return sortProblems([
    ...matrix.problems,
    ...matrix.rows.flatMap((row) => checkRow(row, facts)),
    ...checkUniqueness(matrix.rows),
    ...checkCoverage(matrix),
  ]);
}
