/**
 * The list tables of the automation, schedule, sensor and instance pages: a labelled table (its
 * label is how a screen reader and the tests find it), a header per column, a row per item, and a
 * line saying the list is empty once it has loaded (not while it loads).
 */
import type { ReactNode } from 'react';

export interface Column<T> {
  /** Empty for a column of buttons. */
  readonly header: string;
  readonly cell: (row: T) => ReactNode;
  readonly className?: string;
}

export function DataTable<T>({ label, columns, rows, rowKey, empty }: { label: string; columns: readonly Column<T>[]; rows: readonly T[] | undefined; rowKey: (row: T) => string | number; empty: string }) {
  return (
    <table aria-label={label}>
      <thead>
        <tr>
          {columns.map((c, i) => (
            <th key={i}>{c.header}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {(rows ?? []).map((row) => (
          <tr key={rowKey(row)}>
            {columns.map((c, i) => (
              <td key={i} className={c.className}>
                {c.cell(row)}
              </td>
            ))}
          </tr>
        ))}
        {rows?.length === 0 ? (
          <tr>
            <td colSpan={columns.length} className="muted">
              {empty}
            </td>
          </tr>
        ) : null}
      </tbody>
    </table>
  );
}
