/**
 * The leading daemon's view of the active runs, kept between iterations so that an iteration costs
 * what changed since the last one, not what is queued (20,000 queued runs once cost ~400 ms per
 * iteration, all spent reading and parsing run documents nobody would start).
 *
 * What is kept: every run in progress (STARTED, CANCELING) as its whole document, and every queued
 * run as its head (id and tags) in dispatch order. Admission walks that queue and only the runs it
 * admits are read whole, in the same iteration; the run coordinator then decides over the runs in
 * progress and those admitted, which is exactly what it decides over every active run
 * (`admitQueuedRuns` admits again every run it admitted, and a queued run it does not admit gets
 * no decision and takes no worker slot).
 *
 * How it stays current: the ledger orders every change of every process (API servers, other
 * daemons, workers) by sequence, and commits in that order in both engines. The view remembers
 * the sequence it reflects and, each iteration, follows the ledger from there; the runs family's
 * own `ids` say which runs each event changed. A run held whole whose document is known to be
 * exact through a sequence (read by `readChangedRuns`, which says through which, or advanced
 * here) is advanced by the later events in memory, with the family's own pure handlers, as the
 * store folds them: in steady state nearly every event is the leader's own, and reading its runs
 * back cost a round trip per iteration. A new run is made from its request the same way. Any
 * other run an event changed is read again (after the events, so at least as new as the
 * position). Anything doubtful makes it read everything again: a deletion it cannot name, a
 * ledger too far ahead, a failed read. A decision on a run that changed meanwhile still fails its
 * version check (CONCURRENT_MODIFICATION) and is decided again; the run is then read again too.
 * The owner drops the view when it stops leading: what another leader did meanwhile is then read
 * from scratch, not trusted.
 */
import { admitQueuedRuns, compareDispatchOrder, runPriority, type AdmissionLimits, type QueuedRun } from '../controllers/index.js';
import { isTerminalRun, type RunStatus } from '../domain/runs/index.js';
import type { StoredEvent } from '../events/index.js';
import { handlerFor, runsFamily, type RowMatch, type RunProjection } from '../fold/index.js';
import type { RunHead, Store } from '../store/index.js';

/** Events read per page while following the ledger. */
const TAIL_PAGE_EVENTS = 2_000;
/** Pages followed in one refresh; further behind than this, reading every active run is cheaper. */
const TAIL_PAGES_MAX = 25;
/** Up to this many queue changes are spliced in one by one; more are applied with one sort. */
const QUEUE_SPLICES_MAX = 64;

/** A run's document and the ledger sequence it is exact through. */
interface Exact {
  readonly run: RunProjection;
  readonly through: number;
}

interface QueueEntry extends QueuedRun {
  readonly priority: number;
}

export class ActiveRuns {
  private loaded = false;
  /** The ledger sequence the view reflects: every change up to it has been read. */
  private position = 0;
  private readonly inProgress = new Map<string, RunProjection>();
  /**
   * Of the runs in progress, those whose document is exact through a ledger sequence: it holds
   * every event of the run up to it and none after. The others (read by getRuns, which says
   * only "at least as new as the position") are read again at their next change.
   */
  private readonly exactThrough = new Map<string, number>();
  /** Queued runs in dispatch order (compareDispatchOrder). */
  private queue: QueueEntry[] = [];
  private readonly queued = new Map<string, QueueEntry>();
  /** Runs to read again at the next refresh whatever the ledger says. */
  private readonly doubted = new Set<string>();

  constructor(private readonly store: Store) {}

  /**
   * Every run in progress and the queued runs admission starts now, as whole documents: what the
   * run coordinator needs to decide this iteration.
   */
  async read(limits: AdmissionLimits): Promise<RunProjection[]> {
    try {
      await this.refresh();
      const inProgress = [...this.inProgress.values()];
      const admitted = admitQueuedRuns(this.queue, inProgress, limits);
      return [...inProgress, ...(await this.store.runs.getRuns(admitted))];
    } catch (error) {
      this.drop();
      throw error;
    }
  }

  /** A decision on this run met a newer version: read it again next time. */
  doubt(runId: string): void {
    this.doubted.add(runId);
  }

  /** Forgets everything (leadership lost or changed): the next read loads every active run. */
  drop(): void {
    this.loaded = false;
    this.position = 0;
    this.inProgress.clear();
    this.exactThrough.clear();
    this.queued.clear();
    this.queue = [];
    this.doubted.clear();
  }

  private async refresh(): Promise<void> {
    if (!this.loaded) return this.reload();
    const changed = new Set(this.doubted);
    // Runs advanced in memory through the events read, kept apart until the whole tail is read.
    const advanced = new Map<string, Exact>();
    let position = this.position;
    for (let page = 0; ; page += 1) {
      if (page === TAIL_PAGES_MAX) return this.reload();
      const events = await this.store.ledger.readEvents({ afterSequence: position, limit: TAIL_PAGE_EVENTS });
      for (const event of events) if (!this.follow(event, changed, advanced)) return this.reload();
      position = events[events.length - 1]?.sequence ?? position;
      if (events.length < TAIL_PAGE_EVENTS) break;
    }
    for (const [runId, exact] of advanced) if (!changed.has(runId)) this.settle(exact);
    if (changed.size > 0) await this.reread([...changed]);
    this.doubted.clear();
    this.position = position;
  }

  /**
   * Takes one event of the tail: a run it changes is advanced by it in memory when its document is
   * exact (an event at or before that sequence is in it already) or the event creates it; any
   * other is added to `changed`, to be read again. False when everything must be read again.
   */
  private follow(event: StoredEvent, changed: Set<string>, advanced: Map<string, Exact>): boolean {
    const handler = handlerFor(runsFamily, event);
    if (!handler) return true;
    if (!collectRemovedRuns(handler.removes?.(event) ?? [], changed)) return false;
    for (const runId of handler.ids(event)) {
      if (changed.has(runId)) continue;
      const known = advanced.get(runId) ?? this.exact(runId);
      const creates = handler.creates === true && known === undefined && !this.queued.has(runId) && !this.inProgress.has(runId);
      if (known === undefined && !creates) {
        changed.add(runId);
        continue;
      }
      if (known !== undefined && event.sequence <= known.through) continue;
      try {
        advanced.set(runId, { run: handler.apply(known?.run, event, runId), through: event.sequence });
      } catch {
        // The fold refused the event on the document held (it is not what the store holds): read it.
        advanced.delete(runId);
        changed.add(runId);
      }
    }
    return true;
  }

  private exact(runId: string): Exact | undefined {
    const through = this.exactThrough.get(runId);
    const run = this.inProgress.get(runId);
    return through === undefined || run === undefined ? undefined : { run, through };
  }

  /** Puts a run advanced in memory where its status says: queued as a head, in progress whole, or gone. */
  private settle({ run, through }: Exact): void {
    this.inProgress.delete(run.runId);
    this.exactThrough.delete(run.runId);
    if (run.status === 'QUEUED') this.enqueue([queueEntry(run)]);
    else if (!isTerminalRun(run.status)) {
      this.inProgress.set(run.runId, run);
      this.exactThrough.set(run.runId, through);
    }
  }

  private async reload(): Promise<void> {
    this.drop();
    // The position first: a change after it is read again at the next refresh, which is harmless.
    const position = await this.store.ledger.lastSequence();
    const heads = await this.store.runs.listActiveRunHeads();
    this.queue = heads.filter((h) => h.status === 'QUEUED').map(queueEntry).sort(compareDispatchOrder);
    for (const entry of this.queue) this.queued.set(entry.runId, entry);
    await this.readInProgress(heads.filter((h) => h.status !== 'QUEUED').map((h) => h.runId));
    this.position = position;
    this.loaded = true;
  }

  private async reread(runIds: readonly string[]): Promise<void> {
    const { queued, inProgress, through } = await this.store.runs.readChangedRuns(runIds);
    for (const runId of runIds) {
      this.inProgress.delete(runId);
      this.exactThrough.delete(runId);
    }
    this.dequeue(runIds.filter((id) => this.queued.has(id)));
    this.enqueue(queued.map(queueEntry));
    for (const run of inProgress) {
      this.inProgress.set(run.runId, run);
      this.exactThrough.set(run.runId, through);
    }
  }

  private async readInProgress(runIds: readonly string[]): Promise<void> {
    // A run read whole may have moved on since its head was read; never back to QUEUED.
    for (const run of await this.store.runs.getRuns(runIds)) if (!isTerminalRun(run.status)) this.inProgress.set(run.runId, run);
  }

  private enqueue(entries: readonly QueueEntry[]): void {
    for (const entry of entries) this.queued.set(entry.runId, entry);
    if (entries.length > QUEUE_SPLICES_MAX) {
      this.queue.push(...entries);
      this.queue.sort(compareDispatchOrder);
      return;
    }
    for (const entry of entries) this.queue.splice(positionOf(this.queue, entry), 0, entry);
  }

  private dequeue(runIds: readonly string[]): void {
    if (runIds.length > QUEUE_SPLICES_MAX) {
      const gone = new Set(runIds);
      this.queue = this.queue.filter((e) => !gone.has(e.runId));
    } else {
      for (const runId of runIds) {
        const entry = this.queued.get(runId);
        if (entry) this.queue.splice(positionOf(this.queue, entry), 1);
      }
    }
    for (const runId of runIds) this.queued.delete(runId);
  }
}

function queueEntry(head: Pick<RunHead, 'runId' | 'tags'>): QueueEntry {
  return { runId: head.runId, tags: head.tags, priority: runPriority(head.tags) };
}

/** The first index whose entry does not sort before `entry` (binary search of the dispatch order). */
function positionOf(queue: readonly QueueEntry[], entry: QueueEntry): number {
  let low = 0;
  let high = queue.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (compareDispatchOrder(queue[middle] as QueueEntry, entry) < 0) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * Adds the runs an event deletes to `changed`. False when it deletes runs that may be active by
 * anything but their ids: which runs those were is not known, so everything is read again. A
 * deletion of terminal runs only (by status) concerns no active run.
 */
function collectRemovedRuns(removes: readonly RowMatch[], changed: Set<string>): boolean {
  for (const match of removes) {
    if (match.status?.every((status) => isTerminalRun(status as RunStatus))) continue;
    const columns = Object.keys(match);
    if (columns.length !== 1 || columns[0] !== 'id') return false;
    for (const id of match.id ?? []) changed.add(id);
  }
  return true;
}
