/**
 * One run: its status and facts, parent and root runs, the timeline of task attempts, the errors
 * with their stacks, its logs (streamed as they are written), and Rerun from failure / Cancel.
 * URL: /runs/<runId>.
 */
import { useEffect, useState } from 'react';
import { call, follow, type Output } from '../api.js';
import { ErrorNote } from '../components/ErrorNote.js';
import { Gantt } from '../components/Gantt.js';
import { StatusBadge } from '../components/StatusBadge.js';
import { duration, Time } from '../components/Time.js';
import { useAction, useCanWrite, useOp } from '../hooks.js';
import { Link, navigate, pathOf } from '../router.js';

type Log = Output<'listRunLogs'>['logs'][number];
const TERMINAL = new Set(['SUCCESS', 'FAILURE', 'CANCELED']);

/**
 * The run's log lines, streamed as they are written (the API's NDJSON follow stream, which ends
 * when the run ends). A broken stream is resumed after the last line seen.
 */
function useLogs(runId: string): { logs: Log[]; error: unknown } {
  const [logs, setLogs] = useState<Log[]>([]);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    let after = 0;
    const aborted = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    setLogs([]);
    const open = () => {
      follow<Log>('listRunLogs', { runId, after }, (lines) => {
        after = lines[lines.length - 1]?.sequence ?? after;
        setLogs((old) => [...old, ...lines]);
        setError(null);
      }, aborted.signal).catch((e: unknown) => {
        if (aborted.signal.aborted) return;
        setError(e);
        timer = setTimeout(open, 1000);
      });
    };
    open();
    return () => {
      aborted.abort();
      clearTimeout(timer);
    };
  }, [runId]);
  return { logs, error };
}

export function RunPage({ runId }: { runId: string }) {
  const run = useOp('getRun', { runId }, { poll: 1000 });
  const ended = run.data ? TERMINAL.has(run.data.status) : false;
  const { logs, error: logError } = useLogs(runId);
  const rerun = useAction('rerun', (out) => navigate(`/runs/${out.run.runId}`));
  const cancel = useAction('cancelRun');
  const canWrite = useCanWrite();
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (ended) return;
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, [ended]);

  if (run.error && !run.data) return <ErrorNote error={run.error} label={`Run ${runId}`} />;
  const r = run.data;
  if (!r) return <p className="muted">Loading run {runId}…</p>;
  const failures = r.tasks.flatMap((t) => t.attempts.filter((a) => a.error).map((a) => ({ task: t.taskKey, attempt: a.attempt, error: a.error! })));
  const canRerun = ended && r.status !== 'SUCCESS';

  return (
    <>
      <div className="page-head">
        <div>
          <div className="muted small">
            <Link to="/runs">Runs</Link> /
          </div>
          <h1 className="row">
            <span className="mono">{r.runId}</span> <StatusBadge status={r.status} />
          </h1>
          <div className="muted">
            {r.trigger.kind} · {r.assetKeys.length} asset{r.assetKeys.length === 1 ? '' : 's'} · created <Time iso={r.createdAt} />
          </div>
        </div>
        <div className="row" hidden={!canWrite}>
          <button type="button" className="primary" disabled={!canRerun || rerun.isPending} onClick={() => rerun.mutate({ runId, mode: 'fromFailure' })}>
            Rerun from failure
          </button>
          <button type="button" disabled={!ended || rerun.isPending} onClick={() => rerun.mutate({ runId, mode: 'all' })}>
            Rerun all
          </button>
          <button type="button" className="danger" disabled={ended || r.status === 'CANCELING' || cancel.isPending} onClick={() => cancel.mutate({ runId, reason: 'canceled from the web UI' })}>
            Cancel
          </button>
        </div>
      </div>
      <ErrorNote error={rerun.error} label="Rerun" />
      <ErrorNote error={cancel.error} label="Cancel" />

      <div className="split">
        <div className="panel">
          <h2>Timeline</h2>
          <Gantt tasks={r.tasks} nowMs={ended && r.finishedAt ? Date.parse(r.finishedAt) : now} />
        </div>
        <div className="panel">
          <h2>Run</h2>
          <dl className="facts">
            <dt>Status</dt>
            <dd>
              <StatusBadge status={r.status} />
              {r.failureReason ? <div className="small">{r.failureReason}</div> : null}
              {r.cancelReason ? <div className="small muted">{r.cancelReason}</div> : null}
            </dd>
            <dt>Started</dt>
            <dd>
              <Time iso={r.startedAt} />
            </dd>
            <dt>Duration</dt>
            <dd>{r.startedAt ? duration((r.finishedAt ? Date.parse(r.finishedAt) : now) - Date.parse(r.startedAt)) : '—'}</dd>
            <dt>Parent</dt>
            <dd>{r.parentRunId ? <Link to={`/runs/${r.parentRunId}`} className="mono">{r.parentRunId}</Link> : <span className="muted">—</span>}</dd>
            <dt>Root</dt>
            <dd>{r.rootRunId ? <Link to={`/runs/${r.rootRunId}`} className="mono">{r.rootRunId}</Link> : <span className="muted">—</span>}</dd>
            <dt>Partition</dt>
            <dd className="mono">{r.partition === null ? '—' : JSON.stringify(r.partition)}</dd>
            <dt>Assets</dt>
            <dd>
              {r.assetKeys.map((k) => (
                <div key={k}>
                  <Link to={pathOf('/assets', k)} className="mono small">
                    {k}
                  </Link>
                </div>
              ))}
            </dd>
            <dt>Tags</dt>
            <dd className="mono small">
              {Object.entries(r.tags).map(([k, v]) => (
                <div key={k}>
                  {k}={v}
                </div>
              ))}
            </dd>
          </dl>
          {r.waiting?.map((w) => (
            <div key={`${w.taskKey}:${w.reason}`} className="notice small">
              {w.taskKey ?? 'run'} waits: {w.reason}
            </div>
          ))}
        </div>
      </div>

      {failures.length > 0 ? (
        <div className="panel" aria-label="Errors">
          <h2>Failed attempts</h2>
          {failures.map((f) => (
            <div key={`${f.task}#${f.attempt}`} style={{ marginBottom: 10 }}>
              <div>
                <span className="mono">{f.task}</span> attempt {f.attempt}: <strong>{f.error.code}</strong> {f.error.message}
              </div>
              {f.error.stack ? (
                <details>
                  <summary className="small muted">Stack</summary>
                  <pre className="stack">{f.error.stack}</pre>
                </details>
              ) : null}
            </div>
          ))}
        </div>
      ) : null}

      <div className="panel">
        <h2>Logs</h2>
        <ErrorNote error={logError} label="Logs" />
        <div className="logs mono" role="log" aria-label="Run logs">
          {logs.length === 0 ? <div className="muted">No log lines{ended ? '' : ' yet'}.</div> : null}
          {logs.map((l) => (
            <div key={l.sequence} className={l.level}>
              <span className="muted">{l.loggedAt.slice(11, 23)}</span> {l.level.toUpperCase().padEnd(5)} [{l.taskKey}#{l.attempt}] {l.message}
            </div>
          ))}
        </div>
      </div>
    </>
  );
}
