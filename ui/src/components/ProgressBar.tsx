/** A backfill's progress: materialized, failed, skipped/canceled, in progress, not started. */
export interface Progress {
  readonly total: number;
  readonly materialized: number;
  readonly failed: number;
  readonly skipped: number;
  readonly canceled: number;
  readonly inProgress: number;
  readonly notStarted: number;
}

const PARTS = [
  ['materialized', 'seg-ok', 'materialized'],
  ['failed', 'seg-bad', 'failed'],
  ['skipped', 'seg-warn', 'skipped'],
  ['canceled', 'seg-warn', 'canceled'],
  ['inProgress', 'seg-busy', 'in progress'],
  ['notStarted', 'seg-idle', 'not started'],
] as const;

export function ProgressBar({ counts, legend }: { counts: Progress; legend?: boolean }) {
  const total = Math.max(1, counts.total);
  const done = counts.materialized + counts.failed + counts.skipped + counts.canceled;
  const label = PARTS.filter(([k]) => counts[k] > 0).map(([k, , n]) => `${counts[k]} ${n}`).join(', ');
  return (
    <div>
      <div className="bar-track" role="progressbar" aria-valuemin={0} aria-valuemax={counts.total} aria-valuenow={done} aria-label={`${done} of ${counts.total} done: ${label}`} title={label}>
        {PARTS.map(([k, cls]) => (counts[k] > 0 ? <span key={k} className={cls} style={{ width: `${(100 * counts[k]) / total}%` }} /> : null))}
      </div>
      {legend ? (
        <div className="legend">
          {PARTS.map(([k, cls, n]) => (
            <span key={k}>
              <i className={cls} />
              {counts[k].toLocaleString()} {n}
            </span>
          ))}
        </div>
      ) : (
        <div className="muted small">
          {done}/{counts.total} done{counts.failed > 0 ? `, ${counts.failed} failed` : ''}
        </div>
      )}
    </div>
  );
}
