/**
 * A run's timeline: one lane per task, one bar per attempt from dispatch to its end (still running:
 * to now), coloured by outcome; skipped and waiting tasks say why in their row.
 */
import type { Output } from '../api.js';
import { duration } from './Time.js';

type Task = Output<'getRun'>['tasks'][number];

const OUTCOME_TONE: Record<string, string> = { SUCCEEDED: 'ok', FAILED: 'bad', CANCELED: 'warn' };

export function Gantt({ tasks, nowMs }: { tasks: readonly Task[]; nowMs: number }) {
  const times = tasks.flatMap((t) => t.attempts.flatMap((a) => [Date.parse(a.dispatchedAt), a.finishedAt ? Date.parse(a.finishedAt) : nowMs]));
  if (times.length === 0) return <p className="muted">No task has started yet.</p>;
  const start = Math.min(...times);
  const end = Math.max(...times, start + 1);
  const pct = (ms: number) => `${(100 * (ms - start)) / (end - start)}%`;
  return (
    <div className="gantt" role="table" aria-label="Task timeline">
      {tasks.map((t) => (
        <div key={t.taskKey} role="row" style={{ display: 'contents' }}>
          <div className="label mono" role="rowheader" title={t.taskKey}>
            {t.taskKey}
          </div>
          <div className="lane" role="cell" aria-label={`${t.taskKey}: ${t.status}, ${t.attempts.length} attempt(s)`}>
            {t.attempts.map((a) => {
              const from = Date.parse(a.dispatchedAt);
              const to = a.finishedAt ? Date.parse(a.finishedAt) : nowMs;
              const state = a.outcome ?? 'RUNNING';
              return (
                <div
                  key={a.attemptId}
                  className={`seg ${OUTCOME_TONE[state] ?? 'busy'}`}
                  style={{ left: pct(from), width: `calc(${pct(to)} - ${pct(from)})` }}
                  title={`attempt ${a.attempt}: ${state} in ${duration(to - from)}${a.error ? ` — ${a.error.code}: ${a.error.message}` : ''}`}
                />
              );
            })}
            {t.attempts.length === 0 ? (
              <span className="muted small" style={{ paddingLeft: 6, lineHeight: '20px' }}>
                {t.status === 'SKIPPED' && t.skipCause ? `skipped: ${t.skipCause.taskKey} ${t.skipCause.status.toLowerCase()}` : t.status.toLowerCase().replace('_', ' ')}
              </span>
            ) : null}
          </div>
        </div>
      ))}
      <div className="axis">
        <span>0 s</span>
        <span>{duration(end - start)}</span>
      </div>
    </div>
  );
}
