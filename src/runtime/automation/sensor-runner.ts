/**
 * Runs the sensor evaluations that are due, in the background. Due sensors join a queue, most
 * overdue first, and at most `concurrency` evaluations run at once; a finished one makes room for
 * the next at once, so throughput is bounded by the evaluations themselves, not by how often the
 * daemon iterates. A sensor is never evaluated twice at once in this process (the compare-and-swap
 * covers other processes): it stays busy from the moment it is queued until its function has
 * settled, even past a timeout.
 */
import { sensorDueAtMs } from '../../controllers/index.js';
import type { SensorState } from '../../fold/index.js';
import type { RuntimeContext } from '../context.js';
import type { CrashHook } from './schedule-runner.js';
import { evaluateSensor } from './sensor-evaluation.js';
import { automationEntries, type SensorEntry } from './specs.js';

export interface SensorRunnerOptions {
  readonly concurrency: number;
  readonly crash?: CrashHook;
  readonly onProblem: (message: string) => void;
}

interface Job {
  readonly entry: SensorEntry;
  readonly state: SensorState;
}

export class SensorRunner {
  /** Sensors queued or running whose function has not settled yet. */
  private readonly busy = new Set<string>();
  private readonly queue: Job[] = [];
  /** Evaluations started and not yet recorded. */
  private readonly pipelines = new Set<Promise<void>>();
  private stopped = false;

  constructor(
    private readonly ctx: RuntimeContext,
    private readonly options: SensorRunnerOptions,
  ) {}

  /**
   * Queues every due poll, asset and run-status sensor; returns how many were queued. The
   * automation condition sensor has its own runner (`AutomationConditionRunner`).
   */
  async launchDue(nowEpochMs: number): Promise<number> {
    const entries = automationEntries(this.ctx.definitions).sensors;
    if (this.stopped || entries.size === 0) return 0;
    const due: { job: Job; dueAt: number }[] = [];
    for (const state of await this.ctx.store.automation.listSensorStates()) {
      const entry = entries.get(state.sensorName);
      if (!entry || entry.definition.kind === 'push' || entry.definition.kind === 'automation_condition' || this.busy.has(state.sensorName)) continue;
      const dueAt = sensorDueAtMs(state);
      if (dueAt !== null && dueAt <= nowEpochMs) due.push({ job: { entry, state }, dueAt });
    }
    due.sort((a, b) => a.dueAt - b.dueAt);
    for (const { job } of due) {
      this.busy.add(job.state.sensorName);
      this.queue.push(job);
    }
    this.pump();
    return due.length;
  }

  private pump(): void {
    while (!this.stopped && this.pipelines.size < this.options.concurrency && this.queue.length > 0) {
      const job = this.queue.shift() as Job;
      const name = job.state.sensorName;
      const evaluation = evaluateSensor(this.ctx, { entry: job.entry, state: job.state, startedAtMs: this.ctx.clock.now() }, this.options.crash);
      const recorded = evaluation.then(
        () => undefined,
        (error: unknown) => this.options.onProblem(`sensor "${name}": ${error instanceof Error ? error.message : String(error)}`),
      );
      this.pipelines.add(recorded);
      void recorded.finally(() => {
        this.pipelines.delete(recorded);
        this.pump();
      });
      const userCodeDone = evaluation.then(
        (report) => report.userCodeDone,
        () => undefined,
      );
      void userCodeDone.finally(() => this.busy.delete(name));
    }
  }

  /** Resolves when every queued evaluation is recorded. */
  async settled(): Promise<void> {
    while (this.pipelines.size > 0) await Promise.all([...this.pipelines]);
  }

  /** Starts nothing more; queued evaluations are dropped (they are due again later). */
  stop(): void {
    this.stopped = true;
    for (const job of this.queue.splice(0)) this.busy.delete(job.state.sensorName);
  }
}
