/**
 * The daemon's automatic observations of external assets (Dagster's observable source assets with
 * `auto_observe_interval_minutes`): each observable, unpartitioned external asset with an interval
 * is observed once per interval of the daemon's clock. The interval's number names the observation
 * in its idempotency key, so a restarted daemon, or two daemons, record each interval's observation
 * once.
 */
import type { RuntimeContext } from './context.js';
import { observeAsset } from './external-assets.js';

export class ObservationRunner {
  /** The interval each asset was last observed in by this daemon (a restart observes again, recorded once). */
  private readonly observedInterval = new Map<string, number>();

  constructor(
    private readonly ctx: RuntimeContext,
    private readonly onProblem: (message: string) => void,
  ) {}

  private inFlight: Promise<void> | undefined;

  /**
   * Starts the due observations unless the last ones are still running. User code may take up to
   * its time limit, so the daemon's iteration does not wait for it: runs keep being coordinated.
   */
  startDue(nowEpochMs: number): void {
    if (this.inFlight) return;
    this.inFlight = this.observeDue(nowEpochMs).finally(() => (this.inFlight = undefined));
  }

  /** Resolves once no observation is running (the daemon waits for this when it stops). */
  async idle(): Promise<void> {
    await this.inFlight;
  }

  async observeDue(nowEpochMs: number): Promise<void> {
    for (const asset of this.ctx.definitions.assets.values()) {
      const minutes = asset.autoObserveIntervalMinutes;
      if (!asset.external || asset.observe === null || minutes === null || asset.partitions !== null) continue;
      const interval = Math.floor(nowEpochMs / (minutes * 60_000));
      if (this.observedInterval.get(asset.key) === interval) continue;
      this.observedInterval.set(asset.key, interval);
      try {
        await observeAsset(this.ctx, asset.key, null, `auto-${minutes}m-${interval}`);
      } catch (error) {
        this.onProblem(`automatic observation of "${asset.key}" failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }
}
