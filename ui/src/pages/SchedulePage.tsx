/** One schedule: its settings and its recent ticks (run requested, skipped with reason, error). URL: /automation/schedules/<name>. */
import { ErrorNote } from '../components/ErrorNote.js';
import { StatusBadge } from '../components/StatusBadge.js';
import { Time } from '../components/Time.js';
import { useAction, useCanWrite, useOp } from '../hooks.js';
import { Link } from '../router.js';

export function SchedulePage({ name }: { name: string }) {
  const schedule = useOp('getSchedule', { name });
  const ticks = useOp('listScheduleTicks', { name, limit: 50 });
  const start = useAction('startSchedule');
  const canWrite = useCanWrite();
  const stop = useAction('stopSchedule');
  if (schedule.error && !schedule.data) return <ErrorNote error={schedule.error} label={name} />;
  const s = schedule.data;
  if (!s) return <p className="muted">Loading…</p>;
  const running = s.status === 'RUNNING';
  return (
    <>
      <div className="page-head">
        <div>
          <div className="muted small">
            <Link to="/automation">Automation</Link> / schedules /
          </div>
          <h1 className="row">
            <span className="mono">{s.name}</span> <StatusBadge status={s.status} />
          </h1>
          <div className="muted">{s.description ?? `${Array.isArray(s.cron) ? s.cron.join(' | ') : s.cron} (${s.timezone})`}</div>
        </div>
        <div className="row" hidden={!canWrite}>
          {running ? (
            <button type="button" onClick={() => stop.mutate({ name })}>
              Stop
            </button>
          ) : (
            <button type="button" className="primary" onClick={() => start.mutate({ name })}>
              Start
            </button>
          )}
        </div>
      </div>
      <ErrorNote error={start.error ?? stop.error} />
      <div className="panel">
        <dl className="facts">
          <dt>Assets</dt>
          <dd className="mono small">{s.assetKeys.join(', ')}</dd>
          <dt>Next tick</dt>
          <dd className="mono">{s.nextTick?.local ?? '—'}</dd>
          <dt>Partition</dt>
          <dd>{s.partition}</dd>
          <dt>Running since</dt>
          <dd>
            <Time iso={s.runningSince} />
          </dd>
        </dl>
      </div>
      <div className="panel flush">
        <h2>Ticks</h2>
        <table aria-label="Ticks">
          <thead>
            <tr>
              <th>Tick</th>
              <th>Result</th>
              <th>Run</th>
              <th>Detail</th>
            </tr>
          </thead>
          <tbody>
            {(ticks.data?.ticks ?? []).map((t) => (
              <tr key={t.sequence}>
                <td className="mono small">{t.local}</td>
                <td>
                  <StatusBadge status={t.status} />
                </td>
                <td>
                  {t.runId ? (
                    <>
                      <Link to={`/runs/${t.runId}`} className="mono small">
                        {t.runId.slice(0, 8)}
                      </Link>{' '}
                      {t.runStatus ? <StatusBadge status={t.runStatus} /> : null}
                    </>
                  ) : (
                    '—'
                  )}
                </td>
                <td className="small">{t.skipReason ?? (t.error ? `${t.error.code}: ${t.error.message}` : t.partitionKey ? `partition ${t.partitionKey}` : '')}</td>
              </tr>
            ))}
            {ticks.data?.ticks.length === 0 ? (
              <tr>
                <td colSpan={4} className="muted">
                  No ticks yet.
                </td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </div>
    </>
  );
}
