/** An API error as the page shows it: its code and message (a selection error also its column). */
import { ApiError } from '../api.js';

export function ErrorNote({ error, label }: { error: unknown; label?: string }) {
  if (!error) return null;
  const e = error instanceof ApiError ? error : undefined;
  const column = typeof e?.details.column === 'number' ? e.details.column : undefined;
  return (
    <div className="error-box" role="alert">
      {label ? `${label}: ` : ''}
      <strong>{e?.code ?? 'ERROR'}</strong> {error instanceof Error ? error.message : String(error)}
      {column !== undefined ? <span className="muted"> (column {column})</span> : null}
    </div>
  );
}
