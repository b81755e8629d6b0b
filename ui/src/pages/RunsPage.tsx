/**
 * Runs, newest first, filtered by status, tag, asset and trigger, a page at a time.
 * URL: /runs?status=FAILURE&tag=k=v&asset=raw/orders&trigger=schedule&cursor=<runId>.
 */
import { useState, type FormEvent } from 'react';
import type { Input } from '../api.js';
import { ErrorNote } from '../components/ErrorNote.js';
import { RunsViews } from '../components/RunsViews.js';
import { StatusBadge } from '../components/StatusBadge.js';
import { duration, Time } from '../components/Time.js';
import { useOp } from '../hooks.js';
import { Link, setQuery, useLocation } from '../router.js';

const STATUSES = ['QUEUED', 'STARTED', 'CANCELING', 'SUCCESS', 'FAILURE', 'CANCELED'] as const;
const TRIGGERS = ['manual', 'schedule', 'sensor', 'backfill', 'rerun', 'automation'] as const;
/** Runs per page unless the URL says (`limit`). */
const PAGE = 25;

export function RunsPage() {
  const { query } = useLocation();
  const status = query.get('status') ?? '';
  const tag = query.get('tag') ?? '';
  const asset = query.get('asset') ?? '';
  const trigger = query.get('trigger') ?? '';
  const cursor = query.get('cursor') ?? '';
  const limit = Number(query.get('limit')) || PAGE;
  const [tagDraft, setTagDraft] = useState(tag);
  const [assetDraft, setAssetDraft] = useState(asset);

  const input: Input<'listRuns'> = { limit };
  if (status) input.status = status;
  if (tag) input.tag = tag;
  if (asset) input.asset = asset;
  if (trigger) input.trigger = trigger as (typeof TRIGGERS)[number];
  if (cursor) input.cursor = cursor;
  const runs = useOp('listRuns', input, { keep: true });

  const apply = (event: FormEvent) => {
    event.preventDefault();
    setQuery({ tag: tagDraft.trim() || undefined, asset: assetDraft.trim() || undefined, cursor: undefined });
  };

  return (
    <>
      <div className="page-head">
        <div>
          <h1>Runs</h1>
          <RunsViews current="/runs" />
          <div className="muted">{cursor ? 'Older runs' : 'Newest first'}</div>
        </div>
        <form className="row" onSubmit={apply} aria-label="Run filters">
          <label className="field">
            Status
            <select value={status} onChange={(e) => setQuery({ status: e.target.value || undefined, cursor: undefined })}>
              <option value="">any</option>
              {STATUSES.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            Trigger
            <select value={trigger} onChange={(e) => setQuery({ trigger: e.target.value || undefined, cursor: undefined })}>
              <option value="">any</option>
              {TRIGGERS.map((t) => (
                <option key={t} value={t}>
                  {t}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            Tag
            <input value={tagDraft} onChange={(e) => setTagDraft(e.target.value)} placeholder="key=value" />
          </label>
          <label className="field">
            Asset
            <input value={assetDraft} onChange={(e) => setAssetDraft(e.target.value)} placeholder="raw/orders" />
          </label>
          <button type="submit" style={{ alignSelf: 'flex-end' }}>
            Filter
          </button>
        </form>
      </div>
      <ErrorNote error={runs.error} />
      <div className="panel flush">
        <table aria-label="Runs">
          <thead>
            <tr>
              <th>Run</th>
              <th>Status</th>
              <th>Assets</th>
              <th>Trigger</th>
              <th>Created</th>
              <th>Duration</th>
            </tr>
          </thead>
          <tbody>
            {(runs.data?.runs ?? []).map((run) => (
              <tr key={run.runId}>
                <td>
                  <Link to={`/runs/${run.runId}`} className="mono">
                    {run.runId}
                  </Link>
                  {run.parentRunId ? <div className="muted small">rerun of {run.parentRunId.slice(0, 8)}</div> : null}
                </td>
                <td>
                  <StatusBadge status={run.status} />
                  {run.waiting?.[0] ? <div className="muted small">{run.waiting[0].reason}</div> : null}
                </td>
                <td className="mono small">
                  {run.assetKeys.slice(0, 3).join(', ')}
                  {run.assetKeys.length > 3 ? ` +${run.assetKeys.length - 3}` : ''}
                  {run.partition !== null ? <div className="muted">partition {JSON.stringify(run.partition)}</div> : null}
                </td>
                <td>{run.trigger.kind}</td>
                <td>
                  <Time iso={run.createdAt} />
                </td>
                <td>{run.startedAt && run.finishedAt ? duration(Date.parse(run.finishedAt) - Date.parse(run.startedAt)) : <span className="muted">—</span>}</td>
              </tr>
            ))}
            {runs.data && runs.data.runs.length === 0 ? (
              <tr>
                <td colSpan={6} className="muted">
                  No runs match.
                </td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </div>
      <div className="row">
        <button type="button" disabled={!cursor} onClick={() => setQuery({ cursor: undefined })}>
          ← Newest
        </button>
        <button type="button" disabled={!runs.data?.nextCursor} onClick={() => setQuery({ cursor: runs.data?.nextCursor ?? undefined })}>
          Older →
        </button>
      </div>
    </>
  );
}
