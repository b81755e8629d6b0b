import type { Store } from '../store/index.js';
import type { InstanceMetrics, RuntimeContext, WorkerCounts } from '../runtime/index.js';

/** What routes need: the store for reads, and the runtime context for commands. */
export interface ApiContext {
  readonly store: Store;
  readonly ctx: () => RuntimeContext;
  /** The store as it may be shown (a PostgreSQL URL without its password); reported by /health. */
  readonly storeTarget?: string;
  /** Called after a run was requested, so a local daemon can start it without waiting a tick. */
  readonly onRunRequested?: () => void;
  /**
   * The metrics `/metrics` serves. Pass the instance's own, whose `instrument`ed store the daemon
   * appends through, so append latency is counted; absent, the server makes its own.
   */
  readonly metrics?: InstanceMetrics;
  /** The worker slots of the daemon in this process, if one runs here. */
  readonly workers?: () => WorkerCounts;
}
