/**
 * Every partition of an asset as a grid of cells coloured by status, drawn on a canvas from the
 * API's position ranges: a calendar of days by week, an hourly grid of days × 24 hours, or a 2-D
 * grid of a multi-partitioned asset's two dimensions. Only the cells in view are drawn, and a cell
 * costs no DOM node, so a million partitions paint as fast as a hundred. A drag (or Shift+arrows)
 * selects a range, or a rectangle of a 2-D grid, whose keys are then read from the API.
 */
import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent, type MouseEvent } from 'react';
import type { Output } from '../api.js';

export type Grid = NonNullable<Output<'getAssetPartitionStatus'>['grid']>;

/** A selection: positions for a 1-D grid (from ≤ to), or a rectangle of rows × columns for `multi`. */
export interface CellSelection {
  readonly rows: readonly [number, number];
  readonly columns: readonly [number, number];
}

const CELL = 14;
const LABEL_W = 44;
const HEAD_H = 18;
const STATUSES = ['MATERIALIZED', 'FAILED', 'IN_PROGRESS', 'MISSING'] as const;
type Status = (typeof STATUSES)[number] | 'UNKNOWN';
const COLOR_VARS: Record<Status, string> = { MATERIALIZED: '--ok', FAILED: '--bad', IN_PROGRESS: '--busy', MISSING: '--idle-bg', UNKNOWN: '--border' };
const WEEKDAYS = ['M', 'T', 'W', 'T', 'F', 'S', 'S'];

/** The ranges of every status as one sorted list: [from, to, status index] triples. */
function mergeRanges(grid: Grid): Int32Array {
  const all: [number, number, number][] = [];
  STATUSES.forEach((s, i) => {
    for (const [from, to] of grid.positions[s]) all.push([from, to, i]);
  });
  all.sort((a, b) => a[0] - b[0]);
  const out = new Int32Array(all.length * 3);
  all.forEach((r, i) => out.set(r, i * 3));
  return out;
}

/** The status at a position: a binary search over the merged ranges. */
export function statusAt(merged: Int32Array, position: number): Status {
  let lo = 0;
  let hi = merged.length / 3 - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const from = merged[mid * 3] as number;
    const to = merged[mid * 3 + 1] as number;
    if (position < from) hi = mid - 1;
    else if (position >= to) lo = mid + 1;
    else return STATUSES[merged[mid * 3 + 2] as number] as Status;
  }
  return 'UNKNOWN';
}

/**
 * A row's label: for a calendar or an hourly grid whose keys start with a date, the date of its
 * first cell (month-day), else its number. Worked out from the first key, so no key is read.
 */
function rowLabel(grid: Grid, row: number): string {
  const date = /^(\d{4})-(\d{2})-(\d{2})/.exec(grid.firstKey ?? '');
  if (!date || (grid.layout !== 'calendar' && grid.layout !== 'hourly')) return String(row);
  const days = grid.layout === 'calendar' ? row * 7 - grid.offset : row;
  const day = new Date(Date.UTC(Number(date[1]), Number(date[2]) - 1, Number(date[3])) + days * 86_400_000);
  return `${String(day.getUTCMonth() + 1).padStart(2, '0')}-${String(day.getUTCDate()).padStart(2, '0')}`;
}

export function gridRows(grid: Grid): number {
  return Math.ceil((grid.total + grid.offset) / grid.columns);
}

/** Position of a cell, or -1 for the empty cells before the first and after the last partition. */
export function positionOf(grid: Grid, row: number, column: number): number {
  const p = row * grid.columns + column - grid.offset;
  return p >= 0 && p < grid.total ? p : -1;
}

function cssVar(element: Element, name: string): string {
  return getComputedStyle(element).getPropertyValue(name).trim() || '#888';
}

export function PartitionGrid({ grid, selection, onSelect, label }: { grid: Grid; selection: CellSelection | null; onSelect: (s: CellSelection | null) => void; label: string }) {
  const scroller = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const [view, setView] = useState({ left: 0, top: 0, width: 600, height: 300 });
  const [focus, setFocus] = useState<[number, number]>([0, grid.offset]);
  const anchor = useRef<[number, number] | null>(null);
  const dragging = useRef(false);
  const merged = useMemo(() => mergeRanges(grid), [grid]);
  const rows = gridRows(grid);
  const fullW = LABEL_W + grid.columns * CELL;
  const fullH = HEAD_H + rows * CELL;

  const measure = useCallback(() => {
    const el = scroller.current;
    if (el) setView({ left: el.scrollLeft, top: el.scrollTop, width: el.clientWidth, height: el.clientHeight });
  }, []);
  useEffect(() => {
    measure();
    const el = scroller.current;
    if (!el) return;
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, [measure]);

  // Draw the cells in view: rows and columns under the scrolled window, nothing else.
  useEffect(() => {
    const c = canvas.current;
    if (!c) return;
    const ratio = window.devicePixelRatio || 1;
    const width = Math.min(view.width, fullW);
    const height = Math.min(view.height, fullH);
    c.width = Math.round(width * ratio);
    c.height = Math.round(height * ratio);
    c.style.width = `${width}px`;
    c.style.height = `${height}px`;
    const g = c.getContext('2d');
    if (!g) return;
    g.setTransform(ratio, 0, 0, ratio, 0, 0);
    g.clearRect(0, 0, width, height);
    const colors = Object.fromEntries(Object.entries(COLOR_VARS).map(([s, v]) => [s, cssVar(c, v)])) as Record<Status, string>;
    const text = cssVar(c, '--muted');
    const r0 = Math.max(0, Math.floor(view.top / CELL));
    const r1 = Math.min(rows, Math.ceil((view.top + height - HEAD_H) / CELL) + 1);
    const c0 = Math.max(0, Math.floor(view.left / CELL));
    const c1 = Math.min(grid.columns, Math.ceil((view.left + width - LABEL_W) / CELL) + 1);
    const x = (col: number) => LABEL_W + col * CELL - view.left;
    const y = (row: number) => HEAD_H + row * CELL - view.top;
    g.save();
    g.beginPath();
    g.rect(LABEL_W, HEAD_H, width - LABEL_W, height - HEAD_H);
    g.clip();
    for (let row = r0; row < r1; row += 1) {
      for (let col = c0; col < c1; col += 1) {
        const p = positionOf(grid, row, col);
        if (p < 0) continue;
        g.fillStyle = colors[statusAt(merged, p)];
        g.fillRect(x(col) + 1, y(row) + 1, CELL - 2, CELL - 2);
      }
    }
    if (selection) {
      const [sr0, sr1] = selection.rows;
      const [sc0, sc1] = selection.columns;
      g.strokeStyle = cssVar(c, '--accent');
      g.lineWidth = 2;
      if (grid.layout === 'multi') g.strokeRect(x(sc0), y(sr0), (sc1 - sc0 + 1) * CELL, (sr1 - sr0 + 1) * CELL);
      else {
        // A 1-D range runs row by row: outline each of its cells' rows.
        const from = sr0 * grid.columns + sc0;
        const to = sr1 * grid.columns + sc1;
        for (let row = Math.max(r0, sr0); row <= Math.min(r1, sr1); row += 1) {
          const a = row === sr0 ? from - row * grid.columns : 0;
          const b = row === sr1 ? to - row * grid.columns : grid.columns - 1;
          g.strokeRect(x(a), y(row), (b - a + 1) * CELL, CELL);
        }
      }
    }
    g.strokeStyle = cssVar(c, '--text');
    g.lineWidth = 1;
    g.setLineDash([2, 2]);
    g.strokeRect(x(focus[1]) + 0.5, y(focus[0]) + 0.5, CELL - 1, CELL - 1);
    g.restore();
    // Axis labels: weekdays or hours over the columns, row numbers at the left.
    g.fillStyle = text;
    g.font = '10px system-ui, sans-serif';
    g.textBaseline = 'middle';
    for (let col = c0; col < c1; col += 1) {
      const name = grid.layout === 'calendar' ? WEEKDAYS[col] : grid.layout === 'hourly' ? (col % 3 === 0 ? String(col).padStart(2, '0') : '') : col % 5 === 0 ? String(col) : '';
      if (name && x(col) >= LABEL_W - 2) g.fillText(name ?? '', x(col) + 1, HEAD_H / 2);
    }
    for (let row = r0; row < r1; row += 1) {
      if (y(row) >= HEAD_H - 2 && row % 2 === 0) g.fillText(rowLabel(grid, row), 2, y(row) + CELL / 2);
    }
  }, [grid, merged, view, rows, fullW, fullH, selection, focus]);

  const cellAt = (event: MouseEvent): [number, number] | null => {
    const box = (event.currentTarget as HTMLElement).getBoundingClientRect();
    const col = Math.floor((event.clientX - box.left - LABEL_W + view.left) / CELL);
    const row = Math.floor((event.clientY - box.top - HEAD_H + view.top) / CELL);
    return row >= 0 && row < rows && col >= 0 && col < grid.columns ? [row, col] : null;
  };
  const select = (a: [number, number], b: [number, number]) => {
    if (grid.layout === 'multi') {
      onSelect({ rows: [Math.min(a[0], b[0]), Math.max(a[0], b[0])], columns: [Math.min(a[1], b[1]), Math.max(a[1], b[1])] });
      return;
    }
    // 1-D: positions in order, clipped to the partitions that exist.
    const pa = a[0] * grid.columns + a[1];
    const pb = b[0] * grid.columns + b[1];
    const lo = Math.max(Math.min(pa, pb), grid.offset);
    const hi = Math.min(Math.max(pa, pb), grid.offset + grid.total - 1);
    if (lo > hi) return onSelect(null);
    onSelect({ rows: [Math.floor(lo / grid.columns), Math.floor(hi / grid.columns)], columns: [lo % grid.columns, hi % grid.columns] });
  };
  const down = (event: MouseEvent) => {
    const cell = cellAt(event);
    if (!cell) return;
    dragging.current = true;
    if (!event.shiftKey || !anchor.current) anchor.current = cell;
    setFocus(cell);
    select(anchor.current, cell);
  };
  const move = (event: MouseEvent) => {
    if (!dragging.current || !anchor.current) return;
    const cell = cellAt(event);
    if (!cell) return;
    setFocus(cell);
    select(anchor.current, cell);
  };
  const key = (event: KeyboardEvent) => {
    const moves: Record<string, [number, number]> = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
    const d = moves[event.key];
    if (event.key === 'Escape') {
      anchor.current = null;
      onSelect(null);
      return;
    }
    if (!d) return;
    event.preventDefault();
    const next: [number, number] = [Math.min(rows - 1, Math.max(0, focus[0] + d[0])), Math.min(grid.columns - 1, Math.max(0, focus[1] + d[1]))];
    if (!event.shiftKey || !anchor.current) anchor.current = next;
    setFocus(next);
    select(anchor.current, next);
    // Keep the focused cell in view.
    const el = scroller.current;
    if (el) {
      const top = HEAD_H + next[0] * CELL;
      if (top < el.scrollTop + HEAD_H) el.scrollTop = top - HEAD_H;
      else if (top + CELL > el.scrollTop + el.clientHeight) el.scrollTop = top + CELL - el.clientHeight;
    }
  };

  return (
    <div ref={scroller} className="partition-grid" style={{ height: Math.min(fullH + 2, 360) }} onScroll={measure}>
      <canvas
        ref={canvas}
        tabIndex={0}
        role="application"
        aria-roledescription="partition grid"
        aria-label={`${label}: arrow keys move, Shift with arrows or a drag selects a range, Escape clears it`}
        onMouseDown={down}
        onMouseMove={move}
        onMouseUp={() => (dragging.current = false)}
        onMouseLeave={() => (dragging.current = false)}
        onKeyDown={key}
      />
      {/* The scrolled extent: the canvas stays in view and draws what is under it. */}
      <div style={{ width: fullW, height: Math.max(0, fullH - Math.min(view.height, fullH)) }} />
    </div>
  );
}
