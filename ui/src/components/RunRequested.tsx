/** What a launch button answers: the run it requested (or the existing run of the same key), linked. */
import type { Output } from '../api.js';
import { Link } from '../router.js';

export function RunRequested({ outcome, onClose }: { outcome: Output<'requestRun'> | null; onClose: () => void }) {
  if (!outcome) return null;
  const { run } = outcome;
  return (
    <div className="notice row" role="status">
      <span>
        {outcome.existing ? 'Run already exists: ' : 'Run requested: '}
        <Link to={`/runs/${run.runId}`} className="mono">
          {run.runId}
        </Link>{' '}
        ({run.assetKeys.length} asset{run.assetKeys.length === 1 ? '' : 's'})
      </span>
      <button type="button" onClick={onClose} aria-label="Dismiss">
        ×
      </button>
    </div>
  );
}
