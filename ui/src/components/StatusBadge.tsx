/** A status as a coloured pill: green done, red failed, blue in progress, amber waiting or stale. */
const TONES: Record<string, string> = {
  SUCCESS: 'ok', SUCCEEDED: 'ok', FRESH: 'ok', MATERIALIZED: 'ok', RUNNING: 'busy', COMPLETED_SUCCESS: 'ok', PASSED: 'ok', ALIVE: 'ok',
  FAILURE: 'bad', FAILED: 'bad', COMPLETED_FAILED: 'bad', ERROR: 'bad', STALE_HEARTBEAT: 'bad',
  STARTED: 'busy', DISPATCHED: 'busy', IN_PROGRESS: 'busy', REQUESTED: 'busy', CANCELING: 'warn',
  QUEUED: 'warn', READY: 'warn', RETRY_WAIT: 'warn', STALE: 'warn', MISSING: 'warn', PAUSED: 'warn', WARN: 'warn', BLOCKED: 'idle',
};

export function tone(status: string): string {
  return TONES[status.toUpperCase()] ?? 'idle';
}

export function StatusBadge({ status, label }: { status: string; label?: string }) {
  return <span className={`badge ${tone(status)}`}>{label ?? status.replaceAll('_', ' ')}</span>;
}
