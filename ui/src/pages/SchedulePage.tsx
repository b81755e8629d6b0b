/** One schedule: its settings and its recent ticks (run requested, skipped with reason, error). URL: /automation/schedules/<name>. */
import { DataTable } from '../components/DataTable.js';
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
        <DataTable
          label="Ticks"
          rows={ticks.data?.ticks}
          rowKey={(t) => t.sequence}
          empty="No ticks yet."
          columns={[
            { header: 'Tick', className: 'mono small', cell: (t) => t.local },
            { header: 'Result', cell: (t) => <StatusBadge status={t.status} /> },
            {
              header: 'Run',
              cell: (t) =>
                t.runId ? (
                  <>
                    <Link to={`/runs/${t.runId}`} className="mono small">
                      {t.runId.slice(0, 8)}
                    </Link>{' '}
                    {t.runStatus ? <StatusBadge status={t.runStatus} /> : null}
                  </>
                ) : (
                  '—'
                ),
            },
            { header: 'Detail', className: 'small', cell: (t) => t.skipReason ?? (t.error ? `${t.error.code}: ${t.error.message}` : t.partitionKey ? `partition ${t.partitionKey}` : '') },
          ]}
        />
      </div>
    </>
  );
}
