/** The instance: version and store, the leading and standby daemons with their heartbeats, pools and the run queue. URL: /instance. */
import { DataTable } from '../components/DataTable.js';
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
          <DataTable
            label="Daemons"
            rows={i.daemons}
            rowKey={(d) => d.daemonId}
            empty="No daemon heard from in the last day: nothing runs schedules, sensors or the queue."
            columns={[
              {
                header: 'Daemon',
                cell: (d) => (
                  <>
                    <span className="mono">{d.daemonId}</span>
                    <div className="muted small">
                      {d.host} pid {d.pid} · started <Time iso={d.startedAt} />
                    </div>
                  </>
                ),
              },
              {
                header: 'Role',
                cell: (d) => (
                  <>
                    {d.role}
                    {i.leader?.daemonId === d.daemonId ? <div className="muted small">fencing token {i.leader.fencingToken}</div> : null}
                  </>
                ),
              },
              {
                header: 'Heartbeat',
                cell: (d) => (
                  <>
                    <StatusBadge status={d.heartbeatAgeMs < SILENT_MS ? 'ALIVE' : 'STALE_HEARTBEAT'} label={d.heartbeatAgeMs < SILENT_MS ? 'ALIVE' : 'SILENT'} />
                    <div className="muted small">{duration(d.heartbeatAgeMs)} ago</div>
                  </>
                ),
              },
              {
                header: 'Loops (last completed)',
                className: 'small',
                cell: (d) =>
                  d.loops.map((l) => (
                    <span key={l.loop} style={{ marginRight: 10, whiteSpace: 'nowrap' }}>
                      {l.loop} <span className="muted">{duration(l.ageMs)}</span>
                    </span>
                  )),
              },
            ]}
          />
        </div>
      ) : null}
      <div className="grid2">
        <div className="panel flush">
          <h2>Pools</h2>
          <ErrorNote error={pools.error} />
          <DataTable
            label="Pools"
            rows={pools.data?.pools}
            rowKey={(p) => p.pool}
            empty="No pools."
            columns={[
              { header: 'Pool', className: 'mono', cell: (p) => p.pool },
              { header: 'In use', cell: (p) => p.inUse },
              { header: 'Limit', cell: (p) => p.limit ?? 'unlimited' },
              { header: 'Assets', className: 'mono small', cell: (p) => p.assets.join(', ') },
            ]}
          />
        </div>
        <div className="panel flush">
          <h2>Queue</h2>
          <ErrorNote error={queue.error} />
          <DataTable
            label="Queued runs"
            rows={queue.data?.runs}
            rowKey={(r) => r.runId}
            empty="Nothing queued."
            columns={[
              {
                header: 'Run',
                cell: (r) => (
                  <Link to={`/runs/${r.runId}`} className="mono">
                    {r.runId.slice(0, 8)}
                  </Link>
                ),
              },
              { header: 'Waiting for', className: 'small', cell: (r) => r.waiting?.map((w) => w.reason).join('; ') ?? '—' },
              { header: 'Queued', cell: (r) => <Time iso={r.createdAt} /> },
            ]}
          />
        </div>
      </div>
    </>
  );
}
