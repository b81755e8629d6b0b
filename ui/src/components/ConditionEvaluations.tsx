/**
 * "Why did / didn't it run": automation condition evaluations, newest first. Per asset, whether it
 * was requested (and the runs), and its condition as a tree, each node true or false with how many
 * of the candidate partitions it held for. The tree comes from the API's depth-first node paths
 * (`0`, `0.1`, `0.1.0`): the depth of a path is its indentation.
 */
import type { Output } from '../api.js';
import { useOp } from '../hooks.js';
import { Link } from '../router.js';
import { ErrorNote } from './ErrorNote.js';
import { StatusBadge } from './StatusBadge.js';
import { Time } from './Time.js';

type AssetEvaluation = Output<'listAutomationEvaluations'>['evaluations'][number]['assets'][number];

function ConditionTree({ nodes }: { nodes: AssetEvaluation['nodes'] }) {
  return (
    <ul className="condition-tree" role="tree" aria-label="Condition">
      {nodes.map((n) => {
        const depth = n.path.split('.').length - 1;
        const counts = n.candidateCount > 1 ? ` ${n.trueCount}/${n.candidateCount}` : '';
        return (
          <li key={n.path} role="treeitem" aria-level={depth + 1} aria-selected={false} className={n.true ? 'cond-true' : 'cond-false'} style={{ paddingLeft: depth * 16 }}>
            <span aria-label={n.true ? 'true' : 'false'}>{n.true ? '✓' : '✗'}</span> <span className="mono">{n.label}</span>
            <span className="muted small">{counts}</span>
          </li>
        );
      })}
    </ul>
  );
}

/** Evaluations of every asset, or of one (`asset`), newest first. */
export function ConditionEvaluations({ asset, limit = 20, hideWhenEmpty = false }: { asset?: string; limit?: number; hideWhenEmpty?: boolean }) {
  const evaluations = useOp('listAutomationEvaluations', { limit, ...(asset ? { asset } : {}) });
  const rows = (evaluations.data?.evaluations ?? []).flatMap((e) => e.assets.filter((a) => !asset || a.assetKey === asset).map((a) => ({ e, a })));
  if (hideWhenEmpty && rows.length === 0) return null;
  return (
    <div className="panel flush" aria-label="Automation condition evaluations">
      <h2>Automation condition evaluations</h2>
      <ErrorNote error={evaluations.error} />
      <table aria-label="Condition evaluations">
        <thead>
          <tr>
            <th>Evaluated</th>
            <th>Asset</th>
            <th>Requested</th>
            <th>Why: the condition, node by node</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(({ e, a }) => (
            <tr key={`${e.evaluationId}:${a.assetKey}`}>
              <td>
                <Time iso={e.evaluatedAt} />
                <div className="muted small">#{e.evaluationId}</div>
              </td>
              <td>
                <Link to={`/assets/${a.assetKey.split('/').map(encodeURIComponent).join('/')}`} className="mono">
                  {a.assetKey}
                </Link>
              </td>
              <td>
                <StatusBadge status={a.requested ? 'REQUESTED' : 'SKIPPED'} label={a.requested ? 'requested' : 'not requested'} />
                {a.runs.map((r) => (
                  <div key={r.runId}>
                    <Link to={`/runs/${r.runId}`} className="mono small">
                      {r.runId.slice(0, 8)}
                    </Link>
                    {r.partitionKey ? <span className="muted small"> {r.partitionKey}</span> : null}
                  </div>
                ))}
              </td>
              <td>
                <ConditionTree nodes={a.nodes} />
              </td>
            </tr>
          ))}
          {evaluations.data && rows.length === 0 ? (
            <tr>
              <td colSpan={4} className="muted">
                No evaluations yet{asset ? ' of this asset' : ''}: assets with an automation condition are evaluated every 30 s while default_automation_condition_sensor runs.
              </td>
            </tr>
          ) : null}
        </tbody>
      </table>
    </div>
  );
}
