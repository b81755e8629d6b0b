/**
 * Follows the ledger and logs a line for each event worth one (event-lines.ts). Following the
 * ledger rather than hooking each writer covers every source alike: the daemon's decisions, worker
 * reports, API and CLI commands, and another daemon on the same PostgreSQL store. It starts at the
 * ledger's end: history is what `arco runs` and the UI are for.
 *
 * An observer: a failed read is logged and retried on the next poll, and nothing it does can stop
 * or slow the daemon beyond the reads themselves.
 */
import type { StoredEvent } from '../../events/index.js';
import type { RunProjection } from '../../fold/index.js';
import type { Store } from '../../store/index.js';
import { describeEvent, EVENT_TYPES_NEEDING_RUN } from './event-lines.js';
import type { Logger } from './logger.js';

/** Events read per query: one poll reads at most POLL_BATCHES_MAX of these, the next poll goes on. */
const READ_BATCH = 500;
/** Bounds the work of one poll when the ledger grows faster than lines are written. */
const POLL_BATCHES_MAX = 20;

export interface LedgerLogOptions {
  /** How often the ledger is read for new events. @default 250 */
  readonly pollMs?: number;
}

export class LedgerLog {
  private position = 0;
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> = Promise.resolve();
  private running = false;
  private failing = false;
  private readonly pollMs: number;

  constructor(
    private readonly store: Store,
    private readonly logger: Logger,
    options: LedgerLogOptions = {},
  ) {
    this.pollMs = options.pollMs ?? 250;
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.position = await this.store.ledger.lastSequence();
    this.running = true;
    this.schedule();
  }

  /** Logs what was appended up to now, then stops. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    await this.polling;
    await this.poll();
  }

  private schedule(): void {
    this.timer = setTimeout(() => {
      this.polling = this.poll().then(() => {
        if (this.running) this.schedule();
      });
    }, this.pollMs);
  }

  private async poll(): Promise<void> {
    try {
      for (let batch = 0; batch < POLL_BATCHES_MAX; batch++) {
        const events = await this.store.ledger.readEvents({ afterSequence: this.position, limit: READ_BATCH });
        for (const event of events) {
          await this.log(event);
          this.position = event.sequence;
        }
        if (events.length < READ_BATCH) break;
      }
      if (this.failing) this.logger.info('reading the ledger for log lines works again');
      this.failing = false;
    } catch (error) {
      // Once per outage, not once per poll.
      if (!this.failing) this.logger.warn({ err: error }, 'cannot read the ledger for log lines; retrying');
      this.failing = true;
    }
  }

  private async log(event: StoredEvent): Promise<void> {
    // Two reads per run (its start and its end), whatever the level: a FAILURE line is an error line.
    const run = EVENT_TYPES_NEEDING_RUN.has(event.type) ? await this.runOf(event) : undefined;
    const line = describeEvent(event, run);
    if (!line || !this.logger.isLevelEnabled(line.level)) return;
    this.logger[line.level]({ ...line.fields, event: event.type, sequence: event.sequence, eventAt: event.at }, line.msg);
  }

  private async runOf(event: StoredEvent): Promise<RunProjection | undefined> {
    return event.correlationId ? this.store.runs.getRun(event.correlationId) : undefined;
  }
}
