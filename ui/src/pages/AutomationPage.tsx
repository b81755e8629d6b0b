/**
 * Automation: every schedule and sensor with its status, next tick or evaluation and last result,
 * and Start / Stop; then the automation condition evaluations (why an asset did or didn't run).
 * URL: /automation; each name links to its history.
 */
import { ConditionEvaluations } from '../components/ConditionEvaluations.js';
import { DataTable } from '../components/DataTable.js';
import { ErrorNote } from '../components/ErrorNote.js';
import { StatusBadge } from '../components/StatusBadge.js';
import { Time } from '../components/Time.js';
import { useAction, useCanWrite, useOp } from '../hooks.js';
import { Link } from '../router.js';

function Toggle({ running, name, kind }: { running: boolean; name: string; kind: 'schedule' | 'sensor' }) {
  const start = useAction(kind === 'schedule' ? 'startSchedule' : 'startSensor');
  const stop = useAction(kind === 'schedule' ? 'stopSchedule' : 'stopSensor');
  const canWrite = useCanWrite();
  const busy = start.isPending || stop.isPending;
  if (!canWrite) return null;
  return (
    <>
      {running ? (
        <button type="button" disabled={busy} onClick={() => stop.mutate({ name })} aria-label={`Stop ${kind} ${name}`}>
          Stop
        </button>
      ) : (
        <button type="button" className="primary" disabled={busy} onClick={() => start.mutate({ name })} aria-label={`Start ${kind} ${name}`}>
          Start
        </button>
      )}
      <ErrorNote error={start.error ?? stop.error} />
    </>
  );
}

export function AutomationPage() {
  const schedules = useOp('listSchedules', {});
  const sensors = useOp('listSensors', {});
  return (
    <>
      <div className="page-head">
        <div>
          <h1>Automation</h1>
          <div className="muted">Schedules and sensors; a daemon evaluates the running ones.</div>
        </div>
      </div>
      <div className="panel flush">
        <h2>Schedules</h2>
        <ErrorNote error={schedules.error} />
        <DataTable
          label="Schedules"
          rows={schedules.data?.schedules}
          rowKey={(s) => s.name}
          empty="No schedules defined."
          columns={[
            {
              header: 'Schedule',
              cell: (s) => (
                <>
                  <Link to={`/automation/schedules/${encodeURIComponent(s.name)}`} className="mono">
                    {s.name}
                  </Link>
                  <div className="muted small">{s.assetKeys.join(', ')}</div>
                </>
              ),
            },
            {
              header: 'Status',
              cell: (s) => (
                <>
                  <StatusBadge status={s.status} />
                  {s.userStatus === null ? <div className="muted small">default</div> : null}
                </>
              ),
            },
            {
              header: 'Cron',
              className: 'mono small',
              cell: (s) => (
                <>
                  {Array.isArray(s.cron) ? s.cron.join(' | ') : s.cron} <span className="muted">{s.timezone}</span>
                </>
              ),
            },
            { header: 'Next tick', className: 'mono small', cell: (s) => s.nextTick?.local ?? <span className="muted">—</span> },
            {
              header: 'Last tick',
              cell: (s) =>
                s.lastTick ? (
                  <>
                    <StatusBadge status={s.lastTick.status} /> <span className="mono small">{s.lastTick.local}</span>
                    {s.lastTick.runId ? (
                      <div>
                        <Link to={`/runs/${s.lastTick.runId}`} className="mono small">
                          {s.lastTick.runId.slice(0, 8)}
                        </Link>
                      </div>
                    ) : null}
                  </>
                ) : (
                  <span className="muted">never</span>
                ),
            },
            { header: '', cell: (s) => <Toggle running={s.status === 'RUNNING'} name={s.name} kind="schedule" /> },
          ]}
        />
      </div>
      <div className="panel flush">
        <h2>Sensors</h2>
        <ErrorNote error={sensors.error} />
        <DataTable
          label="Sensors"
          rows={sensors.data?.sensors}
          rowKey={(s) => s.name}
          empty="No sensors defined."
          columns={[
            {
              header: 'Sensor',
              cell: (s) => (
                <>
                  <Link to={`/automation/sensors/${encodeURIComponent(s.name)}`} className="mono">
                    {s.name}
                  </Link>
                  <div className="muted small">{s.assetKeys.join(', ')}</div>
                </>
              ),
            },
            {
              header: 'Status',
              cell: (s) => (
                <>
                  <StatusBadge status={s.status} />
                  {s.consecutiveFailures > 0 ? <div className="small">{s.consecutiveFailures} failures in a row</div> : null}
                </>
              ),
            },
            { header: 'Kind', cell: (s) => s.kind.replace('_', ' ') },
            { header: 'Next evaluation', cell: (s) => <Time iso={s.nextEvaluationAt} /> },
            {
              header: 'Last evaluation',
              cell: (s) =>
                s.lastEvaluation ? (
                  <>
                    <StatusBadge status={s.lastEvaluation.status} /> <Time iso={s.lastEvaluation.at} />
                  </>
                ) : (
                  <span className="muted">never</span>
                ),
            },
            { header: '', cell: (s) => <Toggle running={s.status === 'RUNNING'} name={s.name} kind="sensor" /> },
          ]}
        />
      </div>
      <ConditionEvaluations />
    </>
  );
}
