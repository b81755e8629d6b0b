/**
 * Background WAL checkpointing for a long-lived writer (the daemon). SQLite's automatic
 * checkpoint runs inside the commit that crosses the threshold, so one transaction in a few paid
 * for copying every page written since the last one and for its fsync: a daemon iteration that
 * happened to trigger it took twice as long as its neighbours. Here a worker thread with its own
 * connection checkpoints on a timer, on the other core, and the writer's own automatic checkpoint
 * stays only as a bound on the WAL should the thread fall behind.
 */
import { Worker } from 'node:worker_threads';

/** What the last checkpoint did: frames in the WAL and how many of them are now in the database file. */
export interface CheckpointResult {
  readonly busy: number;
  readonly walFrames: number;
  readonly checkpointedFrames: number;
}

type WorkerMessage = ({ readonly kind: 'checkpoint' } & CheckpointResult) | { readonly kind: 'problem'; readonly message: string };

export interface CheckpointerOptions {
  /** How often the thread checkpoints. @default 500 */
  readonly intervalMs?: number;
  /** Called after every checkpoint (tests and benchmarks watch the WAL with it). */
  readonly onCheckpoint?: (result: CheckpointResult) => void;
  /** Where a failed checkpoint is reported (the next one retries). */
  readonly onProblem?: (message: string) => void;
}

export class BackgroundCheckpointer {
  private readonly worker: Worker;
  private stopped: Promise<void> | undefined;

  constructor(path: string, options: CheckpointerOptions = {}) {
    this.worker = new Worker(new URL('./checkpoint-worker.mjs', import.meta.url), { workerData: { path, intervalMs: options.intervalMs ?? 500 } });
    // The daemon's process must be able to exit without stopping the thread first.
    this.worker.unref();
    this.worker.on('message', (message: WorkerMessage) => {
      if (message.kind === 'problem') options.onProblem?.(`background checkpoint failed: ${message.message}`);
      else options.onCheckpoint?.({ busy: message.busy, walFrames: message.walFrames, checkpointedFrames: message.checkpointedFrames });
    });
    this.worker.on('error', (error) => options.onProblem?.(`background checkpointer stopped: ${error.message}`));
  }

  /** Stops the timer and closes the thread's connection; resolves when the thread has exited. */
  stop(): Promise<void> {
    this.stopped ??= new Promise<void>((resolve) => {
      this.worker.once('exit', () => resolve());
      // Held again while stopping: a caller awaiting this must not see the process run out of work.
      this.worker.ref();
      this.worker.postMessage('stop');
    });
    return this.stopped;
  }
}
