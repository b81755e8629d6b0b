/**
 * One sensor: its state and cursor (which an operator may set or clear), and its evaluation
 * history. URL: /automation/sensors/<name>.
 */
import { useState } from 'react';
import { DataTable } from '../components/DataTable.js';
import { ErrorNote } from '../components/ErrorNote.js';
import { StatusBadge } from '../components/StatusBadge.js';
import { duration, Time } from '../components/Time.js';
import { useAction, useCanWrite, useOp } from '../hooks.js';
import { Link } from '../router.js';

/** Sets or clears the cursor: the next evaluation starts from it, and the history records the change. */
function CursorReset({ name, cursor }: { name: string; cursor: string | null }) {
  const [draft, setDraft] = useState('');
  const reset = useAction('resetSensorCursor', () => setDraft(''));
  return (
    <form
      className="row"
      aria-label="Reset cursor"
      onSubmit={(e) => {
        e.preventDefault();
        reset.mutate({ name, cursor: draft === '' ? null : draft });
      }}
    >
      <label className="field">
        New cursor
        <input value={draft} onChange={(e) => setDraft(e.target.value)} placeholder={cursor === null ? 'none set' : 'empty clears it'} />
      </label>
      <button type="submit" disabled={reset.isPending} style={{ alignSelf: 'flex-end' }}>
        {draft === '' ? 'Reset cursor (clear)' : 'Reset cursor'}
      </button>
      <ErrorNote error={reset.error} label="Reset cursor" />
    </form>
  );
}

/**
 * A dry run: the sensor evaluated once, from its cursor or one given, with what the evaluation would
 * request, skip or fail and the cursor it would set. Nothing is recorded.
 */
function SensorPreview({ name }: { name: string }) {
  const [cursor, setCursor] = useState('');
  const preview = useAction('previewSensor');
  const p = preview.data;
  return (
    <div className="panel">
      <h2>Preview</h2>
      <form
        className="row"
        aria-label="Preview"
        onSubmit={(e) => {
          e.preventDefault();
          preview.mutate({ name, ...(cursor === '' ? {} : { cursor }) });
        }}
      >
        <label className="field">
          From cursor
          <input value={cursor} onChange={(e) => setCursor(e.target.value)} placeholder="its current cursor" />
        </label>
        <button type="submit" disabled={preview.isPending} style={{ alignSelf: 'flex-end' }}>
          Preview (dry run)
        </button>
      </form>
      <ErrorNote error={preview.error} label="Preview" />
      {p ? (
        <section aria-label="Preview result">
          <p className="row">
            <StatusBadge status={p.status} />
            <span className="muted small">
              dry run, nothing recorded · cursor {p.cursorBefore ?? 'none'} → {p.cursorAfter ?? 'none'}
            </span>
          </p>
          {p.skipReason ? <p className="small">{p.skipReason}</p> : null}
          {p.error ? <p className="small">{`${p.error.code}: ${p.error.message}`}</p> : null}
          {p.runRequests.length > 0 ? (
            <DataTable
              label="Runs it would request"
              empty="No run."
              rows={p.runRequests}
              rowKey={(r) => `${r.runKey ?? ''}|${r.partitionKey ?? ''}|${r.assetKeys.join(',')}`}
              columns={[
                { header: 'Run key', className: 'mono small', cell: (r) => (r.alreadyRequested ? `${r.runKey} (already requested)` : (r.runKey ?? '—')) },
                { header: 'Assets', className: 'mono small', cell: (r) => r.assetKeys.join(', ') },
                { header: 'Partition', className: 'mono small', cell: (r) => r.partitionKey ?? '—' },
              ]}
            />
          ) : null}
          {p.logs.length > 0 ? (
            <pre className="small" aria-label="Preview logs">
              {p.logs.map((l) => `${l.level} ${l.message}`).join('\n')}
            </pre>
          ) : null}
        </section>
      ) : null}
    </div>
  );
}

export function SensorPage({ name }: { name: string }) {
  const sensor = useOp('getSensor', { name });
  const history = useOp('listSensorEvaluations', { name, limit: 50 });
  const start = useAction('startSensor');
  const canWrite = useCanWrite();
  const stop = useAction('stopSensor');
  if (sensor.error && !sensor.data) return <ErrorNote error={sensor.error} label={name} />;
  const s = sensor.data;
  if (!s) return <p className="muted">Loading…</p>;
  const running = s.status === 'RUNNING';
  return (
    <>
      <div className="page-head">
        <div>
          <div className="muted small">
            <Link to="/automation">Automation</Link> / sensors /
          </div>
          <h1 className="row">
            <span className="mono">{s.name}</span> <StatusBadge status={s.status} />
          </h1>
          <div className="muted">{s.description ?? `${s.kind.replace('_', ' ')} sensor`}</div>
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
          <dd className="mono small">{s.assetKeys.join(', ') || '—'}</dd>
          <dt>Cursor</dt>
          <dd className="mono small">{s.cursor ?? '—'}</dd>
          <dt>Next evaluation</dt>
          <dd>
            <Time iso={s.nextEvaluationAt} />
          </dd>
          <dt>Interval</dt>
          <dd>{s.minimumIntervalSeconds} s</dd>
        </dl>
        {canWrite ? <CursorReset name={name} cursor={s.cursor} /> : null}
      </div>
      {canWrite && s.kind !== 'push' && s.kind !== 'automation_condition' ? <SensorPreview name={name} /> : null}
      <div className="panel flush">
        <h2>History</h2>
        <DataTable
          label="Evaluations"
          rows={history.data?.evaluations}
          rowKey={(e) => e.sequence}
          empty="Not evaluated yet."
          columns={[
            {
              header: 'When',
              cell: (e) => (
                <>
                  <Time iso={e.startedAt} /> <span className="muted small">{duration(e.durationMs)}</span>
                </>
              ),
            },
            { header: 'Result', cell: (e) => (e.status ? <StatusBadge status={e.status} /> : <StatusBadge status={e.change ?? 'CHANGE'} />) },
            { header: 'Runs', cell: (e) => e.runs.length },
            {
              header: 'Detail',
              className: 'small',
              cell: (e) => (
                <>
                  {e.skipReason ?? (e.error ? `${e.error.code}: ${e.error.message}` : '')}
                  {e.cursorAfter !== e.cursorBefore ? <div className="muted mono">cursor → {e.cursorAfter ?? 'none'}</div> : null}
                </>
              ),
            },
          ]}
        />
      </div>
    </>
  );
}
