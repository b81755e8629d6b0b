/**
 * `arco parity diff`: what changed in the matrix between two revisions, status first. Rows are
 * matched by id (by capability statement when a row has no id), so rewording a row shows as a change
 * of its Capability, and moving it to another section as a change of its Section.
 */
import { MATRIX_COLUMNS, STATUSES, type MatrixColumn, type MatrixRow } from './matrix.js';

/** A row as the diff reports it. */
export interface DiffRow {
  readonly id: string;
  readonly section: string;
  readonly capability: string;
  readonly status: string;
}

export interface FieldChange {
  readonly column: MatrixColumn | 'Section';
  readonly from: string;
  readonly to: string;
}

export interface RowChange extends DiffRow {
  /** Present when the status changed; `status` then holds the new status. */
  readonly statusFrom?: string;
  /** Every other cell that changed, in column order. */
  readonly fields: readonly FieldChange[];
}

export interface MatrixDiff {
  readonly from: string;
  readonly to: string;
  readonly added: readonly DiffRow[];
  readonly removed: readonly DiffRow[];
  /** Status changes first, then other changes, each in the order of the newer matrix. */
  readonly changed: readonly RowChange[];
  /** Rows per status before and after; statuses outside the taxonomy count under their own name. */
  readonly statusTotals: { readonly from: Record<string, number>; readonly to: Record<string, number> };
}

function keyOf(row: MatrixRow): string {
  return row.id || `capability:${row.capability.toLowerCase()}`;
}

function summary(row: MatrixRow): DiffRow {
  return { id: row.id, section: row.section, capability: row.capability, status: row.cells.Status };
}

function totals(rows: readonly MatrixRow[]): Record<string, number> {
  const counts: Record<string, number> = Object.fromEntries(STATUSES.map((status) => [status, 0]));
  for (const row of rows) counts[row.cells.Status] = (counts[row.cells.Status] ?? 0) + 1;
  return counts;
}

function fieldChanges(before: MatrixRow, after: MatrixRow): FieldChange[] {
  const changes: FieldChange[] = [];
  if (before.section !== after.section) changes.push({ column: 'Section', from: before.section, to: after.section });
  for (const column of MATRIX_COLUMNS) {
    if (column === 'Status') continue;
    const from = column === 'Capability' ? before.capability : before.cells[column];
    const to = column === 'Capability' ? after.capability : after.cells[column];
    if (from !== to) changes.push({ column, from, to });
  }
  return changes;
}

/** Compares two matrices' rows. `from` and `to` label the revisions in the output. */
export function diffMatrices(before: readonly MatrixRow[], after: readonly MatrixRow[], from: string, to: string): MatrixDiff {
  const beforeByKey = new Map(before.map((row) => [keyOf(row), row]));
  const afterKeys = new Set(after.map(keyOf));
  const added: DiffRow[] = [];
  const statusChanges: RowChange[] = [];
  const otherChanges: RowChange[] = [];
  for (const row of after) {
    const previous = beforeByKey.get(keyOf(row));
    if (!previous) {
      added.push(summary(row));
      continue;
    }
    const fields = fieldChanges(previous, row);
    const statusFrom = previous.cells.Status;
    if (statusFrom !== row.cells.Status) statusChanges.push({ ...summary(row), statusFrom, fields });
    else if (fields.length > 0) otherChanges.push({ ...summary(row), fields });
  }
  const removed = before.filter((row) => !afterKeys.has(keyOf(row))).map(summary);
  return {
    from,
    to,
    added,
    removed,
    changed: [...statusChanges, ...otherChanges],
    statusTotals: { from: totals(before), to: totals(after) },
  };
}

const CAPABILITY_WIDTH = 100;
const VALUE_WIDTH = 140;

function clip(value: string, width: number): string {
  return value.length > width ? `${value.slice(0, width - 1)}…` : value;
}

function shown(value: string): string {
  return value.length === 0 ? '(empty)' : `"${clip(value, VALUE_WIDTH)}"`;
}

function label(row: DiffRow): string {
  return (row.id || '(no id)').padEnd(7);
}

function formatTotals(diff: MatrixDiff): string {
  const statuses = [...new Set([...Object.keys(diff.statusTotals.from), ...Object.keys(diff.statusTotals.to)])];
  return statuses
    .map((status) => {
      const before = diff.statusTotals.from[status] ?? 0;
      const after = diff.statusTotals.to[status] ?? 0;
      const delta = after - before;
      return `${status} ${before}→${after}${delta === 0 ? '' : ` (${delta > 0 ? '+' : '−'}${Math.abs(delta)})`}`;
    })
    .join(' · ');
}

/** The diff as text a reviewer reads at a glance: counts, status changes, added, removed, changed. */
export function formatDiff(diff: MatrixDiff): string {
  const statusChanges = diff.changed.filter((change) => change.statusFrom !== undefined);
  const otherChanges = diff.changed.filter((change) => change.statusFrom === undefined);
  const lines = [
    `parity matrix ${diff.from} → ${diff.to}: ${statusChanges.length} status changed, ${diff.added.length} added, ` +
      `${diff.removed.length} removed, ${otherChanges.length} otherwise changed`,
  ];
  const fieldLines = (change: RowChange): string[] =>
    change.fields.map((field) => `      ${field.column}: ${shown(field.from)} → ${shown(field.to)}`);
  if (statusChanges.length > 0) {
    lines.push('', 'Status');
    for (const change of statusChanges) {
      lines.push(`  ${label(change)} ${change.statusFrom} → ${change.status}   ${clip(change.capability, CAPABILITY_WIDTH)}`, ...fieldLines(change));
    }
  }
  if (diff.added.length > 0) {
    lines.push('', 'Added');
    for (const row of diff.added) lines.push(`  + ${label(row)} ${row.status.padEnd(11)} ${clip(row.capability, CAPABILITY_WIDTH)}`);
  }
  if (diff.removed.length > 0) {
    lines.push('', 'Removed');
    for (const row of diff.removed) lines.push(`  - ${label(row)} ${row.status.padEnd(11)} ${clip(row.capability, CAPABILITY_WIDTH)}`);
  }
  if (otherChanges.length > 0) {
    lines.push('', 'Changed');
    for (const change of otherChanges) {
      lines.push(`  ~ ${label(change)} ${clip(change.capability, CAPABILITY_WIDTH)}`, ...fieldLines(change));
    }
  }
  lines.push('', `Totals: ${formatTotals(diff)}`);
  return `${lines.join('\n')}\n`;
}
