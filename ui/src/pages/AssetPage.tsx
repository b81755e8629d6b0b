/**
 * One asset: its definition, staleness with causes, checks with their latest results, recent
 * materializations, and for a partitioned asset the partition status as a grid and as ranges (the
 * API compresses consecutive keys of one status into a range, so a large asset costs a few rows,
 * not one per key). URL: /assets/<key>; `?backfill=range&from=…&to=…` (or all, failed, missing)
 * opens the backfill picker.
 */
import { useState } from 'react';
import type { Output } from '../api.js';
import { ConditionEvaluations } from '../components/ConditionEvaluations.js';
import { AssetPartitions, usePartitionStatus } from '../components/AssetPartitions.js';
import { BACKFILL_MODES, BackfillPicker, type BackfillMode } from '../components/BackfillPicker.js';
import { ErrorNote } from '../components/ErrorNote.js';
import { RunRequested } from '../components/RunRequested.js';
import { StatusBadge } from '../components/StatusBadge.js';
import { Time } from '../components/Time.js';
import { POLL_MS, useAction, useCanWrite, useOp } from '../hooks.js';
import { href, Link, setQuery, useLocation } from '../router.js';

export function AssetPage({ assetKey }: { assetKey: string }) {
  const asset = useOp('getAsset', { '*': assetKey });
  const checks = useOp('listAssetChecks', { key: assetKey });
  // Started now, not once the asset has answered: the grid of a large asset paints a round trip sooner.
  usePartitionStatus(assetKey);
  const staleness = useOp('getStaleness', { select: assetKey }, { poll: POLL_MS * 3, enabled: asset.isSuccess });
  const [partition, setPartition] = useState('');
  const [requested, setRequested] = useState<Output<'requestRun'> | null>(null);
  const materialize = useAction('requestRun', setRequested);
  const canWrite = useCanWrite();
  const launch = (p: string | string[]) => materialize.mutate({ selection: [assetKey], ...(p.length > 0 ? { partition: p } : {}) });
  const { query } = useLocation();
  const picked = query.get('backfill');
  const backfillMode = BACKFILL_MODES.find(([m]) => m === picked)?.[0] as BackfillMode | undefined;

  if (asset.error && !asset.data) return <ErrorNote error={asset.error} label={assetKey} />;
  const a = asset.data;
  if (!a) return <p className="muted">Loading {assetKey}…</p>;
  const stale = staleness.data?.assets[0];
  const partitioned = a.partitionHealth !== null;

  return (
    <>
      <div className="page-head">
        <div>
          <div className="muted small">
            <Link to="/assets">Assets</Link> / <Link to={href('/assets', { select: `group:${a.group}` })}>{a.group}</Link> /
          </div>
          <h1 className="mono">{a.key}</h1>
          <div className="muted">{a.description ?? 'No description.'}</div>
        </div>
        <form
          className="row"
          onSubmit={(e) => {
            e.preventDefault();
            launch(partition.trim());
          }}
        >
          {partitioned && canWrite ? (
            <label className="field">
              Partition
              <input value={partition} onChange={(e) => setPartition(e.target.value)} placeholder="key or START...END" />
            </label>
          ) : null}
          {canWrite ? (
            <button type="submit" className="primary" disabled={a.external || materialize.isPending} style={{ alignSelf: 'flex-end' }}>
              Materialize
            </button>
          ) : null}
          {partitioned && canWrite ? (
            <button type="button" style={{ alignSelf: 'flex-end' }} onClick={() => setQuery({ backfill: 'missing' })}>
              Backfill…
            </button>
          ) : null}
          <Link to={href('/runs', { asset: a.key })} style={{ alignSelf: 'flex-end' }}>
            Runs →
          </Link>
        </form>
      </div>
      <ErrorNote error={materialize.error} label="Materialize" />
      <RunRequested outcome={requested} onClose={() => setRequested(null)} />
      {partitioned && canWrite && backfillMode ? <BackfillPicker key={query.toString()} assetKey={a.key} mode={backfillMode} from={query.get('from') ?? ''} to={query.get('to') ?? ''} /> : null}

      <div className="grid2">
        <div className="panel">
          <h2>Definition</h2>
          <dl className="facts">
            <dt>Group</dt>
            <dd>{a.group}</dd>
            <dt>Depends on</dt>
            <dd className="mono small">{a.deps.length > 0 ? a.deps.join(', ') : '—'}</dd>
            <dt>Code version</dt>
            <dd className="mono">{a.codeVersion ?? '—'}</dd>
            <dt>Kinds</dt>
            <dd>{a.kinds.join(', ') || '—'}</dd>
            <dt>Owners</dt>
            <dd>{a.owners.join(', ') || '—'}</dd>
            <dt>Tags</dt>
            <dd className="mono small">{Object.entries(a.tags).map(([k, v]) => `${k}=${v}`).join(', ') || '—'}</dd>
            {a.external ? (
              <>
                <dt>External</dt>
                <dd>produced by another system; observed <Time iso={a.latestObservation?.observedAt} /></dd>
              </>
            ) : null}
          </dl>
        </div>
        <div className="panel" aria-label="Staleness">
          <h2>Status</h2>
          <dl className="facts">
            <dt>Staleness</dt>
            <dd>{stale ? <StatusBadge status={stale.status} /> : '—'}</dd>
            <dt>Stale since</dt>
            <dd>
              <Time iso={stale?.staleSince} />
            </dd>
            <dt>Freshness</dt>
            <dd>{a.freshness ? `${a.freshness.state}${a.freshness.lagMinutes !== null ? `, ${Math.round(a.freshness.lagMinutes)} min since the last materialization` : ''}` : 'no policy'}</dd>
            <dt>Materialized</dt>
            <dd>
              <Time iso={a.latestMaterialization?.materializedAt} />
            </dd>
          </dl>
          {(stale?.rootCauses ?? stale?.causes ?? []).map((c, i) => (
            <div key={i} className="notice small">
              <strong>{c.category}</strong> {c.reason}
              {c.dependency ? <span className="muted"> ({c.dependency.assetKey})</span> : null}
            </div>
          ))}
        </div>
      </div>

      <div className="panel flush" aria-label="Checks">
        <h2>Checks</h2>
        <ErrorNote error={checks.error} />
        <table>
          <thead>
            <tr>
              <th>Check</th>
              <th>Latest result</th>
              <th>Partition</th>
              <th>When</th>
            </tr>
          </thead>
          <tbody>
            {(checks.data?.checks ?? []).flatMap((c) =>
              (c.results.length > 0 ? c.results : [null]).map((r, i) => (
                <tr key={`${c.name}:${r?.partitionKey ?? i}`}>
                  <td>
                    <span className="mono">{c.name}</span>
                    {c.blocking ? <span className="muted small"> blocking</span> : null}
                    {c.description ? <div className="muted small">{c.description}</div> : null}
                  </td>
                  <td>{r ? <StatusBadge status={r.passed === true ? 'PASSED' : r.passed === false ? (r.severity ?? 'ERROR') : r.status} label={r.passed === true ? 'PASSED' : r.passed === false ? `FAILED (${r.severity ?? 'ERROR'})` : r.status} /> : <span className="muted">never run</span>}</td>
                  <td className="mono">{r?.partitionKey ?? '—'}</td>
                  <td>{r ? <Link to={`/runs/${r.runId}`}><Time iso={r.recordedAt} /></Link> : '—'}</td>
                </tr>
              )),
            )}
            {checks.data && checks.data.checks.length === 0 ? (
              <tr>
                <td colSpan={4} className="muted">
                  No checks defined.
                </td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </div>

      {partitioned ? <AssetPartitions assetKey={a.key} onLaunch={canWrite ? launch : undefined} /> : null}

      <ConditionEvaluations asset={a.key} limit={10} hideWhenEmpty />

      <div className="panel flush" aria-label="Materializations">
        <h2>Recent materializations</h2>
        <table>
          <thead>
            <tr>
              <th>When</th>
              <th>Partition</th>
              <th>Run</th>
              <th>Data version</th>
              <th>Metadata</th>
            </tr>
          </thead>
          <tbody>
            {a.materializations.map((m) => (
              <tr key={m.eventId}>
                <td>
                  <Time iso={m.materializedAt} />
                </td>
                <td className="mono">{m.partitionKey ?? '—'}</td>
                <td>{m.runId ? <Link to={`/runs/${m.runId}`} className="mono small">{m.runId.slice(0, 8)}</Link> : 'reported'}</td>
                <td className="mono small">{m.dataVersion.slice(0, 12)}</td>
                <td className="mono small">{Object.entries(m.metadata).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(' ')}</td>
              </tr>
            ))}
            {a.materializations.length === 0 ? (
              <tr>
                <td colSpan={5} className="muted">
                  Never materialized.
                </td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </div>
    </>
  );
}
