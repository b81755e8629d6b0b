/** Backfills, newest first, each with its progress. URL: /backfills?status=… */
import { ErrorNote } from '../components/ErrorNote.js';
import { ProgressBar } from '../components/ProgressBar.js';
import { StatusBadge } from '../components/StatusBadge.js';
import { Time } from '../components/Time.js';
import { useOp } from '../hooks.js';
import { Link, setQuery, useLocation } from '../router.js';

const STATUSES = ['REQUESTED', 'PAUSED', 'CANCELING', 'CANCELED', 'COMPLETED_SUCCESS', 'COMPLETED_FAILED', 'FAILED'];

export function BackfillsPage() {
  const { query } = useLocation();
  const status = query.get('status') ?? '';
  const backfills = useOp('listBackfills', status ? { status, limit: 50 } : { limit: 50 }, { keep: true });
  return (
    <>
      <div className="page-head">
        <div>
          <h1>Backfills</h1>
          <div className="muted">Create one with arco backfill create; follow and steer it here.</div>
        </div>
        <label className="field">
          Status
          <select value={status} onChange={(e) => setQuery({ status: e.target.value || undefined })}>
            <option value="">any</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
      </div>
      <ErrorNote error={backfills.error} />
      <div className="panel flush">
        <table aria-label="Backfills">
          <thead>
            <tr>
              <th>Backfill</th>
              <th>Status</th>
              <th>Assets</th>
              <th style={{ width: '30%' }}>Progress</th>
              <th>Created</th>
            </tr>
          </thead>
          <tbody>
            {(backfills.data?.backfills ?? []).map((b) => (
              <tr key={b.backfillId}>
                <td>
                  <Link to={`/backfills/${encodeURIComponent(b.backfillId)}`} className="mono">
                    {b.backfillId}
                  </Link>
                </td>
                <td>
                  <StatusBadge status={b.status} />
                </td>
                <td className="mono small">{b.assetKeys.join(', ')}</td>
                <td>
                  <ProgressBar counts={b.counts} />
                </td>
                <td>
                  <Time iso={b.createdAt} />
                </td>
              </tr>
            ))}
            {backfills.data?.backfills.length === 0 ? (
              <tr>
                <td colSpan={5} className="muted">
                  No backfills.
                </td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </div>
    </>
  );
}
