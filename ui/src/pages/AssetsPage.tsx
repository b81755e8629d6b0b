/**
 * Assets: the catalog by group with each asset's latest materialization, partition health,
 * staleness and freshness; a selection box read by the server's own selection parser; the lineage
 * graph; and buttons that request runs. URL: /assets?select=…&asset=… (the selected asset).
 */
import { useState, type FormEvent } from 'react';
import type { Output } from '../api.js';
import { ErrorNote } from '../components/ErrorNote.js';
import { HealthBar } from '../components/HealthBar.js';
import { LineageGraph, type LineageNode } from '../components/LineageGraph.js';
import { RunRequested } from '../components/RunRequested.js';
import { StatusBadge, tone } from '../components/StatusBadge.js';
import { ago, Time } from '../components/Time.js';
import { POLL_MS, useAction, useCanWrite, useOp } from '../hooks.js';
import { href, Link, pathOf, setQuery, useLocation } from '../router.js';

type Asset = Output<'listAssets'>['assets'][number];
type Staleness = Output<'getStaleness'>['assets'][number];

/** One word for an asset's state, most urgent first: running, failed, stale, missing, fresh. */
function stateOf(asset: Asset, stale: Staleness | undefined, running: ReadonlySet<string>): string {
  if (running.has(asset.key)) return 'IN_PROGRESS';
  if ((asset.partitionHealth?.failed ?? 0) > 0) return 'FAILED';
  if (asset.external) return asset.latestObservation ? 'OBSERVED' : 'EXTERNAL';
  if (stale) return stale.status;
  return asset.latestMaterialization ? 'MATERIALIZED' : 'MISSING';
}

function SelectionError({ error, text }: { error: unknown; text: string }) {
  const column = (error as { details?: { column?: unknown } } | null)?.details?.column;
  return (
    <>
      <ErrorNote error={error} label="Selection" />
      {typeof column === 'number' ? (
        <pre className="stack" aria-hidden="true">
          {text}
          {'\n'}
          {' '.repeat(Math.max(0, column - 1))}^
        </pre>
      ) : null}
    </>
  );
}

/** Rows listed before "List all": enough for most catalogs, cheap to draw for any. */
const ROWS_AT_ONCE = 300;

export function AssetsPage() {
  const { query } = useLocation();
  const select = query.get('select') ?? '';
  const selected = query.get('asset') ?? undefined;
  const [draft, setDraft] = useState(select);
  const assets = useOp('listAssets', select ? { select } : {}, { keep: true });
  const staleness = useOp('getStaleness', select ? { select } : {}, { poll: POLL_MS * 3, keep: true });
  const active = useOp('listRuns', { status: 'QUEUED,STARTED,CANCELING', limit: 100 });
  const [requested, setRequested] = useState<Output<'requestRun'> | null>(null);
  const materialize = useAction('requestRun', setRequested);
  const canWrite = useCanWrite();

  const running = new Set((active.data?.runs ?? []).flatMap((r) => r.assetKeys));
  const stale = new Map((staleness.data?.assets ?? []).map((s) => [s.assetKey, s]));
  const list = assets.data?.assets ?? [];
  const groups = [...new Set(list.map((a) => a.group))].sort();
  const nodes: LineageNode[] = list.map((a) => {
    const state = stateOf(a, stale.get(a.key), running);
    const when = a.latestMaterialization ? ` · ${ago(a.latestMaterialization.materializedAt)}` : '';
    return { key: a.key, deps: a.deps, tone: tone(state), sub: `${state.replaceAll('_', ' ').toLowerCase()}${when}` };
  });
  const current = list.find((a) => a.key === selected);
  // A catalog of thousands lists its first rows at once (a narrower selection lists fewer), the rest on request.
  const [allRows, setAllRows] = useState(false);
  const byGroup = new Map<string, typeof list>();
  for (const a of list) {
    const members = byGroup.get(a.group);
    if (members) members.push(a);
    else byGroup.set(a.group, [a]);
  }
  let budget = allRows ? Infinity : ROWS_AT_ONCE;
  const shownGroups: [string, typeof list][] = [];
  for (const group of groups) {
    if (budget <= 0) break;
    const assets = (byGroup.get(group) ?? []).slice(0, budget);
    budget -= assets.length;
    shownGroups.push([group, assets]);
  }
  const hidden = list.length - shownGroups.reduce((n, [, assets]) => n + assets.length, 0);

  const search = (event: FormEvent) => {
    event.preventDefault();
    setQuery({ select: draft.trim() || undefined, asset: undefined });
  };

  return (
    <>
      <div className="page-head">
        <div>
          <h1>Assets</h1>
          <div className="muted">
            {list.length} assets in {groups.length} groups{select ? ` selected by ${select}` : ''}
          </div>
        </div>
        <form className="row" onSubmit={search} role="search">
          <label htmlFor="selection" className="sr-only">
            Asset selection
          </label>
          <input
            id="selection"
            className="search"
            value={draft}
            onChange={(e) => setDraft(e.target.value)}
            placeholder='Selection, e.g. group:staging or +marts/daily_revenue'
            aria-describedby="selection-help"
          />
          <button type="submit">Search</button>
          {canWrite ? (
            <>
              <button type="button" className="primary" disabled={list.length === 0 || materialize.isPending} onClick={() => materialize.mutate({ selection: select || '*' })}>
                Materialize selection
              </button>
              <button type="button" disabled={list.length === 0 || materialize.isPending} onClick={() => materialize.mutate({ selection: select || '*', staleOnly: true })}>
                Materialize stale
              </button>
            </>
          ) : null}
        </form>
      </div>
      <div id="selection-help" className="sr-only">
        The selection syntax of arco run --select: keys, group:, tag:, kind:, owner:, + for up- and downstream, and, or, not.
      </div>
      {assets.error ? <SelectionError error={assets.error} text={select} /> : null}
      <ErrorNote error={materialize.error} label="Materialize" />
      <RunRequested outcome={requested} onClose={() => setRequested(null)} />

      <div className="panel flush">
        <h2>Lineage</h2>
        {nodes.length > 0 ? <LineageGraph nodes={nodes} selected={selected} onSelect={(key) => setQuery({ asset: key }, { replace: true })} /> : <p className="muted" style={{ padding: '0 16px 12px' }}>No assets.</p>}
      </div>

      {current ? (
        <div className="panel" aria-label="Selected asset">
          <div className="page-head" style={{ marginBottom: 0 }}>
            <div>
              <h2 style={{ marginBottom: 4 }}>
                <Link to={pathOf('/assets', current.key)}>{current.key}</Link>
              </h2>
              <div className="muted">{current.description ?? `group ${current.group}`}</div>
            </div>
            <div className="row">
              {canWrite ? (
                <button type="button" className="primary" disabled={current.external || materialize.isPending} onClick={() => materialize.mutate({ selection: [current.key] })}>
                  Materialize
                </button>
              ) : null}
              {canWrite && current.partitionHealth !== null ? <Link to={href(pathOf('/assets', current.key), { backfill: 'missing' })}>Backfill…</Link> : null}
              <Link to={pathOf('/assets', current.key)}>Details →</Link>
            </div>
          </div>
        </div>
      ) : null}

      <div className="panel flush">
        <table aria-label="Assets by group">
          <thead>
            <tr>
              <th>Asset</th>
              <th>State</th>
              <th>Latest materialization</th>
              <th>Partitions</th>
              <th>Freshness</th>
            </tr>
          </thead>
          <tbody>
            {shownGroups.map(([group, assets]) => [
              <tr key={`g:${group}`} className="group-row">
                <td colSpan={5}>{group}</td>
              </tr>,
              ...assets.map((a) => {
                  const s = stale.get(a.key);
                  const state = stateOf(a, s, running);
                  const cause = s?.rootCauses[0] ?? s?.causes[0];
                  return (
                    <tr key={a.key} className={a.key === selected ? 'selected' : undefined}>
                      <td>
                        <Link to={pathOf('/assets', a.key)} className="mono">
                          {a.key}
                        </Link>
                        {a.kinds.length > 0 ? <span className="muted small"> {a.kinds.join(', ')}</span> : null}
                        {a.owners.length > 0 ? <div className="muted small">{a.owners.join(', ')}</div> : null}
                      </td>
                      <td>
                        <StatusBadge status={state} />
                        {cause ? <div className="muted small">{cause.reason}</div> : null}
                      </td>
                      <td>
                        {a.latestMaterialization ? (
                          <>
                            <Time iso={a.latestMaterialization.materializedAt} />
                            {a.latestMaterialization.runId ? (
                              <>
                                {' · '}
                                <Link to={`/runs/${a.latestMaterialization.runId}`} className="mono small">
                                  {a.latestMaterialization.runId.slice(0, 8)}
                                </Link>
                              </>
                            ) : null}
                          </>
                        ) : (
                          <span className="muted">never</span>
                        )}
                      </td>
                      <td>{a.partitionHealth ? <HealthBar counts={a.partitionHealth} /> : <span className="muted">—</span>}</td>
                      <td>{a.freshness ? <StatusBadge status={a.freshness.state === 'PASS' ? 'FRESH' : a.freshness.state === 'WARN' ? 'WARN' : 'FAILED'} label={a.freshness.state} /> : <span className="muted">—</span>}</td>
                    </tr>
                  );
                }),
            ])}
          </tbody>
        </table>
        {hidden > 0 ? (
          <p className="row" style={{ padding: '8px 16px' }}>
            <span className="muted">{hidden.toLocaleString()} more assets not listed.</span>
            <button type="button" onClick={() => setAllRows(true)}>
              List all {list.length.toLocaleString()}
            </button>
          </p>
        ) : null}
      </div>
    </>
  );
}
