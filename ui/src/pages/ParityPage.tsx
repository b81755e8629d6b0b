/**
 * The Dagster parity matrix of the running version (docs/parity): how much of each area is proven,
 * as bars, then every capability with its status and the tests that prove it, filtered by status,
 * area and text through the URL. URL: /instance/parity.
 */
import { useState } from 'react';
import type { Output } from '../api.js';
import { DataTable } from '../components/DataTable.js';
import { ErrorNote } from '../components/ErrorNote.js';
import { useOp } from '../hooks.js';
import { Link, setQuery, useLocation } from '../router.js';

type Row = Output<'getParityMatrix'>['rows'][number];

const STATUS_ORDER = ['Implemented', 'Partial', 'Designed', 'Planned', 'Exception'] as const;
const STATUS_CLASS: Record<string, string> = { Implemented: 'ok', Partial: 'warn', Designed: 'busy', Planned: '', Exception: 'bad' };
const SEGMENT_CLASS: Record<string, string> = { Implemented: 'seg-ok', Partial: 'seg-warn', Designed: 'seg-busy', Planned: 'seg-muted', Exception: 'seg-bad' };

/** One stacked bar: the share of each status among `rows`. */
function StatusBar({ rows, label }: { rows: readonly Row[]; label: string }) {
  const total = rows.length || 1;
  const parts = STATUS_ORDER.map((status) => ({ status, n: rows.filter((r) => r.status === status).length })).filter((p) => p.n > 0);
  const summary = parts.map((p) => `${p.n} ${p.status}`).join(', ');
  return (
    <div className="bar-track tall" role="img" aria-label={`${label}: ${summary}`} title={summary}>
      {parts.map((p) => (
        <span key={p.status} className={SEGMENT_CLASS[p.status]} style={{ width: `${(100 * p.n) / total}%` }} />
      ))}
    </div>
  );
}

/** The matrix's markdown `code` spans as <code>; the rest as text (never as HTML). */
function Markdown({ text }: { text: string }) {
  return (
    <>
      {text.split('`').map((part, i) => (i % 2 === 1 ? <code key={i}>{part}</code> : <span key={i}>{part.replaceAll('**', '')}</span>))}
    </>
  );
}

function matches(row: Row, text: string): boolean {
  if (text === '') return true;
  const needle = text.toLowerCase();
  return [row.id, row.capability, row.feature, row.notes].some((field) => field.toLowerCase().includes(needle));
}

function TestList({ tests }: { tests: readonly string[] }) {
  const [open, setOpen] = useState(false);
  if (tests.length === 0) return <span className="muted">none</span>;
  return (
    <>
      <button type="button" className="link" aria-expanded={open} onClick={() => setOpen(!open)}>
        {tests.length} test{tests.length === 1 ? '' : 's'}
      </button>
      {open ? (
        <ul className="small mono parity-tests">
          {tests.map((t) => (
            <li key={t}>{t}</li>
          ))}
        </ul>
      ) : null}
    </>
  );
}

/** A filter kept in the URL's query: `any` clears it. */
function QueryChoice({ label, param, value, options }: { label: string; param: string; value: string; options: readonly string[] }) {
  return (
    <label>
      {label}{' '}
      <select value={value} onChange={(e) => setQuery({ [param]: e.target.value }, { replace: true })}>
        <option value="">any</option>
        {options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    </label>
  );
}

export function ParityPage() {
  const { query } = useLocation();
  const matrix = useOp('getParityMatrix', {}, { poll: false });
  const status = query.get('status') ?? '';
  const section = query.get('section') ?? '';
  const text = query.get('q') ?? '';
  const rows = matrix.data?.rows ?? [];
  const sections = [...new Set(rows.map((r) => r.section))];
  const shown = rows.filter((r) => (status === '' || r.status === status) && (section === '' || r.section === section) && matches(r, text));
  return (
    <>
      <div className="page-head">
        <div>
          <h1>Dagster parity</h1>
          <div className="muted">
            What this version promises of Dagster OSS, and the CI tests that prove it. <Link to="/instance">Instance</Link>
          </div>
        </div>
      </div>
      <ErrorNote error={matrix.error} label="Parity matrix" />
      {matrix.data ? (
        <div className="panel">
          <div className="parity-legend small" aria-label="Rows per status">
            {STATUS_ORDER.map((s) => (
              <span key={s} className={`badge ${STATUS_CLASS[s] ?? ''}`}>
                {s} {matrix.data.counts[s] ?? 0}
              </span>
            ))}
          </div>
          <table aria-label="Parity by area" className="parity-areas">
            <tbody>
              <tr>
                <th scope="row">All ({rows.length})</th>
                <td>
                  <StatusBar rows={rows} label="All areas" />
                </td>
              </tr>
              {sections.map((s) => {
                const inSection = rows.filter((r) => r.section === s);
                return (
                  <tr key={s}>
                    <th scope="row">
                      <Link to={`/instance/parity?section=${encodeURIComponent(s)}`}>{s}</Link> ({inSection.length})
                    </th>
                    <td>
                      <StatusBar rows={inSection} label={s} />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : null}
      <div className="row parity-filters" role="search" aria-label="Parity filters">
        <QueryChoice label="Status" param="status" value={status} options={STATUS_ORDER} />
        <QueryChoice label="Area" param="section" value={section} options={sections} />
        <label>
          Search <input type="search" value={text} placeholder="id, capability, feature…" onChange={(e) => setQuery({ q: e.target.value }, { replace: true })} />
        </label>
        <span className="muted small" aria-live="polite">
          {shown.length} of {rows.length} rows
        </span>
      </div>
      <div className="panel flush">
        <DataTable
          label="Parity rows"
          rows={matrix.data ? shown : undefined}
          rowKey={(r) => r.id}
          empty="No row matches these filters."
          columns={[
            {
              header: 'Capability',
              cell: (r) => (
                <>
                  <span className="mono">{r.id}</span> <Markdown text={r.capability} />
                  <div className="muted small">
                    <Markdown text={r.feature} />
                  </div>
                </>
              ),
            },
            { header: 'Status', cell: (r) => <span className={`badge ${STATUS_CLASS[r.status] ?? ''}`}>{r.status}</span> },
            { header: 'Proof', cell: (r) => r.proofLevel, className: 'small' },
            { header: 'Tests', cell: (r) => <TestList tests={r.tests} />, className: 'small' },
          ]}
        />
      </div>
    </>
  );
}
