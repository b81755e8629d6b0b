/**
 * One backfill: overall and per-asset progress with the state of each key range, and Pause /
 * Resume / Cancel / Retry failed. URL: /backfills/<backfillId>.
 */
import { ErrorNote } from '../components/ErrorNote.js';
import { ProgressBar } from '../components/ProgressBar.js';
import { StatusBadge } from '../components/StatusBadge.js';
import { Time } from '../components/Time.js';
import { useAction, useCanWrite, useOp } from '../hooks.js';
import { Link, navigate, pathOf } from '../router.js';

export function BackfillPage({ backfillId }: { backfillId: string }) {
  const status = useOp('getBackfillStatus', { backfillId });
  const pause = useAction('pauseBackfill');
  const resume = useAction('resumeBackfill');
  const cancel = useAction('cancelBackfill');
  const canWrite = useCanWrite();
  const retry = useAction('retryBackfill', (out) => navigate(`/backfills/${encodeURIComponent(out.backfill.backfillId)}`));
  if (status.error && !status.data) return <ErrorNote error={status.error} label={backfillId} />;
  const s = status.data;
  if (!s) return <p className="muted">Loading…</p>;
  const b = s.backfill;
  const version = { backfillId, expectedStateVersion: b.stateVersion };
  const active = b.status === 'REQUESTED' || b.status === 'PAUSED';
  return (
    <>
      <div className="page-head">
        <div>
          <div className="muted small">
            <Link to="/backfills">Backfills</Link> /
          </div>
          <h1 className="row">
            <span className="mono">{b.backfillId}</span> <StatusBadge status={b.status} />
          </h1>
          <div className="muted">
            created <Time iso={b.createdAt} /> · {b.chunksFinished}/{b.chunksPlanned} chunks · up to {b.maxConcurrentRuns} runs at once
          </div>
        </div>
        <div className="row" hidden={!canWrite}>
          {b.status === 'PAUSED' ? (
            <button type="button" className="primary" onClick={() => resume.mutate(version)}>
              Resume
            </button>
          ) : (
            <button type="button" disabled={b.status !== 'REQUESTED'} onClick={() => pause.mutate(version)}>
              Pause
            </button>
          )}
          <button type="button" className="danger" disabled={!active} onClick={() => cancel.mutate({ ...version, reason: 'canceled from the web UI' })}>
            Cancel
          </button>
          <button type="button" disabled={b.status !== 'COMPLETED_FAILED' && b.status !== 'CANCELED'} onClick={() => retry.mutate({ backfillId })}>
            Retry failed
          </button>
        </div>
      </div>
      {[pause, resume, cancel, retry].map((a, i) => (
        <ErrorNote key={i} error={a.error} />
      ))}
      {b.error ? <ErrorNote error={Object.assign(new Error(b.error.message), { code: b.error.code })} label="Backfill failed" /> : null}
      <div className="panel">
        <h2>Progress</h2>
        <ProgressBar counts={b.counts} legend />
        {b.runsInFlight.length > 0 ? (
          <div className="small" style={{ marginTop: 8 }}>
            Runs in flight:{' '}
            {b.runsInFlight.map((r) => (
              <Link key={r.runId} to={`/runs/${r.runId}`} className="mono" style={{ marginRight: 8 }}>
                {r.runId.slice(0, 8)}
              </Link>
            ))}
          </div>
        ) : null}
      </div>
      <div className="panel flush">
        <h2>Assets</h2>
        <table aria-label="Backfill assets">
          <thead>
            <tr>
              <th>Asset</th>
              <th style={{ width: '35%' }}>Progress</th>
              <th>Ranges</th>
            </tr>
          </thead>
          <tbody>
            {s.assets.map((a) => {
              const total = Object.values(a.counts).reduce((x, y) => x + y, 0);
              return (
                <tr key={a.assetKey}>
                  <td>
                    <Link to={pathOf('/assets', a.assetKey)} className="mono">
                      {a.assetKey}
                    </Link>
                  </td>
                  <td>
                    <ProgressBar counts={{ ...a.counts, total }} />
                  </td>
                  <td className="small">
                    {a.ranges.slice(0, 8).map((r) => (
                      <div key={r.range}>
                        <StatusBadge status={r.state} /> <span className="mono">{r.range}</span>
                      </div>
                    ))}
                    {a.rangesTruncated || a.ranges.length > 8 ? <div className="muted">…more ranges</div> : null}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </>
  );
}
