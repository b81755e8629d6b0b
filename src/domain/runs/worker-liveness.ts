/**
 * When a remote worker counts as alive: heard from within its heartbeat timeout. One rule for the
 * leader (which declares the others lost), the API (which refuses their claims) and the metrics.
 */
export function isWorkerAlive(worker: { readonly seenAtEpochMs: number; readonly heartbeatTimeoutMs: number }, nowEpochMs: number): boolean {
  return worker.seenAtEpochMs + worker.heartbeatTimeoutMs > nowEpochMs;
}
