import type { Store } from '../store/index.js';
import type { RuntimeContext } from '../runtime/index.js';

/** What routes need: the store for reads, and the runtime context for commands. */
export interface ApiContext {
  readonly store: Store;
  readonly ctx: () => RuntimeContext;
  /** The store as it may be shown (a PostgreSQL URL without its password); reported by /health. */
  readonly storeTarget?: string;
  /** Called after a run was requested, so a local daemon can start it without waiting a tick. */
  readonly onRunRequested?: () => void;
}
