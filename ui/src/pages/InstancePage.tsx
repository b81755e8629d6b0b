/** The instance: version and store, the leading and standby daemons with their heartbeats, pools and the run queue. URL: /instance. */
import { ErrorNote } from '../components/ErrorNote.js';
import { StatusBadge } from '../components/StatusBadge.js';
import { duration, Time } from '../components/Time.js';
import { useOp } from '../hooks.js';
import { Link } from '../router.js';

/** A heartbeat older than this marks a daemon as not heard from. */
const SILENT_MS = 30_000;

export function InstancePage() {
  const instance = useOp('getInstance', {});
  const pools = useOp('listPools', {});
  const queue = useOp('listRuns', { status: 'QUEUED', limit: 50 });
  const i = instance.data;
  return (
    <>
      <div className="page-head">
        <div>
          <h1>Instance</h1>
          <div className="muted">{i ? `Arco Flow ${i.version} · ${i.store.engine} ${i.store.location ?? ''}` : ' '}</div>
          <Link to="/instance/parity">Dagster parity of this version</Link>
        </div>
      </div>
      <ErrorNote error={instance.error} />
      {i ? (
        <div className="panel flush">
          <h2>Daemons</h2>
          <table aria-label="Daemons">
            <thead>
              <tr>
                <th>Daemon</th>
                <th>Role</th>
                <th>Heartbeat</th>
                <th>Loops (last completed)</th>
              </tr>
            </thead>
            <tbody>
              {i.daemons.map((d) => (
                <tr key={d.daemonId}>
                  <td>
                    <span className="mono">{d.daemonId}</span>
                    <div className="muted small">
                      {d.host} pid {d.pid} · started <Time iso={d.startedAt} />
                    </div>
                  </td>
                  <td>
                    {d.role}
                    {i.leader?.daemonId === d.daemonId ? <div className="muted small">fencing token {i.leader.fencingToken}</div> : null}
                  </td>
                  <td>
                    <StatusBadge status={d.heartbeatAgeMs < SILENT_MS ? 'ALIVE' : 'STALE_HEARTBEAT'} label={d.heartbeatAgeMs < SILENT_MS ? 'ALIVE' : 'SILENT'} />
                    <div className="muted small">{duration(d.heartbeatAgeMs)} ago</div>
                  </td>
                  <td className="small">
                    {d.loops.map((l) => (
                      <span key={l.loop} style={{ marginRight: 10, whiteSpace: 'nowrap' }}>
                        {l.loop} <span className="muted">{duration(l.ageMs)}</span>
                      </span>
                    ))}
                  </td>
                </tr>
              ))}
              {i.daemons.length === 0 ? (
                <tr>
                  <td colSpan={4} className="muted">
                    No daemon heard from in the last day: nothing runs schedules, sensors or the queue.
                  </td>
                </tr>
              ) : null}
            </tbody>
          </table>
        </div>
      ) : null}
      <div className="grid2">
        <div className="panel flush">
          <h2>Pools</h2>
          <ErrorNote error={pools.error} />
          <table aria-label="Pools">
            <thead>
              <tr>
                <th>Pool</th>
                <th>In use</th>
                <th>Limit</th>
                <th>Assets</th>
              </tr>
            </thead>
            <tbody>
              {(pools.data?.pools ?? []).map((p) => (
                <tr key={p.pool}>
                  <td className="mono">{p.pool}</td>
                  <td>{p.inUse}</td>
                  <td>{p.limit ?? 'unlimited'}</td>
                  <td className="mono small">{p.assets.join(', ')}</td>
                </tr>
              ))}
              {pools.data?.pools.length === 0 ? (
                <tr>
                  <td colSpan={4} className="muted">
                    No pools.
                  </td>
                </tr>
              ) : null}
            </tbody>
          </table>
        </div>
        <div className="panel flush">
          <h2>Queue</h2>
          <ErrorNote error={queue.error} />
          <table aria-label="Queued runs">
            <thead>
              <tr>
                <th>Run</th>
                <th>Waiting for</th>
                <th>Queued</th>
              </tr>
            </thead>
            <tbody>
              {(queue.data?.runs ?? []).map((r) => (
                <tr key={r.runId}>
                  <td>
                    <Link to={`/runs/${r.runId}`} className="mono">
                      {r.runId.slice(0, 8)}
                    </Link>
                  </td>
                  <td className="small">{r.waiting?.map((w) => w.reason).join('; ') ?? '—'}</td>
                  <td>
                    <Time iso={r.createdAt} />
                  </td>
                </tr>
              ))}
              {queue.data?.runs.length === 0 ? (
                <tr>
                  <td colSpan={3} className="muted">
                    Nothing queued.
                  </td>
                </tr>
              ) : null}
            </tbody>
          </table>
        </div>
      </div>
    </>
  );
}
