/**
 * "Backfill…" for a partitioned asset: choose which partitions (a range from/to, all, or those
 * failed or missing now) and create the backfill, then open its page. The choice is in the URL
 * (`?backfill=range&from=…&to=…`), so the grid's selection opens it prefilled and a link can too.
 */
import { useState, type FormEvent } from 'react';
import type { Input } from '../api.js';
import { useAction } from '../hooks.js';
import { navigate, setQuery } from '../router.js';
import { ErrorNote } from './ErrorNote.js';

export const BACKFILL_MODES = [
  ['range', 'A range of keys'],
  ['all', 'All partitions'],
  ['failed', 'Failed now'],
  ['missing', 'Missing now'],
  ['failed-missing', 'Failed or missing now'],
] as const;
export type BackfillMode = (typeof BACKFILL_MODES)[number][0];

type Partition = Input<'createBackfill'>['partition'];

function partitionOf(mode: BackfillMode, from: string, to: string): Partition {
  if (mode === 'all') return { kind: 'all' };
  if (mode === 'failed') return 'status:FAILED';
  if (mode === 'missing') return 'status:MISSING';
  if (mode === 'failed-missing') return 'status:FAILED,MISSING';
  return from === to ? from : `${from}...${to}`;
}

export function BackfillPicker({ assetKey, mode, from, to }: { assetKey: string; mode: BackfillMode; from: string; to: string }) {
  const [draft, setDraft] = useState({ mode, from, to });
  const create = useAction('createBackfill', (out) => navigate(`/backfills/${encodeURIComponent(out.backfill.backfillId)}`));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate({ selection: [assetKey], partition: partitionOf(draft.mode, draft.from.trim(), draft.to.trim()) });
  };
  const needsRange = draft.mode === 'range';
  return (
    <form className="panel" role="dialog" aria-label="Backfill partitions" onSubmit={submit}>
      <h2>Backfill {assetKey}</h2>
      <fieldset className="row" style={{ border: 0, padding: 0, margin: '0 0 10px' }}>
        <legend className="muted small">Partitions</legend>
        {BACKFILL_MODES.map(([value, label]) => (
          <label key={value} className="row small">
            <input type="radio" name="backfill-mode" value={value} checked={draft.mode === value} onChange={() => setDraft({ ...draft, mode: value })} />
            {label}
          </label>
        ))}
      </fieldset>
      {needsRange ? (
        <div className="row">
          <label className="field">
            From key
            <input value={draft.from} onChange={(e) => setDraft({ ...draft, from: e.target.value })} required />
          </label>
          <label className="field">
            To key
            <input value={draft.to} onChange={(e) => setDraft({ ...draft, to: e.target.value })} required />
          </label>
        </div>
      ) : null}
      <div className="row" style={{ marginTop: 10 }}>
        <button type="submit" className="primary" disabled={create.isPending || (needsRange && (draft.from.trim() === '' || draft.to.trim() === ''))}>
          Create backfill
        </button>
        <button type="button" onClick={() => setQuery({ backfill: undefined, from: undefined, to: undefined })}>
          Close
        </button>
      </div>
      <ErrorNote error={create.error} label="Backfill" />
    </form>
  );
}
