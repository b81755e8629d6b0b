/** Partition counts as one bar: materialized, failed, in progress, missing, in proportion. */
export interface Counts {
  readonly total: number;
  readonly materialized: number;
  readonly failed: number;
  readonly inProgress: number;
  readonly missing: number;
}

const PARTS = [
  ['materialized', 'seg-ok', 'materialized'],
  ['failed', 'seg-bad', 'failed'],
  ['inProgress', 'seg-busy', 'in progress'],
  ['missing', 'seg-idle', 'missing'],
] as const;

export function HealthBar({ counts, tall, legend }: { counts: Counts; tall?: boolean; legend?: boolean }) {
  const total = Math.max(1, counts.total);
  const label = PARTS.map(([k, , name]) => `${counts[k]} ${name}`).join(', ');
  return (
    <div>
      <div className={`bar-track${tall ? ' tall' : ''}`} role="img" aria-label={`${counts.total} partitions: ${label}`} title={label}>
        {PARTS.map(([k, cls]) => (counts[k] > 0 ? <span key={k} className={cls} style={{ width: `${(100 * counts[k]) / total}%` }} /> : null))}
      </div>
      {legend ? (
        <div className="legend">
          {PARTS.map(([k, cls, name]) => (
            <span key={k}>
              <i className={cls} />
              {counts[k].toLocaleString()} {name}
            </span>
          ))}
        </div>
      ) : (
        <div className="muted small">
          {counts.materialized}/{counts.total}
          {counts.failed > 0 ? `, ${counts.failed} failed` : ''}
        </div>
      )}
    </div>
  );
}
