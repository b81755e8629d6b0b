/**
 * Automation in the daemon: each leader iteration syncs definitions (once), starts a schedule
 * pass, starts the sensor evaluations that are due and the automation condition evaluation when
 * its sensor is due. Both run in the background, so user code
 * (a slow `shouldExecute`, a slow sensor) never holds up run coordination: at most one schedule
 * pass at a time, at most one evaluation per sensor at a time. `settled()` waits for the work in
 * flight; `runOnce(now)` is an iteration that waits for its own work (tests, tools).
 */
import type { RuntimeContext } from '../context.js';
import { ScheduleRunner, type CrashHook } from './schedule-runner.js';
import { SensorRunner } from './sensor-runner.js';
import { AutomationConditionRunner, type CheckFailedLookup } from './condition-runner.js';
import { syncAutomation } from './sync.js';
import { latestAssetCheckResults } from '../asset-checks.js';

/**
 * Dagster's `check_failed`: the latest result of one of the asset's checks (of any partition) failed.
 * Assets without checks are answered without reading the store.
 */
async function latestCheckFailed(ctx: RuntimeContext, assetKey: string): Promise<boolean> {
  if (ctx.definitions.checksOf(assetKey).length === 0) return false;
  return (await latestAssetCheckResults(ctx.store, assetKey)).some((r) => r.status === 'FAILED');
}

export interface AutomationOptions {
  /** Test hook: called at named points, where a kill test stops the process. */
  readonly crash?: CrashHook;
  /** Where failures of the automation machinery go; without it `settled()` rethrows the first. */
  readonly onProblem?: (message: string) => void;
  /** Sensor evaluations in flight at once. @default 64 */
  readonly sensorConcurrency?: number;
  /** Whether an asset's latest check result failed (for `checkFailed()`); by default read from the store's check results. */
  readonly checkFailed?: CheckFailedLookup;
}

export class Automation {
  private synced = false;
  private stopped = false;
  private schedulePass: Promise<void> | undefined;
  private readonly schedules: ScheduleRunner;
  private readonly sensors: SensorRunner;
  private readonly conditions: AutomationConditionRunner;
  private failure: unknown;

  constructor(
    private readonly ctx: RuntimeContext,
    private readonly options: AutomationOptions = {},
  ) {
    this.schedules = new ScheduleRunner(ctx, options.crash);
    this.sensors = new SensorRunner(ctx, {
      concurrency: options.sensorConcurrency ?? 64,
      ...(options.crash ? { crash: options.crash } : {}),
      onProblem: (message) => this.problem(new Error(message)),
    });
    this.conditions = new AutomationConditionRunner(ctx, {
      ...(options.crash ? { crash: options.crash } : {}),
      checkFailed: options.checkFailed ?? ((assetKey) => latestCheckFailed(ctx, assetKey)),
      onProblem: (error) => this.problem(error),
    });
  }

  /** The definitions changed (hot reload): sync them again, recording new definition versions. */
  definitionsChanged(): void {
    this.synced = false;
  }

  /** Starts one iteration's work at `nowEpochMs` (the daemon's clock reading) and returns. */
  async iterate(nowEpochMs: number = this.ctx.clock.now()): Promise<void> {
    try {
      if (!this.synced) {
        await syncAutomation(this.ctx);
        this.synced = true;
      }
      if (this.schedulePass === undefined) {
        const pass = this.schedules.tick(nowEpochMs).then(
          () => undefined,
          (error: unknown) => this.problem(error),
        );
        this.schedulePass = pass;
        void pass.finally(() => {
          if (this.schedulePass === pass) this.schedulePass = undefined;
        });
      }
      await this.sensors.launchDue(nowEpochMs);
      if (!this.stopped) this.conditions.launchDue(nowEpochMs);
    } catch (error) {
      this.problem(error);
    }
  }

  /** One iteration, waiting until its schedule ticks and sensor evaluations are recorded. */
  async runOnce(nowEpochMs: number = this.ctx.clock.now()): Promise<void> {
    await this.settled();
    await this.iterate(nowEpochMs);
    await this.settled();
  }

  /** Resolves when no schedule pass or sensor evaluation is in flight. @throws the first failure when there is no `onProblem`. */
  async settled(): Promise<void> {
    while (this.schedulePass !== undefined) await this.schedulePass;
    await this.sensors.settled();
    await this.conditions.settled();
    if (this.failure !== undefined) {
      const failure = this.failure;
      this.failure = undefined;
      throw failure;
    }
  }

  /** Stops starting work and waits for the work in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.sensors.stop();
    while (this.schedulePass !== undefined) await this.schedulePass;
    await this.sensors.settled();
    await this.conditions.settled();
  }

  private problem(error: unknown): void {
    if (this.options.onProblem) this.options.onProblem(`automation: ${error instanceof Error ? error.message : String(error)}`);
    else this.failure ??= error;
  }
}
