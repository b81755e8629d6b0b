/**
 * Automation: every schedule and sensor with its status, next tick or evaluation and last result,
 * and Start / Stop; then the automation condition evaluations (why an asset did or didn't run).
 * URL: /automation; each name links to its history.
 */
import { ConditionEvaluations } from '../components/ConditionEvaluations.js';
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
        <table aria-label="Schedules">
          <thead>
            <tr>
              <th>Schedule</th>
              <th>Status</th>
              <th>Cron</th>
              <th>Next tick</th>
              <th>Last tick</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {(schedules.data?.schedules ?? []).map((s) => (
              <tr key={s.name}>
                <td>
                  <Link to={`/automation/schedules/${encodeURIComponent(s.name)}`} className="mono">
                    {s.name}
                  </Link>
                  <div className="muted small">{s.assetKeys.join(', ')}</div>
                </td>
                <td>
                  <StatusBadge status={s.status} />
                  {s.userStatus === null ? <div className="muted small">default</div> : null}
                </td>
                <td className="mono small">
                  {Array.isArray(s.cron) ? s.cron.join(' | ') : s.cron} <span className="muted">{s.timezone}</span>
                </td>
                <td className="mono small">{s.nextTick?.local ?? <span className="muted">—</span>}</td>
                <td>
                  {s.lastTick ? (
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
                  )}
                </td>
                <td>
                  <Toggle running={s.status === 'RUNNING'} name={s.name} kind="schedule" />
                </td>
              </tr>
            ))}
            {schedules.data?.schedules.length === 0 ? (
              <tr>
                <td colSpan={6} className="muted">
                  No schedules defined.
                </td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </div>
      <div className="panel flush">
        <h2>Sensors</h2>
        <ErrorNote error={sensors.error} />
        <table aria-label="Sensors">
          <thead>
            <tr>
              <th>Sensor</th>
              <th>Status</th>
              <th>Kind</th>
              <th>Next evaluation</th>
              <th>Last evaluation</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {(sensors.data?.sensors ?? []).map((s) => (
              <tr key={s.name}>
                <td>
                  <Link to={`/automation/sensors/${encodeURIComponent(s.name)}`} className="mono">
                    {s.name}
                  </Link>
                  <div className="muted small">{s.assetKeys.join(', ')}</div>
                </td>
                <td>
                  <StatusBadge status={s.status} />
                  {s.consecutiveFailures > 0 ? <div className="small">{s.consecutiveFailures} failures in a row</div> : null}
                </td>
                <td>{s.kind.replace('_', ' ')}</td>
                <td>
                  <Time iso={s.nextEvaluationAt} />
                </td>
                <td>
                  {s.lastEvaluation ? (
                    <>
                      <StatusBadge status={s.lastEvaluation.status} /> <Time iso={s.lastEvaluation.at} />
                    </>
                  ) : (
                    <span className="muted">never</span>
                  )}
                </td>
                <td>
                  <Toggle running={s.status === 'RUNNING'} name={s.name} kind="sensor" />
                </td>
              </tr>
            ))}
            {sensors.data?.sensors.length === 0 ? (
              <tr>
                <td colSpan={6} className="muted">
                  No sensors defined.
                </td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </div>
      <ConditionEvaluations />
    </>
  );
}
