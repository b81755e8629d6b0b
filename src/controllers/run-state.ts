/**
 * Lets decision code see the state its own drafts lead to, by folding them in memory with the
 * same pure reducer the store uses. Drafts get a provisional envelope: time `now`, sequence 0
 * (the run reducer does not read sequences).
 */
import { EVENT_VERSION, DEFAULT_WORKSPACE, type EventDraft, type StoredEvent } from '../events/index.js';
import { foldInMemory, runsFamily, type RunProjection } from '../fold/index.js';
import { InvariantError } from '../domain/errors/index.js';

export function advanceRun(run: RunProjection | undefined, drafts: readonly EventDraft[], nowIso: string): RunProjection {
  const runId = run?.runId ?? (drafts[0]?.payload as { runId?: string } | undefined)?.runId ?? '';
  const rows = new Map<string, RunProjection>(run ? [[runId, run]] : []);
  const events = drafts.map(
    (d) =>
      ({
        ...d,
        eventId: '',
        version: EVENT_VERSION,
        at: nowIso,
        workspace: DEFAULT_WORKSPACE,
        causationId: d.causationId ?? null,
        sequence: 0,
      }) as StoredEvent,
  );
  const after = foldInMemory(runsFamily, rows, events).get(runId);
  if (!after) throw new InvariantError(`drafts to yield run ${runId}`, 'no run');
  return after;
}

/** Accumulates drafts while keeping the run they lead to current. */
export class RunDecision {
  readonly drafts: EventDraft[] = [];
  constructor(
    public run: RunProjection,
    readonly nowIso: string,
  ) {}

  push(...drafts: EventDraft[]): void {
    if (drafts.length === 0) return;
    this.drafts.push(...drafts);
    this.run = advanceRun(this.run, drafts, this.nowIso);
  }
}
