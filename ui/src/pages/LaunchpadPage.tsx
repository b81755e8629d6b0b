/**
 * The launchpad: a run of a selection with partitions, tags and run config. Each change is planned
 * by the server (planRun: the checks of requestRun, nothing recorded), so the page shows which
 * assets and tasks would run, or the exact error a launch would get, before anything is launched.
 * URL: /runs/launchpad?select=<selection>&partition=<key or START...END>.
 */
import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { call, type Input } from '../api.js';
import { ErrorNote } from '../components/ErrorNote.js';
import { draftRequest, type TagRow } from '../components/launch-draft.js';
import { RunsViews } from '../components/RunsViews.js';
import { useAction, useCanWrite } from '../hooks.js';
import { navigate, useLocation } from '../router.js';

/** Typing pauses this long before the draft is planned: one plan per pause, not per key. */
const PLAN_DELAY_MS = 300;
/** Tasks listed in the preview; the count above them is exact. */
const PREVIEW_TASKS_MAX = 50;

function useSettled<T>(value: T, delayMs: number): T {
  const [settled, setSettled] = useState(value);
  const key = JSON.stringify(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), delayMs);
    return () => clearTimeout(timer);
    // Keyed by the JSON: a new but equal object (every render makes one) does not restart the wait.
  }, [key, delayMs]);
  return settled;
}

export function LaunchpadPage() {
  const { query } = useLocation();
  const [selection, setSelection] = useState(query.get('select') ?? '');
  const [partition, setPartition] = useState(query.get('partition') ?? '');
  const [tags, setTags] = useState<TagRow[]>([{ key: '', value: '' }]);
  const [config, setConfig] = useState('{}');
  const canWrite = useCanWrite();

  const draft = draftRequest({ selection, partition, tags, config });
  const ready = draft.request !== undefined && selection.trim() !== '';
  const settled = useSettled(ready ? draft.request : undefined, PLAN_DELAY_MS);
  const settledKey = JSON.stringify(settled ?? null);
  const current = settledKey === JSON.stringify(ready ? draft.request : null);
  const plan = useQuery({
    queryKey: ['planRun', settledKey],
    queryFn: () => call('planRun', settled as Input<'planRun'>),
    enabled: settled !== undefined,
    retry: false,
    staleTime: Infinity,
  });
  const launch = useAction('requestRun', (outcome) => navigate(`/runs/${outcome.run.runId}`));
  // Launch only what the preview shows: the plan of exactly this draft, answered without error.
  const launchable = ready && current && plan.isSuccess && !plan.isFetching && !launch.isPending;

  const setTag = (i: number, change: Partial<TagRow>) => setTags((rows) => rows.map((row, j) => (j === i ? { ...row, ...change } : row)));
  const problem = (field: 'config' | 'tags') => draft.problems.find((p) => p.field === field)?.message;

  return (
    <>
      <div className="page-head">
        <div>
          <h1>Launchpad</h1>
          <RunsViews current="/runs/launchpad" />
        </div>
      </div>
      <div className="split">
        <form
          className="panel launchpad"
          aria-label="Launch a run"
          onSubmit={(event) => {
            event.preventDefault();
            if (launchable && draft.request) launch.mutate(draft.request);
          }}
        >
          <label className="field">
            Selection
            <input className="search" value={selection} onChange={(e) => setSelection(e.target.value)} placeholder="group:reports or key:raw/* or orders+" aria-describedby="plan-error" />
          </label>
          <label className="field">
            Partition
            <input value={partition} onChange={(e) => setPartition(e.target.value)} placeholder="2026-01-01, or 2026-01-01...2026-01-07, or a,b" />
          </label>
          <fieldset className="tag-rows">
            <legend>Tags</legend>
            {tags.map((row, i) => (
              <div className="row" key={i}>
                <input aria-label={`Tag ${i + 1} key`} value={row.key} onChange={(e) => setTag(i, { key: e.target.value })} placeholder="key" />
                <span>=</span>
                <input aria-label={`Tag ${i + 1} value`} value={row.value} onChange={(e) => setTag(i, { value: e.target.value })} placeholder="value" />
                <button type="button" aria-label={`Remove tag ${i + 1}`} onClick={() => setTags((rows) => (rows.length === 1 ? [{ key: '', value: '' }] : rows.filter((_, j) => j !== i)))}>
                  ×
                </button>
              </div>
            ))}
            <button type="button" onClick={() => setTags((rows) => [...rows, { key: '', value: '' }])}>
              Add tag
            </button>
            {problem('tags') ? <div className="error-box" role="alert">{problem('tags')}</div> : null}
          </fieldset>
          <label className="field">
            Run config (JSON)
            <textarea className="mono config" rows={8} value={config} onChange={(e) => setConfig(e.target.value)} spellCheck={false} aria-invalid={problem('config') ? true : undefined} />
          </label>
          {problem('config') ? <div className="error-box" role="alert">{problem('config')}</div> : null}
          <div className="row">
            {canWrite ? (
              <button type="submit" className="primary" disabled={!launchable}>
                Launch run
              </button>
            ) : (
              <span className="muted small">Your role may preview a run, not launch one.</span>
            )}
            {ready && (!current || plan.isFetching) ? <span className="muted small">Checking…</span> : null}
          </div>
          <ErrorNote error={launch.error} label="Launch refused" />
        </form>
        <div className="panel" aria-label="Run preview" role="region">
          <h2>Preview</h2>
          {!ready && selection.trim() === '' ? <p className="muted">Type a selection to see what would run.</p> : null}
          <div id="plan-error">{current ? <ErrorNote error={plan.error} /> : null}</div>
          {current && plan.data ? (
            <>
              <p>
                {plan.data.assetKeys.length} asset{plan.data.assetKeys.length === 1 ? '' : 's'}, {plan.data.taskCount} task{plan.data.taskCount === 1 ? '' : 's'}
              </p>
              <ul className="mono small" aria-label="Assets to run">
                {plan.data.assetKeys.map((key) => (
                  <li key={key}>{key}</li>
                ))}
              </ul>
              <details>
                <summary>Tasks</summary>
                <ul className="mono small" aria-label="Tasks to run">
                  {plan.data.tasks.slice(0, PREVIEW_TASKS_MAX).map((t) => (
                    <li key={t.taskKey}>{t.taskKey}</li>
                  ))}
                  {plan.data.taskCount > PREVIEW_TASKS_MAX ? <li className="muted">… and {plan.data.taskCount - PREVIEW_TASKS_MAX} more</li> : null}
                </ul>
              </details>
              {Object.keys(plan.data.tags).length > 0 ? (
                <p className="small">
                  Tags:{' '}
                  {Object.entries(plan.data.tags).map(([k, v]) => (
                    <code key={k} className="tag">
                      {k}={v}
                    </code>
                  ))}
                </p>
              ) : null}
            </>
          ) : null}
        </div>
      </div>
    </>
  );
}
