/**
 * A partitioned asset's partitions: the counts, the grid of every partition by status (a selection
 * of cells can be materialized or backfilled), and the status ranges in key order. All from one
 * range-compressed read of the partition status API, so a large asset costs a few rows, not one
 * per key; the keys of a selection are read only when it is made.
 */
import { useState } from 'react';
import type { Output } from '../api.js';
import { POLL_MS, useAction, useOp } from '../hooks.js';
import { navigate, setQuery } from '../router.js';
import { ErrorNote } from './ErrorNote.js';
import { HealthBar } from './HealthBar.js';
import { PartitionGrid, positionOf, type CellSelection, type Grid } from './PartitionGrid.js';
import { StatusBadge } from './StatusBadge.js';

type PartitionStatus = Output<'getAssetPartitionStatus'>;
type Range = PartitionStatus['ranges']['MISSING'][number] & { status: string };

/** Keys the API reads per page (listPartitionKeys' limit): a larger 2-D selection is refused. */
const KEYS_PAGE_MAX = 10_000;

function byKey(a: Range, b: Range): number {
  return a.start.localeCompare(b.start, undefined, { numeric: true });
}

/** What a selection of cells asks the API for: the first and last position, or the rows of a rectangle. */
function selectionPages(grid: Grid, s: CellSelection): { first: number; last: number; rectangle: boolean } {
  if (grid.layout === 'multi') return { first: s.rows[0] * grid.columns, last: (s.rows[1] + 1) * grid.columns - 1, rectangle: true };
  return { first: positionOf(grid, s.rows[0], s.columns[0]), last: positionOf(grid, s.rows[1], s.columns[1]), rectangle: false };
}

/** The keys of a selection, once read: a range `first...last`, or the explicit keys of a rectangle. */
function SelectionActions({ assetKey, grid, selection, onLaunch }: { assetKey: string; grid: Grid; selection: CellSelection; onLaunch: ((partition: string | string[]) => void) | undefined }) {
  const { first, last, rectangle } = selectionPages(grid, selection);
  const size = rectangle ? (selection.rows[1] - selection.rows[0] + 1) * (selection.columns[1] - selection.columns[0] + 1) : last - first + 1;
  const tooMany = rectangle && last - first + 1 > KEYS_PAGE_MAX;
  const band = useOp('listPartitionKeys', { asset: assetKey, offset: first, limit: rectangle ? Math.min(KEYS_PAGE_MAX, last - first + 1) : 1 }, { poll: false, enabled: !tooMany });
  const end = useOp('listPartitionKeys', { asset: assetKey, offset: last, limit: 1 }, { poll: false, enabled: !rectangle });
  const backfill = useAction('createBackfill', (out) => navigate(`/backfills/${encodeURIComponent(out.backfill.backfillId)}`));
  let keys: string[] | null = null;
  let text = '';
  if (rectangle && band.data) {
    const [c0, c1] = selection.columns;
    keys = band.data.keys.filter((_, i) => i % grid.columns >= c0 && i % grid.columns <= c1);
    text = keys.length === 1 ? (keys[0] as string) : `${keys[0]} … ${keys[keys.length - 1]}`;
  } else if (!rectangle && band.data && end.data) {
    const a = band.data.keys[0] as string;
    const b = end.data.keys[0] as string;
    keys = a === b ? [a] : [a, b];
    text = a === b ? a : `${a}...${b}`;
  }
  return (
    <div className="row" aria-label="Selected partitions" role="group">
      <span>
        Selected: <strong className="mono">{tooMany ? 'too many cells' : text || '…'}</strong> <span className="muted">({size.toLocaleString()} partition{size === 1 ? '' : 's'})</span>
      </span>
      {onLaunch && keys ? (
        <>
          <button type="button" className="primary" onClick={() => onLaunch(rectangle ? (keys as string[]) : text)}>
            Materialize selected
          </button>
          {rectangle ? (
            <button type="button" disabled={backfill.isPending} onClick={() => backfill.mutate({ selection: [assetKey], partition: { kind: 'explicit', keys: keys as string[] } })}>
              Backfill selected
            </button>
          ) : (
            <button type="button" onClick={() => setQuery({ backfill: 'range', from: keys?.[0], to: keys?.[keys.length - 1] })}>
              Backfill…
            </button>
          )}
        </>
      ) : null}
      <ErrorNote error={band.error ?? end.error ?? backfill.error} />
    </div>
  );
}

const LEGEND = [
  ['MATERIALIZED', '--ok'],
  ['FAILED', '--bad'],
  ['IN_PROGRESS', '--busy'],
  ['MISSING', '--idle-bg'],
] as const;

/** The read behind the grid; the asset page starts it beside the asset's own, not after it. */
export function usePartitionStatus(assetKey: string, enabled = true) {
  return useOp('getAssetPartitionStatus', { key: assetKey, rangesMax: 200, grid: 'true' }, { poll: POLL_MS * 2, enabled });
}

export function AssetPartitions({ assetKey, onLaunch }: { assetKey: string; onLaunch: ((partition: string | string[]) => void) | undefined }) {
  const status = usePartitionStatus(assetKey);
  const [selection, setSelection] = useState<CellSelection | null>(null);
  if (status.error) return <ErrorNote error={status.error} label="Partitions" />;
  const s = status.data;
  if (!s) return null;
  const ranges: Range[] = Object.entries(s.ranges)
    .flatMap(([st, list]) => list.map((r) => ({ ...r, status: st })))
    .sort(byKey);
  const grid = s.grid;
  const shape = grid ? (grid.layout === 'calendar' ? 'days by week' : grid.layout === 'hourly' ? 'days × 24 hours' : grid.layout === 'multi' ? `${grid.dimensions[0]} × ${grid.dimensions[1]}` : 'in key order') : '';
  return (
    <div className="panel" aria-label="Partitions">
      <h2>Partitions</h2>
      <HealthBar counts={s.counts} tall legend />
      {grid ? (
        <>
          <h2 style={{ marginTop: 16 }}>
            Grid <span className="muted small">{shape}: {grid.firstKey} … {grid.lastKey}</span>
          </h2>
          <div className="grid-legend" aria-hidden="true">
            {LEGEND.map(([name, color]) => (
              <span key={name}>
                <i style={{ background: `var(${color})` }} />
                {name.replace('_', ' ').toLowerCase()}
              </span>
            ))}
          </div>
          <PartitionGrid grid={grid} selection={selection} onSelect={setSelection} label={`${grid.total.toLocaleString()} partitions, ${shape}`} />
          {grid.truncated ? <p className="muted small">More status ranges exist than the grid was sent; the rest are drawn grey.</p> : null}
          {selection ? <SelectionActions key={JSON.stringify(selection)} assetKey={assetKey} grid={grid} selection={selection} onLaunch={onLaunch} /> : <p className="muted small">Drag over the grid (or Shift+arrow keys) to select partitions.</p>}
        </>
      ) : null}
      <h2 style={{ marginTop: 16 }}>Status by key range</h2>
      {s.rangesTruncated ? <p className="muted small">More ranges exist than are listed; the counts above cover every partition.</p> : null}
      <table aria-label="Partition ranges" style={{ marginTop: 10 }}>
        <thead>
          <tr>
            <th>Status</th>
            <th>From</th>
            <th>To</th>
            <th>Partitions</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {ranges.slice(0, 50).map((r) => (
            <tr key={`${r.status}:${r.start}`}>
              <td>
                <StatusBadge status={r.status} />
              </td>
              <td className="mono">{r.start}</td>
              <td className="mono">{r.end}</td>
              <td>{r.count.toLocaleString()}</td>
              <td>
                {onLaunch && (r.status === 'MISSING' || r.status === 'FAILED') ? (
                  <button type="button" onClick={() => onLaunch(r.count === 1 ? r.start : `${r.start}...${r.end}`)}>
                    Materialize {r.count === 1 ? 'partition' : 'range'}
                  </button>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
